/**
 * The model seam: all the engine knows of a network. A parameter layout of named segments, where θ₀
 * comes from, the loss (and accuracy) at a batch of points in parameter space on the GPU and on the CPU,
 * and gradients where the model has them. The built-in MLP (mlpModel.ts) is the first implementation;
 * planes, directions, paths, sublevel analysis and exports use nothing else.
 */
import type { GridResult, GridRunOptions } from '../gpu/lossGrid.types';
import type { VectorLossResult } from '../gpu/vectorLoss.types';
import type { PathEvaluation } from '../landscape/pathEval';
import type { Path } from '../landscape/paths';
import type { ModelLayout } from '../model/layout';
import type { Samples } from '../model/samples';
import type { MlpSpec } from '../model/spec';
import type { OnnxRecipe } from './onnxModel';

export type { ModelLayout, ParamSegment, SegmentKind } from '../model/layout';

/** A value now or later: CPU paths of the MLP answer at once, a runtime or a pool of workers answers later. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A batch of points θ(α, β) = center + α·directionX + β·directionY on a regular grid:
 * α_ix = alphaStart + ix·alphaStep, β_iy = betaStart + iy·betaStep; results are indexed iy·gridSize + ix.
 * A parameter vector is never materialised per point: kernels form it where they need it.
 */
export interface PlanePoints {
  readonly center: Float32Array;
  readonly directionX: Float32Array;
  readonly directionY: Float32Array;
  readonly gridSize: number;
  /** Rows along β; absent: gridSize (a square grid). */
  readonly rows?: number;
  readonly alphaStart: number;
  readonly alphaStep: number;
  readonly betaStart: number;
  readonly betaStep: number;
  /** Row iy lies at β = betaStart + (firstRow + iy)·betaStep (default 0): a shard's rows at the whole grid's coordinates. */
  readonly firstRow?: number;
}

/** The plain data a model is rebuilt from on the other side of a worker (structured-cloneable). */
export type ModelRecipe = { readonly kind: 'mlp'; readonly spec: MlpSpec; readonly samples: Samples } | OnnxRecipe;

/** Where θ₀ came from: trained here from a seed, read from a file, or a network kept earlier. */
export type ThetaOrigin =
  | { readonly kind: 'trained'; readonly seed: number; readonly steps: number }
  | { readonly kind: 'fixed'; readonly why: string }
  | { readonly kind: 'file'; readonly name: string }
  | { readonly kind: 'kept'; readonly id: number; readonly name: string };

export interface LandscapeModel {
  /** Rebuilds the same model in a worker (`modelFromRecipe`). */
  readonly recipe: ModelRecipe;
  /** One line for the status bar, e.g. "2-32-32-1 tanh, mse". */
  readonly label: string;
  readonly layout: ModelLayout;
  readonly sampleCount: number;
  /** The loss has an accuracy beside it (classifiers). */
  readonly classifier: boolean;
  /** The parameters training starts from for a seed (a file's model: its own weights). */
  initialTheta(seed: number): Float32Array;
  /** Loss (and accuracy) at one point, CPU reference (float64 for the MLP; a model run by a runtime may answer later). */
  evaluate(theta: Float32Array): MaybePromise<{ loss: number; accuracy?: number }>;
  /** Loss at every point of a plane batch on the GPU; `cached` keeps kernels alive per device. */
  lossGridGpu(gpu: GpuSession, points: PlanePoints, opts: GridRunOptions): Promise<GridResult>;
  /** The CPU twin of lossGridGpu (a WebAssembly engine or runtime may answer asynchronously). */
  lossGridCpu(points: PlanePoints, opts: GridRunOptions): MaybePromise<GridResult>;
  /** Loss (and accuracy) at `count` parameter vectors laid end to end in `thetas` (count × layout.size), on the GPU. */
  lossAtGpu(gpu: GpuSession, thetas: Float32Array, count: number): Promise<VectorLossResult>;
  lossAtCpu(thetas: Float32Array, count: number): MaybePromise<VectorLossResult>;
  /** Loss and accuracy at `points` evenly spaced values of t along each path. */
  pathsGpu(gpu: GpuSession, paths: readonly Path[], points: number): Promise<PathEvaluation[]>;
  pathsCpu(paths: readonly Path[], points: number): MaybePromise<PathEvaluation[]>;
  /** The same model on `count` of its samples drawn without replacement by a seeded RNG (itself when it has no more). */
  subsample(count: number, seed: number): LandscapeModel;
  /** Gradients (training, curves) where the model has them: the MLP kernels read this spec and data. */
  readonly gradients: { readonly spec: MlpSpec; readonly samples: Samples } | null;
}

/** A GPU device with a cache of kernels that lives as long as the backend (disposed with it). */
export interface GpuSession {
  readonly device: GPUDevice;
  cached<T extends { dispose(): void }>(key: string, make: () => T): T;
}
