/**
 * The pipeline AppState → dataset → θ₀ → plane → surface, with one cache per stage: a change of
 * state recomputes only the stages after the first one it touches (the view never retrains).
 */
import type { Dataset } from '../data/dataset';
import { ensureDataLoaded, needsLoading } from '../data/generators';
import { buildData } from '../data/recipe';
import type { GpuContext } from '../gpu/device';
import { LossGridKernel } from '../gpu/lossGrid.gpu';
import { AbortError, squareGrid, type GridRequest, type GridResult } from '../gpu/lossGrid.types';
import { planeThrough, type Plane } from '../landscape/directions';
import { gridCoordinates, valueStats, type Surface } from '../landscape/surface';
import { initParams } from '../model/init';
import { evaluate } from '../model/network';
import { deriveSeed } from '../model/rng';
import { paramLayout, type MlpSpec } from '../model/spec';
import type { AppState } from '../state/appState';
import { trainMultiSeed } from '../train/multiSeed';
import type { MultiSeedOptions, MultiSeedResult } from '../train/multiSeed.types';
import { EngineWorker } from './workerClient';
import type { MultiSeedJob } from './workerProtocol';

export interface EngineResult {
  readonly surface: Surface;
  readonly spec: MlpSpec;
  readonly data: Dataset;
  readonly theta: Float32Array;
  readonly plane: Plane;
  readonly trainLoss: number;
  readonly diverged: boolean;
  /** Things the user should know about this result (e.g. the GPU failed and the CPU took over). */
  readonly warnings: readonly string[];
}

/** 'data': a data file is being fetched (detail says which); 'train': θ₀ is trained; 'grid': the surface. */
export type StatusReporter = (stage: 'data' | 'train' | 'grid', fraction: number, detail?: string) => void;

/**
 * A kept network chosen as the centre θ₀ of the plane. It replaces training while the page's
 * data and network (`dataKey`) are the ones it was trained for; it lives in the session only,
 * not in the URL (a link reproduces the trained θ₀ instead).
 */
export interface CenterOverride {
  readonly id: number;
  readonly name: string;
  readonly dataKey: string;
  readonly theta: Float32Array;
}

/** Result of `Engine.trainSeeds`: where it ran, and what the user should know. */
export interface SeedTraining {
  readonly result: MultiSeedResult;
  readonly device: 'webgpu' | 'cpu';
  readonly warnings: readonly string[];
}

/** The cache key of the data and network stages of a state. */
export function dataKeyOf(state: AppState): string {
  return JSON.stringify([state.seed, state.data, state.model]);
}

export class Engine {
  private readonly worker = new EngineWorker();
  /** Multi-seed training has its own worker, so cancelling a surface never cancels training. */
  private readonly trainWorker = new EngineWorker();
  /** GPU jobs run one after another: error scopes are a per-device stack. */
  private gpuQueue: Promise<unknown> = Promise.resolve();
  private center: CenterOverride | null = null;
  private readonly kernel: LossGridKernel | null;
  private dataCache: { key: string; data: Dataset; spec: MlpSpec } | null = null;
  /** θ₀ and how it was made; `kept` when it is a kept network rather than trained from the state. */
  private trainCache: { key: string; theta: Float32Array; loss: number; diverged: boolean; ms: number; warnings: string[]; kept: boolean } | null = null;
  /** The trained θ₀ set aside while a kept network is the centre, so going back never retrains. */
  private trainedAside: Engine['trainCache'] = null;
  private planeCache: { key: string; plane: Plane } | null = null;
  private surfaceCache: { key: string; surface: Surface; warnings: string[] } | null = null;

  constructor(readonly gpu: GpuContext | null) {
    this.kernel = gpu ? new LossGridKernel(gpu.device) : null;
  }

  get deviceKind(): 'webgpu' | 'cpu' {
    return this.kernel ? 'webgpu' : 'cpu';
  }

  get adapterName(): string {
    return this.gpu?.adapterName ?? 'CPU reference (no WebGPU)';
  }

