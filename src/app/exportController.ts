/**
 * Links, pictures and videos of what is on screen. Pictures and video frames are drawn by an
 * off-screen renderer (ExportFrame), so the on-screen view never changes size or camera; a water-level
 * video moves the level on screen while it records and puts it back afterwards.
 */
import { canvasToPng, checkPngOptions, pngSize } from '../io/png';
import { saveBlob } from '../io/download';
import { checkVideoOptions, encodeWebm, frameParameter, type FrameSource, type VideoPlan, type VideoResult } from '../io/video';
import { errorMessage } from '../model/errors';
import type { AppState } from '../state/appState';
import { encodeState } from '../state/urlCodec';
import { copyLink, type CopyOutcome } from '../ui/copyLink';
import { CAMERA_PRESETS } from '../view/camera';
import { keyframePath, turntablePath, type CameraPath } from '../view/cameraPath';
import { ExportFrame } from '../view/exportFrame';
import type { SurfaceView } from '../view/surfaceView';
import type GUI from 'lil-gui';
import { exportCaption, exportFileStem, importedSubject } from '../io/caption';
import { describeSpec } from '../model/spec';
import { ExportPanel } from '../ui/exportPanel';
import type { ConnectController } from './connectController';
import type { Display } from './display';
import type { Store } from './store';
import type { SublevelController } from './sublevelController';

export interface ExportHost {
  readonly view: SurfaceView;
  readonly sublevel: SublevelController;
  state(): AppState;
  /** Caption text and file name stem of what is on screen; null before the first surface. */
  subject(): { caption: string; fileStem: string } | null;
  notify(lines: readonly string[], kind?: 'info' | 'error'): void;
  progress(text: string, busy: boolean): void;
  /** Moves the marker along the connected curve (NaN hides it); null while no curve is shown. */
  curveTravel(): ((t: number) => void) | null;
}

export interface PngResult {
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly fileName: string;
  readonly ignored: string[];
  readonly blob: Blob;
}

export type VideoExportResult = Omit<VideoResult, 'blob'> & {
  readonly bytes: number;
  readonly fileName: string;
  readonly ignored: string[];
  readonly blob: Blob;
};

export class ExportController {
  private running: AbortController | null = null;

  constructor(private readonly host: ExportHost) {}

  /** The page's URL with the whole state (camera included) in the hash. */
  link(): string {
    const loc = globalThis.location;
    // `ask` (long jobs ask first, src/app/longJobs.ts) and `eng` (the grid engine, engineSwitch.ts) are the
    // viewer's own settings, not part of the surface.
    const query = new URLSearchParams(loc.search);
    query.delete('ask');
    query.delete('eng');
    const search = query.size > 0 ? `?${query.toString()}` : '';
    return `${loc.origin}${loc.pathname}${search}#${encodeState(this.host.state())}`;
  }

  async copyLink(): Promise<CopyOutcome> {
    const outcome = await copyLink(this.link());
    this.host.notify([outcome === 'copied' ? 'link copied' : 'link selected in the field below the title: copy it with Ctrl+C (⌘C)']);
    return outcome;
  }

  async png(input?: unknown): Promise<PngResult> {
    const subject = this.need();
    const { options, ignored } = checkPngOptions(input);
    const canvas = this.host.view.canvas;
    const { width, height } = pngSize(canvas.clientWidth, canvas.clientHeight, options.scale);
    const frame = new ExportFrame(document, {
      width,
      height,
      transparent: options.transparent,
      colorBar: options.colorBar,
      caption: options.caption ? subject.caption : null,
      overlayScale: options.scale,
    });
    try {
      this.host.sublevel.flush();
      const blob = await canvasToPng(frame.draw(this.host.view));
      const fileName = `${subject.fileStem}.png`;
      if (!isNoDownload(input)) saveBlob(blob, fileName);
      this.host.notify([...ignored, `PNG saved: ${fileName} (${width}×${height})`]);
      return { width, height, bytes: blob.size, fileName, ignored, blob };
    } finally {
      frame.dispose();
    }
  }

