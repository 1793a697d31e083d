/** CPU twin of trainCurve (curveTraining.ts): the same t draws, batches and optimiser step, float64 gradients. */
import { curveGradientCpu, curvePointsCpu } from '../gpu/curveStep.cpu';
import { AbortError } from '../gpu/lossGrid.types';
import { createOptimizerStateCpu, optimizerStepCpu } from '../gpu/optimizer.cpu';
import { pathCoefficients } from '../landscape/paths';
import { BatchSampler } from './batchSampler';
import {
  curveOptimizer,
  curveTs,
  DEFAULT_T_PER_STEP,
  scheduleFactor,
  startPath,
  type CurveTrainOptions,
  type CurveTrainResult,
} from './curveTraining.types';
import { cpuGradientSource, type GradientSource } from './gradientSource';

/** Yields to the event loop about this often, so an abort can arrive (e.g. in a worker). */
const YIELD_MS = 40;

/**
 * The training loop with the bend update on the CPU, on any gradient source: the CPU twin of
 * trainCurve (curveTraining.ts) with cpuGradientSource; with GpuGradientSource it is a
 * GPU-gradient variant that reads back every step (slower; kept for comparison).
 */
export async function trainCurveWith(opts: CurveTrainOptions, source: GradientSource): Promise<CurveTrainResult> {
  const path = startPath(opts);
  const P = path.a.length;
  const n = path.bends.length;
  const K = opts.tPerStep ?? DEFAULT_T_PER_STEP;
  const wd = opts.weightDecay ?? 0;
  const endpoints = new Float32Array(2 * P);
  endpoints.set(path.a);
  endpoints.set(path.b, P);
  // The optimiser updates these in place; every step's points read the current bends.
  const bends = new Float32Array(n * P);
  path.bends.forEach((bend, j) => bends.set(bend, j * P));
  const state = createOptimizerStateCpu(bends, 1);
  const config = curveOptimizer(opts);
  const b = opts.batchSize;
  const sampler = b !== undefined && b < opts.samples.m ? new BatchSampler(opts.samples.m, b, opts.batchSeed ?? 0) : null;
  const seed = opts.seed ?? 0;
  const every = opts.onProgress ? (opts.progressEvery ?? 25) : 0;
  const stepLosses = new Float32Array(opts.steps);
  const coeffs = new Float64Array(K * (n + 2));
  let diverged = false;
  let lastYield = performance.now();
  for (let step = 1; step <= opts.steps; step++) {
    if (opts.signal?.aborted) throw new AbortError();
    if (performance.now() - lastYield > YIELD_MS) {
      // Lets an abort arrive when the gradients come from the CPU (no real await in between).
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = performance.now();
    }
    const ts = curveTs(seed, step, K);
    for (let i = 0; i < K; i++) coeffs.set(pathCoefficients(path.kind, n, ts[i] ?? 0), i * (n + 2));
    // The same two halves of a step as CurveStepKernel: points, gradients, bend gradient.
    const { losses, grads } = await source.compute(curvePointsCpu(coeffs, endpoints, bends, K), K, sampler ? sampler.next() : undefined);
    const { bendGrads: bendGrad, meanLoss: mean } = curveGradientCpu(coeffs, grads, losses, bends, K, wd);
    stepLosses[step - 1] = mean;
    const factor = scheduleFactor(opts, step);
    optimizerStepCpu(state, bendGrad, [mean], { ...config, learningRate: config.learningRate * factor }, step);
    if (state.divergedAt[0] !== 0) {
      diverged = true;
      stepLosses.fill(Number.NaN, step - 1);
      break;
    }
    if (every > 0 && (step % every === 0 || step === opts.steps)) opts.onProgress?.(step, mean);
  }
  if (!diverged && !bends.every(Number.isFinite)) diverged = true;
  return { path: { ...path, bends: path.bends.map((_, j) => bends.slice(j * P, (j + 1) * P)) }, stepLosses, diverged };
}

/** CPU twin of trainCurve: the same t draws, batches and optimiser step, float64 gradients. */
export function trainCurveCpu(opts: CurveTrainOptions): Promise<CurveTrainResult> {
  return trainCurveWith(opts, cpuGradientSource(opts.spec, opts.samples));
}