  async compute(state: AppState, signal: AbortSignal, report: StatusReporter): Promise<EngineResult> {
    if (needsLoading(state.data.kind)) report('data', 0, `loading the ${state.data.kind} data…`);
    await this.dataReady(state);
    if (signal.aborted) throw new AbortError();
    const { key: dataKey, data, spec } = this.dataFor(state);

    const center = this.center?.dataKey === dataKey ? this.center : null;
    const centerWarnings: string[] = [];
    if (this.center && !center) {
      centerWarnings.push(`θ₀ is trained again: the kept network "${this.center.name}" belongs to other data or another network`);
      this.center = null;
    }
    // A chosen centre replaces the training stage; its id is in the key, so choosing another one
    // (or none) redoes the plane and the surface, and never the data.
    const trainKey = JSON.stringify([dataKey, center ? { center: center.id } : state.train]);
    let trainMs = 0;
    if (this.trainCache?.key !== trainKey) {
      const t0 = performance.now();
      const init = initParams(spec, deriveSeed(state.seed, 'init'));
      if (this.trainCache && !this.trainCache.kept) this.trainedAside = this.trainCache;
      if (!center && this.trainedAside?.key === trainKey) {
        this.trainCache = this.trainedAside;
      } else if (center) {
        const theta = center.theta.slice();
        const { loss } = evaluate(spec, theta, data);
        this.trainCache = { key: trainKey, theta, loss, diverged: !Number.isFinite(loss), ms: 0, warnings: [], kept: true };
      } else if (state.data.kind === 'uvx') {
        // The whole weight space is the plane: centre at the saddle, nothing to train.
        const theta = new Float32Array(2);
        this.trainCache = { key: trainKey, theta, loss: evaluate(spec, theta, data).loss, diverged: false, ms: 0, warnings: [], kept: false };
      } else {
        const warnings: string[] = [];
        const reply = await this.trainCenter(state, spec, data, init, signal, report, warnings);
        trainMs = performance.now() - t0;
        this.trainCache = { key: trainKey, theta: reply.theta, loss: reply.finalLoss, diverged: reply.diverged, ms: trainMs, warnings, kept: false };
      }
      this.planeCache = null;
    }
    const { theta, loss: trainLoss, diverged } = this.trainCache;
    const trainWarnings = [...centerWarnings, ...this.trainCache.warnings];

    const planeKey = JSON.stringify([trainKey, state.plane.filterNormalize, state.plane.keepBiasDirections]);
    if (this.planeCache?.key !== planeKey) {
      this.planeCache = { key: planeKey, plane: this.makePlane(state, spec, theta) };
      this.surfaceCache = null;
    }
    const { plane } = this.planeCache;

    const surfaceKey = JSON.stringify([planeKey, state.plane.gridSize, state.plane.span]);
    if (this.surfaceCache?.key !== surfaceKey) {
      const warnings: string[] = [];
      const surface = await this.computeSurface(state, spec, data, plane, signal, report, trainMs, warnings);
      this.surfaceCache = { key: surfaceKey, surface, warnings };
    }
    return {
      surface: this.surfaceCache.surface, spec, data, theta, plane, trainLoss, diverged,
      warnings: [...trainWarnings, ...this.surfaceCache.warnings],
    };
  }

  /**
   * Resolves when `dataFor(state)` can run: fetches a data file the state needs (the digits) once;
   * rejects with a readable message when it cannot be loaded (a later call tries again).
   */
  dataReady(state: AppState): Promise<void> {
    return ensureDataLoaded(state.data.kind);
  }

  /**
   * The data set and network of a state (the first stage, cached). Synchronous: for data read from a
   * file (digits) await `dataReady(state)` first, else this throws saying the data is not loaded yet.
   */
  dataFor(state: AppState): { key: string; data: Dataset; spec: MlpSpec } {
    const dataKey = dataKeyOf(state);
    if (this.dataCache?.key !== dataKey) {
      this.dataCache = { key: dataKey, ...buildData(state) };
    }
    return this.dataCache;
  }

  /**
   * A loss grid of any state, computed apart from the page's caches and only on the GPU (gallery
   * thumbnails): θ₀ trained as `compute` would, the same plane, `gridSize` points a side. Null without a
   * GPU: the CPU twin would take the page's worker for too long. Runs in the GPU queue between the
   * page's own jobs; abort it to let them through at once.
   */
  async previewGrid(state: AppState, gridSize: number, signal: AbortSignal): Promise<Float32Array | null> {
    const gpu = this.gpu;
    const kernel = this.kernel;
    if (!gpu || !kernel) return null;
    await this.dataReady(state);
    if (signal.aborted) throw new AbortError();
    const { data, spec } = buildData(state);
    const samples = { m: data.m, inputs: data.inputs, x: data.x, y: data.y };
    let theta: Float32Array = new Float32Array(paramLayout(spec).size);
    if (state.data.kind !== 'uvx') {
      const init = initParams(spec, deriveSeed(state.seed, 'init'));
      const { steps, learningRate } = state.train;
      const r = await this.withGpu(() => trainMultiSeed({ spec, samples, thetas: [init], steps, optimizer: 'adam', learningRate, signal }, gpu.device));
      theta = r.thetas;
    }
    const plane = this.makePlane(state, spec, theta);
    const req = squareGrid({ spec, samples, ...plane }, gridSize, state.plane.span);
    return (await this.withGpu(() => kernel.run(req, { signal }))).loss;
  }

