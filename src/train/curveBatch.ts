/**
 * Many curves trained at once on the GPU (the barrier matrix: one curve per pair of minima). The curves
 * share the network, the samples and the training options and differ in their endpoints (and the seed
 * of their t draws). Every step of all curves of a group runs in the same dispatches: CurveStepKernel
 * forms the K points of every curve (rows c·K + i), one GradientKernel call evaluates all C × K points,
 * CurveStepKernel combines them into every curve's bend gradient, and one OptimizerKernel step updates
 * the C bend vectors (a curve that diverges is frozen alone). Each curve's arithmetic is that of
 * trainCurve on its own, in the same order: groups are sized so that the gradient kernel splits the
 * samples into the same chunks as for one curve, so each result is bit for bit the single curve's.
 * Groups respect the device's buffer and dispatch limits; larger batches run group after group.
 */
import { CurveStepKernel, type CurveBuffers } from '../gpu/curveStep.gpu';
import { GradientKernel, type EncodedBatch, type ParamVectors } from '../gpu/gradient.gpu';
import { AbortError } from '../gpu/lossGrid.types';
import { OptimizerKernel, type OptimizerBuffers } from '../gpu/optimizer.gpu';
import { pathCoefficients, type Path } from '../landscape/paths';
import { BatchSampler } from './batchSampler';
import { trainCurveCpu } from './curveTrainingCpu';
import {
  curveOptimizer,
  curveOptionsOf,
  curveTs,
  DEFAULT_T_PER_STEP,
  scheduleFactor,
  startPath,
  type CurveBatchOptions,
  type CurveTrainResult,
} from './curveTraining.types';

export interface CurveBatchGpuOptions {
  /** Target wall time of one submission, ms (default 40). */
  readonly targetSubmitMs?: number;
  /** At most this many curves per group (default: as many as the device's limits allow). */
  readonly maxCurvesPerGroup?: number;
}

export { curveOptionsOf, type CurveBatchOptions, type CurveEnds } from './curveTraining.types';

/** CPU twin of trainCurveBatch: each curve by trainCurveCpu, one after another (the oracle). */
export async function trainCurveBatchCpu(opts: CurveBatchOptions): Promise<CurveTrainResult[]> {
  const results: CurveTrainResult[] = [];
  for (let c = 0; c < opts.curves.length; c++) {
    const onProgress = opts.onProgress;
    results.push(
      await trainCurveCpu({
        ...curveOptionsOf(opts, c),
        ...(onProgress ? { onProgress: (step: number, loss: number) => onProgress(step, Float32Array.of(loss), c) } : {}),
      }),
    );
  }
  return results;
}

export async function trainCurveBatch(
  opts: CurveBatchOptions,
  device: GPUDevice,
  gpuOpts: CurveBatchGpuOptions = {},
): Promise<CurveTrainResult[]> {
  const paths = opts.curves.map((_, c) => startPath(curveOptionsOf(opts, c)));
  const first = paths[0];
  if (first === undefined) return [];
  const P = first.a.length;
  const n = first.bends.length;
  const K = opts.tPerStep ?? DEFAULT_T_PER_STEP;
  const batchSize = opts.batchSize !== undefined && opts.batchSize < opts.samples.m ? opts.batchSize : null;
  const gradient = new GradientKernel(device, opts.spec, opts.samples);
  const update = new OptimizerKernel(device, n * P);
  try {
    const limits = device.limits;
    const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    const groupSize = Math.max(
      1,
      Math.min(
        paths.length,
        gpuOpts.maxCurvesPerGroup ?? Infinity,
        Math.floor(gradient.vectorsWithSameChunks(K, batchSize ?? opts.samples.m) / K),
        Math.floor(maxBinding / (K * P * 4)),
        Math.floor(limits.maxComputeWorkgroupsPerDimension / K),
        Math.floor((limits.maxComputeWorkgroupsPerDimension * 64) / (n * P)),
      ),
    );
    const results: CurveTrainResult[] = [];
    for (let start = 0; start < paths.length; start += groupSize) {
      const group = paths.slice(start, start + groupSize);
      const seeds = group.map((_, c) => opts.curves[start + c]?.seed ?? 0);
      results.push(...(await trainGroup(opts, device, gpuOpts, { gradient, update, paths: group, seeds, start })));
    }
    return results;
  } finally {
    gradient.dispose();
    update.dispose();
  }
}

