import { describe, expect, it } from 'vitest';
import { lossGridCpu } from '../../src/gpu/lossGrid.cpu';
import { AbortError, squareGrid, type GridRequest, type GridSamples } from '../../src/gpu/lossGrid.types';
import { initParams } from '../../src/model/init';
import { Rng } from '../../src/model/rng';
import { ACTIVATIONS, LOSSES, paramLayout, residualLayers, type MlpSpec } from '../../src/model/spec';
import { vectorLossCpu } from '../../src/gpu/vectorLoss.cpu';
import { CpuEngineTooLarge, cpuEngineThreads, lossAndGradientWasm, lossAtWasm, lossGridWasm } from '../../src/wasm/cpuEngine';
import { lossAndGradient } from '../../src/model/network';

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

/** Every activation and loss, 0–3 hidden layers of 1–64 units, 1–40 inputs (whole and partial vectors), 1–45 samples. */
function randomSpec(rng: Rng, index: number, residual: boolean): MlpSpec {
  const activation = ACTIVATIONS[(residual ? index * 3 + 1 : index) % ACTIVATIONS.length] ?? 'tanh';
  const loss = LOSSES[index % LOSSES.length] ?? 'mse';
  const outputs = loss === 'bce' ? 1 : loss === 'cross_entropy' ? 2 + rng.int(9) : 1 + rng.int(3);
  const inputs = index % 4 === 3 ? 17 + rng.int(24) : 1 + rng.int(6);
  if (residual) {
    const width = 1 + rng.int(index % 4 === 0 ? 40 : 20);
    const depth = 2 + (index % 3);
    const changed = depth < 3 ? -1 : index % 2 === 0 ? 0 : depth - 1;
    const hidden = Array.from({ length: depth }, (_, i) => (i === changed ? 1 + rng.int(20) : width));
    return { inputs, hidden, outputs, activation, loss, bias: index % 3 !== 1, residual: true };
  }
  const hidden = Array.from({ length: index % 4 }, () => 1 + rng.int(index % 5 === 0 ? 64 : 24));
  return { inputs, hidden, outputs, activation, loss, bias: index % 3 !== 1 };
}

function randomRequest(rng: Rng, spec: MlpSpec, seed: number): GridRequest {
  const size = paramLayout(spec).size;
  const dx = new Float32Array(size).map(() => rng.normal() * 0.3);
  const dy = new Float32Array(size).map(() => rng.normal() * 0.3);
  const samples = randomSamples(rng, spec, 1 + rng.int(45));
  const grid = squareGrid({ spec, samples, center: initParams(spec, seed), directionX: dx, directionY: dy }, 3 + rng.int(7), 1.3);
  // Some requests are strips (rows ≠ gridSize), as the coarse-to-fine passes send them.
  return seed % 5 === 2 ? { ...grid, rows: 1 + rng.int(4) } : grid;
}

function expectParity(req: GridRequest, got: { loss: Float32Array; accuracy?: Float32Array }, label: string): void {
  const want = lossGridCpu(req);
  expect(got.loss.length, label).toBe(want.loss.length);
  for (let p = 0; p < want.loss.length; p++) {
    const w = want.loss[p] ?? Number.NaN;
    const g = got.loss[p] ?? Number.NaN;
    expect(Number.isFinite(g), `${label} point ${p}`).toBe(true);
    expect(Math.abs(g - w) / Math.max(Math.abs(w), 1e-6), `${label} point ${p}: wasm ${g} float64 ${w}`).toBeLessThanOrEqual(1e-4);
  }
  expect(got.accuracy === undefined, label).toBe(want.accuracy === undefined);
  if (want.accuracy) {
    let mismatched = 0;
    // A sample exactly at the decision boundary may flip in float32; allow one per point.
    want.accuracy.forEach((a, p) => {
      if (Math.abs(a - (got.accuracy?.[p] ?? -1)) > 1.5 / req.samples.m) mismatched++;
    });
    expect(mismatched, label).toBe(0);
  }
}