  /** The kept network in use as θ₀, or null when θ₀ is trained from the state. */
  get centerOverride(): CenterOverride | null {
    return this.center;
  }

  /** Use a kept network as θ₀ (null: train θ₀ from the state again); takes effect on the next compute. */
  setCenter(center: CenterOverride | null): void {
    this.center = center;
  }

  /**
   * θ₀ by full-batch Adam: on the GPU (one parameter vector of the multi-seed trainer) when
   * there is one, else, or when the GPU fails, the CPU reference in the worker.
   */
  private async trainCenter(
    state: AppState, spec: MlpSpec, data: Dataset, init: Float32Array, signal: AbortSignal, report: StatusReporter, warnings: string[],
  ): Promise<{ theta: Float32Array; finalLoss: number; diverged: boolean }> {
    const samples = { m: data.m, inputs: data.inputs, x: data.x, y: data.y };
    const { steps, learningRate } = state.train;
    const progress = (step: number, loss: number): void => report('train', step / Math.max(1, steps), `step ${step} · loss ${loss.toPrecision(4)}`);
    if (this.gpu) {
      const device = this.gpu.device;
      try {
        const r = await this.withGpu(() => trainMultiSeed({
          spec, samples, thetas: [init], steps, optimizer: 'adam', learningRate, signal,
          progressEvery: Math.max(1, Math.floor(steps / 50)),
          onProgress: (step, losses) => progress(step, losses[0] ?? Number.NaN),
        }, device));
        return { theta: r.thetas, finalLoss: r.finalLosses[0] ?? Number.NaN, diverged: (r.diverged[0] ?? 0) !== 0 };
      } catch (err) {
        if (signal.aborted || err instanceof AbortError) throw err;
        warnings.push(`GPU training failed (${err instanceof Error ? err.message : String(err)}); θ₀ was trained by the CPU reference instead.`);
      }
    }
    return this.worker.train(
      { spec, samples, theta0: init, steps, learningRate },
      signal,
      (fraction, loss) => report('train', fraction, loss === undefined ? undefined : `step ${Math.round(fraction * steps)} · loss ${loss.toPrecision(4)}`),
    );
  }

  /**
   * K seeds (or start vectors) of one network at once: on the GPU when there is one, else, or
   * when the GPU fails (said in `warnings`), the CPU twin in its own worker.
   */
  async trainSeeds(opts: MultiSeedOptions, signal: AbortSignal): Promise<SeedTraining> {
    const warnings: string[] = [];
    if (this.gpu) {
      const device = this.gpu.device;
      try {
        const result = await this.withGpu(() => trainMultiSeed({ ...opts, signal }, device));
        return { result, device: 'webgpu', warnings };
      } catch (err) {
        if (signal.aborted || err instanceof AbortError) throw err;
        warnings.push(`GPU training failed (${err instanceof Error ? err.message : String(err)}); the CPU twin trained instead.`);
      }
    }
    const { onProgress, signal: _signal, ...rest } = opts;
    const job = rest as MultiSeedJob;
    const result = await this.trainWorker.trainMulti(job, signal, onProgress);
    return { result, device: 'cpu', warnings };
  }

  /**
   * A loss grid for any plane request (e.g. the plane through two minima and a bend): on the GPU
   * when there is one, else, or when the GPU fails (said in `warnings`), the CPU reference in the worker.
   */
  async gridFor(req: GridRequest, signal: AbortSignal, onProgress: (fraction: number) => void): Promise<{ result: GridResult; device: 'webgpu' | 'cpu'; warnings: string[] }> {
    const warnings: string[] = [];
    const kernel = this.kernel;
    if (kernel) {
      try {
        return { result: await this.withGpu(() => kernel.run(req, { signal, onProgress })), device: 'webgpu', warnings };
      } catch (err) {
        if (signal.aborted || err instanceof AbortError) throw err;
        warnings.push(`The GPU kernel failed (${err instanceof Error ? err.message : String(err)}); this grid was computed by the CPU reference instead.`);
      }
    }
    return { result: await this.worker.grid(req, signal, onProgress), device: 'cpu', warnings };
  }

