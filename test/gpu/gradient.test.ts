import { describe, expect, it } from 'vitest';
import { gradientCpu } from '../../src/gpu/gradient.cpu';
import { GradientKernel } from '../../src/gpu/gradient.gpu';
import type { SampleBatch } from '../../src/gpu/gradient.types';
import { initParams } from '../../src/model/init';
import { datasetLoss } from '../../src/model/network';
import { Rng } from '../../src/model/rng';
import type { Samples } from '../../src/model/samples';
import { ACTIVATIONS, LOSSES, paramLayout, residualLayers, type MlpSpec } from '../../src/model/spec';
import { nodeGpu, withErrorScopes } from './nodeGpu';

function randomSamples(rng: Rng, spec: MlpSpec, m: number): Samples {
  const x = new Float32Array(m * spec.inputs).map(() => rng.range(-1.5, 1.5));
  const y =
    spec.loss === 'mse'
      ? new Float32Array(m * spec.outputs).map(() => rng.range(-1, 1))
      : spec.loss === 'bce'
        ? new Float32Array(m).map(() => rng.int(2))
        : new Float32Array(m).map(() => rng.int(spec.outputs));
  return { m, inputs: spec.inputs, x, y };
}

function stackedInits(spec: MlpSpec, count: number, seed: number, scale = 1): Float32Array {
  const P = paramLayout(spec).size;
  const out = new Float32Array(count * P);
  for (let k = 0; k < count; k++)
    out.set(
      initParams(spec, seed + k).map((v) => v * scale),
      k * P,
    );
  return out;
}

/** Largest |g − c| / max(‖c‖∞, 1e-6) over the vectors (the error of each vector relative to its own scale). */
function gradientError(gpu: Float32Array, cpu: Float64Array, count: number, P: number): number {
  let worst = 0;
  for (let k = 0; k < count; k++) {
    let scale = 1e-6;
    for (let p = 0; p < P; p++) scale = Math.max(scale, Math.abs(cpu[k * P + p] ?? 0));
    for (let p = 0; p < P; p++) {
      const err = Math.abs((gpu[k * P + p] ?? Number.NaN) - (cpu[k * P + p] ?? 0)) / scale;
      worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
    }
  }
  return worst;
}

function lossError(gpu: Float32Array, cpu: Float64Array): number {
  let worst = 0;
  cpu.forEach((c, k) => {
    const err = Math.abs((gpu[k] ?? Number.NaN) - c) / Math.max(Math.abs(c), 1e-6);
    worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
  });
  return worst;
}

