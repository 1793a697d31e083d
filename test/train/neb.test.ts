import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/generators';
import { VectorLossKernel } from '../../src/gpu/vectorLoss.gpu';
import { initParams } from '../../src/model/init';
import type { MlpSpec } from '../../src/model/spec';
import { evaluatePaths } from '../../src/landscape/pathEval';
import { straightLine } from '../../src/landscape/paths';
import { MODE_CONNECTIVITY_PRESET, presetData, presetMinima } from '../../src/train/modeConnectivityPreset';
import { nebDescent, nebTrain, nebTrainCpu, type NebOptions } from '../../src/train/neb';
import { nodeGpu, withErrorScopes } from '../gpu/nodeGpu';

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const want = b[i] ?? Number.NaN;
    worst = Math.max(worst, Math.abs((a[i] ?? Number.NaN) - want) / Math.max(Math.abs(want), 1e-3));
  }
  return worst;
}

describe('nudged elastic band', () => {
  it('keeps the perpendicular true force and the spring force along the tangent', () => {
    const a = Float32Array.from([0, 0]);
    const b = Float32Array.from([3, 0]);
    // Two images: (1, 1) and (2.5, 0); gradients (1, 2) and (0, 0).
    const images = Float32Array.from([1, 1, 2.5, 0]);
    const d = nebDescent(a, b, images, 2, [1, 2, 0, 0], 2);
    // Image 0: tangent (2.5, 0)/2.5 = x; the gradient's x part goes, y stays; spring k(‖(1.5,−1)‖ − ‖(1,1)‖) along x.
    const spring0 = 2 * (Math.hypot(1.5, -1) - Math.hypot(1, 1));
    expect(d[0]).toBeCloseTo(-spring0, 9);
    expect(d[1]).toBeCloseTo(2, 9);
    // Image 1: zero gradient, only the spring: tangent (3 − 1, 0 − 1)/‖…‖.
    const tn = Math.hypot(2, -1);
    const spring1 = 2 * (0.5 - Math.hypot(1.5, -1));
    expect(d[2]).toBeCloseTo((-spring1 * 2) / tn, 9);
    expect(d[3]).toBeCloseTo((-spring1 * -1) / tn, 9);
  });

  it('GPU and CPU agree over 5 steps (relative 1e-3)', async () => {
    const { device } = await nodeGpu();
    const spec: MlpSpec = { inputs: 2, hidden: [6], outputs: 1, activation: 'tanh', loss: 'bce', bias: true };
    const data = makeDataset('moons', { samples: 30, classes: 2, noise: 0.1, seed: 4 }, 'bce');
    const opts: NebOptions = {
      spec,
      samples: data,
      a: initParams(spec, 1),
      b: initParams(spec, 2),
      images: 4,
      steps: 5,
      optimizer: 'sgd',
      learningRate: 0.1,
    };
    const gpu = await withErrorScopes(device, () => nebTrain(opts, device));
    const cpu = await nebTrainCpu(opts);
    expect(relativeError(gpu.maxImageLosses, cpu.maxImageLosses)).toBeLessThanOrEqual(1e-4);
    gpu.path.bends.forEach((img, i) => expect(relativeError(img, cpu.path.bends[i] ?? [])).toBeLessThanOrEqual(1e-3));
    expect(gpu.path.kind).toBe('chain');
    expect(gpu.path.bends).toHaveLength(4);
  });

  it('lowers the maximum loss along its path below the straight line (smaller preset, 150 steps)', async () => {
    const { device } = await nodeGpu();
    const preset = { ...MODE_CONNECTIVITY_PRESET, samples: 64, minimaSteps: 500 };
    const data = presetData(preset);
    const { a, b } = await withErrorScopes(device, () => presetMinima(device, preset, data));
    const neb = await withErrorScopes(device, () =>
      nebTrain({ spec: preset.spec, samples: data, a, b, images: 8, steps: 150, optimizer: 'sgd', learningRate: 0.1 }, device),
    );
    expect(neb.diverged).toBe(false);
    const kernel = new VectorLossKernel(device, preset.spec, data);
    try {
      const [line, band] = await evaluatePaths(kernel, [straightLine(a, b), neb.path]);
      expect(line?.barrier ?? 0).toBeGreaterThan(0.5);
      expect(band?.maxLoss ?? Infinity).toBeLessThan(0.25 * (line?.maxLoss ?? 0));
    } finally {
      kernel.dispose();
    }
  });
});
