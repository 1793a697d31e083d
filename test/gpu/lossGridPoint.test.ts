/**
 * The workgroup-per-point grid kernel (LossGridPointKernel) against the CPU twin: random shapes,
 * activations, losses, biases, residual layers, sample counts that are no multiple of the workgroup
 * size, strips with rows and firstRow; progress, cancellation, and the networks it refuses.
 */
import { describe, expect, it } from 'vitest';
import { lossGridCpu } from '../../src/gpu/lossGrid.cpu';
import type { GridRequest, GridResult, GridSamples } from '../../src/gpu/lossGrid.types';
import {
  LossGridPointKernel,
  POINT_LAYER_FIELDS,
  POINT_PARAMS_FIELDS,
  POINT_SHADER_SOURCE,
  pointWeightCapacity,
  pointWeightCount,
} from '../../src/gpu/lossGridPoint.gpu';
import { wgslStructLayout } from '../../src/gpu/structLayout';
import { initParams } from '../../src/model/init';
import { Rng } from '../../src/model/rng';
import { ACTIVATIONS, LOSSES, paramLayout, residualLayers, type MlpSpec } from '../../src/model/spec';
import { nodeGpu, withErrorScopes } from './nodeGpu';

const TOLERANCE = 1e-4;

function samplesFor(rng: Rng, spec: MlpSpec, m: number): GridSamples {
  const x = new Float32Array(m * spec.inputs).map(() => rng.range(-1.5, 1.5));
  let y: Float32Array;
  if (spec.loss === 'mse') y = new Float32Array(m * spec.outputs).map(() => rng.range(-1, 1));
  else if (spec.loss === 'bce') y = new Float32Array(m).map(() => rng.int(2));
  else y = new Float32Array(m).map(() => rng.int(spec.outputs));
  return { m, inputs: spec.inputs, x, y };
}

interface Case {
  readonly spec: MlpSpec;
  readonly m: number;
  readonly gridSize: number;
  /** Rows of the strip and the row it starts at in the whole grid. */
  readonly rows: number;
  readonly firstRow: number;
}

function randomCase(rng: Rng, index: number, residual: boolean): Case {
  const activation = ACTIVATIONS[(residual ? index * 3 + 2 : index) % ACTIVATIONS.length] ?? 'tanh';
  const loss = LOSSES[index % LOSSES.length] ?? 'mse';
  let hidden: number[];
  if (residual) {
    const depth = 2 + (index % 3);
    const width = 1 + rng.int(index % 4 === 0 ? 48 : 20);
    const changed = depth >= 3 ? (index % 2 === 0 ? 0 : depth - 1) : -1;
    hidden = Array.from({ length: depth }, (_, i) => (i === changed ? 1 + rng.int(20) : width));
  } else {
    hidden = Array.from({ length: index % 4 }, () => 1 + rng.int(index % 5 === 0 ? 60 : 24));
  }
  const outputs = loss === 'bce' ? 1 : loss === 'cross_entropy' ? 2 + rng.int(4) : 1 + rng.int(3);
  // Wide draws may exceed the guaranteed workgroup memory: narrow them until they fit (the rest goes to LossGridKernel).
  const fitting = (h: number[]): boolean =>
    LossGridPointKernel.fits({ inputs: 1, hidden: h, outputs, activation, loss, bias: true }, { maxComputeWorkgroupStorageSize: 16384 });
  while (!fitting(hidden)) hidden = hidden.map((w) => Math.max(1, w - 4));
  const spec: MlpSpec = {
    inputs: 1 + rng.int(7),
    hidden,
    outputs,
    activation,
    loss,
    bias: index % 3 !== 1,
    ...(residual ? { residual: true } : {}),
  };
  // Sample counts across the workgroup's 64 × 4 samples per round, mostly no multiple of it.
  const m = [1 + rng.int(37), 200 + rng.int(120), 257 + rng.int(300)][index % 3] ?? 5;
  const gridSize = 3 + rng.int(7);
  const strip = index % 2 === 1;
  const rows = strip ? 1 + rng.int(gridSize) : gridSize;
  const firstRow = strip ? rng.int(5) : 0;
  return { spec, m, gridSize, rows, firstRow };
}

/**
 * The kernel's strip against the CPU twin's whole grid of firstRow + rows rows, whose last `rows`
 * rows are the strip (so the test does not rest on the twin's own firstRow).
 */