describe('gradient kernel', () => {
  it('agrees with the CPU twin on 24 random configurations (relative error ≤ 1e-4 per vector)', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(31);
    const seen = new Set<string>();
    const ks = new Set<number>();
    for (let c = 0; c < 24; c++) {
      const activation = ACTIVATIONS[c % ACTIVATIONS.length] ?? 'tanh';
      const loss = LOSSES[c % LOSSES.length] ?? 'mse';
      const depth = c % 4;
      const hidden = Array.from({ length: depth }, () => 1 + rng.int(c % 6 === 0 ? 48 : 20));
      const outputs = loss === 'bce' ? 1 : loss === 'cross_entropy' ? 2 + rng.int(4) : 1 + rng.int(3);
      const spec: MlpSpec = { inputs: 1 + rng.int(5), hidden, outputs, activation, loss, bias: c % 5 !== 2 };
      const count = c === 0 ? 1 : c === 1 ? 64 : 1 + rng.int(24);
      const m = 1 + rng.int(40);
      const samples = randomSamples(rng, spec, m);
      const batch: SampleBatch | undefined =
        c % 3 === 0
          ? undefined
          : c % 3 === 1
            ? { start: rng.int(m), count: 1 }
            : { indices: Uint32Array.from({ length: 1 + rng.int(2 * m) }, () => rng.int(m)) };
      const rangeBatch = batch && 'start' in batch ? { start: batch.start, count: 1 + rng.int(m - batch.start) } : batch;
      const P = paramLayout(spec).size;
      const thetas = stackedInits(spec, count, 1000 + c, 1.5);
      const kernel = new GradientKernel(device, spec, samples);
      const gpu = await withErrorScopes(device, () => kernel.compute(thetas, count, rangeBatch));
      kernel.dispose();
      const cpu = gradientCpu(spec, samples, thetas, count, rangeBatch);
      const label = `config ${c}: ${JSON.stringify(spec)} K=${count} m=${m} batch=${JSON.stringify(rangeBatch && 'start' in rangeBatch ? rangeBatch : rangeBatch?.indices.length)}`;
      expect(gradientError(gpu.grads, cpu.grads, count, P), label).toBeLessThanOrEqual(1e-4);
      expect(lossError(gpu.losses, cpu.losses), label).toBeLessThanOrEqual(1e-4);
      seen.add(activation).add(loss);
      ks.add(count);
    }
    expect(seen.size).toBe(ACTIVATIONS.length + LOSSES.length);
    expect(ks.has(1) && ks.has(64)).toBe(true);
  });

  it('agrees with the CPU twin on 12 random residual configurations (relative error ≤ 1e-4 per vector)', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(62);
    const seen = new Set<string>();
    for (let c = 0; c < 12; c++) {
      const activation = ACTIVATIONS[(3 * c + 2) % ACTIVATIONS.length] ?? 'tanh';
      const loss = LOSSES[c % LOSSES.length] ?? 'mse';
      // 2–5 hidden layers of one width (runs of residual layers), one of them changed at the front or the back.
      const depth = 2 + (c % 4);
      const width = 1 + rng.int(c % 5 === 0 ? 40 : 16);
      const changed = depth < 3 ? -1 : c % 2 === 0 ? 0 : depth - 1;
      const hidden = Array.from({ length: depth }, (_, i) => (i === changed ? 1 + rng.int(16) : width));
      const outputs = loss === 'bce' ? 1 : loss === 'cross_entropy' ? 2 + rng.int(4) : 1 + rng.int(3);
      const spec: MlpSpec = { inputs: 1 + rng.int(5), hidden, outputs, activation, loss, bias: c % 5 !== 2, residual: true };
      expect(residualLayers(spec).length, JSON.stringify(spec)).toBeGreaterThanOrEqual(1);
      const count = 1 + rng.int(12);
      const m = 1 + rng.int(40);
      const samples = randomSamples(rng, spec, m);
      const batch: SampleBatch | undefined =
        c % 3 === 2 ? { indices: Uint32Array.from({ length: 1 + rng.int(2 * m) }, () => rng.int(m)) } : undefined;
      const P = paramLayout(spec).size;
      const thetas = stackedInits(spec, count, 2000 + c, 1.5);
      const kernel = new GradientKernel(device, spec, samples);
      const gpu = await withErrorScopes(device, () => kernel.compute(thetas, count, batch));
      kernel.dispose();
      const cpu = gradientCpu(spec, samples, thetas, count, batch);
      const label = `residual config ${c}: ${JSON.stringify(spec)} K=${count} m=${m}`;
      expect(gradientError(gpu.grads, cpu.grads, count, P), label).toBeLessThanOrEqual(1e-4);
      expect(lossError(gpu.losses, cpu.losses), label).toBeLessThanOrEqual(1e-4);
      seen.add(activation).add(loss);
    }
    expect(seen.size).toBe(ACTIVATIONS.length + LOSSES.length);
  });

  it('a residual network has another loss and gradient than the plain one (the flag reaches the kernel)', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(17);
    const plain: MlpSpec = { inputs: 2, hidden: [5, 5, 5], outputs: 2, activation: 'tanh', loss: 'mse', bias: true };
    const residual: MlpSpec = { ...plain, residual: true };
    const samples = randomSamples(rng, plain, 19);
    const thetas = stackedInits(plain, 3, 40);
    const P = paramLayout(plain).size;
    const results = [];
    for (const spec of [plain, residual]) {
      const kernel = new GradientKernel(device, spec, samples);
      const gpu = await withErrorScopes(device, () => kernel.compute(thetas, 3));
      kernel.dispose();
      const cpu = gradientCpu(spec, samples, thetas, 3);
      expect(gradientError(gpu.grads, cpu.grads, 3, P), JSON.stringify(spec)).toBeLessThanOrEqual(1e-4);
      expect(lossError(gpu.losses, cpu.losses), JSON.stringify(spec)).toBeLessThanOrEqual(1e-4);
      results.push(gpu);
    }
    const [a, b] = results;
    for (let k = 0; k < 3; k++) expect(Math.abs((a?.losses[k] ?? 0) - (b?.losses[k] ?? 0))).toBeGreaterThan(1e-3);
    // The first layer's weights feel the skips only through the backward pass.
    expect(gradientError(a?.grads ?? new Float32Array(), Float64Array.from(b?.grads ?? []), 3, P)).toBeGreaterThan(1e-2);
  });

  it('handles 6 hidden layers of width 256 (the largest network) like the CPU twin', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(5);
    const spec: MlpSpec = {
      inputs: 3,
      hidden: [256, 7, 256, 5, 256, 256],
      outputs: 4,
      activation: 'gelu',
      loss: 'cross_entropy',
      bias: true,
    };
    const samples = randomSamples(rng, spec, 5);
    const thetas = stackedInits(spec, 2, 77);
    // Residual too: the last two hidden layers give one skip of width 256.
    for (const s of [spec, { ...spec, residual: true }]) {
      const kernel = new GradientKernel(device, s, samples);
      const gpu = await withErrorScopes(device, () => kernel.compute(thetas, 2));
      kernel.dispose();
      const cpu = gradientCpu(s, samples, thetas, 2);
      expect(gradientError(gpu.grads, cpu.grads, 2, paramLayout(s).size), JSON.stringify(s)).toBeLessThanOrEqual(1e-4);
      expect(lossError(gpu.losses, cpu.losses), JSON.stringify(s)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('handles K = 300 vectors at once', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(6);
    const spec: MlpSpec = { inputs: 2, hidden: [5], outputs: 1, activation: 'sigmoid', loss: 'mse', bias: true };
    const samples = randomSamples(rng, spec, 13);
    const thetas = stackedInits(spec, 300, 500);
    const kernel = new GradientKernel(device, spec, samples);
    const gpu = await withErrorScopes(device, () => kernel.compute(thetas, 300));
    kernel.dispose();
    const cpu = gradientCpu(spec, samples, thetas, 300);
    expect(gradientError(gpu.grads, cpu.grads, 300, paramLayout(spec).size)).toBeLessThanOrEqual(1e-4);
    expect(lossError(gpu.losses, cpu.losses)).toBeLessThanOrEqual(1e-4);
  });

  it('gives the same result when the batch is split into many sample chunks', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(8);
    const spec: MlpSpec = { inputs: 2, hidden: [12, 6], outputs: 3, activation: 'softplus', loss: 'mse', bias: true };
    const samples = randomSamples(rng, spec, 101);
    const count = 5;
    const thetas = stackedInits(spec, count, 3);
    const P = paramLayout(spec).size;
    const whole = new GradientKernel(device, spec, samples);
    // Scratch for 2 sample quads (8 samples) of 5 vectors: the 101 samples take 13 chunks.
    const stride = 2 + 12 + 6 + 12 + 6 + 3 + 1;
    const chunked = new GradientKernel(device, spec, samples, { maxScratchBytes: count * stride * 16 * 2 });
    expect(chunked.slotsFor(count, samples.m)).toBe(13);
    const a = await withErrorScopes(device, () => whole.compute(thetas, count));
    const b = await withErrorScopes(device, () => chunked.compute(thetas, count));
    const cpu = gradientCpu(spec, samples, thetas, count);
    expect(gradientError(b.grads, cpu.grads, count, P)).toBeLessThanOrEqual(1e-4);
    expect(gradientError(a.grads, Float64Array.from(b.grads), count, P)).toBeLessThanOrEqual(1e-5);
    expect(lossError(b.losses, cpu.losses)).toBeLessThanOrEqual(1e-4);
    whole.dispose();
    chunked.dispose();
    chunked.dispose();
    await expect(chunked.compute(thetas, count)).rejects.toThrow(/dispose/);
  });

  it('is deterministic: the same inputs give bitwise identical losses and gradients', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(12);
    const spec: MlpSpec = { inputs: 2, hidden: [16, 16], outputs: 1, activation: 'tanh', loss: 'bce', bias: true };
    const samples = randomSamples(rng, spec, 70);
    const thetas = stackedInits(spec, 9, 40);
    const kernel = new GradientKernel(device, spec, samples);
    const a = await withErrorScopes(device, () => kernel.compute(thetas, 9));
    const b = await withErrorScopes(device, () => kernel.compute(thetas, 9));
    expect(Array.from(b.losses)).toEqual(Array.from(a.losses));
    expect(Array.from(b.grads)).toEqual(Array.from(a.grads));
    kernel.dispose();
  });

  it('reports a non-finite loss for an overflowing vector without disturbing the others', async () => {
    const { device } = await nodeGpu();
    const spec: MlpSpec = { inputs: 1, hidden: [], outputs: 1, activation: 'identity', loss: 'mse', bias: false };
    const samples: Samples = { m: 3, inputs: 1, x: new Float32Array([1, 2, 3]), y: new Float32Array([0, 1, 0]) };
    const kernel = new GradientKernel(device, spec, samples);
    const out = await withErrorScopes(device, () => kernel.compute(new Float32Array([0.5, 1e30, -2]), 3));
    kernel.dispose();
    expect(Number.isFinite(out.losses[1] ?? 0)).toBe(false);
    expect(out.losses[0]).toBeCloseTo(datasetLoss(spec, new Float32Array([0.5]), samples), 5);
    expect(out.losses[2]).toBeCloseTo(datasetLoss(spec, new Float32Array([-2]), samples), 4);
  });
});

