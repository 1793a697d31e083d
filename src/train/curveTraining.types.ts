/**
 * Curve training between two minima (Garipov et al. 2018): the endpoints A and B stay fixed,
 * the bends start on the straight line, and each step draws `tPerStep` values t ~ U[0, 1]
 * (seeded), evaluates the gradient of L at every φ(t_i) in one batched call (GradientKernel on
 * the GPU, or its CPU twin), and moves the bends along the gradient of the mean
 * (1/K) Σ_i L(φ(t_i)) by the chain rule: ∂/∂(bend j) = (1/K) Σ_i c_{j+1}(t_i)·∇L(φ(t_i)), where
 * c is the path's coefficient (2t(1−t) for the Bezier bend).
 *
 * This file: options, result, schedule and t draws shared by the GPU trainer (curveTraining.ts)
 * and its CPU twin (curveTrainingCpu.ts).
 */
import type { OptimizerConfig } from '../gpu/optimizer.types';
import { deriveSeed, Rng } from '../model/rng';
import type { Samples } from '../model/samples';
import { assertValidSpec, paramLayout, type MlpSpec } from '../model/spec';
import { assertValidPath, initialCurve, MAX_CHAIN_BENDS, type Path } from '../landscape/paths';
import { MAX_TRAIN_STEPS } from './multiSeed.types';

export const DEFAULT_T_PER_STEP = 16;

export interface CurveTrainOptions {
  readonly spec: MlpSpec;
  readonly samples: Samples;
  readonly a: Float32Array;
  readonly b: Float32Array;
  readonly kind: 'bezier' | 'chain';
  /** Chain bends, 1..3 (default 1; a Bezier curve always has one). */
  readonly bendCount?: number;
  /** Start from these bends instead of the straight line (same kind and count). */
  readonly startBends?: readonly Float32Array[];
  readonly steps: number;
  /** Values of t per step (default 16). */
  readonly tPerStep?: number;
  /** Seed of the t draws (default 0). */
  readonly seed?: number;
  readonly optimizer: 'sgd' | 'adam';
  readonly learningRate: number;
  /** SGD momentum (default 0.9). */
  readonly momentum?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** L2 weight decay on the bend parameters (default 0). */
  readonly weightDecay?: number;
  /** 'garipov' (default): constant for the first 50 % of steps, linear to 1 % by 90 %, then 1 %. */
  readonly schedule?: 'garipov' | 'constant';
  /** Minibatch size over the samples; full batch when absent or ≥ m. */
  readonly batchSize?: number;
  readonly batchSeed?: number;
  /** Steps between progress reports (default 25). */
  readonly progressEvery?: number;
  /** `meanLoss`: mean of the step's sampled losses L(φ(t_i)), before that step's update. */
  readonly onProgress?: (step: number, meanLoss: number) => void;
  readonly signal?: AbortSignal;
}

export interface CurveTrainResult {
  /** The trained curve (endpoints are the given A and B, bends are new arrays). */
  readonly path: Path;
  /** Mean sampled loss of every step, before its update (length steps). */
  readonly stepLosses: Float32Array;
  /** True when the loss or a bend stopped being finite; training stopped there (the bends may not be finite). */
  readonly diverged: boolean;
}

/** What differs between the curves of a batch. */
export interface CurveEnds {
  readonly a: Float32Array;
  readonly b: Float32Array;
  /** Seed of this curve's t draws (default 0). */
  readonly seed?: number;
  readonly startBends?: readonly Float32Array[];
}

export type CurveBatchOptions = Omit<CurveTrainOptions, 'a' | 'b' | 'seed' | 'startBends' | 'onProgress'> & {
  readonly curves: readonly CurveEnds[];
  /**
   * Every progressEvery steps of a group: `meanLosses[c]` is the mean sampled loss of curve `first + c`
   * at `step` (before that step's update).
   */
  readonly onProgress?: (step: number, meanLosses: Float32Array, first: number) => void;
};

