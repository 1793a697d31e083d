/**
 * CPU twin of OptimizerKernel: the same check-then-update step on the same float32 state,
 * computed in float64 and rounded on store.
 */
import { resolveOptimizer, type OptimizerConfig } from './optimizer.types';

export interface OptimizerStateCpu {
  readonly count: number;
  readonly paramCount: number;
  /** K × P, updated in place. */
  readonly thetas: Float32Array;
  readonly moment1: Float32Array;
  readonly moment2: Float32Array;
  /** 0 = training, else the step whose check found a non-finite loss or parameter. */
  readonly divergedAt: Uint32Array;
}

export function createOptimizerStateCpu(thetas: Float32Array, count: number): OptimizerStateCpu {
  const paramCount = count > 0 ? thetas.length / count : 0;
  if (!Number.isInteger(paramCount)) throw new Error(`${thetas.length} parameters do not split into ${count} vectors`);
  return {
    count,
    paramCount,
    thetas,
    moment1: new Float32Array(thetas.length),
    moment2: new Float32Array(thetas.length),
    divergedAt: new Uint32Array(count),
  };
}

/** Marks (once, with `step`) every vector whose loss — as float32 — or any parameter is not finite. */
export function checkDivergenceCpu(state: OptimizerStateCpu, losses: ArrayLike<number>, step: number): void {
  const P = state.paramCount;
  for (let k = 0; k < state.count; k++) {
    if (state.divergedAt[k] !== 0) continue;
    let bad = !Number.isFinite(Math.fround(losses[k] ?? Number.NaN));
    for (let p = 0; p < P && !bad; p++) bad = !Number.isFinite(state.thetas[k * P + p] ?? Number.NaN);
    if (bad) state.divergedAt[k] = step;
  }
}

/** Step `step` (1-based): the divergence check, then SGD-with-momentum or Adam on every live vector. */
export function optimizerStepCpu(
  state: OptimizerStateCpu,
  grads: ArrayLike<number>,
  losses: ArrayLike<number>,
  config: OptimizerConfig,
  step: number,
): void {
  if (!Number.isInteger(step) || step < 1) throw new Error(`step must be an integer ≥ 1, got ${step}`);
  checkDivergenceCpu(state, losses, step);
  const o = resolveOptimizer(config);
  const c1 = 1 - o.beta1 ** step;
  const c2 = 1 - o.beta2 ** step;
  const { thetas, moment1, moment2, paramCount: P } = state;
  for (let k = 0; k < state.count; k++) {
    if (state.divergedAt[k] !== 0) continue;
    for (let i = k * P; i < (k + 1) * P; i++) {
      const g = Math.fround(grads[i] ?? 0);
      if (o.useAdam) {
        moment1[i] = o.beta1 * (moment1[i] ?? 0) + (1 - o.beta1) * g;
        moment2[i] = o.beta2 * (moment2[i] ?? 0) + (1 - o.beta2) * g * g;
        const m = moment1[i] ?? 0;
        const v = moment2[i] ?? 0;
        thetas[i] = (thetas[i] ?? 0) - (o.learningRate * (m / c1)) / (Math.sqrt(v / c2) + o.eps);
      } else {
        moment1[i] = o.momentum * (moment1[i] ?? 0) + g;
        const v = moment1[i] ?? 0;
        thetas[i] = (thetas[i] ?? 0) - o.learningRate * v;
      }
    }
  }
}
