import type { PipelineResult } from '../engine/pipeline';
import type { TimelineEntry } from '../engine/progressive';
import type { Surface } from '../landscape/surface';
import { layerWidths, paramLayout } from '../model/spec';
import type { ExportFormat } from '../ui/filesPanel';
import type { SurfaceView } from '../view/surfaceView';
import type { Display } from './display';
import type { ExportController } from './exportController';
import type { FileController } from './fileController';
import type { Runner } from './runner';
import type { Store } from './store';
import type { SublevelController } from './sublevelController';
import type { TrainingController } from './trainingController';
import type { ConnectController } from './connectController';
import type { AppState } from '../state/appState';
import type { Segment } from '../model/spec';
import type { GridPoint } from '../landscape/sublevelAnalysis';
import type { SublevelResult } from './sublevelController';
import type { MinimumApiEntry, SweepApiResult, TrainApiResult } from './trainingController';
import type { ConnectApiResult } from './connectController';
import type { HessianApiResult, SpectrumController } from './spectrumController';
import type { CameraPose } from '../view/camera';
import type { ViewLayout } from '../view/surfaceView';
import type { TrajectoryApiResult } from '../engine/trajectory';
import type { BarrierMatrixResult } from '../engine/barrierMatrix';
import type { BarrierController } from './barrierController';
import type { CompareApiResult, CompareController } from './compareController';
import type { OpenModelOptions, OpenModelResult, OwnModelController, OwnModelInfo } from './ownModelController';
import type { LongJobQuestion, LongJobs, LongJobSettings } from './longJobs';
import type { EngineApiResult, EngineSwitch } from './engineSwitch';