interface Group {
  readonly gradient: GradientKernel;
  readonly update: OptimizerKernel;
  readonly paths: readonly Path[];
  readonly seeds: readonly number[];
  /** Index of the group's first curve in the batch. */
  readonly start: number;
}

async function trainGroup(
  opts: CurveBatchOptions,
  device: GPUDevice,
  gpuOpts: CurveBatchGpuOptions,
  g: Group,
): Promise<CurveTrainResult[]> {
  const { gradient, update, paths, seeds } = g;
  const C = paths.length;
  const first = paths[0];
  if (first === undefined) return [];
  const P = first.a.length;
  const n = first.bends.length;
  const kind = first.kind;
  const K = opts.tPerStep ?? DEFAULT_T_PER_STEP;
  const wd = opts.weightDecay ?? 0;
  const { samples, steps } = opts;
  const width = n + 2;
  const curve = new CurveStepKernel(device, P, K, n, 512, C);
  const made: GPUBuffer[] = [];
  const buffer = (label: string, size: number, usage: number): GPUBuffer => {
    const b = device.createBuffer({ label: `trainCurveBatch.${label}`, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
    made.push(b);
    return b;
  };
  try {
    const batchSize = opts.batchSize !== undefined && opts.batchSize < samples.m ? opts.batchSize : null;
    const batchCount = batchSize ?? samples.m;
    const slotsPerStep = gradient.slotsFor(C * K, batchCount);
    const maxPerSubmit = Math.max(1, Math.min(Math.floor(gradient.slotsLeft / slotsPerStep), update.slotsLeft, curve.slotsLeft));
    const state = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buffers: CurveBuffers = {
      coeffs: buffer('coeffs', maxPerSubmit * C * K * width * 4, state),
      endpoints: buffer('endpoints', C * 2 * P * 4, state),
      bends: buffer('bends', C * n * P * 4, state),
      points: buffer('points', C * K * P * 4, state),
      grads: buffer('grads', C * K * P * 4, state),
      losses: buffer('losses', C * K * 4, state),
      bendGrads: buffer('bendGrads', C * n * P * 4, state),
      meanLoss: buffer('meanLoss', C * 4, state),
      history: buffer('history', maxPerSubmit * C * 4, state),
    };
    const vectors: ParamVectors = { count: C * K, thetas: buffers.points, grads: buffers.grads, losses: buffers.losses };
    const optimizerBuffers: OptimizerBuffers = {
      count: C,
      thetas: buffers.bends,
      grads: buffers.bendGrads,
      losses: buffers.meanLoss,
      moment1: buffer('moment1', C * n * P * 4, state),
      moment2: buffer('moment2', C * n * P * 4, state),
      divergedAt: buffer('divergedAt', C * 4, state),
    };
    const endpoints = new Float32Array(C * 2 * P);
    const bends = new Float32Array(C * n * P);
    paths.forEach((path, c) => {
      endpoints.set(path.a, c * 2 * P);
      endpoints.set(path.b, c * 2 * P + P);
      path.bends.forEach((bend, j) => bends.set(bend, (c * n + j) * P));
    });
    device.queue.writeBuffer(buffers.endpoints, 0, endpoints);
    device.queue.writeBuffer(buffers.bends, 0, bends);
    const statusReadback = buffer('statusReadback', (maxPerSubmit + 1) * C * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const bendReadback = buffer('bendReadback', C * n * P * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);

    const single = curveOptionsOf(opts, g.start);
    const config = curveOptimizer(single);
    const sampler = batchSize === null ? null : new BatchSampler(samples.m, batchSize, opts.batchSeed ?? 0);
    const every = opts.onProgress ? (opts.progressEvery ?? 25) : 0;
    // Step losses curve by curve: stepLosses[c · steps + s − 1].
    const stepLosses = new Float32Array(C * steps);
    const divergedAt = new Uint32Array(C);
    const target = gpuOpts.targetSubmitMs ?? 40;
    let perSubmit = 1;
    for (let step = 1; step <= steps;) {
      if (opts.signal?.aborted) throw new AbortError();
      const count = Math.min(perSubmit, maxPerSubmit, steps - step + 1);
      const coeffs = new Float32Array(count * C * K * width);
      for (let i = 0; i < count; i++) {
        for (let c = 0; c < C; c++) {
          const ts = curveTs(seeds[c] ?? 0, step + i, K);
          for (let k = 0; k < K; k++) coeffs.set(pathCoefficients(kind, n, ts[k] ?? 0), ((i * C + c) * K + k) * width);
        }
      }
      device.queue.writeBuffer(buffers.coeffs, 0, coeffs);
      if (sampler) {
        const indices = new Uint32Array(count * batchCount);
        for (let i = 0; i < count; i++) indices.set(sampler.next(), i * batchCount);
        gradient.writeIndices(indices);
      }
      const fullBatch: EncodedBatch = { start: 0, count: samples.m, indexed: false };
      const encoder = device.createCommandEncoder({ label: 'trainCurveBatch.steps' });
      for (let i = 0; i < count; i++) {
        const offset = curve.pushStep({ coeffOffset: i * C * K * width, stepIndex: i, weightDecay: wd });
        curve.encodePoints(encoder, buffers, offset);
        gradient.encode(encoder, vectors, sampler ? { start: i * batchCount, count: batchCount, indexed: true } : fullBatch);
        curve.encodeGradient(encoder, buffers, offset);
        const s = step + i;
        update.encodeStep(encoder, optimizerBuffers, { ...config, learningRate: config.learningRate * scheduleFactor(single, s) }, s);
      }
      encoder.copyBufferToBuffer(buffers.history, 0, statusReadback, 0, count * C * 4);
      encoder.copyBufferToBuffer(optimizerBuffers.divergedAt, 0, statusReadback, maxPerSubmit * C * 4, C * 4);
      const t0 = performance.now();
      device.queue.submit([encoder.finish()]);
      gradient.submitted();
      update.submitted();
      curve.submitted();
      await statusReadback.mapAsync(GPUMapMode.READ);
      const raw = statusReadback.getMappedRange().slice(0);
      statusReadback.unmap();
      const ms = performance.now() - t0;
      perSubmit = Math.max(1, Math.min(2 * count, Math.floor((count * target) / Math.max(ms, 0.1))));
      const history = new Float32Array(raw, 0, count * C);
      for (let i = 0; i < count; i++) for (let c = 0; c < C; c++) stepLosses[c * steps + step - 1 + i] = history[i * C + c] ?? Number.NaN;
      divergedAt.set(new Uint32Array(raw, maxPerSubmit * C * 4, C));
      if (every > 0) {
        for (let s = step; s < step + count; s++) {
          if (s % every !== 0 && s !== steps) continue;
          // A curve that diverged at or before step s reports NaN from there, as trainCurve's record does.
          const losses = Float32Array.from({ length: C }, (_, c) => {
            const at = divergedAt[c] ?? 0;
            return at !== 0 && s >= at ? Number.NaN : (stepLosses[c * steps + s - 1] ?? Number.NaN);
          });
          opts.onProgress?.(s, losses, g.start);
        }
      }
      step += count;
      // The check of step s found a non-finite loss or bend: that curve's bends stayed frozen from there.
      if (divergedAt.every((at) => at !== 0)) break;
    }

    const encoder = device.createCommandEncoder({ label: 'trainCurveBatch.final' });
    encoder.copyBufferToBuffer(buffers.bends, 0, bendReadback, 0, C * n * P * 4);
    device.queue.submit([encoder.finish()]);
    await bendReadback.mapAsync(GPUMapMode.READ);
    const trained = new Float32Array(bendReadback.getMappedRange().slice(0));
    bendReadback.unmap();
    return paths.map((path, c) => {
      const own = trained.subarray(c * n * P, (c + 1) * n * P);
      const losses = stepLosses.slice(c * steps, (c + 1) * steps);
      const at = divergedAt[c] ?? 0;
      if (at !== 0) losses.fill(Number.NaN, at - 1);
      return {
        path: { ...path, bends: Array.from({ length: n }, (_, j) => own.slice(j * P, (j + 1) * P)) },
        stepLosses: losses,
        diverged: at !== 0 || !own.every(Number.isFinite),
      };
    });
  } finally {
    for (const b of made) b.destroy();
    curve.dispose();
  }
}