  /** Run GPU work in the engine's queue and error scopes; null when there is no GPU. */
  gpuJob<T>(body: (device: GPUDevice) => Promise<T>): Promise<T> | null {
    const gpu = this.gpu;
    return gpu ? this.withGpu(() => body(gpu.device)) : null;
  }

  /** GPU work in error scopes, one job at a time (see withGpuErrors). */
  private withGpu<T>(body: () => Promise<T>): Promise<T> {
    const gpu = this.gpu;
    if (!gpu) return Promise.reject(new Error('no GPU'));
    const run = this.gpuQueue.then(() => withGpuErrors(gpu.device, body));
    this.gpuQueue = run.catch(() => undefined);
    return run;
  }

  private makePlane(state: AppState, spec: MlpSpec, theta: Float32Array): Plane {
    const { filterNormalize, keepBiasDirections: keepBias } = state.plane;
    return planeThrough(spec, theta, state.seed, { filterNormalize, keepBias, wholeSpace: state.data.kind === 'uvx' });
  }

  private async computeSurface(
    state: AppState, spec: MlpSpec, data: Dataset, plane: Plane, signal: AbortSignal, report: StatusReporter, trainMs: number,
    warnings: string[],
  ): Promise<Surface> {
    const { gridSize, span } = state.plane;
    const base = { spec, samples: { m: data.m, inputs: data.inputs, x: data.x, y: data.y }, ...plane };
    const req = squareGrid(base, gridSize, span);
    const t0 = performance.now();
    const onProgress = (f: number): void => report('grid', f);
    let result: GridResult | null = null;
    let centerLoss = Number.NaN;
    let device: 'webgpu' | 'cpu' = 'cpu';
    if (this.kernel && this.gpu) {
      try {
        const kernel = this.kernel;
        [result, centerLoss] = await this.withGpu(async () => {
          const grid = await kernel.run(req, { signal, onProgress });
          const center: GridRequest = squareGrid(base, 1, 0);
          return [grid, (await kernel.run(center, { signal })).loss[0] ?? Number.NaN] as const;
        });
        device = 'webgpu';
      } catch (err) {
        if (signal.aborted || err instanceof AbortError) throw err;
        const message = err instanceof Error ? err.message : String(err);
        warnings.push(`The GPU kernel failed (${message}); this surface was computed by the CPU reference instead.`);
        result = null;
      }
    }
    if (!result) {
      result = await this.worker.grid(req, signal, onProgress);
      centerLoss = evaluate(spec, plane.center, data).loss;
    }
    const gridMs = performance.now() - t0;
    const stats = valueStats(result.loss);
    return {
      gridSize,
      span,
      alphas: gridCoordinates(gridSize, span),
      betas: gridCoordinates(gridSize, span),
      loss: result.loss,
      ...(result.accuracy ? { accuracy: result.accuracy } : {}),
      ...stats,
      centerLoss,
      device,
      adapter: device === 'webgpu' ? this.adapterName : 'CPU reference (Web Worker)',
      timings: { gridMs, trainMs },
    };
  }

  /** Forget a stage and everything after it, so the next compute redoes it. */
  invalidate(stage: 'train' | 'surface'): void {
    if (stage === 'train') {
      this.trainCache = null;
      this.trainedAside = null;
    }
    this.surfaceCache = null;
  }

  dispose(): void {
    this.kernel?.dispose();
    this.worker.dispose();
    this.trainWorker.dispose();
  }
}

/**
 * Run GPU work inside validation and out-of-memory error scopes and throw what they caught, so a
 * kernel that fails (a driver's shader compiler rejecting it, memory) never yields silent zeros.
 * One GPU job runs at a time, so no other work lands in these scopes.
 */
async function withGpuErrors<T>(device: GPUDevice, body: () => Promise<T>): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T | undefined;
  let failure: unknown = null;
  try {
    value = await body();
  } catch (err) {
    failure = err;
  }
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  if (failure !== null) throw failure;
  if (validation) throw new Error(`WebGPU validation error: ${validation.message.split('\n')[0] ?? ''}`);
  if (memory) throw new Error(`WebGPU out of memory: ${memory.message.split('\n')[0] ?? ''}`);
  return value as T;
}