async function compare(kernel: LossGridPointKernel, device: GPUDevice, rng: Rng, c: Case, seed: number): Promise<void> {
  const { spec, m, gridSize, rows, firstRow } = c;
  const size = paramLayout(spec).size;
  const span = 1.3;
  const step = (2 * span) / (gridSize - 1);
  const base = {
    spec,
    samples: samplesFor(rng, spec, m),
    center: initParams(spec, seed),
    directionX: new Float32Array(size).map(() => rng.normal() * 0.3),
    directionY: new Float32Array(size).map(() => rng.normal() * 0.3),
    gridSize,
    alphaStart: -span,
    alphaStep: step,
    betaStart: -span,
    betaStep: step,
  };
  const req: GridRequest = { ...base, rows, firstRow };
  const whole: GridRequest = { ...base, rows: firstRow + rows };
  const gpu: GridResult = await withErrorScopes(device, () => kernel.run(req, { targetDispatchMs: 5 }));
  const cpu = lossGridCpu(whole);
  const label = `${JSON.stringify(spec)} m=${m} grid=${gridSize} rows=${rows} firstRow=${firstRow}`;
  expect(gpu.loss.length, label).toBe(gridSize * rows);
  const offset = firstRow * gridSize;
  for (let p = 0; p < gpu.loss.length; p++) {
    const want = cpu.loss[offset + p] ?? Number.NaN;
    const got = gpu.loss[p] ?? Number.NaN;
    expect(Number.isFinite(got), `${label} point ${p}`).toBe(true);
    expect(Math.abs(got - want) / Math.max(Math.abs(want), 1e-6), `${label} point ${p}: gpu ${got} cpu ${want}`).toBeLessThanOrEqual(
      TOLERANCE,
    );
  }
  if (cpu.accuracy) {
    const acc = gpu.accuracy;
    expect(acc, label).toBeDefined();
    for (let p = 0; p < gpu.loss.length; p++) {
      // A sample exactly on the decision boundary may flip in float32: one per point at most.
      expect(Math.abs((acc?.[p] ?? -1) - (cpu.accuracy[offset + p] ?? 0)), `${label} accuracy at ${p}`).toBeLessThanOrEqual(1.5 / m);
    }
  } else {
    expect(gpu.accuracy, label).toBeUndefined();
  }
}

