import { AbortError } from '../gpu/lossGrid.types';
import { lossAndGradient } from '../model/network';
import type { MlpSpec } from '../model/spec';
import type { Samples } from '../model/samples';
import type { GradientSource } from './gradientSource';

export interface TrainOptions {
  readonly steps: number;
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** Called every `progressEvery` steps with the step count and the current loss. */
  readonly onProgress?: (step: number, loss: number) => void;
  readonly progressEvery?: number;
  /** trainAdamWith only: stop between steps (AbortError). */
  readonly signal?: AbortSignal;
}

export interface TrainResult {
  readonly theta: Float32Array;
  readonly losses: Float32Array;
  readonly finalLoss: number;
  readonly diverged: boolean;
}

/** The loop of full-batch Adam, whatever computes the loss and gradient at θ (float64 state). */
interface AdamLoop {
  readonly theta: Float64Array;
  readonly grad: Float64Array;
  readonly losses: Float32Array;
  /** After the step's loss and gradient: false once it diverged (the rest of `losses` is NaN). */
  step(t: number, loss: number): boolean;
  /** The result from the loss at the float32 θ. */
  finish(finalLoss: number, diverged: boolean): TrainResult;
}

function adamLoop(theta0: Float32Array, opts: TrainOptions): AdamLoop {
  const { steps, learningRate: lr } = opts;
  const b1 = opts.beta1 ?? 0.9;
  const b2 = opts.beta2 ?? 0.999;
  const eps = opts.eps ?? 1e-8;
  const every = Math.max(1, opts.progressEvery ?? 25);
  const n = theta0.length;
  const theta = Float64Array.from(theta0);
  const m1 = new Float64Array(n);
  const m2 = new Float64Array(n);
  const grad = new Float64Array(n);
  const losses = new Float32Array(steps + 1);
  return {
    theta,
    grad,
    losses,
    step: (t, loss) => {
      losses[t - 1] = loss;
      // The loss record (and the GPU twin) is float32: a loss beyond its range is divergence too.
      if (!Number.isFinite(Math.fround(loss))) {
        losses.fill(Number.NaN, t - 1);
        return false;
      }
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      for (let i = 0; i < n; i++) {
        const g = grad[i] ?? 0;
        const a = b1 * (m1[i] ?? 0) + (1 - b1) * g;
        const b = b2 * (m2[i] ?? 0) + (1 - b2) * g * g;
        m1[i] = a;
        m2[i] = b;
        theta[i] = (theta[i] ?? 0) - (lr * (a / c1)) / (Math.sqrt(b / c2) + eps);
      }
      if (opts.onProgress && t % every === 0) opts.onProgress(t, loss);
      return true;
    },
    finish: (final, diverged) => {
      // The last step (or the rounding of θ to float32) can blow up the loss after the in-loop check.
      const blown = !diverged && !Number.isFinite(Math.fround(final));
      const finalLoss = diverged || blown ? Number.NaN : final;
      losses[steps] = finalLoss;
      return { theta: Float32Array.from(theta), losses, finalLoss, diverged: diverged || blown };
    },
  };
}

/** Full-batch Adam on the CPU reference (float64 gradients): the oracle of every other training. */
export function trainAdamCpu(spec: MlpSpec, theta0: Float32Array, data: Samples, opts: TrainOptions): TrainResult {
  const loop = adamLoop(theta0, opts);
  let diverged = false;
  for (let t = 1; t <= opts.steps && !diverged; t++) {
    const { loss } = lossAndGradient(spec, loop.theta, data, loop.grad);
    diverged = !loop.step(t, loss);
  }
  const out = Float32Array.from(loop.theta);
  return loop.finish(diverged ? Number.NaN : lossAndGradient(spec, out, data, loop.grad).loss, diverged);
}

/**
 * The same Adam (float64 moments and θ) on another gradient source: the CPU backend's θ₀ training with
 * the SIMD engine's float32 gradient (fastGradientSource), which the float64 trainAdamCpu checks.
 */
export async function trainAdamWith(theta0: Float32Array, source: GradientSource, opts: TrainOptions): Promise<TrainResult> {
  const loop = adamLoop(theta0, opts);
  const theta32 = new Float32Array(theta0.length);
  const gradient = async (theta: ArrayLike<number>): Promise<number> => {
    theta32.set(theta);
    const { losses, grads } = await source.compute(theta32, 1);
    for (let i = 0; i < loop.grad.length; i++) loop.grad[i] = grads[i] ?? 0;
    return losses[0] ?? Number.NaN;
  };
  let diverged = false;
  for (let t = 1; t <= opts.steps && !diverged; t++) {
    if (opts.signal?.aborted) throw new AbortError();
    diverged = !loop.step(t, await gradient(loop.theta));
  }
  return loop.finish(diverged ? Number.NaN : await gradient(loop.theta), diverged);
}
