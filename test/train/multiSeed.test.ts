import { describe, expect, it } from 'vitest';
import { makeDataset } from '../../src/data/generators';
import { initParams } from '../../src/model/init';
import { datasetLoss } from '../../src/model/network';
import type { MlpSpec } from '../../src/model/spec';
import { BatchSampler } from '../../src/train/batchSampler';
import { trainMultiSeed } from '../../src/train/multiSeed';
import type { MultiSeedOptions } from '../../src/train/multiSeed.types';
import { trainMultiSeedCpu } from '../../src/train/multiSeedCpu';
import { nodeGpu, withErrorScopes } from '../gpu/nodeGpu';

const spec: MlpSpec = { inputs: 2, hidden: [6], outputs: 1, activation: 'tanh', loss: 'bce', bias: true };
const data = makeDataset('moons', { samples: 40, classes: 2, noise: 0.1, seed: 3 }, 'bce');

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const want = b[i] ?? Number.NaN;
    worst = Math.max(worst, Math.abs((a[i] ?? Number.NaN) - want) / Math.max(Math.abs(want), 1e-3));
  }
  return worst;
}

describe('trainMultiSeed on the GPU against its CPU twin', () => {
  const cases: { name: string; opts: Partial<MultiSeedOptions> }[] = [
    { name: 'full-batch Adam', opts: { optimizer: 'adam', learningRate: 0.02 } },
    { name: 'minibatch SGD with momentum', opts: { optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, batchSize: 12, batchSeed: 5 } },
    { name: 'minibatch Adam, cosine schedule', opts: { optimizer: 'adam', learningRate: 0.05, batchSize: 7, schedule: 'cosine' } },
  ];
  for (const { name, opts } of cases) {
    it(`${name}: same final losses and parameters (relative 1e-3 after 30 steps)`, async () => {
      const { device } = await nodeGpu();
      const options = {
        spec,
        samples: data,
        seeds: [1, 2, 3, 4, 5],
        steps: 30,
        optimizer: 'adam',
        learningRate: 0.01,
        ...opts,
      } as MultiSeedOptions;
      const gpu = await withErrorScopes(device, () => trainMultiSeed(options, device));
      const cpu = await trainMultiSeedCpu(options);
      // f32 sums on the GPU against f64 on the CPU, compounded over 30 steps.
      expect(relativeError(gpu.initialLosses, cpu.initialLosses)).toBeLessThanOrEqual(1e-5);
      expect(relativeError(gpu.finalLosses, cpu.finalLosses)).toBeLessThanOrEqual(1e-3);
      expect(relativeError(gpu.thetas, cpu.thetas)).toBeLessThanOrEqual(1e-3);
      expect(Array.from(gpu.diverged)).toEqual([0, 0, 0, 0, 0]);
      gpu.finalLosses.forEach((f, k) => expect(f).toBeLessThan(gpu.initialLosses[k] ?? 0));
      // The final losses are those of the returned parameters.
      expect(gpu.finalLosses[2]).toBeCloseTo(datasetLoss(spec, gpu.thetas.subarray(2 * gpu.paramCount, 3 * gpu.paramCount), data), 5);
    });
  }

  it('a residual network (2-6-6-6-1, two skips): same final losses and parameters (relative 1e-3 after 30 steps)', async () => {
    const { device } = await nodeGpu();
    const residual: MlpSpec = { ...spec, hidden: [6, 6, 6], residual: true };
    const options: MultiSeedOptions = {
      spec: residual,
      samples: data,
      seeds: [1, 2, 3],
      steps: 30,
      optimizer: 'adam',
      learningRate: 0.02,
      batchSize: 12,
    };
    const gpu = await withErrorScopes(device, () => trainMultiSeed(options, device));
    const cpu = await trainMultiSeedCpu(options);
    expect(relativeError(gpu.initialLosses, cpu.initialLosses)).toBeLessThanOrEqual(1e-5);
    expect(relativeError(gpu.finalLosses, cpu.finalLosses)).toBeLessThanOrEqual(1e-3);
    expect(relativeError(gpu.thetas, cpu.thetas)).toBeLessThanOrEqual(1e-3);
    expect(gpu.finalLosses[1]).toBeCloseTo(datasetLoss(residual, gpu.thetas.subarray(gpu.paramCount, 2 * gpu.paramCount), data), 5);
    // The same seeds without the skips start elsewhere on the loss.
    const plain = await trainMultiSeedCpu({ ...options, spec: { ...residual, residual: false }, steps: 0 });
    expect(relativeError(plain.initialLosses, cpu.initialLosses)).toBeGreaterThan(1e-3);
  });

  it('is deterministic: the same inputs give bitwise identical final losses and parameters', async () => {
    const { device } = await nodeGpu();
    const options: MultiSeedOptions = {
      spec,
      samples: data,
      seeds: [7, 8, 9],
      steps: 40,
      optimizer: 'adam',
      learningRate: 0.03,
      batchSize: 16,
    };
    const a = await withErrorScopes(device, () => trainMultiSeed(options, device, { targetSubmitMs: 1 }));
    const b = await withErrorScopes(device, () => trainMultiSeed(options, device, { targetSubmitMs: 1000 }));
    expect(Array.from(b.finalLosses)).toEqual(Array.from(a.finalLosses));
    expect(Array.from(b.thetas)).toEqual(Array.from(a.thetas));
  });

  it('marks a blown-up vector as diverged, freezes it and trains the others', async () => {
    const { device } = await nodeGpu();
    const mseSpec: MlpSpec = { ...spec, loss: 'mse' };
    const mseData = makeDataset('moons', { samples: 40, classes: 2, noise: 0.1, seed: 3 }, 'mse');
    const starts = [1, 2, 3, 4].map((s) => initParams(mseSpec, s));
    // Vector 1 starts at 1e25 × its init: its squared error overflows float32 at once.
    const huge = (starts[1] ?? new Float32Array(0)).map((v) => v * 1e25);
    starts[1] = huge;
    const options: MultiSeedOptions = {
      spec: mseSpec,
      samples: mseData,
      thetas: starts,
      steps: 25,
      optimizer: 'sgd',
      learningRate: 0.2,
      momentum: 0.5,
    };
    for (const run of [await withErrorScopes(device, () => trainMultiSeed(options, device)), await trainMultiSeedCpu(options)]) {
      expect(Array.from(run.diverged)).toEqual([0, 1, 0, 0]);
      expect(run.divergedAtStep[1]).toBe(1);
      expect(Number.isNaN(run.finalLosses[1])).toBe(true);
      expect(Array.from(run.thetas.subarray(run.paramCount, 2 * run.paramCount))).toEqual(Array.from(huge));
      for (const k of [0, 2, 3]) expect(run.finalLosses[k]).toBeLessThan((run.initialLosses[k] ?? 0) * 0.9);
    }
    // A learning rate far too large blows every vector up after a few steps, on both trainers alike.
    const wild: MultiSeedOptions = { ...options, thetas: [1, 2, 3].map((s) => initParams(mseSpec, s)), learningRate: 1e6, momentum: 0 };
    const gpu = await withErrorScopes(device, () => trainMultiSeed(wild, device));
    const cpu = await trainMultiSeedCpu(wild);
    expect(Array.from(gpu.diverged)).toEqual([1, 1, 1]);
    expect(Array.from(cpu.diverged)).toEqual([1, 1, 1]);
    expect(Math.min(...gpu.divergedAtStep)).toBeGreaterThan(1);
  });

  it('reports progress every N steps, keeps snapshots and stops when cancelled', async () => {
    const { device } = await nodeGpu();
    const seen: { step: number; losses: Float32Array }[] = [];
    const options: MultiSeedOptions = {
      spec,
      samples: data,
      seeds: [1, 2],
      steps: 23,
      optimizer: 'adam',
      learningRate: 0.02,
      progressEvery: 5,
      snapshotEvery: 10,
      onProgress: (step, losses) => seen.push({ step, losses }),
    };
    const r = await withErrorScopes(device, () => trainMultiSeed(options, device));
    expect(seen.map((s) => s.step)).toEqual([5, 10, 15, 20, 23]);
    expect(seen.every((s) => s.losses.length === 2 && s.losses.every(Number.isFinite))).toBe(true);
    expect(r.snapshots?.map((s) => s.step)).toEqual([0, 10, 20, 23]);
    expect(Array.from(r.snapshots?.[3]?.thetas ?? [])).toEqual(Array.from(r.thetas));
    expect(Array.from(r.snapshots?.[0]?.thetas.subarray(0, r.paramCount) ?? [])).toEqual(Array.from(initParams(spec, 1)));
    const cpuSeen: number[] = [];
    const c = await trainMultiSeedCpu({ ...options, onProgress: (step) => cpuSeen.push(step) });
    expect(cpuSeen).toEqual([5, 10, 15, 20, 23]);
    expect(c.snapshots?.map((s) => s.step)).toEqual([0, 10, 20, 23]);

    const controller = new AbortController();
    const cancelled = trainMultiSeed({ ...options, steps: 500, signal: controller.signal, onProgress: () => controller.abort() }, device);
    await expect(cancelled).rejects.toThrow(/cancelled/);
    await expect(trainMultiSeedCpu({ ...options, steps: 500, signal: controller.signal })).rejects.toThrow(/cancelled/);
  });

  it('rejects bad options with a message', async () => {
    await expect(trainMultiSeedCpu({ spec, samples: data, seeds: [], steps: 5, optimizer: 'adam', learningRate: 0.1 })).rejects.toThrow(
      /at least one/,
    );
    await expect(trainMultiSeedCpu({ spec, samples: data, seeds: [1], steps: -1, optimizer: 'adam', learningRate: 0.1 })).rejects.toThrow(
      /steps/,
    );
    await expect(
      trainMultiSeedCpu({ spec, samples: data, thetas: [new Float32Array(3)], steps: 5, optimizer: 'sgd', learningRate: 0.1 }),
    ).rejects.toThrow(/parameters/);
  });
});

describe('BatchSampler', () => {
  it('covers every sample once per epoch and repeats with the same seed', () => {
    const a = new BatchSampler(10, 4, 3);
    const b = new BatchSampler(10, 4, 3);
    const stream = Array.from({ length: 5 }, () => Array.from(a.next())).flat();
    expect(Array.from({ length: 5 }, () => Array.from(b.next())).flat()).toEqual(stream);
    expect([...stream.slice(0, 10)].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...stream.slice(10, 20)].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
