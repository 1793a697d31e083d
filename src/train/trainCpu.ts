import { lossAndGradient } from '../model/network';
import type { MlpSpec } from '../model/spec';
import type { Samples } from '../model/samples';

export interface TrainOptions {
  readonly steps: number;
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  /** Called every `progressEvery` steps with the step count and the current loss. */
  readonly onProgress?: (step: number, loss: number) => void;
  readonly progressEvery?: number;
}

export interface TrainResult {
  readonly theta: Float32Array;
  readonly losses: Float32Array;
  readonly finalLoss: number;
  readonly diverged: boolean;
}

/** Full-batch Adam on the CPU reference (the fallback and the twin of GPU training). */
export function trainAdamCpu(spec: MlpSpec, theta0: Float32Array, data: Samples, opts: TrainOptions): TrainResult {
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
  let diverged = false;
  for (let t = 1; t <= steps; t++) {
    const { loss } = lossAndGradient(spec, theta, data, grad);
    losses[t - 1] = loss;
    // The loss record (and the GPU twin) is float32: a loss beyond its range is divergence too.
    if (!Number.isFinite(Math.fround(loss))) {
      diverged = true;
      losses.fill(Number.NaN, t - 1);
      break;
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
  }
  const out = Float32Array.from(theta);
  let finalLoss = diverged ? Number.NaN : lossAndGradient(spec, out, data, grad).loss;
  // The last step (or the rounding of θ to float32) can blow up the loss after the in-loop check.
  if (!Number.isFinite(Math.fround(finalLoss))) {
    diverged = true;
    finalLoss = Number.NaN;
  }
  losses[steps] = finalLoss;
  return { theta: out, losses, finalLoss, diverged };
}
