/**
 * "Your own model": open an ONNX model (1–3 checkpoints) with its `.npz` data (and, optionally, a
 * loss-landscape direction file) from a button, by drag and drop or from the console, and show its
 * surface in place of the state's own, like an imported file: not in the link, kept until an engine
 * field changes. The model code (onnx-proto, onnxruntime-web) is loaded only when a model is opened.
 * The grid runs on onnxruntime-web: its WebGPU execution provider on the page's device where there is
 * one, its wasm provider in the engine worker otherwise (engines of their own, so the page's jobs and
 * these never share a backend). "auto" times one evaluation of θ₀ on each and takes the faster (on a
 * software adapter such as SwiftShader the wasm provider usually wins); the panel's "provider" and
 * openModel's `provider` choose one. A GPU job that fails goes to the wasm worker with a notice. A bad
 * file leaves the view as it was.
 */
import type GUI from 'lil-gui';
import type { Backend } from '../engine/backend';
import { gpuBackend } from '../engine/gpuBackend';
import { Engine } from '../engine/pipeline';
import { workerBackend } from '../engine/workerBackend';
import type { GpuContext } from '../gpu/device';
import { isAborted } from '../gpu/lossGrid.types';
import type { OwnModel, OwnView } from '../engine/ownModel';
import { parseDirectionsH5, type OnnxSurfaceRecipe } from '../io/onnxH5';
import { describeBytes } from '../io/result';
import { errorMessage } from '../model/errors';
import { LOSSES, type LossKind } from '../model/spec';
import type { Panel } from '../ui/panel';
import type { StatusBar } from '../ui/statusBar';
import type { ConnectController } from './connectController';
import type { Display, ShownPlane } from './display';
import type { Runner } from './runner';
import type { Store } from './store';
import type { OwnExample } from '../state/ownExamples';

/** Largest model or data file read (checked before reading). */
const MAX_OWN_FILE = 256 * 1024 * 1024;

/** Where the runtime evaluates the graph: measured (auto), or one chosen. */
export const OWN_PROVIDERS = ['auto', 'webgpu', 'wasm'] as const;
export type OwnProvider = (typeof OWN_PROVIDERS)[number];

const WASM_LABEL = 'onnxruntime-web wasm (Web Worker)';

/** What was chosen for the model on screen, and why. */
export interface ProviderChoice {
  /** The provider the surface was computed on (a GPU job that failed and went to the worker: 'wasm'). */
  readonly used: 'webgpu' | 'wasm';
  /** What was asked for. */
  readonly asked: OwnProvider;
  /** Milliseconds of one evaluation of θ₀ on all the data, where measured (auto). */
  readonly webgpuMs?: number;
  readonly wasmMs?: number;
  /** Why WebGPU was not used (no WebGPU, its provider failed). */
  readonly why?: string;
}

export interface OpenModelOptions {
  /** One model's bytes, or 1–3 checkpoints (A, B — or A, bend, B). */
  readonly onnx: Uint8Array | readonly Uint8Array[];
  /** The `.npz` with x and y. */
  readonly data: Uint8Array;
  readonly loss?: LossKind;
  /** A loss-landscape direction file (.h5) for the plane (one model only). */
  readonly directions?: Uint8Array;
  /** File names for the status line and the recipe (default model.onnx, data.npz). */
  readonly names?: readonly string[];
  readonly dataName?: string;
  /** Where to evaluate: auto (measured, the default), webgpu (the WebGPU EP on the page's device) or wasm. */
  readonly provider?: OwnProvider;
}

export type OpenModelResult = { ok: true } | { ok: false; error: string };

/** What the console's model() says of an open ONNX model. */
export interface OwnModelInfo {
  spec: { kind: 'onnx'; loss: string; files: string[]; segments: { name: string; kind: string; shape: number[]; offset: number }[] };
  theta: Float32Array;
  data: { x: Float32Array; xShape: number[]; y: Float32Array; m: number };
  /** The runtime's provider the surface was computed on, and the measurement behind an automatic choice. */
  provider: ProviderChoice;
  /** Checkpoints: the loss along the straight line A → B at 61 evenly spaced points; one model: null. */
  lineLoss: number[] | null;
}

