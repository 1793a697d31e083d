/**
 * The adapter's FMA peak (shaders/fmaPeak.wgsl), timed with onSubmittedWorkDone over repeated
 * dispatches: for each chain count tried, calibrate the size, run several trials, keep the best.
 */
import fmaPeakWgsl from '../../shaders/fmaPeak.wgsl?raw';
import type { FmaPeakResult } from './types';

const WORKGROUP_SIZE = 64;

/** Flops per loop trip per invocation: 4 unrolled × chains × 4 lanes × 2. */
export function flopsPerIter(chains: number): number {
  return 32 * chains;
}

export interface FmaPeakOptions {
  /** Wall time aimed at for one dispatch, ms. */
  readonly dispatchMs?: number;
  /** Independent vec4 chains per invocation to try (each of 1, 2, 4, 8). */
  readonly chains?: readonly number[];
  /** Timed trials per chain count. */
  readonly trials?: number;
  /** Dispatches per trial. */
  readonly dispatchesPerTrial?: number;
  readonly log?: (line: string) => void;
}

export async function measureFmaPeak(device: GPUDevice, opts: FmaPeakOptions = {}): Promise<FmaPeakResult> {
  const dispatchMs = opts.dispatchMs ?? 150;
  const chainsToTry = opts.chains ?? [8, 4, 2];
  const trials = opts.trials ?? 4;
  const dispatchesPerTrial = opts.dispatchesPerTrial ?? 3;
  const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
  const maxInvocations = Math.min(maxGroups, 1 << 16) * WORKGROUP_SIZE;

  const module = device.createShaderModule({ label: 'fmaPeak', code: fmaPeakWgsl });
  const uniform = device.createBuffer({ label: 'fmaPeak.params', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const sink = device.createBuffer({ label: 'fmaPeak.sink', size: maxInvocations * 4, usage: GPUBufferUsage.STORAGE });

  let best: FmaPeakResult | null = null;
  try {
    for (const chains of chainsToTry) {
      const pipeline = await device.createComputePipelineAsync({
        label: `fmaPeak.chains${chains}`,
        layout: 'auto',
        compute: { module, entryPoint: 'main', constants: { WORKGROUP_SIZE, CHAINS: chains } },
      });
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

      // Calibrate: grow the trip count first (up to 1024), then the invocation count, until one
      // dispatch takes a measurable time; then scale the trip count to the target.
      let groups = 256;
      let iters = 16;
      let ms = await time(groups, iters, 1);
      while (ms < dispatchMs / 4) {
        if (iters < 1024) iters *= 4;
        else if (groups * 4 * WORKGROUP_SIZE <= maxInvocations) groups *= 4;
        else if (iters < 1 << 22) iters *= 4;
        else break;
        ms = await time(groups, iters, 1);
      }
      iters = Math.max(1, Math.round((iters * dispatchMs) / Math.max(ms, 0.01)));
      const invocations = groups * WORKGROUP_SIZE;
      const flops = flopsPerIter(chains) * iters * invocations * dispatchesPerTrial;
      const results: number[] = [];
      for (let t = 0; t < trials; t++) {
        const trialMs = await time(groups, iters, dispatchesPerTrial);
        results.push(flops / (trialMs * 1e-3) / 1e9);
      }
      const gflops = Math.max(...results);
      opts.log?.(
        `fma peak, ${chains} vec4 chains, ${invocations} invocations × ${iters} trips × ${dispatchesPerTrial} dispatches: ` +
          `${results.map((g) => g.toFixed(2)).join(', ')} GFLOP/s`,
      );
      if (best === null || gflops > best.gflops) {
        best = { gflops, trials: results, invocations, iters, dispatchesPerTrial, chains };
      }
    }
  } finally {
    uniform.destroy();
    sink.destroy();
  }
  if (best === null) throw new Error('fma peak: no chain count given');
  return best;
}
