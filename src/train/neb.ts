/**
 * Nudged elastic band (Jónsson et al. 1998, used for minima of networks by Draxler et al. 2018):
 * N images between the fixed minima A and B, initially on the straight line. Each step computes
 * the gradient at all images in one batched call and moves image i along
 *   F_i = −(∇L_i − (∇L_i·τ_i)τ_i) + k(‖θ_{i+1} − θ_i‖ − ‖θ_i − θ_{i−1}‖)τ_i,
 * the true force perpendicular to the band plus a spring force along it (τ_i: the unit tangent
 * (θ_{i+1} − θ_{i−1})/‖…‖). The result is a chain path whose bends are the images.
 */
import { createOptimizerStateCpu, optimizerStepCpu } from '../gpu/optimizer.cpu';
import { AbortError } from '../gpu/lossGrid.types';
import type { Samples } from '../model/samples';
import { assertValidSpec, paramLayout, type MlpSpec } from '../model/spec';
import { initialCurve, type Path } from '../landscape/paths';
import { cpuGradientSource, GpuGradientSource, type GradientSource } from './gradientSource';
import { MAX_TRAIN_STEPS } from './multiSeed.types';

export const DEFAULT_NEB_IMAGES = 8;
const YIELD_MS = 40;

export interface NebOptions {
  readonly spec: MlpSpec;
  readonly samples: Samples;
  readonly a: Float32Array;
  readonly b: Float32Array;
  /** Movable images between A and B (default 8). */
  readonly images?: number;
  readonly steps: number;
  /** Spring constant k (default 1), in loss per squared parameter distance. */
  readonly springConstant?: number;
  readonly optimizer: 'sgd' | 'adam';
  readonly learningRate: number;
  /** SGD momentum (default 0.9). */
  readonly momentum?: number;
  readonly progressEvery?: number;
  /** `maxImageLoss`: the highest loss among the images before that step's move. */
  readonly onProgress?: (step: number, maxImageLoss: number) => void;
  readonly signal?: AbortSignal;
}

export interface NebResult {
  /** A chain through the images (knots at t = i/(N+1)). */
  readonly path: Path;
  /** Highest image loss at each step, before its move (length steps). */
  readonly maxImageLosses: Float32Array;
  readonly diverged: boolean;
}

/** The forces' negative, −F_i, for every image: what the optimiser descends. Exported for tests. */
export function nebDescent(
  a: Float32Array,
  b: Float32Array,
  images: Float32Array,
  count: number,
  grads: ArrayLike<number>,
  k: number,
): Float64Array {
  const P = a.length;
  const out = new Float64Array(count * P);
  const at = (i: number, p: number): number => (i < 0 ? (a[p] ?? 0) : i >= count ? (b[p] ?? 0) : (images[i * P + p] ?? 0));
  const tangent = new Float64Array(P);
  for (let i = 0; i < count; i++) {
    let tn = 0;
    let dNext = 0;
    let dPrev = 0;
    for (let p = 0; p < P; p++) {
      const here = at(i, p);
      tangent[p] = at(i + 1, p) - at(i - 1, p);
      tn += (tangent[p] ?? 0) ** 2;
      dNext += (at(i + 1, p) - here) ** 2;
      dPrev += (here - at(i - 1, p)) ** 2;
    }
    tn = Math.sqrt(tn) || 1;
    let gt = 0;
    for (let p = 0; p < P; p++) {
      tangent[p] = (tangent[p] ?? 0) / tn;
      gt += (grads[i * P + p] ?? 0) * (tangent[p] ?? 0);
    }
    const spring = k * (Math.sqrt(dNext) - Math.sqrt(dPrev));
    for (let p = 0; p < P; p++) {
      const tp = tangent[p] ?? 0;
      out[i * P + p] = (grads[i * P + p] ?? 0) - gt * tp - spring * tp;
    }
  }
  return out;
}

export async function nebWith(opts: NebOptions, source: GradientSource): Promise<NebResult> {
  assertValidSpec(opts.spec);
  const P = paramLayout(opts.spec).size;
  if (opts.a.length !== P || opts.b.length !== P)
    throw new Error(`endpoints must have ${P} parameters, got ${opts.a.length} and ${opts.b.length}`);
  const N = opts.images ?? DEFAULT_NEB_IMAGES;
  if (!Number.isInteger(N) || N < 1 || N > 256) throw new Error(`images must be an integer in 1..256, got ${N}`);
  if (!Number.isInteger(opts.steps) || opts.steps < 0 || opts.steps > MAX_TRAIN_STEPS)
    throw new Error(`steps must be an integer in 0..${MAX_TRAIN_STEPS}, got ${opts.steps}`);
  const k = opts.springConstant ?? 1;
  if (!Number.isFinite(k) || k < 0) throw new Error(`spring constant must be finite and ≥ 0, got ${k}`);
  const start = initialCurve('chain', opts.a, opts.b, N);
  const images = new Float32Array(N * P);
  start.bends.forEach((bend, i) => images.set(bend, i * P));
  const state = createOptimizerStateCpu(images, 1);
  const config = {
    kind: opts.optimizer,
    learningRate: opts.learningRate,
    ...(opts.momentum !== undefined ? { momentum: opts.momentum } : {}),
  };
  const every = opts.onProgress ? (opts.progressEvery ?? 25) : 0;
  const maxImageLosses = new Float32Array(opts.steps);
  let diverged = false;
  let lastYield = performance.now();
  for (let step = 1; step <= opts.steps; step++) {
    if (opts.signal?.aborted) throw new AbortError();
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = performance.now();
    }
    const { losses, grads } = await source.compute(images, N);
    let worst = -Infinity;
    for (let i = 0; i < N; i++) worst = Math.max(worst, losses[i] ?? Number.NaN);
    maxImageLosses[step - 1] = worst;
    optimizerStepCpu(state, nebDescent(opts.a, opts.b, images, N, grads, k), [worst], config, step);
    if (state.divergedAt[0] !== 0) {
      diverged = true;
      maxImageLosses.fill(Number.NaN, step - 1);
      break;
    }
    if (every > 0 && (step % every === 0 || step === opts.steps)) opts.onProgress?.(step, worst);
  }
  if (!diverged && !images.every(Number.isFinite)) diverged = true;
  const bends = Array.from({ length: N }, (_, i) => images.slice(i * P, (i + 1) * P));
  return { path: { kind: 'chain', a: opts.a, b: opts.b, bends }, maxImageLosses, diverged };
}

/** NEB with the image gradients from the GPU (GradientKernel, all images in one call per step). */
export async function nebTrain(opts: NebOptions, device: GPUDevice): Promise<NebResult> {
  const source = new GpuGradientSource(device, opts.spec, opts.samples, opts.images ?? DEFAULT_NEB_IMAGES);
  try {
    return await nebWith(opts, source);
  } finally {
    source.dispose();
  }
}

/** CPU twin of nebTrain. */
export function nebTrainCpu(opts: NebOptions): Promise<NebResult> {
  return nebWith(opts, cpuGradientSource(opts.spec, opts.samples));
}