  /** Render and encode a video; one at a time. Rejects with an AbortError after cancel(). */
  async video(input?: unknown): Promise<VideoExportResult> {
    const subject = this.need();
    if (this.running !== null) throw new Error('a video export is already running: cancel it first');
    const { plan, ignored } = checkVideoOptions(input);
    if (plan.kind === 'curve' && this.host.curveTravel() === null) {
      const message =
        'a curve video needs a curve on screen: connect two minima or show a training path first (connect endpoints / training path, or landscape.connect() / landscape.trajectory())';
      this.host.notify([message], 'error');
      throw new Error(message);
    }
    const state = this.host.state();
    const frame = new ExportFrame(document, {
      width: plan.width,
      height: plan.height,
      transparent: false,
      colorBar: plan.colorBar,
      caption: plan.caption ? subject.caption : null,
      overlayScale: Math.max(0.5, plan.height / 720),
    });
    const abort = new AbortController();
    this.running = abort;
    const source = this.frameSource(plan, frame, state);
    this.host.progress(`frame 0/${plan.frames}`, true);
    try {
      const result = await encodeWebm(plan, source, {
        signal: abort.signal,
        onProgress: (done, total) => this.host.progress(`frame ${done}/${total} · ${Math.round((100 * done) / total)}%`, true),
        forceMediaRecorder: isObject(input) && input.forceMediaRecorder === true,
      });
      const fileName = `${subject.fileStem}-${plan.kind}.webm`;
      if (!isNoDownload(input)) saveBlob(result.blob, fileName);
      this.host.progress(`saved ${fileName}`, false);
      this.host.notify([
        ...ignored,
        `video saved: ${fileName} (${result.frames} frames, ${result.durationS} s, ${result.codec}, ${result.encoder})`,
      ]);
      const { blob, ...rest } = result;
      return { ...rest, bytes: blob.size, fileName, ignored, blob };
    } catch (err) {
      const cancelled = err instanceof DOMException && err.name === 'AbortError';
      this.host.progress(cancelled ? 'cancelled' : 'failed', false);
      this.host.notify([cancelled ? 'video export cancelled' : `video export failed: ${errorMessage(err)}`], cancelled ? 'info' : 'error');
      throw err;
    } finally {
      source.finish();
      frame.dispose();
      this.running = null;
    }
  }

  /** Stop the running video export (it rejects with an AbortError); false when none runs. */
  cancel(): boolean {
    if (this.running === null) return false;
    this.running.abort();
    return true;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  private frameSource(plan: VideoPlan, frame: ExportFrame, state: AppState): FrameSource & { finish(): void } {
    const view = this.host.view;
    const sublevel = this.host.sublevel;
    const start = view.getCamera();
    if (plan.kind === 'water') {
      return {
        canvas: frame.canvas,
        drawFrame: (i) => {
          const level = sublevel.levelAtPosition(frameParameter(plan, i));
          sublevel.setSettings({ ...state.sublevel, water: true, level });
          frame.draw(view, start);
        },
        finish: () => sublevel.setSettings(state.sublevel),
      };
    }
    if (plan.kind === 'curve') {
      const travel = this.host.curveTravel();
      if (travel === null) throw new Error('a curve video needs a curve on screen: connect two minima or show a training path first');
      return {
        canvas: frame.canvas,
        drawFrame: (i) => {
          travel(frameParameter(plan, i));
          frame.draw(view, start);
        },
        finish: () => travel(Number.NaN),
      };
    }
    const path: CameraPath = plan.kind === 'turntable' ? turntablePath(start) : keyframePath(plan.path ?? [start, CAMERA_PRESETS.top]);
    return {
      canvas: frame.canvas,
      drawFrame: (i) => void frame.draw(view, path(frameParameter(plan, i))),
      finish: () => undefined,
    };
  }

  private need(): { caption: string; fileStem: string } {
    const subject = this.host.subject();
    if (subject === null) throw new Error('no surface yet: await landscape.ready() first');
    return subject;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNoDownload(input: unknown): boolean {
  return isObject(input) && input.download === false;
}

/** What the Export folder reads from the page. */
export interface ExportWiring {
  readonly view: SurfaceView;
  readonly sublevel: SublevelController;
  readonly display: Display;
  readonly store: Store;
  readonly connector: ConnectController;
  readonly folder: GUI;
}

/** Links, PNG and video: the Export folder, and the camera written to the link when orbiting stops. */
export function installExports(w: ExportWiring): ExportController {
  const exporter = new ExportController({
    view: w.view,
    sublevel: w.sublevel,
    state: () => w.store.state,
    subject: () => {
      const shown = w.display.otherPlane;
      const from = shown?.surface.imported;
      if (shown !== null && from !== undefined) {
        return importedSubject(from.name, from.format, shown.recipe === null ? null : describeSpec(shown.recipe.spec));
      }
      const result = w.display.engineResult;
      if (result === null) return null;
      const spec = describeSpec(result.spec);
      return { caption: exportCaption(w.store.state, spec), fileStem: exportFileStem(w.store.state, spec) };
    },
    notify: (lines, kind) => w.store.notify(lines, kind),
    progress: (text, busy) => exportPanel.setProgress(text, busy),
    curveTravel: () => (w.connector.overlay.polylineCount > 0 ? (t: number) => w.connector.travelTo(t) : null),
  });
  const quiet = (p: Promise<unknown>): void => void p.catch(() => undefined);
  const exportPanel = new ExportPanel(w.folder, {
    copyLink: () => quiet(exporter.copyLink()),
    savePng: (options) => quiet(exporter.png(options)),
    recordVideo: (options) => quiet(exporter.video(options)),
    cancel: () => exporter.cancel(),
  });
  w.view.onCameraSettled((pose) => {
    // Rounded so links stay short; only the hash changes, nothing is recomputed.
    const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits + 0;
    w.store.update({
      camera: { azimuth: round(pose.azimuth, 1), elevation: round(pose.elevation, 1), distance: round(pose.distance, 2) },
    });
  });
  return exporter;
}
