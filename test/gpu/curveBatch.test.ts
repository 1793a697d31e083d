/**
 * Many curves at once (src/train/curveBatch.ts, the barrier matrix's trainer) in Node WebGPU on
 * SwiftShader: the batched curve-step kernel against its CPU twin curve by curve, the batched trainer
 * against its CPU twin (each curve by trainCurveCpu) on random shapes, and each curve of a batch bit for
 * bit the curve trainCurve gives alone, in one group or several, with a diverging curve frozen alone.
 */
import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/generators';
import { curveGradientCpu, curvePointsCpu } from '../../src/gpu/curveStep.cpu';
import { CurveStepKernel, type CurveBuffers } from '../../src/gpu/curveStep.gpu';
import { AbortError } from '../../src/gpu/lossGrid.types';
import { initParams } from '../../src/model/init';
import { Rng } from '../../src/model/rng';
import type { MlpSpec } from '../../src/model/spec';
import { curveOptionsOf, trainCurveBatch, trainCurveBatchCpu, type CurveBatchOptions } from '../../src/train/curveBatch';
import { trainCurve } from '../../src/train/curveTraining';
import type { CurveTrainResult } from '../../src/train/curveTraining.types';
import { nodeGpu, withErrorScopes } from './nodeGpu';

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const want = b[i] ?? Number.NaN;
    worst = Math.max(worst, Math.abs((a[i] ?? Number.NaN) - want) / Math.max(Math.abs(want), 1e-3));
  }
  return worst;
}

/** Curve by curve, every step loss and every bend parameter bit for bit equal (NaN equals NaN). */
function expectIdentical(got: readonly CurveTrainResult[], want: readonly CurveTrainResult[], label: string): void {
  expect(got.length, label).toBe(want.length);
  got.forEach((r, c) => {
    const w = want[c];
    if (w === undefined) throw new Error(`${label}: no curve ${c}`);
    expect(r.diverged, `${label}, curve ${c}: diverged`).toBe(w.diverged);
    expect(Array.from(r.stepLosses), `${label}, curve ${c}: step losses`).toEqual(Array.from(w.stepLosses));
    r.path.bends.forEach((bend, j) =>
      expect(Array.from(bend), `${label}, curve ${c}: bend ${j}`).toEqual(Array.from(w.path.bends[j] ?? [])),
    );
  });
}

