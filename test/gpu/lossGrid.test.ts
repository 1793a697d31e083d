import { describe, expect, it } from 'vitest';
import { lossGridCpu } from '../../src/gpu/lossGrid.cpu';
import { LossGridKernel } from '../../src/gpu/lossGrid.gpu';
import { squareGrid, type GridSamples } from '../../src/gpu/lossGrid.types';
import { initParams } from '../../src/model/init';
import { Rng } from '../../src/model/rng';
import { ACTIVATIONS, LOSSES, paramLayout, type MlpSpec } from '../../src/model/spec';
import { nodeGpu, withErrorScopes } from './nodeGpu';

function randomSamples(rng: Rng, spec: MlpSpec, m: number): GridSamples {
  const x = new Float32Array(m * spec.inputs).map(() => rng.range(-1.5, 1.5));
  const y =
    spec.loss === 'mse'
      ? new Float32Array(m * spec.outputs).map(() => rng.range(-1, 1))
      : spec.loss === 'bce'
        ? new Float32Array(m).map(() => rng.int(2))
        : new Float32Array(m).map(() => rng.int(spec.outputs));
  return { m, inputs: spec.inputs, x, y };
}

function randomConfig(rng: Rng, index: number): { spec: MlpSpec; m: number; gridSize: number } {
  const activation = ACTIVATIONS[index % ACTIVATIONS.length] ?? 'tanh';
  const loss = LOSSES[index % LOSSES.length] ?? 'mse';
  const depth = index % 4;
  const hidden = Array.from({ length: depth }, () => 1 + rng.int(index % 5 === 0 ? 64 : 24));
  const outputs = loss === 'bce' ? 1 : loss === 'cross_entropy' ? 2 + rng.int(4) : 1 + rng.int(3);
  const spec: MlpSpec = { inputs: 1 + rng.int(6), hidden, outputs, activation, loss, bias: index % 3 !== 1 };
  return { spec, m: 1 + rng.int(37), gridSize: 3 + rng.int(9) };
}

describe('lossGrid kernel against its CPU twin', () => {
  it('agrees on 24 random configurations (relative error ≤ 1e-4)', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridKernel(device);
    const rng = new Rng(2024);
    const seen = new Set<string>();
    for (let c = 0; c < 24; c++) {
      const { spec, m, gridSize } = randomConfig(rng, c);
      seen.add(`${spec.activation}/${spec.loss}`);
      const size = paramLayout(spec).size;
      const center = initParams(spec, 100 + c);
      const dx = new Float32Array(size).map(() => rng.normal() * 0.3);
      const dy = new Float32Array(size).map(() => rng.normal() * 0.3);
      const req = squareGrid({ spec, samples: randomSamples(rng, spec, m), center, directionX: dx, directionY: dy }, gridSize, 1.3);
      const gpu = await withErrorScopes(device, () => kernel.run(req, { targetDispatchMs: 5 }));
      const cpu = lossGridCpu(req);
      const label = `config ${c}: ${JSON.stringify(spec)} m=${m} grid=${gridSize}`;
      expect(gpu.loss.length, label).toBe(gridSize * gridSize);
      for (let p = 0; p < cpu.loss.length; p++) {
        const want = cpu.loss[p] ?? Number.NaN;
        const got = gpu.loss[p] ?? Number.NaN;
        expect(Number.isFinite(got), `${label} point ${p}`).toBe(true);
        expect(Math.abs(got - want) / Math.max(Math.abs(want), 1e-6), `${label} point ${p}: gpu ${got} cpu ${want}`).toBeLessThanOrEqual(1e-4);
      }
      if (cpu.accuracy) {
        expect(gpu.accuracy, label).toBeDefined();
        let mismatched = 0;
        cpu.accuracy.forEach((a, p) => {
          // A sample exactly at the decision boundary may flip in float32; allow one per point.
          if (Math.abs(a - (gpu.accuracy?.[p] ?? -1)) > 1.5 / m) mismatched++;
        });
        expect(mismatched, label).toBe(0);
      }
    }
    expect(seen.size).toBeGreaterThanOrEqual(7);
    kernel.dispose();
    kernel.dispose();
  });

  it('splits work over many dispatches and sample ranges with the same result', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridKernel(device);
    const rng = new Rng(7);
    const spec: MlpSpec = { inputs: 3, hidden: [9, 5], outputs: 3, activation: 'gelu', loss: 'cross_entropy', bias: true };
    const size = paramLayout(spec).size;
    const req = squareGrid({
      spec, samples: randomSamples(rng, spec, 203), center: initParams(spec, 3),
      directionX: new Float32Array(size).map(() => rng.normal()), directionY: new Float32Array(size).map(() => rng.normal()),
    }, 67, 0.8);
    const fractions: number[] = [];
    const tiny = await withErrorScopes(device, () => kernel.run(req, { targetDispatchMs: 1, onProgress: (f) => fractions.push(f) }));
    const big = await withErrorScopes(device, () => kernel.run(req, { targetDispatchMs: 10_000 }));
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions.at(-1)).toBeCloseTo(1, 6);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThan(fractions[i - 1] ?? 0);
    for (let p = 0; p < tiny.loss.length; p++) {
      expect(Math.abs((tiny.loss[p] ?? 0) - (big.loss[p] ?? 0))).toBeLessThanOrEqual(1e-4 * Math.abs(big.loss[p] ?? 1));
    }
    kernel.dispose();
  });

  it('stops between dispatches when the request is cancelled', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridKernel(device);
    const rng = new Rng(9);
    const spec: MlpSpec = { inputs: 2, hidden: [16], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
    const size = paramLayout(spec).size;
    const req = squareGrid({
      spec, samples: randomSamples(rng, spec, 64), center: initParams(spec, 1),
      directionX: new Float32Array(size).fill(0.1), directionY: new Float32Array(size).fill(-0.1),
    }, 65, 1);
    const controller = new AbortController();
    let calls = 0;
    const run = kernel.run(req, { targetDispatchMs: 0.01, signal: controller.signal, onProgress: () => { if (++calls === 2) controller.abort(); } });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(calls).toBe(2);
    kernel.dispose();
  });

  it('marks overflowing points as non-finite instead of failing', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridKernel(device);
    const spec: MlpSpec = { inputs: 1, hidden: [], outputs: 1, activation: 'identity', loss: 'mse', bias: false };
    const req = squareGrid({
      spec, samples: { m: 4, inputs: 1, x: new Float32Array([1, 2, 3, 4]), y: new Float32Array([0, 0, 0, 0]) },
      center: new Float32Array([0]), directionX: new Float32Array([1e30]), directionY: new Float32Array([0]),
    }, 3, 1);
    const out = await withErrorScopes(device, () => kernel.run(req));
    expect(Number.isFinite(out.loss[0] ?? 0)).toBe(false);
    expect(out.loss[1]).toBe(0);
    kernel.dispose();
  });
});
