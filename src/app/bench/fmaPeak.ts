/**
 * The adapter's FMA peak (shaders/fmaPeak.wgsl), timed with onSubmittedWorkDone over repeated
 * dispatches; the best of several trials.
 */
import fmaPeakWgsl from '../../../shaders/fmaPeak.wgsl?raw';
import type { FmaPeakResult } from './types';

const WORKGROUP_SIZE = 64;
/** Flops per loop trip per invocation: 4 unrolled × 8 chains × 4 lanes × 2. */
export const FLOPS_PER_ITER = 256;

export interface FmaPeakOptions {
  /** Wall time aimed at for one dispatch, ms. */
  readonly dispatchMs?: number;
  /** Timed trials (best is kept). */
  readonly trials?: number;
  /** Dispatches per trial. */
  readonly dispatchesPerTrial?: number;
  readonly log?: (line: string) => void;
}

export async function measureFmaPeak(device: GPUDevice, opts: FmaPeakOptions = {}): Promise<FmaPeakResult> {
  const dispatchMs = opts.dispatchMs ?? 150;
  const trials = opts.trials ?? 7;
  const dispatchesPerTrial = opts.dispatchesPerTrial ?? 3;
  const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;

  const module = device.createShaderModule({ label: 'fmaPeak', code: fmaPeakWgsl });
  const pipeline = await device.createComputePipelineAsync({
    label: 'fmaPeak',
    layout: 'auto',
    compute: { module, entryPoint: 'main', constants: { WORKGROUP_SIZE } },
  });
  const maxInvocations = Math.min(maxGroups, 1 << 16) * WORKGROUP_SIZE;
  const uniform = device.createBuffer({ label: 'fmaPeak.params', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const sink = device.createBuffer({ label: 'fmaPeak.sink', size: maxInvocations * 4, usage: GPUBufferUsage.STORAGE });
  const group = device.createBindGroup({
    label: 'fmaPeak.group',
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: uniform } },
      { binding: 1, resource: { buffer: sink } },
    ],
  });

  const time = async (groups: number, iters: number, dispatches: number): Promise<number> => {
    device.queue.writeBuffer(uniform, 0, new Uint32Array([iters, 0, 0, 0]));
    await device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    for (let d = 0; d < dispatches; d++) {
      const enc = device.createCommandEncoder({ label: 'fmaPeak' });
      const pass = enc.beginComputePass({ label: 'fmaPeak' });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(groups);
      pass.end();
      device.queue.submit([enc.finish()]);
    }
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };

  try {
    // Calibrate: grow the trip count first (up to 1024), then the invocation count, until one
    // dispatch takes a measurable time; then scale the trip count to the target.
    let groups = 256;
    let iters = 16;
    let ms = await time(groups, iters, 1);
    while (ms < dispatchMs / 4) {
      if (iters < 1024) iters *= 4;
      else if (groups * 4 * WORKGROUP_SIZE <= maxInvocations) groups *= 4;
      else if (iters < 1 << 20) iters *= 4;
      else break;
      ms = await time(groups, iters, 1);
    }
    iters = Math.max(1, Math.round(iters * dispatchMs / Math.max(ms, 0.01)));
    const invocations = groups * WORKGROUP_SIZE;
    const flops = FLOPS_PER_ITER * iters * invocations * dispatchesPerTrial;
    opts.log?.(`fma peak: ${invocations} invocations × ${iters} trips, ${dispatchesPerTrial} dispatches per trial`);
    const results: number[] = [];
    for (let t = 0; t < trials; t++) {
      const trialMs = await time(groups, iters, dispatchesPerTrial);
      results.push(flops / (trialMs * 1e-3) / 1e9);
      opts.log?.(`fma peak trial ${t + 1}/${trials}: ${(results[t] ?? 0).toFixed(2)} GFLOP/s (${trialMs.toFixed(0)} ms)`);
    }
    return { gflops: Math.max(...results), trials: results, invocations, iters, dispatchesPerTrial };
  } finally {
    uniform.destroy();
    sink.destroy();
  }
}
