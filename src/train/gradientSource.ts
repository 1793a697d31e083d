/**
 * Where path trainers (curve training, nudged elastic band) get losses and gradients of K
 * parameter vectors: GradientKernel on the GPU with buffers kept across steps, or its CPU twin.
 * Both take the same vectors and sample batches, so a trainer run on either agrees step by step.
 */
import { gradientCpu } from '../gpu/gradient.cpu';
import { GradientKernel, type ParamVectors } from '../gpu/gradient.gpu';
import type { Samples } from '../model/samples';
import { paramLayout, type MlpSpec } from '../model/spec';

export interface GradientSource {
  readonly paramCount: number;
  /** Mean loss per vector over the batch (all samples without one) and gradients K × P. */
  compute(thetas: Float32Array, count: number, batch?: Uint32Array): Promise<{ losses: ArrayLike<number>; grads: ArrayLike<number> }>;
  dispose(): void;
}

export function cpuGradientSource(spec: MlpSpec, samples: Samples): GradientSource {
  return {
    paramCount: paramLayout(spec).size,
    compute: (thetas, count, batch) => Promise.resolve(gradientCpu(spec, samples, thetas, count, batch ? { indices: batch } : undefined)),
    dispose: () => undefined,
  };
}

/** GPU source for up to `maxCount` vectors at once; one submission and one readback per call. */
export class GpuGradientSource implements GradientSource {
  readonly paramCount: number;
  private readonly kernel: GradientKernel;
  private readonly vectors: ParamVectors;
  private readonly readback: GPUBuffer;
  private disposed = false;

  constructor(
    private readonly device: GPUDevice,
    readonly spec: MlpSpec,
    readonly samples: Samples,
    readonly maxCount: number,
  ) {
    this.kernel = new GradientKernel(device, spec, samples);
    const P = this.kernel.paramCount;
    this.paramCount = P;
    const make = (label: string, size: number, usage: number): GPUBuffer =>
      device.createBuffer({ label: `GpuGradientSource.${label}`, size: Math.max(16, size), usage });
    this.vectors = {
      count: maxCount,
      thetas: make('thetas', maxCount * P * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST),
      grads: make('grads', maxCount * P * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC),
      losses: make('losses', maxCount * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC),
    };
    this.readback = make('readback', maxCount * (P + 1) * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  }

  async compute(thetas: Float32Array, count: number, batch?: Uint32Array): Promise<{ losses: Float32Array; grads: Float32Array }> {
    if (this.disposed) throw new Error('GpuGradientSource used after dispose()');
    const P = this.paramCount;
    // The kernel's bind groups and dispatches are sized by `vectors.count`: always send maxCount vectors.
    if (count !== this.maxCount) throw new Error(`this source computes exactly ${this.maxCount} vectors per call, got ${count}`);
    if (thetas.length !== count * P) throw new Error(`expected ${count} × ${P} parameters, got ${thetas.length}`);
    const { device } = this;
    device.queue.writeBuffer(this.vectors.thetas, 0, Float32Array.from(thetas));
    if (batch) this.kernel.writeIndices(batch);
    const encoder = device.createCommandEncoder({ label: 'GpuGradientSource.encoder' });
    this.kernel.encode(
      encoder,
      this.vectors,
      batch ? { start: 0, count: batch.length, indexed: true } : { start: 0, count: this.samples.m, indexed: false },
    );
    encoder.copyBufferToBuffer(this.vectors.grads, 0, this.readback, 0, count * P * 4);
    encoder.copyBufferToBuffer(this.vectors.losses, 0, this.readback, count * P * 4, count * 4);
    device.queue.submit([encoder.finish()]);
    this.kernel.submitted();
    await this.readback.mapAsync(GPUMapMode.READ);
    const raw = new Float32Array(this.readback.getMappedRange().slice(0));
    this.readback.unmap();
    return { grads: raw.subarray(0, count * P), losses: raw.subarray(count * P, count * P + count) };
  }

  /** Destroys what this source created; safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of [this.vectors.thetas, this.vectors.grads, this.vectors.losses, this.readback]) b.destroy();
    this.kernel.dispose();
  }
}
