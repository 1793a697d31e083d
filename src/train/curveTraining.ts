/**
 * Curve training on the GPU (Garipov et al. 2018; see curveTraining.types.ts for the method).
 * Whole steps stay on the GPU: CurveStepKernel forms the K points φ(t_i) from the bends,
 * GradientKernel computes their losses and gradients in one batched call, CurveStepKernel
 * combines them into the bend gradient, and OptimizerKernel updates the bends. Many steps go
 * into one submission of bounded duration (about `targetSubmitMs`, adapted as it runs); only the
 * per-step mean losses and the divergence flag are read back per submission.
 */
import { CurveStepKernel, type CurveBuffers } from '../gpu/curveStep.gpu';
import { GradientKernel, type EncodedBatch, type ParamVectors } from '../gpu/gradient.gpu';
import { AbortError } from '../gpu/lossGrid.types';
import { OptimizerKernel, type OptimizerBuffers } from '../gpu/optimizer.gpu';
import { pathCoefficients, type Path } from '../landscape/paths';
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

export { trainCurveCpu } from './curveTrainingCpu';
export { garipovFactor, type CurveTrainOptions, type CurveTrainResult } from './curveTraining.types';

export interface CurveGpuOptions {
  /** Target wall time of one submission, ms (default 40). */
  readonly targetSubmitMs?: number;
}