/** The options of curve `index` as trainCurve / trainCurveCpu would take them alone. */
export function curveOptionsOf(opts: CurveBatchOptions, index: number): CurveTrainOptions {
  const ends = opts.curves[index];
  if (ends === undefined) throw new Error(`no curve ${index} in a batch of ${opts.curves.length}`);
  const { curves: _curves, onProgress: _onProgress, ...shared } = opts;
  return {
    ...shared,
    a: ends.a,
    b: ends.b,
    ...(ends.seed !== undefined ? { seed: ends.seed } : {}),
    ...(ends.startBends !== undefined ? { startBends: ends.startBends } : {}),
  };
}

/** Garipov et al.'s learning-rate factor at step `step` (1..steps). */
export function garipovFactor(step: number, steps: number): number {
  const progress = (step - 1) / Math.max(1, steps);
  if (progress <= 0.5) return 1;
  if (progress <= 0.9) return 1 - ((progress - 0.5) / 0.4) * 0.99;
  return 0.01;
}

/** The t values of step `step` (1-based) for a seed: the same on every trainer. */
export function curveTs(seed: number, step: number, count: number): Float64Array {
  const rng = new Rng(deriveSeed(seed, `curve.t.${step}`));
  return Float64Array.from({ length: count }, () => rng.uniform());
}

export function startPath(opts: CurveTrainOptions): Path {
  assertValidSpec(opts.spec);
  const P = paramLayout(opts.spec).size;
  if (opts.a.length !== P || opts.b.length !== P)
    throw new Error(`endpoints must have ${P} parameters, got ${opts.a.length} and ${opts.b.length}`);
  const bendCount = opts.kind === 'bezier' ? 1 : (opts.bendCount ?? 1);
  if (opts.kind === 'chain' && (!Number.isInteger(bendCount) || bendCount < 1 || bendCount > MAX_CHAIN_BENDS)) {
    throw new Error(`a chain has 1..${MAX_CHAIN_BENDS} bends, got ${bendCount}`);
  }
  if (!Number.isInteger(opts.steps) || opts.steps < 0 || opts.steps > MAX_TRAIN_STEPS)
    throw new Error(`steps must be an integer in 0..${MAX_TRAIN_STEPS}, got ${opts.steps}`);
  const K = opts.tPerStep ?? DEFAULT_T_PER_STEP;
  if (!Number.isInteger(K) || K < 1 || K > 1024) throw new Error(`t values per step must be an integer in 1..1024, got ${K}`);
  const wd = opts.weightDecay ?? 0;
  if (!Number.isFinite(wd) || wd < 0) throw new Error(`weight decay must be finite and ≥ 0, got ${wd}`);
  const b = opts.batchSize;
  if (b !== undefined && (!Number.isInteger(b) || b < 1)) throw new Error(`batch size must be an integer ≥ 1, got ${b}`);
  if (opts.samples.inputs !== opts.spec.inputs)
    throw new Error(`samples have ${opts.samples.inputs} inputs, the network ${opts.spec.inputs}`);
  if (!opts.startBends) return initialCurve(opts.kind, opts.a, opts.b, bendCount);
  const path: Path = { kind: opts.kind, a: opts.a, b: opts.b, bends: opts.startBends.map((bend) => Float32Array.from(bend)) };
  assertValidPath(path);
  if (path.bends.length !== bendCount) throw new Error(`expected ${bendCount} start bends, got ${path.bends.length}`);
  return path;
}

/** The optimiser settings of the options, before the schedule. */
export function curveOptimizer(opts: CurveTrainOptions): OptimizerConfig {
  return {
    kind: opts.optimizer,
    learningRate: opts.learningRate,
    ...(opts.momentum !== undefined ? { momentum: opts.momentum } : {}),
    ...(opts.beta1 !== undefined ? { beta1: opts.beta1 } : {}),
    ...(opts.beta2 !== undefined ? { beta2: opts.beta2 } : {}),
    ...(opts.eps !== undefined ? { eps: opts.eps } : {}),
  };
}

/** The learning-rate factor of step `step` under the options' schedule. */
export function scheduleFactor(opts: CurveTrainOptions, step: number): number {
  return opts.schedule === 'constant' ? 1 : garipovFactor(step, opts.steps);
}
