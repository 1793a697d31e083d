/**
 * CPU twin of trainMultiSeed (the fallback when there is no WebGPU): the same options, batches,
 * optimiser step and divergence rules, with float64 gradients (gradientCpu) and float32 state — or the
 * gradients of another source (the CPU backend: the SIMD engine's, fastGradientSource).
 */
import { cpuGradientSource, type GradientSource } from './gradientSource';
import { AbortError } from '../gpu/lossGrid.types';
import { checkDivergenceCpu, createOptimizerStateCpu, optimizerStepCpu } from '../gpu/optimizer.cpu';
import { BatchSampler } from './batchSampler';
import {
  isReportStep,
  maskDiverged,
  optimizerAt,
  prepareTraining,
  type MultiSeedOptions,
  type MultiSeedResult,
  type TrainingSnapshot,
} from './multiSeed.types';

/** Yields to the event loop about this often, so an abort can arrive (e.g. in a worker). */
const YIELD_MS = 40;

export async function trainMultiSeedCpu(
  opts: MultiSeedOptions,
  source: GradientSource = cpuGradientSource(opts.spec, opts.samples),
): Promise<MultiSeedResult> {
  const { count: K, paramCount: P, thetas, batchSize, optimizer } = prepareTraining(opts);
  const { samples, steps } = opts;
  const state = createOptimizerStateCpu(thetas, K);
  const initialLosses = Float32Array.from((await source.compute(thetas, K)).losses);
  const snapshots: TrainingSnapshot[] = [];
  if (opts.snapshotEvery !== undefined) snapshots.push({ step: 0, thetas: Float32Array.from(thetas) });
  const sampler = batchSize === null ? null : new BatchSampler(samples.m, batchSize, opts.batchSeed ?? 0);
  const progressEvery = opts.onProgress ? (opts.progressEvery ?? 25) : undefined;
  let lastYield = performance.now();
  for (let step = 1; step <= steps; step++) {
    if (opts.signal?.aborted) throw new AbortError();
    const { losses, grads } = await source.compute(thetas, K, sampler ? sampler.next() : undefined);
    optimizerStepCpu(state, grads, losses, optimizerAt(optimizer, opts.schedule, step, steps), step);
    if (isReportStep(step, steps, progressEvery)) opts.onProgress?.(step, maskDiverged(losses, state.divergedAt));
    if (isReportStep(step, steps, opts.snapshotEvery) && step < steps) snapshots.push({ step, thetas: Float32Array.from(thetas) });
    if (performance.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = performance.now();
    }
  }
  const final = (await source.compute(thetas, K)).losses;
  checkDivergenceCpu(state, final, steps + 1);
  if (opts.snapshotEvery !== undefined && steps > 0) snapshots.push({ step: steps, thetas: Float32Array.from(thetas) });
  return {
    count: K,
    paramCount: P,
    thetas,
    initialLosses,
    finalLosses: maskDiverged(final, state.divergedAt),
    diverged: Uint8Array.from(state.divergedAt, (d) => (d !== 0 ? 1 : 0)),
    divergedAtStep: Uint32Array.from(state.divergedAt),
    ...(opts.snapshotEvery !== undefined ? { snapshots } : {}),
  };
}
