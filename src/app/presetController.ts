/**
 * Presets in the page: the gallery, the note beside the view, `#preset=<id>` typed into the address bar,
 * and the thumbnail cache (a preset's surface is copied into its card the first time it is drawn).
 */
import { isAborted } from '../gpu/lossGrid.types';
import { errorMessage } from '../model/errors';
import { encodeState } from '../state/urlCodec';
import type { AppState } from '../state/appState';
import { PRESETS, decodeLink, presetState, type Preset } from '../state/presets';
import { Gallery, THUMB_HEIGHT, THUMB_WIDTH, loadThumbnail, saveThumbnail, saveThumbnailUrl } from '../ui/gallery';
import { thumbnailPixels } from '../view/thumbnail';
import { PresetInfo } from '../ui/presetInfo';
import { PresentMode } from '../ui/presentMode';
import { OWN_EXAMPLES, ownExampleHash, splitOwnLink, type OwnExample } from '../state/ownExamples';

export interface PresetHost {
  /** Replace the state (validated) and recompute; resolves when drawn. */
  apply(state: AppState): Promise<void>;
  /** Resolves when the job on screen is done (rejects if it failed). */
  settled(): Promise<void>;
  state(): AppState;
  /** Draws the 3-D view now and returns its canvas. */
  drawnCanvas(): HTMLCanvasElement;
  notify(lines: string[]): void;
  /** A small loss grid of a state, apart from the page (on the GPU, or on a CPU worker of its own). */
  previewGrid?(state: AppState, gridSize: number, signal: AbortSignal): Promise<Float32Array | null>;
  /** Whether previewGrid runs here (the page: always, on the GPU or the CPU). */
  canPreview?(): boolean;
  /** Opens an example model of one's own (the open-model flow); absent where the page has none. */
  openOwnExample?(example: OwnExample): Promise<{ ok: true } | { ok: false; error: string }>;
}

/** Grid points a side of a gallery preview: enough for the picture, cheap on any adapter. */
const PREVIEW_GRID = 33;

/** The mode-connectivity flow, when the page offers it (the console API's `connect`). */
function connectFlow(): ((options: { gridSize: number }) => Promise<{ lineBarrier: number; curveBarrier: number }>) | null {
  const api: unknown = typeof window === 'undefined' ? undefined : window.landscape;
  if (typeof api !== 'object' || api === null || !('connect' in api)) return null;
  const connect = api.connect;
  return typeof connect === 'function' ? (options) => Promise.resolve(connect.call(api, options)) : null;
}

/** The engine inputs and view of a state: what a thumbnail depends on. */
function thumbnailKey(state: AppState): string {
  return encodeState({ ...state, camera: { azimuth: 0, elevation: 0, distance: 1.2 } });
}

export class PresetController {
  readonly gallery: Gallery;
  readonly info: PresetInfo;
  readonly present: PresentMode;

  constructor(
    root: HTMLElement,
    private readonly host: PresetHost,
    opened: Preset | null,
    hash: string,
  ) {
    this.info = new PresetInfo(root);
    // Presenting unfolds the note: it is what the audience reads beside the surface.
    this.present = new PresentMode(root, (on) => {
      if (on) this.info.fold(false);
    });
    this.gallery = new Gallery(
      root,
      PRESETS,
      (p) => thumbnailKey(presetState(p).state),
      {
        open: (p) => void this.open(p).catch(() => undefined),
        visibility: (open) => (open ? void this.makeThumbnails() : this.stopThumbnails()),
        makesPreviews: () => this.host.canPreview?.() === true,
        openOwn: (e) => void this.openOwn(e),
      },
      this.host.openOwnExample ? OWN_EXAMPLES : [],
    );
    const ownLink = splitOwnLink(hash);
    if (ownLink.ignored.length > 0) this.host.notify(ownLink.ignored);
    if (ownLink.example !== null) {
      const example = ownLink.example;
      void this.host
        .settled()
        .catch(() => undefined)
        .then(() => this.openOwn(example));
    }
    if (opened !== null) {
      this.info.show(opened);
      void this.afterDrawn(opened).then(() => this.runFlow(opened));
    }
    if (Gallery.firstVisit(hash)) this.gallery.show();
    // The note is read on arrival; once someone orbits the view it folds to its title and stops covering the surface.
    root.querySelector('#view')?.addEventListener('pointerdown', () => this.info.fold(true));
    window.addEventListener('hashchange', () => {
      const own = splitOwnLink(location.hash);
      if (own.ignored.length > 0) this.host.notify(own.ignored);
      if (own.example !== null) {
        void this.openOwn(own.example);
        return;
      }
      const link = decodeLink(location.hash);
      if (link.preset === null) return;
      // The hash the app writes never names a preset, so this is a person or a link on the page.
      this.host.notify(link.ignored);
      const preset = link.preset;
      this.info.show(preset);
      void this.host
        .apply(link.state)
        .then(() => this.afterDrawn(preset))
        .then(() => this.runFlow(preset))
        .catch(() => undefined);
    });
  }

