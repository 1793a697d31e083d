/**
 * Multi-seed training on the GPU: K parameter vectors of one network trained at once
 * (GradientKernel + OptimizerKernel). Steps go into submissions of bounded duration (about
 * `targetSubmitMs`, adapted as it runs); losses are read back only for progress reports,
 * snapshots and the end. A vector that diverges is frozen and marked; the others go on.
 */
import { GradientKernel, type EncodedBatch, type ParamVectors } from '../gpu/gradient.gpu';
import { AbortError } from '../gpu/lossGrid.types';
import { OptimizerKernel, type OptimizerBuffers } from '../gpu/optimizer.gpu';
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

export interface GpuTrainOptions {
  /** Target wall time of one submission, ms (default 40). */
  readonly targetSubmitMs?: number;
}

export async function trainMultiSeed(opts: MultiSeedOptions, device: GPUDevice, gpuOpts: GpuTrainOptions = {}): Promise<MultiSeedResult> {
  const { count: K, paramCount: P, thetas: start, batchSize, optimizer } = prepareTraining(opts);
  const { spec, samples, steps } = opts;
  const gradient = new GradientKernel(device, spec, samples);
  const update = new OptimizerKernel(device, P);
  const made: GPUBuffer[] = [];
  const buffer = (label: string, size: number, usage: number): GPUBuffer => {
    const b = device.createBuffer({ label: `trainMultiSeed.${label}`, size: Math.max(16, size), usage });
    made.push(b);
    return b;
  };
  try {
    const state = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buffers: OptimizerBuffers & ParamVectors = {
      count: K,
      thetas: buffer('thetas', K * P * 4, state),
      grads: buffer('grads', K * P * 4, state),
      losses: buffer('losses', K * 4, state),
      moment1: buffer('moment1', K * P * 4, state),
      moment2: buffer('moment2', K * P * 4, state),
      divergedAt: buffer('divergedAt', K * 4, state),
    };
    device.queue.writeBuffer(buffers.thetas, 0, start);
    const statusReadback = buffer('statusReadback', K * 8, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const thetaReadback = buffer('thetaReadback', K * P * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const fullBatch: EncodedBatch = { start: 0, count: samples.m, indexed: false };

    const readStatus = async (): Promise<{ losses: Float32Array; divergedAt: Uint32Array }> => {
      await statusReadback.mapAsync(GPUMapMode.READ);
      const raw = statusReadback.getMappedRange().slice(0);
      statusReadback.unmap();
      return { losses: new Float32Array(raw, 0, K), divergedAt: new Uint32Array(raw, K * 4, K) };
    };
    const readThetas = async (): Promise<Float32Array> => {
      await thetaReadback.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(thetaReadback.getMappedRange().slice(0));
      thetaReadback.unmap();
      return out;
    };
    const copyStatus = (encoder: GPUCommandEncoder): void => {
      encoder.copyBufferToBuffer(buffers.losses, 0, statusReadback, 0, K * 4);
      encoder.copyBufferToBuffer(buffers.divergedAt, 0, statusReadback, K * 4, K * 4);
    };
    const submit = (encoder: GPUCommandEncoder): void => {
      device.queue.submit([encoder.finish()]);
      gradient.submitted();
      update.submitted();
    };

    // Initial full-batch losses (the gradient is computed too and discarded).
    let encoder = device.createCommandEncoder({ label: 'trainMultiSeed.initial' });
    gradient.encode(encoder, buffers, fullBatch);
    copyStatus(encoder);
    submit(encoder);
    const initialLosses = (await readStatus()).losses;

    const snapshots: TrainingSnapshot[] = [];
    if (opts.snapshotEvery !== undefined) snapshots.push({ step: 0, thetas: Float32Array.from(start) });
    const sampler = batchSize === null ? null : new BatchSampler(samples.m, batchSize, opts.batchSeed ?? 0);
    const batchCount = batchSize ?? samples.m;
    const slotsPerStep = gradient.slotsFor(K, batchCount);
    const maxPerSubmit = Math.max(1, Math.min(Math.floor(gradient.slotsLeft / slotsPerStep), update.slotsLeft));
    const progressEvery = opts.onProgress ? (opts.progressEvery ?? 25) : undefined;
    const target = gpuOpts.targetSubmitMs ?? 40;
    let perSubmit = 1;
    for (let step = 1; step <= steps;) {
      if (opts.signal?.aborted) throw new AbortError();
      let n = Math.min(perSubmit, maxPerSubmit, steps - step + 1);
      // End the submission on the next report step, so reports land exactly on it.
      for (let i = 0; i < n; i++) {
        const s = step + i;
        if (isReportStep(s, steps, progressEvery) || isReportStep(s, steps, opts.snapshotEvery)) {
          n = i + 1;
          break;
        }
      }
      let indexed = false;
      if (sampler) {
        const indices = new Uint32Array(n * batchCount);
        for (let i = 0; i < n; i++) indices.set(sampler.next(), i * batchCount);
        gradient.writeIndices(indices);
        indexed = true;
      }
      encoder = device.createCommandEncoder({ label: 'trainMultiSeed.steps' });
      for (let i = 0; i < n; i++) {
        gradient.encode(encoder, buffers, indexed ? { start: i * batchCount, count: batchCount, indexed } : fullBatch);
        update.encodeStep(encoder, buffers, optimizerAt(optimizer, opts.schedule, step + i, steps), step + i);
      }
      const last = step + n - 1;
      const report = isReportStep(last, steps, progressEvery);
      const snapshot = isReportStep(last, steps, opts.snapshotEvery) && last < steps;
      if (report) copyStatus(encoder);
      if (snapshot) encoder.copyBufferToBuffer(buffers.thetas, 0, thetaReadback, 0, K * P * 4);
      const t0 = performance.now();
      submit(encoder);
      await device.queue.onSubmittedWorkDone();
      const ms = performance.now() - t0;
      perSubmit = Math.max(1, Math.min(2 * n, Math.floor((n * target) / Math.max(ms, 0.1))));
      if (report) {
        const status = await readStatus();
        opts.onProgress?.(last, maskDiverged(status.losses, status.divergedAt));
      }
      if (snapshot) {
        const thetas = await readThetas();
        snapshots.push({ step: last, thetas });
        await opts.onSnapshot?.(last, thetas);
      }
      step += n;
    }

    // Final full-batch losses, and the check that catches a blow-up in the last update.
    encoder = device.createCommandEncoder({ label: 'trainMultiSeed.final' });
    gradient.encode(encoder, buffers, fullBatch);
    update.encodeCheck(encoder, buffers, optimizer, steps + 1);
    copyStatus(encoder);
    encoder.copyBufferToBuffer(buffers.thetas, 0, thetaReadback, 0, K * P * 4);
    submit(encoder);
    const final = await readStatus();
    const thetas = await readThetas();
    if (opts.snapshotEvery !== undefined && steps > 0) snapshots.push({ step: steps, thetas: Float32Array.from(thetas) });
    const diverged = Uint8Array.from(final.divergedAt, (d) => (d !== 0 ? 1 : 0));
    return {
      count: K,
      paramCount: P,
      thetas,
      initialLosses,
      finalLosses: maskDiverged(final.losses, final.divergedAt),
      diverged,
      divergedAtStep: Uint32Array.from(final.divergedAt),
      ...(opts.snapshotEvery !== undefined ? { snapshots } : {}),
    };
  } finally {
    for (const b of made) b.destroy();
    gradient.dispose();
    update.dispose();
  }
}
