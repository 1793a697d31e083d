/** Options and result of multi-seed training, shared by the GPU trainer and its CPU twin. */
import { initParams } from '../model/init';
import type { Samples } from '../model/samples';
import { assertValidSpec, paramLayout, type MlpSpec } from '../model/spec';
import type { OptimizerConfig } from '../gpu/optimizer.types';

export const MAX_TRAIN_STEPS = 1_000_000;

interface MultiSeedBase {
  readonly spec: MlpSpec;
  readonly samples: Samples;
  readonly steps: number;
  readonly optimizer: 'adam' | 'sgd';
  readonly learningRate: number;
  /** SGD momentum (default 0.9). */
  readonly momentum?: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** 'cosine' lowers the rate from learningRate at step 1 to 0 after the last step (default 'constant'). */
  readonly schedule?: 'constant' | 'cosine';
  /** Minibatch size; full batch when absent or ≥ m. */
  readonly batchSize?: number;
  /** Seed of the minibatch order (default 0). */
  readonly batchSeed?: number;
  /** Keep θ of every vector at step 0, every `snapshotEvery` steps and at the end. */
  readonly snapshotEvery?: number;
  /** Steps between progress reports (default 25). */
  readonly progressEvery?: number;
  /**
   * `losses[k]` is vector k's loss on the step's batch before that step's update (NaN once
   * diverged); `step` counts the steps done, 1..steps.
   */
  readonly onProgress?: (step: number, losses: Float32Array) => void;
  /**
   * Called with every snapshot while training goes on (K × P, step), awaited before the next steps (GPU
   * trainer): e.g. a coarse surface around the current iterate. Reading snapshots never changes the result.
   */
  readonly onSnapshot?: (step: number, thetas: Float32Array) => Promise<void>;
  readonly signal?: AbortSignal;
}

/** K vectors from seeds (initParams) or given start vectors. */
export type MultiSeedOptions = MultiSeedBase &
  ({ readonly seeds: readonly number[]; readonly thetas?: never } | { readonly thetas: readonly Float32Array[]; readonly seeds?: never });

export interface TrainingSnapshot {
  readonly step: number;
  /** K × P. */
  readonly thetas: Float32Array;
}

export interface MultiSeedResult {
  readonly count: number;
  readonly paramCount: number;
  /** K × P, vector k at k·P. */
  readonly thetas: Float32Array;
  /** Full-batch mean loss per vector at the start and at the end (NaN for a diverged vector). */
  readonly initialLosses: Float32Array;
  readonly finalLosses: Float32Array;
  /** 1 where the vector's loss or parameters stopped being finite; it was frozen there. */
  readonly diverged: Uint8Array;
  /** The step whose check found it (steps + 1: the final check), 0 if never. */
  readonly divergedAtStep: Uint32Array;
  readonly snapshots?: readonly TrainingSnapshot[];
}

/** Validates the options; returns the start vectors K × P, the batch size and the optimiser settings. */
export function prepareTraining(opts: MultiSeedOptions): {
  count: number;
  paramCount: number;
  thetas: Float32Array<ArrayBuffer>;
  batchSize: number | null;
  optimizer: OptimizerConfig;
} {
  assertValidSpec(opts.spec);
  const P = paramLayout(opts.spec).size;
  if (!Number.isInteger(opts.steps) || opts.steps < 0 || opts.steps > MAX_TRAIN_STEPS) {
    throw new Error(`steps must be an integer in 0..${MAX_TRAIN_STEPS}, got ${opts.steps}`);
  }
  if (opts.samples.inputs !== opts.spec.inputs)
    throw new Error(`samples have ${opts.samples.inputs} inputs, the network ${opts.spec.inputs}`);
  if (opts.samples.m < 1) throw new Error('training needs at least one sample');
  const starts = opts.seeds ? opts.seeds.map((seed) => initParams(opts.spec, seed)) : opts.thetas;
  if (starts.length < 1) throw new Error('training needs at least one seed or start vector');
  const thetas = new Float32Array(starts.length * P);
  starts.forEach((theta, k) => {
    if (theta.length !== P) throw new Error(`start vector ${k} has ${theta.length} parameters, the network ${P}`);
    thetas.set(theta, k * P);
  });
  const b = opts.batchSize;
  if (b !== undefined && (!Number.isInteger(b) || b < 1)) throw new Error(`batch size must be an integer ≥ 1, got ${b}`);
  const optimizer: OptimizerConfig = {
    kind: opts.optimizer,
    learningRate: opts.learningRate,
    ...(opts.momentum !== undefined ? { momentum: opts.momentum } : {}),
    ...(opts.beta1 !== undefined ? { beta1: opts.beta1 } : {}),
    ...(opts.beta2 !== undefined ? { beta2: opts.beta2 } : {}),
    ...(opts.eps !== undefined ? { eps: opts.eps } : {}),
  };
  return { count: starts.length, paramCount: P, thetas, batchSize: b === undefined || b >= opts.samples.m ? null : b, optimizer };
}

/** Whether step `step` (1..steps) ends with a progress report or a snapshot. */
export function isReportStep(step: number, steps: number, every: number | undefined): boolean {
  return every !== undefined && every > 0 && (step % every === 0 || step === steps);
}

/** Copy of `losses` with NaN where the vector has diverged. */
export function maskDiverged(losses: ArrayLike<number>, divergedAt: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(losses);
  for (let k = 0; k < out.length; k++) if ((divergedAt[k] ?? 0) !== 0) out[k] = Number.NaN;
  return out;
}

/** Optimiser settings of step `step` (1..steps) under the schedule. */
export function optimizerAt(
  base: OptimizerConfig,
  schedule: 'constant' | 'cosine' | undefined,
  step: number,
  steps: number,
): OptimizerConfig {
  if (schedule !== 'cosine') return base;
  return { ...base, learningRate: base.learningRate * 0.5 * (1 + Math.cos((Math.PI * (step - 1)) / Math.max(1, steps))) };
}