/** What `window.landscape` offers power users and tests (documented in docs/console-api.md). */
export interface LandscapeApi {
  /** Stop the running job (surface, path view or training); the view keeps what it shows. False when none ran. */
  cancel(): boolean;
  /** Resolves when the current surface is drawn; rejects if the newest job failed. */
  ready(): Promise<void>;
  /** A read-only copy of the state. */
  readonly state: AppState;
  /** Merge a partial state (clamped, with a notice for anything ignored), recompute, draw. */
  set(partial: unknown): Promise<void>;
  surface(): Surface;
  /**
   * The page's network. While the surface of a model opened with openModel() is on screen it answers that
   * model instead, `{ spec: { kind: 'onnx', loss, files, segments }, theta, data }` (typed: ownModel()).
   */
  model(): {
    spec: {
      widths: number[];
      inputs: number;
      hidden: number[];
      outputs: number;
      activation: string;
      loss: string;
      bias: boolean;
      residual: boolean;
      segments: Segment[];
    };
    theta: Float32Array;
    data: { x: Float32Array; y: Float32Array; m: number; inputs: number };
  };
  plane(): { center: Float32Array; directionX: Float32Array; directionY: Float32Array };
  /**
   * Your own model (docs/own-model.md): `{ onnx: Uint8Array | Uint8Array[] (1–3 checkpoints), data: .npz bytes, loss?,
   * directions?: a loss-landscape direction .h5, names?, dataName? }`. Resolves `{ ok: true }` once its surface is drawn,
   * or `{ ok: false, error }` with the view unchanged.
   */
  openModel(options: OpenModelOptions): Promise<OpenModelResult>;
  /** The model opened with openModel() while its surface is on screen, else null. */
  ownModel(): OwnModelInfo | null;
  /** Notices shown for the last change (clamped or ignored values). */
  notices(): string[];
  /**
   * Connected components of {L < level} on the grid (default: the water level on screen), with
   * the connectivity on screen unless given. Does not move the slider. `labels[iy·gridSize+ix]`
   * is the component or −1; `sizes[k]` the cell count of component k.
   */
  sublevel(level?: number, connectivity?: 4 | 8): SublevelResult;
  /**
   * The lowest E at which two grid points lie in one component of {L ≤ E} in this slice
   * (Infinity if never). A point is a grid index, {ix, iy} or {alpha, beta} (nearest grid point).
   */
  mergeLevel(pointA: GridPoint, pointB: GridPoint, connectivity?: 4 | 8): number;
  /** The slice's local minima in birth order (deepest first) with death and persistence. */
  sliceMinima(connectivity?: 4 | 8): {
    cell: number;
    ix: number;
    iy: number;
    alpha: number;
    beta: number;
    birth: number;
    death: number;
    persistence: number;
  }[];
  /** Start the animated sweep of E from min to max, or stop it if running. */
  sweep(): void;
  /**
   * Train K seeds of the page's network on its data, all at once (GPU, else the CPU twin):
   * `{ seeds: K (1..256), steps, optimizer: 'adam' | 'sgd', lr, epsilon (ε / median initial loss, default 1e-4),
   * firstSeed, snapshotEvery }`; out-of-range values are clamped and listed in `notices`. Every
   * trained network joins minima(). Resolves with the final losses per seed and the success fraction.
   */
  train(options?: unknown): Promise<TrainApiResult>;
  /**
   * The "are all minima global?" experiment: `{ samples: m, widths: n₁[] (default 1 … m+2), seeds, steps, lr,
   * optimizer, activation, loss, duplicated, epsilon, dataSeed, keep }`; per width the success fraction and median final loss.
   */
  widthSweep(options?: unknown): Promise<SweepApiResult>;
  /** Stop a running train() or widthSweep() (it rejects with an AbortError). */
  stopTraining(): void;
  /** Every kept trained network, oldest first, with θ (and snapshots) as Float32Arrays. */
  minima(): MinimumApiEntry[];
  /** Centre the plane on a kept network (null: train θ₀ from the state again); resolves when redrawn. */
  useMinimum(id: number | null): Promise<void>;
  /** Mark (or unmark) a kept network as an endpoint for curves between minima. */
  markEndpoint(id: number, on?: boolean): void;
  /** Draw every view now (before a screenshot); they otherwise draw on the next frame. */
  redraw(): void;
  /** The on-screen camera: azimuth and elevation in degrees, distance in world units. */
  camera(): CameraPose;
  /** The page's URL with the whole state, camera included, in the hash. */
  link(): string;
  /** Copy link() to the clipboard (or select it in a field where the clipboard is refused). */
  copyLink(): Promise<'copied' | 'selected'>;
  /**
   * Save a PNG of the 3-D view: `{ scale: 1 | 2 | 4, transparent, colorBar, caption, download }`
   * (defaults 2, false, true, true, true). Resolves with its size and file name.
   */
  exportPng(
    options?: unknown,
  ): Promise<{ width: number; height: number; bytes: number; fileName: string; ignored: string[]; type: string }>;
  /**
   * Render and save a WebM: `{ kind: 'turntable' | 'water' | 'path', resolution: '720p' | '1080p', width, height,
   * durationS, fps, codec: 'vp9' | 'vp8', colorBar, caption, path: CameraPose[], download }`. Rejects with an
   * AbortError after cancelExport().
   */
  exportVideo(options?: unknown): Promise<{
    encoder: 'webcodecs' | 'mediarecorder';
    codec: string;
    frames: number;
    width: number;
    height: number;
    fps: number;
    durationS: number;
    bytes: number;
    fileName: string;
    ignored: string[];
    type: string;
  }>;
  /** Cancel a running video export; false when none runs. */
  cancelExport(): boolean;
  /**
   * Save the surface on screen as 'h5' | 'npy' | 'csv' | 'vtp' | 'glb' | 'bundle' (see docs/file-formats.md);
   * `download: false` only builds it. Rejects with a message when it cannot.
   */
  exportSurface(
    format: 'h5' | 'npy' | 'csv' | 'vtp' | 'glb' | 'bundle',
    options?: { download?: boolean },
  ): Promise<{ fileName: string; bytes: number; type: string }>;
  /**
   * Open a file's bytes as if dropped on the page (format by magic bytes, then by `name`): a
   * surface is shown in place, a model bundle is evaluated; a bad file leaves the view as it was.
   */
  importFile(bytes: Uint8Array | ArrayBuffer | readonly number[], name: string): Promise<{ ok: true } | { ok: false; error: string }>;
  /**
   * Mode connectivity: `{ a, b, kind: 'bezier' | 'chain' | 'neb', bends (chain, 1..3), steps, lr, optimizer, tPerStep,
   * images (NEB), weightDecay, points (default 61), gridSize, margin, firstSeed, minimaSteps, minimaLr }`. A and B are
   * ids from minima() or parameter vectors; when omitted, the networks marked as endpoints, else two new seeds
   * (firstSeed, firstSeed + 1) of the page's network are trained and marked. Trains the curve (GPU, else the CPU
   * twin), evaluates loss along the line and the curve, and shows the plane through A, θ_b, B (surface() returns it:
   * A at α = β = 0, B at α = 1, β = 0). A newer job cancels it (it rejects with an AbortError).
   */
  connect(options?: unknown): Promise<ConnectApiResult>;
  /**
   * The training trajectory: `{ seed (default 1), steps (default the page's), lr, snapshots (3..200, default 40),
   * gridSize, margin }`. Trains that seed of the page's network with snapshots (GPU, else the CPU twin), shows the
   * plane of the path's two principal directions through its end point with the path drawn on it, and resolves with
   * the snapshots' steps, plane coordinates and losses, the loss along the straight line start → end, the
   * fraction of the path's variance the plane holds, and per snapshot `offPlane` (distance from the plane),
   * `trueLoss` (its full-batch loss) and `planeLoss` (the loss read off the plane at its coordinates). A newer job cancels it (it rejects with an AbortError).
   */
  trajectory(options?: unknown): Promise<TrajectoryApiResult>;
  /**
   * The pictures drawn by the last surface job, coarse to fine: `[{ gridSize, samples, ms }]` with ms from
   * the job's start, training excluded; the array's `trainMs` is the time spent training θ₀ (0 when cached).
   */
  timeline(): TimelineEntry[] & { trainMs: number };
  /** Put the marker that travels along the curve at t ∈ [0, 1] (NaN hides it); for videos and screenshots. */
  travelAlongCurve(t: number): void;
  /** Polylines of the paths drawn on the surface now (2 after connect(), 0 on another surface). */
  pathOverlayCount(): number;
  /**
   * The Hessian at θ₀ of the state's surface (docs/curvature.md): `{ top, bottom, iterations, probes, probeIterations,
   * directions, seed }` (defaults 5, 5, 40, 6, 24, 32, the state's seed). Lanczos over GPU Hessian-vector products (else the
   * CPU twin); resolves with the eigenvalues (largest first), their unit vectors, Hutchinson's trace, the trace from the
   * loss's second differences along random directions, the SLQ density and the time. Draws the spectrum card.
   * `set({ plane: { directions: 'hessian' } })` slices along v_max and v_min.
   */
  hessian(options?: unknown): Promise<HessianApiResult>;
  /**
   * Where the 3-D view draws on the page now (client CSS pixels): the canvas, the bounding rectangle of the
   * loss box's projected corners, every visible 3-D label's text box with its size on screen, and the hover marker.
   */
  viewLayout(): ViewLayout;
  /**
   * The barrier matrix of K minima (docs/mode-connectivity.md): `{ seeds (2..16, default 6) | ids: kept ids, kind, steps, lr, …
   * (connect()'s curve options), firstSeed, minimaSteps, minimaLr }`. Trains the seeds (unless ids are given), connects every
   * pair by the straight line and a trained curve, one pair after another, and resolves with `{ ids, line, curve, order, merge,
   * lineMerge, … }`: K × K barriers (symmetric, 0 on the diagonal; each entry is that pair's own connect() barrier with the same
   * options), the single-linkage order of the curve matrix (indices into ids) and each pair's merge level. Draws the card.
   */
  barrierMatrix(options?: unknown): Promise<BarrierMatrixResult>;
  /**
   * Compare mode (`set({ view: { compare: 'dirs:hessian' } })`, docs/curvature.md#compare-two-planes): what the two views
   * show, `{ left: { label, min, max, gridSize, camera, pan }, right: { … }, scale: { min, max }, caveat }`; `scale` is the
   * one range both views are coloured and scaled in height against. Throws when compare mode is off or before its surface.
   */
  compareView(): CompareApiResult;
  /**
   * The question a long job asks in the view (docs/jobs.md), or null when none is open: `{ job: 'grid' | 'training',
   * text, estimateS, continueLabel, stopLabel }`.
   */
  question(): LongJobQuestion | null;
  /** Answer the open question as its buttons do ('stop' stops a grid at the level offered); false when none is open. */
  answer(choice: 'continue' | 'stop'): boolean;
  /**
   * Whether long jobs ask first, and above how many seconds: `{ ask, thresholdS }` (default true, 10; `?ask=never` in
   * the URL starts with ask false). `ask: false` also answers an open question "continue". Returns the settings in use.
   */
  longJobs(options?: unknown): LongJobSettings;
  /**
   * The grid engine: `engine()` says what was asked for ('auto', 'gpu', 'gpu-<variant>', 'cpu'), the engine
   * the last grid ran on and why, and the calibration; `engine('cpu')` switches and recomputes the surface.
   */
  engine(): EngineApiResult;
  engine(choice: string): Promise<EngineApiResult>;
}