describe('LossGridPointKernel (one workgroup per grid point) against the CPU twin', () => {
  it('its uniform and layer structs match the shader', () => {
    expect(wgslStructLayout(POINT_SHADER_SOURCE, 'PointParams').fields.map((f) => f.name)).toEqual([...POINT_PARAMS_FIELDS]);
    const floats = wgslStructLayout(POINT_SHADER_SOURCE, 'PointParams')
      .fields.filter((f) => f.type === 'f32')
      .map((f) => f.name);
    expect(floats).toEqual(['alphaStart', 'alphaStep', 'betaStart', 'betaStep']);
    const layer = wgslStructLayout(POINT_SHADER_SOURCE, 'Layer');
    expect(layer.fields.map((f) => f.name)).toEqual([...POINT_LAYER_FIELDS]);
    expect(layer.fields.every((f) => f.type === 'u32')).toBe(true);
  });

  // 21 plain configurations in three tests (each well inside the test timeout on a loaded machine); the
  // index picks the activation (mod 7) and the loss (mod 3), so together they cover every pair kind.
  for (const part of [0, 1, 2]) {
    it(`agrees on random plain configurations ${7 * part}–${7 * part + 6}, strips included (relative error ≤ 1e-4)`, async () => {
      const { device } = await nodeGpu();
      const kernel = new LossGridPointKernel(device);
      const rng = new Rng(777 + part);
      for (let c = 7 * part; c < 7 * part + 7; c++) await compare(kernel, device, rng, randomCase(rng, c, false), 10 + c);
      kernel.dispose();
      kernel.dispose();
    });
  }

  it('agrees on 9 random residual configurations (relative error ≤ 1e-4)', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridPointKernel(device);
    const rng = new Rng(4242);
    for (let c = 0; c < 9; c++) {
      const config = randomCase(rng, c, true);
      expect(residualLayers(config.spec).length, JSON.stringify(config.spec)).toBeGreaterThanOrEqual(1);
      await compare(kernel, device, rng, config, 50 + c);
    }
    kernel.dispose();
  });

  it('sums sample ranges over dispatches (m above one chunk) and reports rising progress', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridPointKernel(device);
    const rng = new Rng(8);
    const spec: MlpSpec = { inputs: 3, hidden: [9, 5], outputs: 3, activation: 'gelu', loss: 'cross_entropy', bias: true };
    const config: Case = { spec, m: 1100, gridSize: 5, rows: 3, firstRow: 1 };
    await compare(kernel, device, rng, config, 3);

    const size = paramLayout(spec).size;
    const req: GridRequest = {
      spec,
      samples: samplesFor(rng, spec, 1100),
      center: initParams(spec, 4),
      directionX: new Float32Array(size).map(() => rng.normal()),
      directionY: new Float32Array(size).map(() => rng.normal()),
      gridSize: 9,
      alphaStart: -1,
      alphaStep: 0.25,
      betaStart: -1,
      betaStep: 0.25,
    };
    const fractions: number[] = [];
    const tiny = await withErrorScopes(device, () => kernel.run(req, { targetDispatchMs: 0.01, onProgress: (f) => fractions.push(f) }));
    const big = await withErrorScopes(device, () => kernel.run(req, { targetDispatchMs: 10_000 }));
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions.at(-1)).toBeCloseTo(1, 6);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThan(fractions[i - 1] ?? 0);
    // The sample chunks are fixed, so the split over points does not change a point's sum.
    expect(Array.from(tiny.loss)).toEqual(Array.from(big.loss));
    kernel.dispose();
  });

  it('stops between dispatches when the request is cancelled', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridPointKernel(device);
    const rng = new Rng(9);
    const spec: MlpSpec = { inputs: 2, hidden: [16], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
    const size = paramLayout(spec).size;
    const req: GridRequest = {
      spec,
      samples: samplesFor(rng, spec, 64),
      center: initParams(spec, 1),
      directionX: new Float32Array(size).fill(0.1),
      directionY: new Float32Array(size).fill(-0.1),
      gridSize: 33,
      alphaStart: -1,
      alphaStep: 1 / 16,
      betaStart: -1,
      betaStep: 1 / 16,
    };
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
    await expect(kernel.run(req)).rejects.toThrow(/after dispose/);
  });

  it('says which networks fit in workgroup memory and refuses the others with the limit named', async () => {
    const { device } = await nodeGpu();
    const toy: MlpSpec = { inputs: 2, hidden: [32, 32], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
    const wide: MlpSpec = { inputs: 784, hidden: [128], outputs: 10, activation: 'relu', loss: 'cross_entropy', bias: true };
    const big: MlpSpec = { inputs: 2, hidden: [100, 100], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
    const guaranteed = { maxComputeWorkgroupStorageSize: 16384 };
    expect(pointWeightCapacity(guaranteed)).toBe(3968);
    // Output units padded to blocks of four, one bias row per block: (θ + α·d₁ + β·d₂) in buildTiles' order.
    expect(pointWeightCount(toy)).toBe(4 * 8 * 33 + 4 * 1 * 33);
    // Layer 0 comes from the per-plane products: the wide network's 784 × 128 weights never enter the workgroup.
    expect(pointWeightCount(wide)).toBe(4 * 3 * 129);
    expect(pointWeightCount({ ...toy, hidden: [] })).toBe(0);
    expect(LossGridPointKernel.fits(toy, guaranteed)).toBe(true);
    expect(LossGridPointKernel.fits(wide, guaranteed)).toBe(true);
    expect(LossGridPointKernel.fits(big, guaranteed)).toBe(false);
    expect(LossGridPointKernel.fits(big, device.limits)).toBe(pointWeightCount(big) <= pointWeightCapacity(device.limits));

    const tooBig: MlpSpec = { ...big, hidden: [100, 100, 100] };
    expect(LossGridPointKernel.fits(tooBig, device.limits)).toBe(false);
    const kernel = new LossGridPointKernel(device);
    expect(kernel.fits(tooBig)).toBe(false);
    expect(kernel.fits(wide)).toBe(LossGridPointKernel.fits(wide, device.limits));
    const size = paramLayout(tooBig).size;
    const req: GridRequest = {
      spec: tooBig,
      samples: samplesFor(new Rng(1), tooBig, 4),
      center: new Float32Array(size),
      directionX: new Float32Array(size),
      directionY: new Float32Array(size),
      gridSize: 2,
      alphaStart: 0,
      alphaStep: 1,
      betaStart: 0,
      betaStep: 1,
    };
    await expect(kernel.run(req)).rejects.toThrow(/workgroup memory .*use LossGridKernel/);
    kernel.dispose();
  });

  it('marks overflowing points as non-finite instead of failing', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridPointKernel(device);
    const spec: MlpSpec = { inputs: 1, hidden: [], outputs: 1, activation: 'identity', loss: 'mse', bias: false };
    const req: GridRequest = {
      spec,
      samples: { m: 4, inputs: 1, x: new Float32Array([1, 2, 3, 4]), y: new Float32Array([0, 0, 0, 0]) },
      center: new Float32Array([0]),
      directionX: new Float32Array([1e30]),
      directionY: new Float32Array([0]),
      gridSize: 3,
      alphaStart: -1,
      alphaStep: 1,
      betaStart: -1,
      betaStep: 1,
    };
    const out = await withErrorScopes(device, () => kernel.run(req));
    expect(Number.isFinite(out.loss[0] ?? 0)).toBe(false);
    expect(out.loss[1]).toBe(0);
    kernel.dispose();
  });
});