describe('gradientCpu', () => {
  it('matches central finite differences on every activation and loss, batches included', () => {
    const rng = new Rng(4);
    ACTIVATIONS.forEach((activation, a) => {
      const loss = LOSSES[a % LOSSES.length] ?? 'mse';
      const spec: MlpSpec = { inputs: 2, hidden: [4, 3], outputs: loss === 'bce' ? 1 : 3, activation, loss, bias: true };
      const samples = randomSamples(rng, spec, 9);
      const P = paramLayout(spec).size;
      // Shift away from relu's kink so the difference quotient is smooth.
      const theta = Float32Array.from(initParams(spec, a), (v) => v + 0.05);
      const batch = { indices: Uint32Array.from([3, 0, 8, 3]) };
      const { grads } = gradientCpu(spec, samples, theta, 1, batch);
      const h = 1e-3;
      for (let p = 0; p < P; p++) {
        const plus = Float32Array.from(theta);
        const minus = Float32Array.from(theta);
        plus[p] = (theta[p] ?? 0) + h;
        minus[p] = (theta[p] ?? 0) - h;
        const step = (plus[p] ?? 0) - (minus[p] ?? 0);
        const fd =
          ((gradientCpu(spec, samples, plus, 1, batch).losses[0] ?? 0) - (gradientCpu(spec, samples, minus, 1, batch).losses[0] ?? 0)) /
          step;
        expect(Math.abs(fd - (grads[p] ?? 0)), `${activation}/${loss} p=${p}`).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(fd)));
      }
    });
  });
});
