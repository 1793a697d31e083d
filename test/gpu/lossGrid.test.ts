import { describe, expect, it } from 'vitest';
import { lossGridCpu } from '../../src/gpu/lossGrid.cpu';
import { LossGridKernel } from '../../src/gpu/lossGrid.gpu';
import { squareGrid, type GridSamples } from '../../src/gpu/lossGrid.types';
import { initParams } from '../../src/model/init';
import { Rng } from '../../src/model/rng';
import { ACTIVATIONS, LOSSES, paramLayout, residualLayers, type MlpSpec } from '../../src/model/spec';
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

/**
 * A configuration with skip connections: 2–4 hidden layers, at least one pair of equal
 * neighbouring hidden widths (so at least one residual layer), sometimes a width change too.
 */
function randomResidualConfig(rng: Rng, index: number): { spec: MlpSpec; m: number; gridSize: number } {
  const activation = ACTIVATIONS[(index * 3 + 1) % ACTIVATIONS.length] ?? 'tanh';
  const loss = LOSSES[index % LOSSES.length] ?? 'mse';
  const depth = 2 + (index % 3);
  const width = 1 + rng.int(index % 4 === 0 ? 64 : 20);
  // With three or four layers, one width at the front or the back differs: a plain layer between
  // residual ones (the others stay equal, so at least one pair remains).
  const changed = depth < 3 ? -1 : index % 2 === 0 ? 0 : depth - 1;
  const hidden = Array.from({ length: depth }, (_, i) => (i === changed ? 1 + rng.int(20) : width));
  const outputs = loss === 'bce' ? 1 : loss === 'cross_entropy' ? 2 + rng.int(4) : 1 + rng.int(3);
  const spec: MlpSpec = { inputs: 1 + rng.int(6), hidden, outputs, activation, loss, bias: index % 3 !== 1, residual: true };
  return { spec, m: 1 + rng.int(37), gridSize: 3 + rng.int(9) };
}

describe('lossGrid kernel against its CPU twin', () => {
  it('agrees on 24 random configurations (relative error ≤ 1e-4)', async () => {
    const rng = new Rng(2024);
    const configs = Array.from({ length: 24 }, (_, c) => randomConfig(rng, c));
    const seen = await checkAgainstCpu(rng, configs);
    expect(seen.size).toBeGreaterThanOrEqual(7);
  });

  it('agrees on 12 random residual configurations (relative error ≤ 1e-4)', async () => {
    const rng = new Rng(4048);
    const configs = Array.from({ length: 12 }, (_, c) => randomResidualConfig(rng, c));
    for (const { spec } of configs) expect(residualLayers(spec).length, JSON.stringify(spec)).toBeGreaterThanOrEqual(1);
    const seen = await checkAgainstCpu(rng, configs);
    expect(seen.size).toBeGreaterThanOrEqual(7);
  });

  it('a residual network has another loss surface than the plain one (the flag reaches the kernel)', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridKernel(device);
    const rng = new Rng(31);
    const plain: MlpSpec = { inputs: 2, hidden: [6, 6, 6], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
    const residual: MlpSpec = { ...plain, residual: true };
    const size = paramLayout(plain).size;
    const base = {
      samples: randomSamples(rng, plain, 21),
      center: initParams(plain, 5),
      directionX: new Float32Array(size).map(() => rng.normal() * 0.3),
      directionY: new Float32Array(size).map(() => rng.normal() * 0.3),
    };
    const plainReq = squareGrid({ ...base, spec: plain }, 5, 1);
    const residualReq = squareGrid({ ...base, spec: residual }, 5, 1);
    const gpuPlain = await withErrorScopes(device, () => kernel.run(plainReq));
    const gpuResidual = await withErrorScopes(device, () => kernel.run(residualReq));
    const cpuResidual = lossGridCpu(residualReq);
    const cpuPlain = lossGridCpu(plainReq);
    let differs = 0;
    for (let p = 0; p < 25; p++) {
      const want = cpuResidual.loss[p] ?? Number.NaN;
      expect(Math.abs((gpuResidual.loss[p] ?? Number.NaN) - want) / Math.max(Math.abs(want), 1e-6)).toBeLessThanOrEqual(1e-4);
      expect(Math.abs((gpuPlain.loss[p] ?? Number.NaN) - (cpuPlain.loss[p] ?? Number.NaN))).toBeLessThanOrEqual(
        1e-4 * Math.abs(cpuPlain.loss[p] ?? 1),
      );
      if (Math.abs((gpuResidual.loss[p] ?? 0) - (gpuPlain.loss[p] ?? 0)) > 1e-2 * Math.abs(gpuPlain.loss[p] ?? 1)) differs++;
    }
    expect(differs).toBe(25);
    kernel.dispose();
  });

  async function checkAgainstCpu(rng: Rng, configs: readonly { spec: MlpSpec; m: number; gridSize: number }[]): Promise<Set<string>> {
    const { device } = await nodeGpu();
    const kernel = new LossGridKernel(device);
    const seen = new Set<string>();
    for (const [c, { spec, m, gridSize }] of configs.entries()) {
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
        expect(Math.abs(got - want) / Math.max(Math.abs(want), 1e-6), `${label} point ${p}: gpu ${got} cpu ${want}`).toBeLessThanOrEqual(
          1e-4,
        );
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
    kernel.dispose();
    kernel.dispose();
    return seen;
  }

  it('splits work over many dispatches and sample ranges with the same result', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridKernel(device);
    const rng = new Rng(7);
    const spec: MlpSpec = { inputs: 3, hidden: [9, 5], outputs: 3, activation: 'gelu', loss: 'cross_entropy', bias: true };
    const size = paramLayout(spec).size;
    const req = squareGrid(
      {
        spec,
        samples: randomSamples(rng, spec, 203),
        center: initParams(spec, 3),
        directionX: new Float32Array(size).map(() => rng.normal()),
        directionY: new Float32Array(size).map(() => rng.normal()),
      },
      67,
      0.8,
    );
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
    const req = squareGrid(
      {
        spec,
        samples: randomSamples(rng, spec, 64),
        center: initParams(spec, 1),
        directionX: new Float32Array(size).fill(0.1),
        directionY: new Float32Array(size).fill(-0.1),
      },
      65,
      1,
    );
    const controller = new AbortController();
    let calls = 0;
    const run = kernel.run(req, {
      targetDispatchMs: 0.01,
      signal: controller.signal,
      onProgress: () => {
        if (++calls === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(calls).toBe(2);
    kernel.dispose();
  });

  it('marks overflowing points as non-finite instead of failing', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridKernel(device);
    const spec: MlpSpec = { inputs: 1, hidden: [], outputs: 1, activation: 'identity', loss: 'mse', bias: false };
    const req = squareGrid(
      {
        spec,
        samples: { m: 4, inputs: 1, x: new Float32Array([1, 2, 3, 4]), y: new Float32Array([0, 0, 0, 0]) },
        center: new Float32Array([0]),
        directionX: new Float32Array([1e30]),
        directionY: new Float32Array([0]),
      },
      3,
      1,
    );
    const out = await withErrorScopes(device, () => kernel.run(req));
    expect(Number.isFinite(out.loss[0] ?? 0)).toBe(false);
    expect(out.loss[1]).toBe(0);
    kernel.dispose();
  });
});
