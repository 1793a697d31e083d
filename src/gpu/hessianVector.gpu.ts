/**
 * Hessian-vector products on the GPU: the gradient kernel (GradientKernel) evaluated at θ ± ε·v̂ for up
 * to BATCH vectors in one call (K = 2·count gradients at once), then H·v ≈ ‖v‖·(g₊ − g₋)/(2ε) in float64.
 * The step and its error bound: hessianVector.types.ts. The CPU twin: hessianVector.cpu.ts.
 */
import type { Samples } from '../model/samples';
import type { MlpSpec } from '../model/spec';
import { GradientKernel, type ParamVectors } from './gradient.gpu';
import { throwIfAborted } from './lossGrid.types';
import { hvpStep, vectorNorm, type HvpResult } from './hessianVector.types';

/** Vectors per submission (2 × BATCH gradients); more are done in several submissions. */
export const HVP_BATCH = 16;

export class HessianVectorKernel {
  readonly paramCount: number;
  private readonly kernel: GradientKernel;
  private readonly thetas: GPUBuffer;
  private readonly grads: GPUBuffer;
  private readonly losses: GPUBuffer;
  private readonly readback: GPUBuffer;
  /** One ParamVectors per gradient count K over the same buffers (the kernel caches bind groups per object). */
  private readonly views = new Map<number, ParamVectors>();
  private disposed = false;

  constructor(
    private readonly device: GPUDevice,
    readonly spec: MlpSpec,
    readonly samples: Samples,
  ) {
    this.kernel = new GradientKernel(device, spec, samples);
    const P = this.kernel.paramCount;
    this.paramCount = P;
    const K = 2 * HVP_BATCH;
    const make = (label: string, size: number, usage: number): GPUBuffer =>
      device.createBuffer({ label: `HessianVectorKernel.${label}`, size: Math.max(16, size), usage });
    this.thetas = make('thetas', K * P * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    this.grads = make('grads', K * P * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    this.losses = make('losses', K * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    this.readback = make('readback', K * P * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  }

  /** H·v at θ for `count` vectors stored count × P; checks `signal` between submissions. */
  async products(theta: Float32Array, vectors: ArrayLike<number>, count: number, signal?: AbortSignal): Promise<HvpResult> {
    if (this.disposed) throw new Error('HessianVectorKernel used after dispose()');
    const P = this.paramCount;
    if (theta.length !== P) throw new Error(`θ has ${theta.length} entries, the network ${P}`);
    if (vectors.length !== count * P) throw new Error(`expected ${count} × ${P} vector entries, got ${vectors.length}`);
    const step = hvpStep(theta, 'f32');
    const products = new Float64Array(count * P);
    const gradient = new Float64Array(P);
    for (let first = 0; first < count; first += HVP_BATCH) {
      throwIfAborted(signal);
      const n = Math.min(HVP_BATCH, count - first);
      const norms = Array.from({ length: n }, (_, k) => vectorNorm(vectors, first + k, P));
      const points = new Float32Array(2 * n * P);
      for (let k = 0; k < n; k++) {
        const norm = norms[k] ?? 0;
        const base = (first + k) * P;
        for (let i = 0; i < P; i++) {
          const d = norm > 0 ? (step * (vectors[base + i] ?? 0)) / norm : 0;
          points[2 * k * P + i] = (theta[i] ?? 0) + d;
          points[(2 * k + 1) * P + i] = (theta[i] ?? 0) - d;
        }
      }
      const grads = await this.gradients(points, 2 * n);
      for (let k = 0; k < n; k++) {
        const scale = (norms[k] ?? 0) / (2 * step);
        const out = (first + k) * P;
        for (let i = 0; i < P; i++) products[out + i] = ((grads[2 * k * P + i] ?? 0) - (grads[(2 * k + 1) * P + i] ?? 0)) * scale;
        if (first + k === 0) for (let i = 0; i < P; i++) gradient[i] = ((grads[i] ?? 0) + (grads[P + i] ?? 0)) / 2;
      }
    }
    return { products, gradient, step };
  }

  private async gradients(points: Float32Array<ArrayBuffer>, K: number): Promise<Float32Array> {
    const { device } = this;
    const P = this.paramCount;
    let view = this.views.get(K);
    if (view === undefined) {
      view = { count: K, thetas: this.thetas, grads: this.grads, losses: this.losses };
      this.views.set(K, view);
    }
    device.queue.writeBuffer(this.thetas, 0, points);
    const encoder = device.createCommandEncoder({ label: 'HessianVectorKernel.encoder' });
    this.kernel.encode(encoder, view, { start: 0, count: this.samples.m, indexed: false });
    encoder.copyBufferToBuffer(this.grads, 0, this.readback, 0, K * P * 4);
    device.queue.submit([encoder.finish()]);
    this.kernel.submitted();
    await this.readback.mapAsync(GPUMapMode.READ, 0, K * P * 4);
    const raw = new Float32Array(this.readback.getMappedRange(0, K * P * 4).slice(0));
    this.readback.unmap();
    return raw;
  }

  /** Destroys what this kernel created; safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of [this.thetas, this.grads, this.losses, this.readback]) b.destroy();
    this.kernel.dispose();
    this.views.clear();
  }
}
