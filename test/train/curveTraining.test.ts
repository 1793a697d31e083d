import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/generators';
import { VectorLossKernel } from '../../src/gpu/vectorLoss.gpu';
import { initParams } from '../../src/model/init';
import type { MlpSpec } from '../../src/model/spec';
import { evaluatePaths } from '../../src/landscape/pathEval';
import { initialCurve, straightLine } from '../../src/landscape/paths';
import { MODE_CONNECTIVITY_PRESET, presetCurveOptions, presetData, presetMinima } from '../../src/train/modeConnectivityPreset';
import { garipovFactor, trainCurve, trainCurveCpu, type CurveTrainOptions } from '../../src/train/curveTraining';
import { curveTs } from '../../src/train/curveTraining.types';
import { CURVE_GRADIENT_SHADER_SOURCE, CURVE_PARAMS_FIELDS, CURVE_POINTS_SHADER_SOURCE } from '../../src/gpu/curveStep.gpu';
import { wgslStructFields } from '../../src/gpu/structLayout';
import { nodeGpu, withErrorScopes } from '../gpu/nodeGpu';

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const want = b[i] ?? Number.NaN;
    worst = Math.max(worst, Math.abs((a[i] ?? Number.NaN) - want) / Math.max(Math.abs(want), 1e-3));
  }
  return worst;
}

const spec: MlpSpec = { inputs: 2, hidden: [8], outputs: 2, activation: 'tanh', loss: 'cross_entropy', bias: true };
const data = makeDataset('moons', { samples: 40, classes: 2, noise: 0.1, seed: 3 }, 'cross_entropy');
const a = initParams(spec, 1).map((v) => 3 * v);
const b = initParams(spec, 2).map((v) => 3 * v);