export interface OwnModelParts {
  readonly root: HTMLElement;
  readonly folder: GUI;
  readonly store: Store;
  readonly panel: Panel;
  readonly display: Display;
  readonly status: StatusBar;
  readonly runner: Runner;
  readonly connector: ConnectController;
  /** The page's WebGPU device, or null without WebGPU (the wasm provider only). */
  readonly gpu?: GpuContext | null;
}

interface Opened {
  readonly own: OwnModel;
  readonly view: OwnView;
  readonly shown: ShownPlane;
  readonly dataName: string;
  readonly provider: ProviderChoice;
}

export class OwnModelController {
  private opened: Opened | null = null;
  /** Files picked or dropped without their partner (a model without data, or data without a model). */
  private pending: { onnx: { name: string; bytes: Uint8Array }[]; data: { name: string; bytes: Uint8Array } | null } = {
    onnx: [],
    data: null,
  };
  /** The data and direction file of the model on screen, for opening it again with another loss. */
  private lastData: Uint8Array = new Uint8Array();
  private lastDirections: Uint8Array | null = null;
  private readonly settings = { loss: 'auto', provider: 'auto' as OwnProvider, shown: 'none: open a model and its data' };
  readonly input: HTMLInputElement;
  /** An engine of its own: onnxruntime-web's wasm provider in the engine worker. */
  private readonly wasmEngine = new Engine({ gpu: null, cpu: () => ({ ...workerBackend(), label: WASM_LABEL }) });
  /** The WebGPU EP on the page's device (the wasm worker behind it for failures); made on first use. */
  private gpuParts: { readonly engine: Engine; readonly backend: Backend } | null = null;
  /** An automatic choice where the WebGPU EP was at least 10× slower than wasm (a software adapter): kept for the page's later models. */
  private slowGpu: ProviderChoice | null = null;

  constructor(private readonly p: OwnModelParts) {
    const doc = p.root.ownerDocument;
    this.input = doc.createElement('input');
    this.input.type = 'file';
    this.input.id = 'own-model-open';
    this.input.multiple = true;
    this.input.accept = '.onnx,.npz,.h5';
    this.input.hidden = true;
    this.input.addEventListener('change', () => {
      const files = Array.from(this.input.files ?? []);
      this.input.value = '';
      void this.openFiles(files);
    });
    doc.body.append(this.input);
    p.folder.add({ open: () => this.input.click() }, 'open').name('open model… (.onnx + .npz)');
    p.folder
      .add(this.settings, 'loss', ['auto', ...LOSSES])
      .name('loss')
      .onFinishChange(() => void this.reopen());
    p.folder
      .add(this.settings, 'provider', [...OWN_PROVIDERS])
      .name('provider')
      .onFinishChange(() => void this.reopen());
    p.folder.add(this.settings, 'shown').name('shown').disable();
    p.folder.close();
    // Before the Files card's own drop handler: .onnx and .npz files (with a direction .h5) are ours.
    p.root.addEventListener(
      'drop',
      (e) => {
        const files = Array.from(e.dataTransfer?.files ?? []);
        if (!files.some((f) => /\.(onnx|npz)$/i.test(f.name))) return;
        e.preventDefault();
        e.stopPropagation();
        p.root.classList.remove('file-drop');
        void this.openFiles(files);
      },
      { capture: true },
    );
  }

  /** The model on screen, or null when the state's own surface (or another) is shown. */
  private current(): Opened | null {
    const o = this.opened;
    return o !== null && this.p.display.otherPlane === o.shown ? o : null;
  }