async function readBuffer(device: GPUDevice, src: GPUBuffer, bytes: number): Promise<Float32Array> {
  const rb = device.createBuffer({
    label: 'test.curveBatch.readback',
    size: Math.max(16, bytes),
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  try {
    const enc = device.createCommandEncoder({ label: 'test.curveBatch.readback' });
    enc.copyBufferToBuffer(src, 0, rb, 0, bytes);
    device.queue.submit([enc.finish()]);
    await rb.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(rb.getMappedRange().slice(0, bytes));
    rb.unmap();
    return out;
  } finally {
    rb.destroy();
  }
}

describe('curve-step kernel with several curves against its CPU twin, curve by curve', () => {
  it('agrees on 8 random shapes (relative 1e-4 of the term magnitudes)', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(90210);
    for (let index = 0; index < 8; index++) {
      const P = 1 + rng.int(index % 2 === 0 ? 200 : 30);
      const K = 1 + rng.int(9);
      const n = 1 + rng.int(3);
      const C = 2 + rng.int(5);
      const width = n + 2;
      const coeffOffset = rng.int(6);
      const stepIndex = rng.int(3);
      const weightDecay = index % 2 === 0 ? rng.range(0, 0.1) : 0;
      const label = `config ${index}: P=${P} K=${K} n=${n} C=${C}`;
      const values = (length: number, scale: number): Float32Array => new Float32Array(length).map(() => rng.range(-scale, scale));
      const coeffs = values(coeffOffset + C * K * width, 1.5);
      const endpoints = values(C * 2 * P, 2);
      const bends = values(C * n * P, 2);
      const grads = values(C * K * P, 3);
      const losses = new Float32Array(C * K).map(() => rng.range(0, 4));
      const historyLength = (stepIndex + 1) * C;
      const made: GPUBuffer[] = [];
      const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      const buffer = (name: string, bytes: number, data?: Float32Array): GPUBuffer => {
        const b = device.createBuffer({ label: `test.curveBatch.${name}`, size: Math.max(16, bytes), usage: storage });
        made.push(b);
        if (data) device.queue.writeBuffer(b, 0, data.slice());
        return b;
      };
      const buffers: CurveBuffers = {
        coeffs: buffer('coeffs', coeffs.byteLength, coeffs),
        endpoints: buffer('endpoints', endpoints.byteLength, endpoints),
        bends: buffer('bends', bends.byteLength, bends),
        points: buffer('points', C * K * P * 4),
        grads: buffer('grads', grads.byteLength, grads),
        losses: buffer('losses', losses.byteLength, losses),
        bendGrads: buffer('bendGrads', C * n * P * 4),
        meanLoss: buffer('meanLoss', C * 4),
        history: buffer('history', historyLength * 4, new Float32Array(historyLength).fill(-1)),
      };
      const kernel = new CurveStepKernel(device, P, K, n, 4, C);
      try {
        const got = await withErrorScopes(device, async () => {
          const encoder = device.createCommandEncoder({ label: 'test.curveBatch' });
          const offset = kernel.pushStep({ coeffOffset, stepIndex, weightDecay });
          kernel.encodePoints(encoder, buffers, offset);
          kernel.encodeGradient(encoder, buffers, offset);
          device.queue.submit([encoder.finish()]);
          kernel.submitted();
          return {
            points: await readBuffer(device, buffers.points, C * K * P * 4),
            bendGrads: await readBuffer(device, buffers.bendGrads, C * n * P * 4),
            meanLoss: await readBuffer(device, buffers.meanLoss, C * 4),
            history: await readBuffer(device, buffers.history, historyLength * 4),
          };
        });
        const abs = (v: Float32Array): Float32Array => v.map(Math.abs);
        for (let c = 0; c < C; c++) {
          const own = coeffs.subarray(coeffOffset + c * K * width, coeffOffset + (c + 1) * K * width);
          const ownEnds = endpoints.subarray(c * 2 * P, (c + 1) * 2 * P);
          const ownBends = bends.subarray(c * n * P, (c + 1) * n * P);
          const ownGrads = grads.subarray(c * K * P, (c + 1) * K * P);
          const ownLosses = losses.subarray(c * K, (c + 1) * K);
          const points = curvePointsCpu(own, ownEnds, ownBends, K);
          const pointScale = curvePointsCpu(abs(own), abs(ownEnds), abs(ownBends), K);
          const want = curveGradientCpu(own, ownGrads, ownLosses, ownBends, K, weightDecay);
          const gradScale = curveGradientCpu(abs(own), abs(ownGrads), ownLosses, abs(ownBends), K, weightDecay).bendGrads;
          const gotPoints = got.points.subarray(c * K * P, (c + 1) * K * P);
          const gotGrads = got.bendGrads.subarray(c * n * P, (c + 1) * n * P);
          for (let i = 0; i < points.length; i++) {
            expect(Math.abs((gotPoints[i] ?? NaN) - (points[i] ?? NaN)), `${label}, curve ${c}: point ${i}`).toBeLessThanOrEqual(
              1e-4 * Math.max(pointScale[i] ?? 0, 1e-30),
            );
          }
          for (let i = 0; i < want.bendGrads.length; i++) {
            expect(
              Math.abs((gotGrads[i] ?? NaN) - (want.bendGrads[i] ?? NaN)),
              `${label}, curve ${c}: bend gradient ${i}`,
            ).toBeLessThanOrEqual(1e-4 * Math.max(gradScale[i] ?? 0, 1e-30));
          }
          // Losses are ≥ 0: the mean's terms sum to the mean itself.
          expect(Math.abs((got.meanLoss[c] ?? NaN) - want.meanLoss) / want.meanLoss, `${label}, curve ${c}: mean`).toBeLessThanOrEqual(
            1e-4,
          );
          expect(got.history[stepIndex * C + c], `${label}, curve ${c}: history`).toBe(got.meanLoss[c]);
        }
        // The history slots of other steps keep their −1.
        for (let i = 0; i < stepIndex * C; i++) expect(got.history[i]).toBe(-1);
      } finally {
        kernel.dispose();
        kernel.dispose();
        for (const b of made) b.destroy();
      }
    }
  });
});

interface RandomBatch {
  readonly label: string;
  readonly opts: CurveBatchOptions;
}

function randomBatch(rng: Rng, index: number): RandomBatch {
  const hidden = Array.from({ length: 1 + rng.int(2) }, () => 2 + rng.int(7));
  const classifier = index % 2 === 1;
  const spec: MlpSpec = {
    inputs: 2,
    hidden,
    outputs: classifier ? 2 : 1,
    activation: index % 3 === 2 ? 'sigmoid' : 'tanh',
    loss: classifier ? 'cross_entropy' : 'mse',
    bias: true,
    ...(index === 3 && hidden.length === 2 && hidden[0] === hidden[1] ? { residual: true } : {}),
  };
  const samples = makeDataset('moons', { samples: 12 + rng.int(30), classes: 2, noise: 0.1, seed: 1 + index }, spec.loss);
  const C = 2 + rng.int(4);
  const kind = index % 2 === 0 ? 'bezier' : 'chain';
  const curves = Array.from({ length: C }, (_, c) => ({
    a: initParams(spec, 10 * index + 2 * c + 1).map((v) => 2 * v),
    b: initParams(spec, 10 * index + 2 * c + 2).map((v) => 2 * v),
    seed: rng.int(4),
  }));
  const opts: CurveBatchOptions = {
    spec,
    samples: { m: samples.m, inputs: samples.inputs, x: samples.x, y: samples.y },
    curves,
    kind,
    ...(kind === 'chain' ? { bendCount: 1 + rng.int(3) } : {}),
    steps: 4 + rng.int(4),
    tPerStep: 1 + rng.int(8),
    optimizer: index % 3 === 1 ? 'sgd' : 'adam',
    learningRate: 0.01,
    ...(index % 3 === 1 ? { weightDecay: 1e-3 } : {}),
    ...(index % 4 === 2 ? { batchSize: 8, batchSeed: 3 } : {}),
  };
  return {
    label: `batch ${index}: ${spec.inputs}-${hidden.join('-')}-${spec.outputs} ${spec.activation} ${spec.loss}, ${C} ${kind} curves`,
    opts,
  };
}

describe('batched curve trainer', () => {
  it('agrees with its CPU twin on 5 random shapes (step losses relative 1e-4, bends 1e-3)', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(515);
    for (let index = 0; index < 5; index++) {
      const { label, opts } = randomBatch(rng, index);
      const gpu = await withErrorScopes(device, () => trainCurveBatch(opts, device));
      const cpu = await trainCurveBatchCpu(opts);
      expect(gpu).toHaveLength(opts.curves.length);
      gpu.forEach((r, c) => {
        const want = cpu[c];
        if (want === undefined) throw new Error(`${label}: no CPU curve ${c}`);
        expect(r.diverged, `${label}, curve ${c}`).toBe(false);
        expect(r.path.a).toBe(opts.curves[c]?.a);
        expect(relativeError(r.stepLosses, want.stepLosses), `${label}, curve ${c}: step losses`).toBeLessThanOrEqual(1e-4);
        r.path.bends.forEach((bend, j) =>
          expect(relativeError(bend, want.path.bends[j] ?? []), `${label}, curve ${c}: bend ${j}`).toBeLessThanOrEqual(1e-3),
        );
      });
    }
  });

  it('gives each curve bit for bit what trainCurve gives it alone, in one group or in groups of 2', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(77);
    for (let index = 0; index < 3; index++) {
      const { label, opts } = randomBatch(rng, index);
      const alone: CurveTrainResult[] = [];
      for (let c = 0; c < opts.curves.length; c++)
        alone.push(await withErrorScopes(device, () => trainCurve(curveOptionsOf(opts, c), device)));
      const together = await withErrorScopes(device, () => trainCurveBatch(opts, device));
      expectIdentical(together, alone, `${label}, one group`);
      const pairs = await withErrorScopes(device, () => trainCurveBatch(opts, device, { maxCurvesPerGroup: 2, targetSubmitMs: 0.001 }));
      expectIdentical(pairs, alone, `${label}, groups of 2`);
    }
  });

  it('freezes a diverging curve alone; the others train on as if alone; progress names every curve', async () => {
    const { device } = await nodeGpu();
    const { opts } = randomBatch(new Rng(5), 0);
    const [first, second, ...rest] = opts.curves;
    if (first === undefined || second === undefined) throw new Error('too few curves');
    // Endpoints of 1e30 overflow the loss at once: the check before step 1 marks that curve.
    const huge = { ...second, a: second.a.map(() => 1e30), b: second.b.map(() => -1e30) };
    const withBad: CurveBatchOptions = { ...opts, curves: [first, huge, ...rest], progressEvery: 1 };
    const reports: { step: number; first: number; losses: number[] }[] = [];
    const got = await withErrorScopes(device, () =>
      trainCurveBatch(
        { ...withBad, onProgress: (step, losses, at) => reports.push({ step, first: at, losses: Array.from(losses) }) },
        device,
      ),
    );
    expect(got[1]?.diverged).toBe(true);
    expect(Array.from(got[1]?.stepLosses ?? []).every(Number.isNaN)).toBe(true);
    const alone = await withErrorScopes(device, () => trainCurve(curveOptionsOf(withBad, 1), device));
    expectIdentical([got[1] ?? alone], [alone], 'the diverged curve');
    for (const c of [0, ...rest.map((_, k) => k + 2)]) {
      const own = await withErrorScopes(device, () => trainCurve(curveOptionsOf(withBad, c), device));
      expectIdentical([got[c] ?? own], [own], `curve ${c} beside a diverged one`);
    }
    expect(reports.map((r) => r.step)).toEqual(Array.from({ length: opts.steps }, (_, s) => s + 1));
    for (const r of reports) {
      expect(r.first).toBe(0);
      expect(r.losses).toHaveLength(withBad.curves.length);
      expect(Number.isNaN(r.losses[1])).toBe(true);
      expect(r.losses[0]).toBe(got[0]?.stepLosses[r.step - 1]);
    }
  });

  it('stops on abort, trains nothing for no curves, and rejects endpoints of the wrong size', async () => {
    const { device } = await nodeGpu();
    const { opts } = randomBatch(new Rng(9), 1);
    const controller = new AbortController();
    controller.abort();
    await expect(trainCurveBatch({ ...opts, signal: controller.signal }, device)).rejects.toBeInstanceOf(AbortError);
    await expect(trainCurveBatch({ ...opts, curves: [] }, device)).resolves.toEqual([]);
    const [first] = opts.curves;
    if (first === undefined) throw new Error('no curve');
    await expect(trainCurveBatch({ ...opts, curves: [first, { a: first.a.slice(1), b: first.b }] }, device)).rejects.toThrow(
      /endpoints must have/,
    );
    await expect(trainCurveBatchCpu({ ...opts, curves: [first, { a: first.a, b: first.b.slice(2) }] })).rejects.toThrow(
      /endpoints must have/,
    );
  });
});
