/**
 * Backends behind one interface: the GPU (WebGPU kernels), the CPU in a Web Worker (the page without
 * WebGPU) and the CPU in-process (Node: the command line, tests; and the worker itself). Jobs carry
 * plain data only, so any of them can cross to a worker. `withFallback` is the one place that runs a job
 * on the GPU and hands it to the CPU twin when the GPU fails, with a notice.
 */
import { AbortError, type GridResult } from '../gpu/lossGrid.types';
import type { HvpResult } from '../gpu/hessianVector.types';
import type { VectorLossResult } from '../gpu/vectorLoss.types';
import type { PathEvaluation } from '../landscape/pathEval';
import type { Path } from '../landscape/paths';
import { errorMessage } from '../model/errors';
import type { Samples } from '../model/samples';
import type { MlpSpec } from '../model/spec';
import type { CurveBatchOptions, CurveTrainOptions } from '../train/curveTraining.types';
import type { MultiSeedOptions, MultiSeedResult } from '../train/multiSeed.types';
import type { NebOptions } from '../train/neb';
import type { LandscapeModel, PlanePoints } from './model';

export interface JobControl {
  readonly signal: AbortSignal;
  /** Fraction done in [0, 1]. */
  readonly onProgress?: (fraction: number) => void;
  /** Grid jobs on a GPU backend: the WGSL kernel variant to run (src/gpu/lossGridVariants.ts); absent: the default. */
  readonly gridVariant?: string;
}

/** Multi-seed training options that can cross to a worker (no callbacks, no signal). */
export type MultiSeedJob = Omit<MultiSeedOptions, 'onProgress' | 'signal'>;

/** θ₀ by full-batch Adam from one start vector. */
export interface CenterJob {
  readonly spec: MlpSpec;
  readonly samples: Samples;
  readonly theta0: Float32Array;
  readonly steps: number;
  readonly learningRate: number;
}

export interface CenterResult {
  readonly theta: Float32Array;
  readonly finalLoss: number;
  readonly diverged: boolean;
}

/** A curve between two minima: a Bezier curve or a polygonal chain (trained), or a nudged elastic band. */
export type CurveJob =
  | ({ readonly method: 'curve' } & Omit<CurveTrainOptions, 'onProgress' | 'signal'>)
  | ({ readonly method: 'neb' } & Omit<NebOptions, 'onProgress' | 'signal'>);

/** Bezier curves or chains of one network between many pairs of minima (the barrier matrix's pairs). */
export type CurveBatchJob = { readonly method: 'curve' } & Omit<CurveBatchOptions, 'onProgress' | 'signal'>;

export interface CurveResult {
  readonly path: Path;
  readonly diverged: boolean;
}

export interface Backend {
  readonly kind: 'webgpu' | 'cpu';
  /** Where jobs run, for the status line and `Surface.adapter`. */
  readonly label: string;
  /** True once the backend's device is gone (GPU backends: the device was lost or destroyed). */
  isLost?(): boolean;
  lossGrid(model: LandscapeModel, points: PlanePoints, ctl: JobControl): Promise<GridResult>;
  /** Loss (and accuracy) at `count` vectors laid end to end in `thetas`. */
  lossAt(model: LandscapeModel, thetas: Float32Array, count: number, ctl: JobControl): Promise<VectorLossResult>;
  evaluatePaths(model: LandscapeModel, paths: readonly Path[], points: number, ctl: JobControl): Promise<PathEvaluation[]>;
  /**
   * `onStep(step, loss)` every progressEvery steps. A backend that can (the GPU) also calls `onIterate` every
   * `iterateEvery` steps with the current parameters and a way to evaluate a plane batch on its device
   * meanwhile (a coarse surface around the iterate while θ₀ trains); the result is the same either way.
   */
  trainCenter(
    job: CenterJob,
    ctl: JobControl & {
      readonly onStep?: (step: number, loss: number) => void;
      readonly iterateEvery?: number;
      readonly onIterate?: (
        step: number,
        theta: Float32Array,
        lossGrid: (model: LandscapeModel, points: PlanePoints) => Promise<GridResult>,
      ) => Promise<void>;
    },
  ): Promise<CenterResult>;
  trainSeeds(
    job: MultiSeedJob,
    ctl: JobControl & { readonly onStep?: (step: number, losses: Float32Array) => void },
  ): Promise<MultiSeedResult>;
  trainCurve(job: CurveJob, ctl: JobControl & { readonly onStep?: (step: number, loss: number) => void }): Promise<CurveResult>;
  /**
   * Many curves side by side in the same dispatches, each the curve `trainCurve` gives alone (the GPU:
   * src/train/curveBatch.ts); absent where curves are trained one after another (the CPU twins).
   * `onStep(step, losses, first)`: the step's mean sampled losses of curves first … first + losses.length − 1.
   */
  trainCurves?(
    job: CurveBatchJob,
    ctl: JobControl & { readonly onStep?: (step: number, losses: Float32Array, first: number) => void },
  ): Promise<CurveResult[]>;
  /**
   * Hessian-vector products H·v at θ for `count` vectors laid end to end (count × size), by central
   * differences of the model's gradients (src/gpu/hessianVector.types.ts); needs `model.gradients`.
   */
  hessianVectorProducts(
    model: LandscapeModel,
    theta: Float32Array,
    vectors: Float64Array,
    count: number,
    ctl: JobControl,
  ): Promise<HvpResult>;
  dispose(): void;
}

/** What a job is, for the notice when the GPU fails: "The GPU {failed} failed (…); {instead} by the CPU reference instead." */
export interface FallbackWording {
  readonly failed: string;
  readonly instead: string;
}

/**
 * Run `job` on the GPU backend when there is one; when it fails (not when it is cancelled), say so in
 * `notices` and run it on the CPU backend. Resolves with the value and the backend that made it.
 */
export async function withFallback<T>(
  backends: { readonly gpu: Backend | null; readonly cpu: Backend },
  wording: FallbackWording,
  signal: AbortSignal,
  notices: string[],
  job: (backend: Backend) => Promise<T>,
  onGpuFailure?: (gpu: Backend) => void,
): Promise<{ value: T; backend: Backend }> {
  if (backends.gpu !== null) {
    try {
      return { value: await job(backends.gpu), backend: backends.gpu };
    } catch (err) {
      if (signal.aborted || err instanceof AbortError) throw err;
      notices.push(`The GPU ${wording.failed} failed (${errorMessage(err)}); ${wording.instead} by the CPU reference instead.`);
      onGpuFailure?.(backends.gpu);
    }
  }
  if (signal.aborted) throw new AbortError();
  return { value: await job(backends.cpu), backend: backends.cpu };
}

/** The spec and data of a model's gradients, or an error saying the model has none. */
export function needGradients(model: LandscapeModel): NonNullable<LandscapeModel['gradients']> {
  if (model.gradients === null) throw new Error(`${model.label} has no gradients: no Hessian here`);
  return model.gradients;
}