  /** For the console's model(): the open ONNX model, or null. */
  apiModel(): OwnModelInfo | null {
    const o = this.current();
    if (o === null) return null;
    const { model } = o.own;
    const data = model.recipe.data;
    return {
      spec: {
        kind: 'onnx',
        loss: model.loss,
        files: o.own.files.map((f) => f.name),
        segments: model.layout.segments.map((s) => ({ name: s.name, kind: s.kind, shape: [...s.shape], offset: s.offset })),
      },
      theta: (o.own.checkpoints[0] ?? model.graph.theta).slice(),
      data: { x: data.x.slice(), xShape: [...data.xShape], y: data.targets.y.slice(), m: data.m },
      provider: { ...o.provider },
      lineLoss: o.view.kind === 'path' ? [...o.view.lineLoss] : null,
    };
  }

  /** For the console's plane(): the plane of the open model, or null. */
  apiPlane(): { center: Float32Array; directionX: Float32Array; directionY: Float32Array } | null {
    const o = this.current();
    if (o === null) return null;
    const { center, directionX, directionY } = o.view.plane;
    return { center: center.slice(), directionX: directionX.slice(), directionY: directionY.slice() };
  }

  /** Picked or dropped files: models, data and a direction file, sorted by kind; opens when a model and its data are there. */
  async openFiles(files: readonly File[]): Promise<OpenModelResult> {
    const big = files.find((f) => f.size > MAX_OWN_FILE);
    if (big !== undefined)
      return this.refuse(`${big.name} is ${describeBytes(big.size)}, more than the limit of ${describeBytes(MAX_OWN_FILE)}`);
    const read = async (f: File): Promise<{ name: string; bytes: Uint8Array }> => ({
      name: f.name,
      bytes: new Uint8Array(await f.arrayBuffer()),
    });
    let onnx: { name: string; bytes: Uint8Array }[];
    let data: { name: string; bytes: Uint8Array } | null;
    let directions: { name: string; bytes: Uint8Array } | null;
    try {
      const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name));
      onnx = await Promise.all(sorted.filter((f) => /\.onnx$/i.test(f.name)).map(read));
      const npz = sorted.filter((f) => /\.npz$/i.test(f.name));
      const h5 = sorted.filter((f) => /\.h5$/i.test(f.name));
      if (npz.length > 1) return this.refuse(`give one data file, not ${npz.length} (${npz.map((f) => f.name).join(', ')})`);
      data = npz[0] ? await read(npz[0]) : null;
      directions = h5[0] ? await read(h5[0]) : null;
    } catch (err) {
      return this.refuse(`a file could not be read (${errorMessage(err)})`);
    }
    if (onnx.length === 0) onnx = this.pending.onnx;
    data ??= this.pending.data;
    if (onnx.length === 0 || data === null) {
      this.pending = { onnx, data };
      const missing = onnx.length === 0 ? 'the model (.onnx)' : 'its data (.npz with x and y)';
      this.p.store.notify(
        [`Read ${[...onnx.map((f) => f.name), data?.name ?? ''].filter((n) => n).join(', ')}; now open ${missing}.`],
        'info',
      );
      return { ok: false, error: `waiting for ${missing}` };
    }
    this.pending = { onnx: [], data: null };
    return this.openModel({
      onnx: onnx.map((f) => f.bytes),
      names: onnx.map((f) => f.name),
      data: data.bytes,
      dataName: data.name,
      ...(directions ? { directions: directions.bytes } : {}),
    });
  }

  /** An example shipped with the page (models/<id>/ beside it): fetched, then opened like picked files. */
  async openExample(example: OwnExample): Promise<OpenModelResult> {
    const doc = this.p.root.ownerDocument;
    const fetchBytes = async (file: string): Promise<Uint8Array> => {
      const url = new URL(`models/${encodeURIComponent(example.id)}/${file}`, doc.baseURI);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    };
    let files: Uint8Array[];
    try {
      this.p.status.progress(`fetching the example ${example.id}…`, 0);
      files = await Promise.all([example.model, example.data, example.directions].map(fetchBytes));
    } catch (err) {
      return this.refuse(`the example ${example.id} could not be fetched (${errorMessage(err)})`);
    }
    const [onnx, data, directions] = files as [Uint8Array, Uint8Array, Uint8Array];
    return this.openModel({ onnx, data, directions, names: [example.model], dataName: example.data });
  }

  /** Open and draw; `{ ok: false, error }` with the view unchanged when anything does not fit. */
  async openModel(options: OpenModelOptions): Promise<OpenModelResult> {
    const outcome: { drawn: boolean; error: string | null } = { drawn: false, error: null };
    const run = this.p.runner.other(async (signal) => {
      try {
        outcome.drawn = await this.open(options, signal);
      } catch (err) {
        if (signal.aborted) throw err;
        outcome.error = errorMessage(err);
      }
    });
    try {
      await run;
    } catch (err) {
      outcome.error ??= errorMessage(err);
    }
    if (outcome.error !== null) return this.refuse(outcome.error);
    if (!outcome.drawn) return { ok: false, error: 'cancelled: the view keeps what it shows' };
    return { ok: true };
  }

  private refuse(error: string): OpenModelResult {
    this.p.store.notify([`Could not open the model: ${error}. The view is unchanged.`], 'error');
    this.p.status.done('open model failed: the view shows the surface it showed before', '');
    return { ok: false, error };
  }

  /** The loss was changed in the panel: open the model on screen again with it (a loss that does not fit is refused). */
  private async reopen(): Promise<void> {
    const o = this.current();
    if (o === null) return;
    const result = await this.openModel({
      onnx: o.own.files.map((f) => f.bytes),
      names: o.own.files.map((f) => f.name),
      data: this.lastData,
      dataName: o.dataName,
      ...(this.lastDirections ? { directions: this.lastDirections } : {}),
    });
    if (!result.ok) {
      this.settings.loss = o.own.model.loss;
      this.settings.provider = o.provider.asked;
      this.p.folder.controllersRecursive().forEach((c) => c.updateDisplay());
    }
  }

  /** True once drawn; false when cancelled on the way. */
  private async open(options: OpenModelOptions, signal: AbortSignal): Promise<boolean> {
    const list = options.onnx instanceof Uint8Array ? [options.onnx] : [...options.onnx];
    if (list.length < 1 || list.length > 3) throw new Error(`give 1 to 3 model files, not ${list.length}`);
    if (options.directions !== undefined && list.length > 1)
      throw new Error('a direction file applies to one model; checkpoints make their own plane');
    for (const bytes of [...list, options.data]) {
      if (!(bytes instanceof Uint8Array)) throw new Error('model and data must be Uint8Arrays');
      if (bytes.length > MAX_OWN_FILE)
        throw new Error(`a file is ${describeBytes(bytes.length)}, more than the limit of ${describeBytes(MAX_OWN_FILE)}`);
    }
    const names = list.map((_, i) => options.names?.[i] ?? (list.length === 1 ? 'model.onnx' : `checkpoint-${i + 1}.onnx`));
    const dataName = options.dataName ?? 'data.npz';
    this.p.status.progress(`opening ${names.join(' + ')}…`, 0);
    const [{ parseNpz }, { onnxData }, { openOwnModel, ownModelView }] = await Promise.all([
      import('../io/npz'),
      import('../engine/onnxModel'),
      import('../engine/ownModel'),
    ]);
    const npz = parseNpz(options.data);
    if (!npz.ok) throw new Error(npz.error);
    let directions = null;
    if (options.directions !== undefined) {
      const d = await parseDirectionsH5(options.directions);
      if (!d.ok) throw new Error(d.error);
      directions = d.value;
    }
    const chosen = this.settings.loss;
    const loss = options.loss ?? ((LOSSES as readonly string[]).includes(chosen) ? (chosen as LossKind) : undefined);
    const own = await openOwnModel(
      list.map((bytes, i) => ({ name: names[i] ?? '', bytes })),
      onnxData(npz.value),
      loss,
    );
    const asked = options.provider ?? this.settings.provider;
    const warnings: string[] = [];
    let choice: ProviderChoice | undefined;
    try {
      choice = await this.chooseProvider(own, asked, signal, warnings);
    } finally {
      // The probe session ran on this thread; the worker makes its own. The WebGPU EP's session stays
      // when it is used, else it goes too (both are made again if ever needed).
      await (choice?.used === 'webgpu' ? own.model.releaseRuntime() : own.model.dispose());
    }
    if (isAborted(signal)) {
      await own.model.dispose();
      return false;
    }
    const engine = choice.used === 'webgpu' ? (this.gpuParts?.engine ?? this.wasmEngine) : this.wasmEngine;
    const state = this.p.store.state;
    const view = await ownModelView(
      engine,
      own,
      {
        seed: state.seed,
        filterNormalize: state.plane.filterNormalize,
        keepBias: state.plane.keepBiasDirections,
        gridSize: state.plane.gridSize,
        span: state.plane.span,
      },
      directions,
      signal,
      (label, f) => this.p.status.progress(`${label} ${Math.round(f * 100)}%`, f),
      warnings,
    );
    if (isAborted(signal)) {
      await own.model.dispose();
      return false;
    }
    // A job that failed on the GPU and went to the worker: the surface is the wasm provider's.
    if (choice.used === 'webgpu' && view.surface.adapter === WASM_LABEL) choice = { ...choice, used: 'wasm', why: 'the WebGPU EP failed' };
    const onnx: OnnxSurfaceRecipe = {
      files: own.files.map((f) => ({ name: f.name, sha256: f.sha256 })),
      dataName,
      loss: own.model.loss,
      samples: own.model.sampleCount,
      theta: view.plane.center,
      directionX: view.plane.directionX,
      directionY: view.plane.directionY,
      segments: own.model.layout.segments,
    };
    const shown: ShownPlane = { surface: view.surface, recipe: null, bundle: null, onnx };
    if (view.kind === 'path') this.p.connector.showPaths(view.surface, view.picture, view.chart);
    const previous = this.opened;
    this.opened = { own, view, shown, dataName, provider: choice };
    if (previous !== null && previous.own.model !== own.model) void previous.own.model.dispose();
    this.lastData = options.data;
    this.lastDirections = options.directions ?? null;
    this.settings.loss = options.loss ?? this.settings.loss;
    this.settings.provider = asked;
    this.settings.shown = `${names.join(' + ')} · ${own.model.loss} · m=${own.model.sampleCount} (${dataName})`;
    this.p.folder.controllersRecursive().forEach((c) => c.updateDisplay());
    const { state: now } = this.p.store.update({ sublevel: { level: 0 } });
    this.p.panel.sync(now);
    this.p.display.showOther(shown, now);
    this.p.store.notify(warnings, warnings.length > 0 ? 'error' : 'info');
    const s = view.surface;
    const what =
      view.kind === 'path'
        ? ` · line barrier ${view.lineBarrier.toPrecision(3)}${view.chainBarrier !== undefined ? ` · chain barrier ${view.chainBarrier.toPrecision(3)}` : ''}`
        : view.directionsFrom === 'file'
          ? ' · directions from the file'
          : '';
    this.p.status.done(
      `your model ${names.join(' + ')} (ONNX, ${countWords(own.model.layout.segments)}) · ${own.model.loss} · m=${own.model.sampleCount} from ${dataName} · θ₀ loss ${s.centerLoss.toPrecision(4)}${what}` +
        ` · ${describeChoice(choice)} · kept until a data, model, training or plane field changes`,
      `grid ${s.gridSize}² ${(s.timings.gridMs / 1000).toFixed(2)} s (${s.adapter})`,
    );
    return true;
  }

  /** The GPU backend and its engine for the own model (the WebGPU EP on the page's device), made once. */
  private gpuSide(gpu: GpuContext): { readonly engine: Engine; readonly backend: Backend } {
    if (this.gpuParts === null) {
      const backend: Backend = { ...gpuBackend(gpu), label: `onnxruntime-web WebGPU EP (${gpu.adapterName})` };
      this.gpuParts = { backend, engine: new Engine({ gpu: backend, cpu: () => ({ ...workerBackend(), label: WASM_LABEL }) }) };
    }
    return this.gpuParts;
  }

  /**
   * The provider for this model: wasm without WebGPU or when asked; webgpu when asked (if its session
   * starts); auto: one evaluation of θ₀ on each after a first one (session start, shader compiles), the faster wins.
   */
  private async chooseProvider(own: OwnModel, asked: OwnProvider, signal: AbortSignal, warnings: string[]): Promise<ProviderChoice> {
    const gpu = this.p.gpu ?? null;
    if (asked === 'wasm') return { used: 'wasm', asked };
    if (gpu === null) return { used: 'wasm', asked, why: 'no WebGPU on this page' };
    const slow = this.slowGpu;
    if (asked === 'auto' && slow !== null && slow.webgpuMs !== undefined && slow.wasmMs !== undefined)
      return {
        used: 'wasm',
        asked,
        why: `the WebGPU EP was ${(slow.webgpuMs / slow.wasmMs).toFixed(0)}× slower than wasm on ${gpu.adapterName} for an earlier model`,
      };
    const { backend } = this.gpuSide(gpu);
    const theta = own.model.initialTheta(0);
    const ctl = { signal };
    let webgpuMs: number;
    try {
      this.p.status.progress('starting the WebGPU execution provider…', 0);
      await backend.lossAt(own.model, theta, 1, ctl);
      const t0 = performance.now();
      await backend.lossAt(own.model, theta, 1, ctl);
      webgpuMs = performance.now() - t0;
    } catch (err) {
      if (signal.aborted) throw err;
      const why = `the WebGPU EP failed (${errorMessage(err)})`;
      warnings.push(`The WebGPU execution provider failed (${errorMessage(err)}); the model runs on the wasm provider instead.`);
      return { used: 'wasm', asked, why };
    }
    if (asked === 'webgpu') return { used: 'webgpu', asked, webgpuMs };
    // The wasm provider on this thread (the probe's session, already warm) stands for the worker's.
    const t0 = performance.now();
    await own.model.evaluate(theta);
    const wasmMs = performance.now() - t0;
    const choice: ProviderChoice = { used: webgpuMs <= wasmMs ? 'webgpu' : 'wasm', asked, webgpuMs, wasmMs };
    if (webgpuMs >= 10 * wasmMs) this.slowGpu = choice;
    return choice;
  }
}

/** The provider on the status line: which one, and the measurement or the reason behind it. */
function describeChoice(c: ProviderChoice): string {
  const name = c.used === 'webgpu' ? 'onnxruntime-web WebGPU EP' : 'onnxruntime-web wasm';
  if (c.webgpuMs !== undefined && c.wasmMs !== undefined)
    return `${name} (measured: WebGPU EP ${c.webgpuMs.toFixed(0)} ms, wasm ${c.wasmMs.toFixed(0)} ms per evaluation of θ₀)`;
  if (c.why !== undefined) return `${name} (${c.why})`;
  return `${name} (chosen)`;
}

/** "5,810 parameters + 32 running statistics": PyTorch's parameter count, BatchNorm's buffers apart. */
function countWords(segments: readonly { readonly kind: string; readonly shape: readonly number[] }[]): string {
  let params = 0;
  let stats = 0;
  for (const seg of segments) {
    const n = seg.shape.reduce((a, b) => a * b, 1);
    if (seg.kind === 'running-stat') stats += n;
    else params += n;
  }
  return `${params.toLocaleString('en-US')} parameters${stats > 0 ? ` + ${stats.toLocaleString('en-US')} running statistics` : ''}`;
}
