/**
 * The ONNX path's own WGSL kernels against their CPU twins, on random shapes (WebGPU in Node, Dawn on
 * SwiftShader): forming θ₀ + α·d₁ + β·d₂ tensor by tensor (onnxWeights.wgsl vs formSegmentCpu) and the
 * loss of outputs left on the GPU (onnxLoss.wgsl vs addLossTerms, float64), a NaN output included.
 */
import { describe, expect, it } from 'vitest';
import { OnnxLossKernel, OnnxWeightKernel } from '../../src/engine/onnxGpu';
import { elementCount, type ModelLayout, type ParamSegment } from '../../src/model/layout';
import { addLossTerms, type LossSums, type Targets } from '../../src/model/onnx/loss';
import { formSegmentCpu } from '../../src/model/onnx/weights';
import { Rng } from '../../src/model/rng';
import type { LossKind } from '../../src/model/spec';
import { nodeGpu, withErrorScopes } from '../gpu/nodeGpu';

async function readBuffer(device: GPUDevice, buffer: GPUBuffer, count: number): Promise<Float32Array> {
  const staging = device.createBuffer({ size: Math.max(16, count * 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(buffer, 0, staging, 0, count * 4);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0, count * 4));
  staging.unmap();
  staging.destroy();
  return out;
}

function randomLayout(rng: Rng, tensors: number, big: boolean): ModelLayout {
  const segments: ParamSegment[] = [];
  let offset = 0;
  for (let i = 0; i < tensors; i++) {
    const shape = big && i === 0 ? [300, 241] : Array.from({ length: 1 + rng.int(4) }, () => 1 + rng.int(i % 2 === 0 ? 9 : 40));
    segments.push({ name: `t${i}`, kind: i % 2 === 0 ? 'weight' : 'bias', shape, offset });
    offset += elementCount(shape);
  }
  return { segments, size: offset };
}

describe('onnxWeights.wgsl against formSegmentCpu', () => {
  it('forms every tensor of 8 random layouts at random (α, β) within float32 rounding', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(12);
    for (let c = 0; c < 8; c++) {
      const layout = randomLayout(rng, 1 + rng.int(12), c === 3);
      const vec = (): Float32Array => new Float32Array(layout.size).map(() => rng.normal() * (c % 2 === 0 ? 1 : 30));
      const [center, dx, dy] = [vec(), vec(), vec()];
      const kernel = new OnnxWeightKernel(device, layout);
      try {
        kernel.setPlane(center, dx, dy);
        for (const [alpha, beta] of [
          [rng.range(-2, 2), rng.range(-2, 2)],
          [0, 0],
          [-1, 0.5],
        ] as const) {
          const tensors = await withErrorScopes(device, async () => {
            kernel.form(alpha, beta);
            return Promise.all(layout.segments.map((s, i) => readBuffer(device, kernel.tensors[i] as GPUBuffer, elementCount(s.shape))));
          });
          layout.segments.forEach((seg, i) => {
            const count = elementCount(seg.shape);
            const want = new Float32Array(count);
            formSegmentCpu(center, dx, dy, seg.offset, count, alpha, beta, want);
            const got = tensors[i] ?? new Float32Array();
            // The worst error in units of the terms' own size (float32 rounding: a few 1e-8).
            let worst = 0;
            for (let j = 0; j < count; j++) {
              const k = seg.offset + j;
              const scale = Math.abs(center[k] ?? 0) + Math.abs(alpha * (dx[k] ?? 0)) + Math.abs(beta * (dy[k] ?? 0));
              worst = Math.max(worst, Math.abs((got[j] ?? NaN) - (want[j] ?? NaN)) / Math.max(scale, 1e-30));
            }
            expect(worst, `layout ${c} ${seg.name} (${count} values)`).toBeLessThanOrEqual(3e-7);
          });
        }
        // A whole parameter vector (a path's point) is written tensor by tensor.
        const theta = vec();
        kernel.setTheta(theta);
        const got = await Promise.all(
          layout.segments.map((s, i) => readBuffer(device, kernel.tensors[i] as GPUBuffer, elementCount(s.shape))),
        );
        layout.segments.forEach((seg, i) => expect(got[i]).toEqual(theta.subarray(seg.offset, seg.offset + elementCount(seg.shape))));
      } finally {
        kernel.dispose();
      }
    }
  });
});

describe('onnxLoss.wgsl against addLossTerms', () => {
  it('sums mse, cross-entropy and bce over chunks into per-point slots (≤ 1e-5 relative, correct counts exact)', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(5);
    const kinds: LossKind[] = ['mse', 'cross_entropy', 'bce', 'cross_entropy', 'mse', 'bce', 'cross_entropy'];
    for (const [c, loss] of kinds.entries()) {
      const outputs = loss === 'bce' ? 1 : loss === 'cross_entropy' ? 2 + rng.int(12) : 1 + rng.int(5);
      const m = 1 + rng.int(c === 1 ? 2000 : 700);
      const width = loss === 'mse' ? outputs : 1;
      const y =
        loss === 'mse'
          ? new Float32Array(m * width).map(() => rng.normal())
          : loss === 'bce'
            ? new Float32Array(m).map(() => (c === 5 ? rng.range(0, 1) : rng.int(2)))
            : new Float32Array(m).map(() => rng.int(outputs));
      const targets: Targets = { m, y, width, integer: loss === 'cross_entropy' };
      // Confident logits (c = 3: tiny losses, where log(1 + x) must keep its digits) or spread ones.
      const spread = c === 3 ? 25 : 3;
      const slots = 1 + rng.int(4);
      const kernel = new OnnxLossKernel(device, loss, outputs, y);
      const cpu: LossSums[] = Array.from({ length: slots }, () => ({ loss: 0, correct: 0 }));
      const buffers: GPUBuffer[] = [];
      try {
        const gpu = await withErrorScopes(device, async () => {
          kernel.reset(slots);
          for (let slot = 0; slot < slots; slot++) {
            // The data in chunks of varied size, like a model's fixed or free batch axis.
            for (let first = 0; first < m;) {
              const rows = Math.min(m - first, 1 + rng.int(600));
              const out = new Float32Array(rows * outputs).map(() => rng.normal() * spread);
              if (c === 3) for (let r = 0; r < rows; r++) out[r * outputs + Math.round(y[first + r] ?? 0)] = 40;
              // A NaN output (a BatchNorm with a negative running variance) makes that slot's loss NaN, as on the CPU.
              if (c >= 4 && slot === 0 && first === 0) out[rng.int(out.length)] = NaN;
              const buffer = device.createBuffer({ size: out.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
              device.queue.writeBuffer(buffer, 0, out);
              buffers.push(buffer);
              kernel.reduce(buffer, rows, first, slot);
              addLossTerms(loss, out, outputs, rows, targets, first, cpu[slot] as LossSums);
              first += rows;
            }
          }
          return kernel.read(slots);
        });
        for (let slot = 0; slot < slots; slot++) {
          const want = cpu[slot] as LossSums;
          const label = `${loss} case ${c}, m=${m}, outputs=${outputs}, slot ${slot}`;
          if (Number.isNaN(want.loss)) expect(gpu[2 * slot], label).toBeNaN();
          else expect(Math.abs((gpu[2 * slot] ?? NaN) - want.loss) / Math.max(Math.abs(want.loss), 1e-6), label).toBeLessThanOrEqual(1e-5);
          expect(gpu[2 * slot + 1], label).toBe(want.correct);
        }
      } finally {
        kernel.dispose();
        for (const b of buffers) b.destroy();
      }
    }
  });
});