describe('SIMD CPU engine (WebAssembly) against the float64 twin', () => {
  it('agrees on 28 random plain networks, one thread and all threads (relative error ≤ 1e-4)', async () => {
    const rng = new Rng(2026);
    const seen = new Set<string>();
    for (let c = 0; c < 28; c++) {
      const spec = randomSpec(rng, c, false);
      seen.add(`${spec.activation}/${spec.loss}/${spec.bias}/${spec.hidden.length}`);
      const req = randomRequest(rng, spec, 100 + c);
      const label = `config ${c}: ${JSON.stringify(spec)} m=${req.samples.m} grid=${req.gridSize}×${req.rows ?? req.gridSize}`;
      expectParity(req, await lossGridWasm(req, {}, { threads: 1 }), `${label}, 1 thread`);
      expectParity(req, await lossGridWasm(req, {}, { threads: 4 }), `${label}, threads`);
    }
    expect(seen.size).toBeGreaterThanOrEqual(20);
  });

  it('agrees on 12 random residual networks (relative error ≤ 1e-4)', async () => {
    const rng = new Rng(4049);
    for (let c = 0; c < 12; c++) {
      const spec = randomSpec(rng, c, true);
      expect(residualLayers(spec).length, JSON.stringify(spec)).toBeGreaterThanOrEqual(1);
      const req = randomRequest(rng, spec, 300 + c);
      expectParity(req, await lossGridWasm(req), `residual config ${c}: ${JSON.stringify(spec)} m=${req.samples.m}`);
    }
  });

  it('stays finite where float32 exponentials overflow (large logits, saturated activations)', async () => {
    const rng = new Rng(5);
    for (const [activation, loss] of [
      ['sigmoid', 'bce'],
      ['softplus', 'cross_entropy'],
      ['gelu', 'mse'],
    ] as const) {
      const spec: MlpSpec = { inputs: 3, hidden: [8], outputs: loss === 'bce' ? 1 : 3, activation, loss, bias: true };
      const req = randomRequest(rng, spec, 7);
      const big = { ...req, center: req.center.map((v) => v * 40), directionX: req.directionX.map((v) => v * 40) };
      expectParity(big, await lossGridWasm(big), `${activation}/${loss} with weights × 40`);
    }
  });

  it('gives the same grid on one thread and on many, and reports progress up to 1', async () => {
    const rng = new Rng(11);
    const spec: MlpSpec = { inputs: 5, hidden: [16, 16], outputs: 4, activation: 'tanh', loss: 'cross_entropy', bias: true };
    const req = { ...randomRequest(rng, spec, 1), gridSize: 13 };
    const fractions: number[] = [];
    const one = await lossGridWasm(req, {}, { threads: 1 });
    const many = await lossGridWasm(req, { onProgress: (f) => fractions.push(f) }, { threads: 3 });
    expect(Array.from(many.loss)).toEqual(Array.from(one.loss));
    expect(fractions.length).toBeGreaterThan(1);
    expect(fractions.at(-1)).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1] ?? 0);
    expect(await cpuEngineThreads()).toBeGreaterThanOrEqual(1);
  });

  it('stops on cancel (before and during a job) and answers the next job', async () => {
    const rng = new Rng(12);
    const spec: MlpSpec = { inputs: 2, hidden: [32, 32], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
    const req = { ...randomRequest(rng, spec, 2), gridSize: 41, rows: 41 };
    const early = new AbortController();
    early.abort();
    await expect(lossGridWasm(req, { signal: early.signal })).rejects.toBeInstanceOf(AbortError);
    for (const threads of [1, 3]) {
      const during = new AbortController();
      const job = lossGridWasm(req, { signal: during.signal, onProgress: (f) => f > 0 && during.abort() }, { threads });
      await expect(job).rejects.toBeInstanceOf(AbortError);
    }
    const small = { ...req, gridSize: 4, rows: 4 };
    expectParity(small, await lossGridWasm(small), 'after a cancelled job');
  });
});

