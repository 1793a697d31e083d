/**
 * The pipeline AppState → dataset → θ₀ → plane → surface, with one cache per stage: a change of
 * state recomputes only the stages after the first one it touches (the view never retrains).
 */
import type { Dataset } from '../data/dataset';
import { outputsFor } from '../data/dataset';
import { makeDataset } from '../data/generators';
import type { GpuContext } from '../gpu/device';
import { LossGridKernel } from '../gpu/lossGrid.gpu';
import { AbortError, squareGrid, type GridRequest, type GridResult } from '../gpu/lossGrid.types';
import { randomDirection, type Plane } from '../landscape/directions';
import { gridCoordinates, valueStats, type Surface } from '../landscape/surface';
import { initParams } from '../model/init';
import { evaluate } from '../model/network';
import { deriveSeed } from '../model/rng';
import { assertValidSpec, paramLayout, type MlpSpec } from '../model/spec';
import type { AppState } from '../state/appState';
import { EngineWorker } from './workerClient';

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

export type StatusReporter = (stage: 'train' | 'grid', fraction: number, detail?: string) => void;

/** The spec the state asks for; the scalar example u·v·x has its fixed 2-parameter network. */
export function specFor(state: AppState, data: Dataset): MlpSpec {
  if (state.data.kind === 'uvx') {
    return { inputs: 1, hidden: [1], outputs: 1, activation: 'identity', loss: 'mse', bias: false };
  }
  return {
    inputs: data.inputs,
    hidden: [...state.model.hidden],
    outputs: outputsFor(data, state.model.loss),
    activation: state.model.activation,
    loss: state.model.loss,
    bias: state.model.bias,
  };
}

export class Engine {
  private readonly worker = new EngineWorker();
  private readonly kernel: LossGridKernel | null;
  private dataCache: { key: string; data: Dataset; spec: MlpSpec } | null = null;
  private trainCache: { key: string; theta: Float32Array; loss: number; diverged: boolean; ms: number } | null = null;
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
    const dataKey = JSON.stringify([state.seed, state.data, state.model]);
    if (this.dataCache?.key !== dataKey) {
      const data = makeDataset(state.data.kind, { ...state.data, seed: state.seed }, state.data.kind === 'uvx' ? 'mse' : state.model.loss);
      const spec = specFor(state, data);
      assertValidSpec(spec);
      this.dataCache = { key: dataKey, data, spec };
    }
    const { data, spec } = this.dataCache;

    const trainKey = JSON.stringify([dataKey, state.train]);
    let trainMs = 0;
    if (this.trainCache?.key !== trainKey) {
      const t0 = performance.now();
      const init = initParams(spec, deriveSeed(state.seed, 'init'));
      if (state.data.kind === 'uvx') {
        // The whole weight space is the plane: centre at the saddle, nothing to train.
        const theta = new Float32Array(2);
        this.trainCache = { key: trainKey, theta, loss: evaluate(spec, theta, data).loss, diverged: false, ms: 0 };
      } else {
        const reply = await this.worker.train(
          { spec, samples: { m: data.m, inputs: data.inputs, x: data.x, y: data.y }, theta0: init, steps: state.train.steps, learningRate: state.train.learningRate },
          signal,
          (fraction, loss) => report('train', fraction, loss === undefined ? undefined : `loss ${loss.toPrecision(4)}`),
        );
        trainMs = performance.now() - t0;
        this.trainCache = { key: trainKey, theta: reply.theta, loss: reply.finalLoss, diverged: reply.diverged, ms: trainMs };
      }
      this.planeCache = null;
    }
    const { theta, loss: trainLoss, diverged } = this.trainCache;

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
    return { surface: this.surfaceCache.surface, spec, data, theta, plane, trainLoss, diverged, warnings: this.surfaceCache.warnings };
  }

  private makePlane(state: AppState, spec: MlpSpec, theta: Float32Array): Plane {
    const size = paramLayout(spec).size;
    if (state.data.kind === 'uvx' && size === 2) {
      return { center: theta, directionX: new Float32Array([1, 0]), directionY: new Float32Array([0, 1]) };
    }
    const opts = { filterNormalize: state.plane.filterNormalize, keepBias: state.plane.keepBiasDirections };
    return {
      center: theta,
      directionX: randomDirection(spec, theta, deriveSeed(state.seed, 'direction.x'), opts),
      directionY: randomDirection(spec, theta, deriveSeed(state.seed, 'direction.y'), opts),
    };
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
        [result, centerLoss] = await withGpuErrors(this.gpu.device, async () => {
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
    if (stage === 'train') this.trainCache = null;
    this.surfaceCache = null;
  }

  dispose(): void {
    this.kernel?.dispose();
    this.worker.dispose();
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