  private previews: AbortController | null = null;

  /**
   * While the gallery is open: the presets without a thumbnail, one after another, each trained and
   * computed on a PREVIEW_GRID² grid (GPU or CPU worker) after the page's own job is done, drawn as a lit top
   * view and put into its card. Closing the gallery (or opening a preset) stops it at once.
   */
  private async makeThumbnails(): Promise<void> {
    const preview = this.host.previewGrid?.bind(this.host);
    if (preview === undefined || this.host.canPreview?.() !== true || this.previews !== null) return;
    const controller = new AbortController();
    this.previews = controller;
    try {
      await this.host.settled().catch(() => undefined);
      for (const preset of PRESETS) {
        if (controller.signal.aborted) return;
        const { state } = presetState(preset);
        const key = thumbnailKey(state);
        if (loadThumbnail(preset.id, key) !== null) continue;
        let loss: Float32Array | null;
        try {
          loss = await preview(state, PREVIEW_GRID, controller.signal);
        } catch {
          continue; // a preset that cannot be previewed keeps its placeholder
        }
        if (loss === null || isAborted(controller.signal)) return;
        const url = thumbnailUrl(loss, PREVIEW_GRID, state);
        if (url === null) continue;
        saveThumbnailUrl(preset.id, key, url);
        this.gallery.refreshCard(preset.id);
      }
    } finally {
      if (this.previews === controller) this.previews = null;
    }
  }

  private stopThumbnails(): void {
    this.previews?.abort();
    this.previews = null;
  }

  /** Open a preset: its state, its note, then its flow if it has one. */
  async open(preset: Preset): Promise<void> {
    this.stopThumbnails();
    const { state } = presetState(preset);
    this.info.show(preset);
    await this.host.apply(state);
    await this.afterDrawn(preset);
    await this.runFlow(preset);
  }

  /**
   * Open an example model of one's own: its note beside the view, then the open-model flow; `data-flow`
   * on #preset-info (running, done, failed) and data-center-loss let tests wait.
   */
  async openOwn(example: OwnExample): Promise<void> {
    this.stopThumbnails();
    const open = this.host.openOwnExample?.bind(this.host);
    this.info.showNote(example, ownExampleHash(example));
    if (open === undefined) {
      this.info.setFlow('failed', 'Opening a model is not in this page.');
      return;
    }
    this.info.setFlow('running', 'Fetching the ONNX model, its data and its directions, then computing the surface…');
    const result = await open(example);
    if (result.ok) this.info.setFlow('done', 'Opened from the files shipped with the page.');
    else this.info.setFlow('failed', `The model could not be opened: ${result.error}`);
  }

  /**
   * A preset with a flow runs it once its state is drawn (from the gallery or its link); the note beside
   * the view says how it went, and `data-flow` on #preset-info (running, done, failed) lets tests wait.
   */
  private async runFlow(preset: Preset): Promise<void> {
    if (preset.flow !== 'connect') return;
    const flow = connectFlow();
    if (flow === null) {
      this.info.show(preset, 'The mode-connectivity flow is not in this build yet.');
      return;
    }
    this.info.setFlow('running', 'Training two minima and a Bezier curve between them…');
    try {
      const r = await flow({ gridSize: this.host.state().plane.gridSize });
      this.info.setFlow(
        'done',
        `Barrier along the straight line ${r.lineBarrier.toPrecision(3)}, along the trained curve ${r.curveBarrier.toPrecision(3)}.`,
        {
          lineBarrier: String(r.lineBarrier),
          curveBarrier: String(r.curveBarrier),
        },
      );
    } catch (err) {
      this.info.setFlow('failed', `The flow stopped: ${errorMessage(err)}`);
    }
  }

  /** Once the preset's own surface is on screen (not a variant from extra link keys), cache its thumbnail. */
  private async afterDrawn(preset: Preset | null): Promise<void> {
    if (preset === null) return;
    try {
      await this.host.settled();
    } catch {
      return;
    }
    const key = thumbnailKey(presetState(preset).state);
    if (thumbnailKey(this.host.state()) !== key) return;
    saveThumbnail(preset.id, key, this.host.drawnCanvas());
  }
}

/** A loss grid drawn as a gallery thumbnail (JPEG data URL), in the state's colormap and scale. */
function thumbnailUrl(loss: Float32Array, gridSize: number, state: AppState): string | null {
  const canvas = document.createElement('canvas');
  canvas.width = THUMB_WIDTH;
  canvas.height = THUMB_HEIGHT;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return null;
  const pixels = thumbnailPixels(
    { loss, gridSize, logScale: state.view.logScale, colormap: state.view.colormap, isolines: 12 },
    THUMB_WIDTH,
    THUMB_HEIGHT,
  );
  ctx.putImageData(new ImageData(pixels, THUMB_WIDTH, THUMB_HEIGHT), 0, 0);
  return canvas.toDataURL('image/jpeg', 0.85);
}