export async function trainCurve(opts: CurveTrainOptions, device: GPUDevice, gpuOpts: CurveGpuOptions = {}): Promise<CurveTrainResult> {
  const path = startPath(opts);
  const P = path.a.length;
  const n = path.bends.length;
  const K = opts.tPerStep ?? DEFAULT_T_PER_STEP;
  const wd = opts.weightDecay ?? 0;
  const { samples, steps } = opts;
  const width = n + 2;
  const gradient = new GradientKernel(device, opts.spec, samples);
  const update = new OptimizerKernel(device, n * P);
  const curve = new CurveStepKernel(device, P, K, n);
  const made: GPUBuffer[] = [];
  const buffer = (label: string, size: number, usage: number): GPUBuffer => {
    const b = device.createBuffer({ label: `trainCurve.${label}`, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
    made.push(b);
    return b;
  };
  try {
    const batchSize = opts.batchSize !== undefined && opts.batchSize < samples.m ? opts.batchSize : null;
    const batchCount = batchSize ?? samples.m;
    const slotsPerStep = gradient.slotsFor(K, batchCount);
    const maxPerSubmit = Math.max(1, Math.min(Math.floor(gradient.slotsLeft / slotsPerStep), update.slotsLeft, curve.slotsLeft));
    const state = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buffers: CurveBuffers = {
      coeffs: buffer('coeffs', maxPerSubmit * K * width * 4, state),
      endpoints: buffer('endpoints', 2 * P * 4, state),
      bends: buffer('bends', n * P * 4, state),
      points: buffer('points', K * P * 4, state),
      grads: buffer('grads', K * P * 4, state),
      losses: buffer('losses', K * 4, state),
      bendGrads: buffer('bendGrads', n * P * 4, state),
      meanLoss: buffer('meanLoss', 4, state),
      history: buffer('history', maxPerSubmit * 4, state),
    };
    const vectors: ParamVectors = { count: K, thetas: buffers.points, grads: buffers.grads, losses: buffers.losses };
    const optimizerBuffers: OptimizerBuffers = {
      count: 1,
      thetas: buffers.bends,
      grads: buffers.bendGrads,
      losses: buffers.meanLoss,
      moment1: buffer('moment1', n * P * 4, state),
      moment2: buffer('moment2', n * P * 4, state),
      divergedAt: buffer('divergedAt', 4, state),
    };
    const endpoints = new Float32Array(2 * P);
    endpoints.set(path.a, 0);
    endpoints.set(path.b, P);
    device.queue.writeBuffer(buffers.endpoints, 0, endpoints);
    const bends = new Float32Array(n * P);
    path.bends.forEach((bend, j) => bends.set(bend, j * P));
    device.queue.writeBuffer(buffers.bends, 0, bends);
    const statusReadback = buffer('statusReadback', (maxPerSubmit + 1) * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const bendReadback = buffer('bendReadback', n * P * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);

    const config = curveOptimizer(opts);
    const sampler = batchSize === null ? null : new BatchSampler(samples.m, batchSize, opts.batchSeed ?? 0);
    const every = opts.onProgress ? (opts.progressEvery ?? 25) : 0;
    const stepLosses = new Float32Array(steps);
    const target = gpuOpts.targetSubmitMs ?? 40;
    let diverged = false;
    let perSubmit = 1;
    for (let step = 1; step <= steps;) {
      if (opts.signal?.aborted) throw new AbortError();
      const count = Math.min(perSubmit, maxPerSubmit, steps - step + 1);
      const coeffs = new Float32Array(count * K * width);
      for (let i = 0; i < count; i++) {
        const ts = curveTs(opts.seed ?? 0, step + i, K);
        for (let k = 0; k < K; k++) coeffs.set(pathCoefficients(path.kind, n, ts[k] ?? 0), (i * K + k) * width);
      }
      device.queue.writeBuffer(buffers.coeffs, 0, coeffs);
      if (sampler) {
        const indices = new Uint32Array(count * batchCount);
        for (let i = 0; i < count; i++) indices.set(sampler.next(), i * batchCount);
        gradient.writeIndices(indices);
      }
      const fullBatch: EncodedBatch = { start: 0, count: samples.m, indexed: false };
      const encoder = device.createCommandEncoder({ label: 'trainCurve.steps' });
      for (let i = 0; i < count; i++) {
        const offset = curve.pushStep({ coeffOffset: i * K * width, stepIndex: i, weightDecay: wd });
        curve.encodePoints(encoder, buffers, offset);
        gradient.encode(encoder, vectors, sampler ? { start: i * batchCount, count: batchCount, indexed: true } : fullBatch);
        curve.encodeGradient(encoder, buffers, offset);
        const s = step + i;
        update.encodeStep(encoder, optimizerBuffers, { ...config, learningRate: config.learningRate * scheduleFactor(opts, s) }, s);
      }
      encoder.copyBufferToBuffer(buffers.history, 0, statusReadback, 0, count * 4);
      encoder.copyBufferToBuffer(optimizerBuffers.divergedAt, 0, statusReadback, maxPerSubmit * 4, 4);
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
      stepLosses.set(new Float32Array(raw, 0, count), step - 1);
      const divergedAt = new Uint32Array(raw, maxPerSubmit * 4, 1)[0] ?? 0;
      if (divergedAt !== 0) {
        // The check of step s found a non-finite loss or bend: the bends stayed frozen from there.
        diverged = true;
        stepLosses.fill(Number.NaN, divergedAt - 1);
        break;
      }
      if (every > 0) {
        for (let s = step; s < step + count; s++) if (s % every === 0 || s === steps) opts.onProgress?.(s, stepLosses[s - 1] ?? Number.NaN);
      }
      step += count;
    }

    const encoder = device.createCommandEncoder({ label: 'trainCurve.final' });
    encoder.copyBufferToBuffer(buffers.bends, 0, bendReadback, 0, n * P * 4);
    device.queue.submit([encoder.finish()]);
    await bendReadback.mapAsync(GPUMapMode.READ);
    const trained = new Float32Array(bendReadback.getMappedRange().slice(0));
    bendReadback.unmap();
    if (!trained.every(Number.isFinite)) diverged = true;
    const result: Path = { ...path, bends: Array.from({ length: n }, (_, j) => trained.slice(j * P, (j + 1) * P)) };
    return { path: result, stepLosses, diverged };
  } finally {
    for (const b of made) b.destroy();
    gradient.dispose();
    update.dispose();
    curve.dispose();
  }
}
