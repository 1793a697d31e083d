import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/generators';
import { vectorLossCpu } from '../../src/gpu/vectorLoss.cpu';
import { VectorLossKernel } from '../../src/gpu/vectorLoss.gpu';
import { initParams } from '../../src/model/init';
import { Rng } from '../../src/model/rng';
import { ACTIVATIONS, LOSSES, paramLayout, residualLayers, type MlpSpec } from '../../src/model/spec';
import { evaluatePaths, evaluatePathsCpu, summarizePath } from '../../src/landscape/pathEval';
import { straightLine, type Path } from '../../src/landscape/paths';
import { nodeGpu, withErrorScopes } from './nodeGpu';

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const want = b[i] ?? Number.NaN;
    worst = Math.max(worst, Math.abs((a[i] ?? Number.NaN) - want) / Math.max(Math.abs(want), 1e-3));
  }
  return worst;
}

describe('vectorLoss kernel against its CPU twin', () => {
  it('agrees with the CPU twin on 12 random residual configurations, and residual ≠ plain', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(93);
    for (let c = 0; c < 12; c++) {
      const activation = ACTIVATIONS[(5 * c + 3) % ACTIVATIONS.length] ?? 'tanh';
      const loss = LOSSES[c % LOSSES.length] ?? 'mse';
      const depth = 2 + (c % 4);
      const width = 1 + rng.int(c % 4 === 0 ? 48 : 16);
      const changed = depth < 3 ? -1 : c % 2 === 0 ? 0 : depth - 1;
      const hidden = Array.from({ length: depth }, (_, i) => (i === changed ? 1 + rng.int(16) : width));
      const outputs = loss === 'bce' ? 1 : loss === 'cross_entropy' ? 2 + rng.int(4) : 1 + rng.int(3);
      const spec: MlpSpec = { inputs: 1 + rng.int(6), hidden, outputs, activation, loss, bias: c % 3 !== 1, residual: true };
      expect(residualLayers(spec).length, JSON.stringify(spec)).toBeGreaterThanOrEqual(1);
      const m = 1 + rng.int(90);
      const x = new Float32Array(m * spec.inputs).map(() => rng.range(-1.5, 1.5));
      const y =
        loss === 'mse'
          ? new Float32Array(m * outputs).map(() => rng.range(-1, 1))
          : new Float32Array(m).map(() => rng.int(loss === 'bce' ? 2 : outputs));
      const samples = { m, inputs: spec.inputs, x, y };
      const count = 1 + rng.int(5);
      const P = paramLayout(spec).size;
      const thetas = new Float32Array(count * P).map(() => rng.normal() * 0.6);
      const label = `residual config ${c}: ${JSON.stringify(spec)} m=${m} K=${count}`;
      const kernel = new VectorLossKernel(device, spec, samples);
      const plainKernel = new VectorLossKernel(device, { ...spec, residual: false }, samples);
      try {
        const gpu = await withErrorScopes(device, () => kernel.evaluate(thetas, count));
        expect(relativeError(gpu.losses, vectorLossCpu(spec, samples, thetas, count).losses), label).toBeLessThanOrEqual(1e-4);
        const plain = await withErrorScopes(device, () => plainKernel.evaluate(thetas, count));
        expect(
          relativeError(plain.losses, vectorLossCpu({ ...spec, residual: false }, samples, thetas, count).losses),
          label,
        ).toBeLessThanOrEqual(1e-4);
        expect(relativeError(gpu.losses, plain.losses), label).toBeGreaterThan(1e-3);
      } finally {
        kernel.dispose();
        plainKernel.dispose();
      }
    }
  });
});

// Path evaluation (src/landscape/pathEval.ts) on the vectorLoss kernel against its CPU version.
describe('path evaluation on the vectorLoss kernel', () => {
  const cases: { name: string; spec: MlpSpec; kind: 'moons' | 'spiral' }[] = [
    {
      name: '2-12-3 tanh, cross-entropy, three paths',
      spec: { inputs: 2, hidden: [12], outputs: 3, activation: 'tanh', loss: 'cross_entropy', bias: true },
      kind: 'spiral',
    },
    {
      name: '2-8-5-1 relu, bce, no bias',
      spec: { inputs: 2, hidden: [8, 5], outputs: 1, activation: 'relu', loss: 'bce', bias: false },
      kind: 'moons',
    },
    {
      name: '2-6-2 sigmoid, mse (one-hot)',
      spec: { inputs: 2, hidden: [6], outputs: 2, activation: 'sigmoid', loss: 'mse', bias: true },
      kind: 'moons',
    },
    {
      name: '2-8-8-8-3 gelu, cross-entropy, residual',
      spec: { inputs: 2, hidden: [8, 8, 8], outputs: 3, activation: 'gelu', loss: 'cross_entropy', bias: true, residual: true },
      kind: 'spiral',
    },
    {
      name: '2-6-6-4-4-1 softplus, bce, residual, no bias',
      spec: { inputs: 2, hidden: [6, 6, 4, 4], outputs: 1, activation: 'softplus', loss: 'bce', bias: false, residual: true },
      kind: 'moons',
    },
  ];
  for (const { name, spec, kind } of cases) {
    it(`${name}: losses within relative 1e-4, accuracy equal`, async () => {
      const { device } = await nodeGpu();
      const classes = spec.outputs === 3 ? 3 : 2;
      const data = makeDataset(kind, { samples: 75, classes, noise: 0.1, seed: 2 }, spec.loss);
      const a = initParams(spec, 1).map((v) => 2 * v);
      const b = initParams(spec, 2).map((v) => 2 * v);
      const paths: Path[] = [
        straightLine(a, b),
        { kind: 'bezier', a, b, bends: [initParams(spec, 3)] },
        { kind: 'chain', a, b, bends: [initParams(spec, 4), initParams(spec, 5)] },
      ];
      const kernel = new VectorLossKernel(device, spec, data);
      try {
        const gpu = await withErrorScopes(device, () => evaluatePaths(kernel, paths, 21));
        const cpu = evaluatePathsCpu(spec, data, paths, 21);
        gpu.forEach((g, i) => {
          const c = cpu[i];
          if (!c) throw new Error('missing CPU result');
          expect(relativeError(g.loss, c.loss)).toBeLessThanOrEqual(1e-4);
          expect(g.barrier).toBeCloseTo(c.barrier, 3);
          if (spec.loss === 'mse') expect(g.accuracy).toBeUndefined();
          // One sample may flip where two outputs nearly tie in f32 against f64.
          else expect(relativeError(g.accuracy ?? [], c.accuracy ?? [Number.NaN])).toBeLessThanOrEqual(1 / data.m + 1e-6);
        });
        // The kernel also takes one vector, and a larger batch after a smaller one (buffers grow).
        const one = await withErrorScopes(device, () => kernel.evaluate(a, 1));
        expect(relativeError(one.losses, vectorLossCpu(spec, data, a, 1).losses)).toBeLessThanOrEqual(1e-4);
      } finally {
        kernel.dispose();
        kernel.dispose();
      }
    });
  }

  it('barrier = max along the path − max of the endpoint losses', () => {
    const t = Float64Array.from([0, 0.5, 1]);
    const e = summarizePath(t, Float32Array.from([0.2, 1.5, 0.4]));
    expect(e.maxLoss).toBeCloseTo(1.5, 6);
    expect(e.endpointMax).toBeCloseTo(0.4, 6);
    expect(e.barrier).toBeCloseTo(1.1, 6);
    expect(summarizePath(t, Float32Array.from([0.2, 0.1, 0.4])).barrier).toBeCloseTo(0, 6);
  });
});
