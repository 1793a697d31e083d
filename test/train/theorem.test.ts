/**
 * "Are all minima global?" at small scale, on the real GPU kernels. For one hidden layer of tanh,
 * squared loss and m distinct inputs, every local minimum is global once n₁ ≥ m (Yu & Chen 1995;
 * Nguyen & Hein 2017). With m = 8 distinct 2-D points and random targets, every one of 16 seeds
 * at n₁ = 8 should fit the data; at n₁ = 1 the network cannot, so not every seed gets there.
 *
 * Budget, chosen once and not per seed: full-batch Adam, lr 0.1 with cosine decay to 0, 2000 steps.
 * (Without the decay, constant-rate Adam keeps bouncing around the minimum and some seeds end a
 * little above 1e-4 of their start; tried at 3000 and 6000 steps.) Seen on SwiftShader: all 16
 * seeds reach below 1e-13 of their initial loss by 1500 steps.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng';
import type { Samples } from '../../src/model/samples';
import type { MlpSpec } from '../../src/model/spec';
import { trainMultiSeed } from '../../src/train/multiSeed';
import type { MultiSeedResult } from '../../src/train/multiSeed.types';
import { nodeGpu, withErrorScopes } from '../gpu/nodeGpu';

const m = 8;
const STEPS = 2000;
const SEEDS = Array.from({ length: 16 }, (_, i) => 101 + i);
const SUCCESS_RATIO = 1e-4;

function data(): Samples {
  const rng = new Rng(2);
  const x = new Float32Array(m * 2).map(() => rng.range(-1, 1));
  const y = new Float32Array(m).map(() => rng.range(-1, 1));
  return { m, inputs: 2, x, y };
}

async function train(width: number): Promise<MultiSeedResult> {
  const { device } = await nodeGpu();
  const spec: MlpSpec = { inputs: 2, hidden: [width], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
  return withErrorScopes(device, () =>
    trainMultiSeed(
      {
        spec,
        samples: data(),
        seeds: SEEDS,
        steps: STEPS,
        optimizer: 'adam',
        learningRate: 0.1,
        schedule: 'cosine',
      },
      device,
    ),
  );
}

function ratios(r: MultiSeedResult): number[] {
  return Array.from(r.finalLosses, (f, k) => f / (r.initialLosses[k] ?? Number.NaN));
}

describe('the theorem at small scale (m = 8 distinct 2-D points, tanh, mse, 16 seeds, 2000 Adam steps)', () => {
  it('the 8 inputs are pairwise distinct', () => {
    const { x } = data();
    const rows = new Set(Array.from({ length: m }, (_, i) => `${x[2 * i]},${x[2 * i + 1]}`));
    expect(rows.size).toBe(m);
  });

  it('n₁ = 8 = m: every seed reaches a loss below 1e-4 × its initial loss', async () => {
    const r = await train(8);
    expect(Array.from(r.diverged)).toEqual(SEEDS.map(() => 0));
    const q = ratios(r);
    expect(
      q.filter((v) => v < SUCCESS_RATIO),
      `ratios ${q.map((v) => v.toExponential(1)).join(' ')}`,
    ).toHaveLength(SEEDS.length);
  });

  it('n₁ = 1 on the same data: not every seed does', async () => {
    const r = await train(1);
    expect(Array.from(r.diverged)).toEqual(SEEDS.map(() => 0));
    const q = ratios(r);
    expect(q.filter((v) => v < SUCCESS_RATIO).length, `ratios ${q.map((v) => v.toExponential(1)).join(' ')}`).toBeLessThan(SEEDS.length);
  });
});