describe('SIMD CPU engine: loss at explicit parameter vectors (paths, points)', () => {
  it('agrees with vectorLossCpu on 16 random networks, one thread and all (relative error ≤ 1e-4)', async () => {
    const rng = new Rng(77);
    for (let c = 0; c < 16; c++) {
      const spec = randomSpec(rng, c, c % 4 === 2);
      const size = paramLayout(spec).size;
      const samples = randomSamples(rng, spec, 1 + rng.int(45));
      const count = 1 + rng.int(7);
      const base = initParams(spec, 500 + c);
      const thetas = new Float32Array(count * size).map((_, i) => (base[i % size] ?? 0) + rng.normal() * 0.3);
      const want = vectorLossCpu(spec, samples, thetas, count);
      for (const threads of [1, 4]) {
        const got = await lossAtWasm(spec, samples, thetas, count, {}, { threads });
        const label = `config ${c}: ${JSON.stringify(spec)} m=${samples.m} K=${count}, ${threads} threads`;
        want.losses.forEach((w, k) => {
          const g = got.losses[k] ?? Number.NaN;
          expect(Math.abs(g - w) / Math.max(Math.abs(w), 1e-6), `${label} vector ${k}: wasm ${g} float64 ${w}`).toBeLessThanOrEqual(1e-4);
        });
        expect(got.accuracy === undefined, label).toBe(want.accuracy === undefined);
        want.accuracy?.forEach((a, k) => expect(Math.abs(a - (got.accuracy?.[k] ?? -1)), label).toBeLessThanOrEqual(1.5 / samples.m));
      }
    }
  });

  it('refuses a parameter array of the wrong length with a clear message', async () => {
    const spec: MlpSpec = { inputs: 2, hidden: [3], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
    const samples = randomSamples(new Rng(1), spec, 5);
    await expect(lossAtWasm(spec, samples, new Float32Array(7), 2)).rejects.toThrow(/expected 2 × 13 parameters, got 7/);
  });
});

describe('SIMD CPU engine: limits', () => {
  it('a job larger than one WebAssembly memory is refused with a clear error before anything is allocated', async () => {
    const spec: MlpSpec = { inputs: 784, hidden: [128], outputs: 10, activation: 'relu', loss: 'cross_entropy', bias: true };
    const size = paramLayout(spec).size;
    // Only the plan reads these sizes; the arrays are never packed.
    const samples = { m: 3_000_000, inputs: 784, x: new Float32Array(0), y: new Float32Array(0) };
    const req = squareGrid(
      { spec, samples, center: new Float32Array(size), directionX: new Float32Array(size), directionY: new Float32Array(size) },
      3,
      1,
    );
    await expect(lossGridWasm(req)).rejects.toBeInstanceOf(CpuEngineTooLarge);
    await expect(lossGridWasm(req)).rejects.toThrow(/GiB, more than one WebAssembly memory holds/);
  });
});

describe('SIMD CPU engine: loss and gradient at one parameter vector', () => {
  it('agrees with lossAndGradient on 16 random networks, one thread and all (relative 1e-4 of the gradient norm)', async () => {
    const rng = new Rng(99);
    for (let c = 0; c < 16; c++) {
      const spec = randomSpec(rng, c, c % 4 === 2);
      const size = paramLayout(spec).size;
      const samples = randomSamples(rng, spec, 1 + rng.int(45));
      const base = initParams(spec, 700 + c);
      const theta = new Float32Array(size).map((_, i) => (base[i] ?? 0) + rng.normal() * 0.2);
      const want = lossAndGradient(spec, theta, samples);
      let norm = 0;
      want.grad.forEach((g) => (norm += g * g));
      norm = Math.sqrt(norm);
      for (const threads of [1, 4]) {
        const got = await lossAndGradientWasm(spec, samples, theta, { threads });
        const label = `config ${c}: ${JSON.stringify(spec)} m=${samples.m}, ${threads} threads`;
        expect(Math.abs(got.loss - want.loss) / Math.max(Math.abs(want.loss), 1e-6), label).toBeLessThanOrEqual(1e-4);
        want.grad.forEach((g, i) => {
          expect(
            Math.abs((got.grad[i] ?? Number.NaN) - g),
            `${label} parameter ${i}: wasm ${got.grad[i]} float64 ${g}`,
          ).toBeLessThanOrEqual(1e-4 * Math.max(norm, 1e-6));
        });
      }
    }
  });
});
