/** CPU twin of trainCurve (curveTraining.ts): the same t draws, batches and optimiser step, float64 gradients. */
import { AbortError } from '../gpu/lossGrid.types';
import { createOptimizerStateCpu, optimizerStepCpu } from '../gpu/optimizer.cpu';
import { pathCoefficients, pointsOnPath, type Path } from '../landscape/paths';
import { BatchSampler } from './batchSampler';
import { curveOptimizer, curveTs, DEFAULT_T_PER_STEP, scheduleFactor, startPath, type CurveTrainOptions, type CurveTrainResult } from './curveTraining.types';
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
  const bends = new Float32Array(n * P);
  path.bends.forEach((bend, j) => bends.set(bend, j * P));
  const state = createOptimizerStateCpu(bends, 1);
  const config = curveOptimizer(opts);
  const b = opts.batchSize;
  const sampler = b !== undefined && b < opts.samples.m ? new BatchSampler(opts.samples.m, b, opts.batchSeed ?? 0) : null;
  // The path's bends are views of the optimiser state, so φ always reads the current bends.
  const live: Path = { ...path, bends: path.bends.map((_, j) => bends.subarray(j * P, (j + 1) * P)) };
  const seed = opts.seed ?? 0;
  const every = opts.onProgress ? (opts.progressEvery ?? 25) : 0;
  const stepLosses = new Float32Array(opts.steps);
  const bendGrad = new Float64Array(n * P);
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
    const { losses, grads } = await source.compute(pointsOnPath(live, ts), K, sampler ? sampler.next() : undefined);
    bendGrad.fill(0);
    let mean = 0;
    for (let i = 0; i < K; i++) {
      mean += (losses[i] ?? Number.NaN) / K;
      const c = pathCoefficients(live.kind, n, ts[i] ?? 0);
      for (let j = 0; j < n; j++) {
        const w = (c[j + 1] ?? 0) / K;
        if (w === 0) continue;
        for (let p = 0; p < P; p++) bendGrad[j * P + p] = (bendGrad[j * P + p] ?? 0) + w * (grads[i * P + p] ?? 0);
      }
    }
    if (wd > 0) for (let q = 0; q < n * P; q++) bendGrad[q] = (bendGrad[q] ?? 0) + wd * (bends[q] ?? 0);
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
  return { path: { ...path, bends: live.bends.map((bend) => Float32Array.from(bend)) }, stepLosses, diverged };
}

/** CPU twin of trainCurve: the same t draws, batches and optimiser step, float64 gradients. */
export function trainCurveCpu(opts: CurveTrainOptions): Promise<CurveTrainResult> {
  return trainCurveWith(opts, cpuGradientSource(opts.spec, opts.samples));
}