describe('curve training (Garipov et al.)', () => {
  it('uses their schedule: constant to 50 %, linear to 1 % by 90 %, then 1 %', () => {
    expect(garipovFactor(1, 100)).toBe(1);
    expect(garipovFactor(51, 100)).toBe(1);
    expect(garipovFactor(71, 100)).toBeCloseTo(1 - 0.5 * 0.99, 9);
    expect(garipovFactor(91, 100)).toBeCloseTo(0.01, 9);
    expect(garipovFactor(100, 100)).toBe(0.01);
  });

  it('the curve kernels read the uniform struct their packer writes', () => {
    for (const source of [CURVE_POINTS_SHADER_SOURCE, CURVE_GRADIENT_SHADER_SOURCE]) {
      expect(wgslStructFields(source, 'CurveParams')).toEqual([...CURVE_PARAMS_FIELDS]);
    }
  });

  it('draws the same seeded t values in [0, 1] on every trainer', () => {
    const ts = curveTs(4, 7, 16);
    expect(Array.from(curveTs(4, 7, 16))).toEqual(Array.from(ts));
    expect(Array.from(curveTs(4, 8, 16))).not.toEqual(Array.from(ts));
    for (const t of ts) expect(t >= 0 && t < 1).toBe(true);
  });

  const cases: { name: string; opts: Partial<CurveTrainOptions> }[] = [
    {
      name: 'Bezier, SGD with momentum and weight decay',
      opts: { kind: 'bezier', optimizer: 'sgd', learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3 },
    },
    {
      name: 'chain of 2 bends, Adam, minibatches',
      opts: { kind: 'chain', bendCount: 2, optimizer: 'adam', learningRate: 0.01, batchSize: 16, batchSeed: 2 },
    },
  ];
  for (const { name, opts } of cases) {
    it(`${name}: GPU and CPU agree over 6 steps (relative 1e-3)`, async () => {
      const { device } = await nodeGpu();
      const options = {
        spec,
        samples: data,
        a,
        b,
        steps: 6,
        tPerStep: 8,
        seed: 1,
        optimizer: 'adam',
        learningRate: 0.01,
        kind: 'bezier',
        ...opts,
      } as CurveTrainOptions;
      const gpu = await withErrorScopes(device, () => trainCurve(options, device));
      const cpu = await trainCurveCpu(options);
      expect(gpu.diverged).toBe(false);
      expect(relativeError(gpu.stepLosses, cpu.stepLosses)).toBeLessThanOrEqual(1e-4);
      gpu.path.bends.forEach((bend, j) => expect(relativeError(bend, cpu.path.bends[j] ?? [])).toBeLessThanOrEqual(1e-3));
      // The endpoints never move and the bends did.
      expect(gpu.path.a).toBe(a);
      expect(relativeError(gpu.path.bends[0] ?? [], initialCurve('chain', a, b, gpu.path.bends.length).bends[0] ?? [])).toBeGreaterThan(
        1e-4,
      );
    });
  }

  it('a residual network (2-6-6-2, one skip): GPU and CPU agree over 6 steps (relative 1e-3)', async () => {
    const { device } = await nodeGpu();
    const residual: MlpSpec = { ...spec, hidden: [6, 6], residual: true };
    const ra = initParams(residual, 1).map((v) => 3 * v);
    const rb = initParams(residual, 2).map((v) => 3 * v);
    const options: CurveTrainOptions = {
      spec: residual,
      samples: data,
      a: ra,
      b: rb,
      steps: 6,
      tPerStep: 8,
      seed: 1,
      optimizer: 'adam',
      learningRate: 0.01,
      kind: 'bezier',
    };
    const gpu = await withErrorScopes(device, () => trainCurve(options, device));
    const cpu = await trainCurveCpu(options);
    expect(gpu.diverged).toBe(false);
    expect(relativeError(gpu.stepLosses, cpu.stepLosses)).toBeLessThanOrEqual(1e-4);
    gpu.path.bends.forEach((bend, j) => expect(relativeError(bend, cpu.path.bends[j] ?? [])).toBeLessThanOrEqual(1e-3));
  });

  it('is deterministic however the steps are split into submissions', async () => {
    const { device } = await nodeGpu();
    const options: CurveTrainOptions = {
      spec,
      samples: data,
      a,
      b,
      kind: 'chain',
      bendCount: 3,
      steps: 12,
      tPerStep: 4,
      optimizer: 'adam',
      learningRate: 0.02,
      batchSize: 10,
    };
    const one = await withErrorScopes(device, () => trainCurve(options, device, { targetSubmitMs: 0.001 }));
    const many = await withErrorScopes(device, () => trainCurve(options, device, { targetSubmitMs: 1000 }));
    expect(Array.from(many.stepLosses)).toEqual(Array.from(one.stepLosses));
    many.path.bends.forEach((bend, j) => expect(Array.from(bend)).toEqual(Array.from(one.path.bends[j] ?? [])));
  });

  it('lowers the mean loss along the curve (61 points, GPU)', async () => {
    const { device } = await nodeGpu();
    const options: CurveTrainOptions = {
      spec,
      samples: data,
      a,
      b,
      kind: 'bezier',
      steps: 60,
      tPerStep: 8,
      optimizer: 'adam',
      learningRate: 0.05,
    };
    const progress: number[] = [];
    const trained = await withErrorScopes(device, () =>
      trainCurve({ ...options, progressEvery: 20, onProgress: (step) => progress.push(step) }, device),
    );
    expect(progress).toEqual([20, 40, 60]);
    const kernel = new VectorLossKernel(device, spec, data);
    try {
      const [line, curve] = await evaluatePaths(kernel, [straightLine(a, b), trained.path]);
      const mean = (xs: ArrayLike<number>): number => Array.from(xs).reduce((s, x) => s + x, 0) / xs.length;
      expect(mean(curve?.loss ?? [])).toBeLessThan(0.8 * mean(line?.loss ?? []));
    } finally {
      kernel.dispose();
    }
  });

  it('stops on abort and rejects bad options', async () => {
    const controller = new AbortController();
    controller.abort();
    const { device } = await nodeGpu();
    await expect(
      trainCurve(
        { spec, samples: data, a, b, kind: 'bezier', steps: 5, optimizer: 'sgd', learningRate: 0.1, signal: controller.signal },
        device,
      ),
    ).rejects.toThrow(/cancel/);
    await expect(
      trainCurveCpu({
        spec,
        samples: data,
        a,
        b,
        kind: 'bezier',
        steps: 5,
        optimizer: 'sgd',
        learningRate: 0.1,
        signal: controller.signal,
      }),
    ).rejects.toThrow(/cancel/);
    await expect(
      trainCurveCpu({ spec, samples: data, a, b, kind: 'chain', bendCount: 4, steps: 5, optimizer: 'sgd', learningRate: 0.1 }),
    ).rejects.toThrow(/1\.\.3/);
  });

  // The preset at half size (64 samples, 500 steps for the minima, 100 curve steps) to keep SwiftShader fast.
  // Measured: straight-line barrier ≈ 1.08, trained Bezier barrier ≈ 0.05.
  it('mode connectivity, smaller preset (2-16-2 tanh on 64 moons): the trained Bezier curve has a far lower barrier than the line', async () => {
    const { device } = await nodeGpu();
    const preset = { ...MODE_CONNECTIVITY_PRESET, samples: 64, minimaSteps: 500, curveSteps: 100 };
    const presetSamples = presetData(preset);
    const { a: minA, b: minB, losses } = await withErrorScopes(device, () => presetMinima(device, preset, presetSamples));
    for (const l of losses) expect(l).toBeLessThan(0.01);
    const curve = await withErrorScopes(device, () => trainCurve(presetCurveOptions(preset, presetSamples, minA, minB), device));
    const kernel = new VectorLossKernel(device, preset.spec, presetSamples);
    try {
      const [line, bezier] = await evaluatePaths(kernel, [straightLine(minA, minB), curve.path]);
      const lineBarrier = line?.barrier ?? Number.NaN;
      const curveBarrier = bezier?.barrier ?? Number.NaN;
      expect(lineBarrier).toBeGreaterThan(0.5);
      expect(curveBarrier).toBeLessThan(0.25 * lineBarrier);
    } finally {
      kernel.dispose();
    }
  });
});
