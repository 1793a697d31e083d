/**
 * Presets in the page: the gallery, the note beside the view, `#preset=<id>` typed into the address bar,
 * and the thumbnail cache (a preset's surface is copied into its card the first time it is drawn).
 */
import { encodeState } from '../state/urlCodec';
import type { AppState } from '../state/appState';
import { PRESETS, decodeLink, presetState, type Preset } from '../state/presets';
import { Gallery, saveThumbnail } from '../ui/gallery';
import { PresetInfo } from '../ui/presetInfo';

export interface PresetHost {
  /** Replace the state (validated) and recompute; resolves when drawn. */
  apply(state: AppState): Promise<void>;
  /** Resolves when the job on screen is done (rejects if it failed). */
  settled(): Promise<void>;
  state(): AppState;
  /** Draws the 3-D view now and returns its canvas. */
  drawnCanvas(): HTMLCanvasElement;
  notify(lines: string[]): void;
}

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

  constructor(root: HTMLElement, private readonly host: PresetHost, opened: Preset | null, hash: string) {
    this.info = new PresetInfo(root);
    this.gallery = new Gallery(root, PRESETS, (p) => thumbnailKey(presetState(p).state), {
      open: (p) => void this.open(p).catch(() => undefined),
      available: (p) => p.status === 'ready' && (p.flow !== 'connect' || connectFlow() !== null),
    });
    if (opened !== null) {
      this.info.show(opened);
      void this.afterDrawn(opened).then(() => this.runFlow(opened));
    }
    if (Gallery.firstVisit(hash)) this.gallery.show();
    // The note is read on arrival; once someone orbits the view it folds to its title and stops covering the surface.
    root.querySelector('#view')?.addEventListener('pointerdown', () => this.info.fold(true));
    window.addEventListener('hashchange', () => {
      const link = decodeLink(location.hash);
      if (link.preset === null) return;
      // The hash the app writes never names a preset, so this is a person or a link on the page.
      this.host.notify(link.ignored);
      const preset = link.preset;
      this.info.show(preset);
      void this.host.apply(link.state).then(() => this.afterDrawn(preset)).then(() => this.runFlow(preset)).catch(() => undefined);
    });
  }

  /** Open a preset: its state, its note, then its flow if it has one. */
  async open(preset: Preset): Promise<void> {
    const { state } = presetState(preset);
    this.info.show(preset);
    await this.host.apply(state);
    await this.afterDrawn(preset);
    await this.runFlow(preset);
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
      this.info.setFlow('done', `Barrier along the straight line ${r.lineBarrier.toPrecision(3)}, along the trained curve ${r.curveBarrier.toPrecision(3)}.`, {
        lineBarrier: String(r.lineBarrier),
        curveBarrier: String(r.curveBarrier),
      });
    } catch (err) {
      this.info.setFlow('failed', `The flow stopped: ${err instanceof Error ? err.message : String(err)}`);
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