declare global {
  interface Window {
    landscape: LandscapeApi;
  }
}

/** The parts of the page the console API reads and drives. */
export interface ApiParts {
  readonly store: Store;
  readonly runner: Runner;
  readonly display: Display;
  readonly view: SurfaceView;
  readonly sublevel: SublevelController;
  readonly training: TrainingController;
  readonly exporter: ExportController;
  readonly files: FileController;
  readonly connector: ConnectController;
  readonly spectrum: SpectrumController;
  readonly barriers: BarrierController;
  readonly compare: CompareController;
  readonly own: OwnModelController;
  readonly longJobs: LongJobs;
  readonly engines: EngineSwitch;
  /** Merge a partial state, recompute what changed, draw. */
  apply(partial: unknown): Promise<void>;
  /** Stop the running job and any training run. */
  cancel(): boolean;
}

/** `window.landscape`: every call is validated like the panel's input and answers plain data. */
export function landscapeApi(p: ApiParts): LandscapeApi {
  const need = (): PipelineResult => {
    const result = p.display.engineResult;
    if (result === null) throw new Error('no surface yet: await landscape.ready() first');
    return result;
  };
  const surface = (): Surface => {
    const shown = p.display.otherPlane;
    return shown !== null ? shown.surface : need().surface;
  };
  return {
    ready: () => p.runner.settled(),
    cancel: () => p.cancel(),
    get state(): AppState {
      return p.store.state;
    },
    set: (partial: unknown) => p.apply(partial),
    surface,
    exportSurface: async (format: ExportFormat, options?: { download?: boolean }) => {
      const file = await p.files.save(format, options?.download ?? true);
      const bytes = typeof file.data === 'string' ? new TextEncoder().encode(file.data).length : file.data.length;
      return { fileName: file.fileName, bytes, type: file.mime };
    },
    importFile: async (bytes: Uint8Array | ArrayBuffer | readonly number[], name: string) => {
      const data = bytes instanceof Uint8Array ? bytes : bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : Uint8Array.from(bytes);
      const error = await p.files.importBytes(data, name);
      return error === null ? { ok: true as const } : { ok: false as const, error };
    },
    openModel: (options: OpenModelOptions) => p.own.openModel(options),
    ownModel: () => p.own.apiModel(),
    model: () => {
      const own = p.own.apiModel();
      // The declared type is the built-in network's (existing callers); an ONNX model answers its own shape.
      if (own !== null) return own as unknown as ReturnType<LandscapeApi['model']>;
      const r = need();
      return {
        spec: {
          widths: layerWidths(r.spec),
          inputs: r.spec.inputs,
          hidden: [...r.spec.hidden],
          outputs: r.spec.outputs,
          activation: r.spec.activation,
          loss: r.spec.loss,
          bias: r.spec.bias,
          residual: r.spec.residual === true,
          segments: paramLayout(r.spec).segments.map((s) => ({ ...s, shape: [...s.shape] })),
        },
        theta: r.theta.slice(),
        data: { x: r.data.x.slice(), y: r.data.y.slice(), m: r.data.m, inputs: r.data.inputs },
      };
    },
    plane: () => {
      const own = p.own.apiPlane();
      if (own !== null) return own;
      const plane = need().plane;
      return { center: plane.center.slice(), directionX: plane.directionX.slice(), directionY: plane.directionY.slice() };
    },
    notices: () => p.store.notices,
    sublevel: (level?: number, connectivity?: 4 | 8) => {
      need();
      return p.sublevel.sublevel(level, connectivity);
    },
    mergeLevel: (a, b, connectivity?: 4 | 8) => {
      need();
      return p.sublevel.mergeLevel(a, b, connectivity);
    },
    sliceMinima: (connectivity?: 4 | 8) => {
      need();
      return p.sublevel.minima(connectivity);
    },
    train: (options?: unknown) => p.training.train(options ?? {}),
    widthSweep: (options?: unknown) => p.training.widthSweep(options ?? {}),
    stopTraining: () => p.training.stop(),
    minima: () => p.training.list(),
    useMinimum: (id: number | null) => p.training.useMinimum(id).then(() => p.runner.settled()),
    markEndpoint: (id: number, on?: boolean) => p.training.setEndpoint(id, on ?? true),
    sweep: () => p.sublevel.toggleSweep(),
    redraw: () => p.sublevel.flush(),
    camera: () => p.view.getCamera(),
    link: () => p.exporter.link(),
    copyLink: () => p.exporter.copyLink(),
    exportPng: async (options) => {
      const { blob, ...rest } = await p.exporter.png(options);
      return { ...rest, type: blob.type };
    },
    exportVideo: async (options) => {
      const { blob, ...rest } = await p.exporter.video(options);
      return { ...rest, type: blob.type };
    },
    cancelExport: () => p.exporter.cancel(),
    connect: (options?: unknown) => p.runner.connect(options ?? {}),
    trajectory: (options?: unknown) => p.runner.trajectory(options ?? {}),
    travelAlongCurve: (t: number) => p.connector.travelTo(t),
    pathOverlayCount: () => p.connector.overlay.polylineCount,
    timeline: () =>
      Object.assign(
        p.runner.timeline.map((e) => ({ ...e })),
        { trainMs: p.runner.trainMs },
      ),
    hessian: (options?: unknown) => p.spectrum.compute(options ?? {}),
    viewLayout: () => p.view.layout(),
    barrierMatrix: (options?: unknown) => p.barriers.compute(options ?? {}),
    compareView: () => p.compare.summary(),
    question: () => p.longJobs.question(),
    answer: (choice: unknown) => {
      if (choice !== 'continue' && choice !== 'stop')
        throw new Error(`answer('continue') or answer('stop'), not ${JSON.stringify(choice)}`);
      return p.longJobs.answer(choice);
    },
    longJobs: (options?: unknown) => p.longJobs.configure(options ?? {}),
    engine: ((choice?: unknown) => (choice === undefined ? p.engines.info() : p.engines.set(choice))) as LandscapeApi['engine'],
  };
}
