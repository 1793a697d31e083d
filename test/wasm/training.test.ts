/**
 * The CPU trainings on the SIMD engine's gradient (fastGradientSource): θ₀ by Adam, many seeds, curves,
 * against the float64 twins they replaced (float32 gradients against float64, drift compounded over the
 * steps), the same bits on one thread and on all, and the CPU backend really using the engine.
 */
import { describe, expect, it } from 'vitest';
import { buildData } from '../../src/data/recipe';
import { makeDataset } from '../../src/data/generators';
import { cpuBackend } from '../../src/engine/cpuBackend';
import { gradientCpu } from '../../src/gpu/gradient.cpu';
import { initParams } from '../../src/model/init';
import { deriveSeed } from '../../src/model/rng';
import { lossAndGradient } from '../../src/model/network';
import type { Samples } from '../../src/model/samples';
import { paramLayout, type MlpSpec } from '../../src/model/spec';
import { defaultState, type AppState } from '../../src/state/appState';
import { presetById, presetState } from '../../src/state/presets';
import { trainCurveCpu } from '../../src/train/curveTraining';
import { trainCurveWith } from '../../src/train/curveTrainingCpu';
import type { GradientSource } from '../../src/train/gradientSource';
import type { MultiSeedOptions } from '../../src/train/multiSeed.types';
import { trainMultiSeedCpu } from '../../src/train/multiSeedCpu';
import { trainAdamCpu, trainAdamWith } from '../../src/train/trainCpu';
import { fastGradientSource } from '../../src/wasm/gradientFast';

function relative(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);
}

function worstRelative(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++)
    worst = Math.max(worst, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)) / Math.max(Math.abs(b[i] ?? NaN), floor));
  return worst;
}

function stateOf(id: string | null): AppState {
  if (id === null) return defaultState();
  const preset = presetById(id);
  if (!preset) throw new Error(`no preset ${id}`);
  return presetState(preset).state;
}

/**
 * The float64 twin's Adam with every gradient entry scaled by 1 + u·1e-6 (u uniform in ±½, seeded): how far
 * the trajectory itself moves when its gradients change in the sixth digit — a float32 engine can do no better.
 */
function perturbedTwin(spec: MlpSpec, data: Samples): GradientSource {
  let seed = 1;
  return {
    paramCount: paramLayout(spec).size,
    compute: (thetas, count) => {
      const r = gradientCpu(spec, data, thetas, count);
      for (let i = 0; i < r.grads.length; i++) {
        seed = (seed * 16807) % 2147483647;
        r.grads[i] = (r.grads[i] ?? 0) * (1 + 1e-6 * (seed / 2147483647 - 0.5));
      }
      return Promise.resolve(r);
    },
    dispose: () => undefined,
  };
}

describe('θ₀ trained with the SIMD engine’s gradient against the float64 twin', () => {
  // The default page and small presets (every loss), 200 Adam steps at the preset's learning rate. Adam
  // follows the gradient's direction, so tiny gradient differences grow along the trajectory: the final loss
  // must lie within 1e-3 relative of the twin's, or (where the trajectory itself is that sensitive) within
  // 10× of how far a 1e-6 relative perturbation of the float64 gradient moves it. Measured (200 steps):
  // default 2-32-32-1 tanh mse 2.8e-3 (perturbed twin 7.8e-4), residual 2-16×6-1 2.5e-2 (perturbed 2.9e-2).
  for (const id of [null, 'xor-3-sigmoid', 'ce-ray', 'residual']) {
    it(`${id ?? 'default'}: 200 steps, final loss within 1e-3 relative, or 10× the drift of a 1e-6 gradient perturbation`, async () => {
      const state = stateOf(id);
      const { data, spec } = buildData(state);
      const theta0 = initParams(spec, deriveSeed(state.seed, 'init'));
      const opts = { steps: 200, learningRate: state.train.learningRate };
      const twin = trainAdamCpu(spec, theta0, data, opts);
      const perturbed = await trainAdamWith(theta0, perturbedTwin(spec, data), opts);
      const source = fastGradientSource(spec, data);
      const fast = await trainAdamWith(theta0, source, opts);
      expect(source.counts.twin, 'no call fell back to the twin').toBe(0);
      expect(source.counts.engine).toBe(201);
      expect(fast.diverged).toBe(twin.diverged);
      expect(relative(fast.losses[0] ?? NaN, twin.losses[0] ?? NaN), 'loss at θ₀').toBeLessThanOrEqual(1e-5);
      // Early on the two trajectories are one.
      expect(relative(fast.losses[20] ?? NaN, twin.losses[20] ?? NaN), 'after 20 steps').toBeLessThanOrEqual(1e-4);
      const drift = relative(fast.finalLoss, twin.finalLoss);
      const sensitivity = relative(perturbed.finalLoss, twin.finalLoss);
      expect(drift, `${fast.finalLoss} vs ${twin.finalLoss} (perturbed twin ${perturbed.finalLoss})`).toBeLessThanOrEqual(
        Math.max(1e-3, 10 * sensitivity),
      );
      // The final loss is the loss of the returned θ (float64 evaluation; float32 sums of small losses).
      expect(relative(fast.finalLoss, lossAndGradient(spec, fast.theta, data).loss)).toBeLessThanOrEqual(1e-4);
    });
  }

  it('the same bits on one thread and on all (slices fixed by the sample count, not the threads)', async () => {
    const spec: MlpSpec = { inputs: 2, hidden: [16, 16], outputs: 3, activation: 'gelu', loss: 'cross_entropy', bias: true };
    const data = makeDataset('spiral', { samples: 300, classes: 3, noise: 0.05, seed: 4 }, 'cross_entropy');
    const theta0 = initParams(spec, 9);
    const opts = { steps: 40, learningRate: 0.01 };
    const one = await trainAdamWith(theta0, fastGradientSource(spec, data, { threads: 1 }), opts);
    // Threads asked for explicitly: on its own a session this small runs on one thread.
    const all = await trainAdamWith(theta0, fastGradientSource(spec, data, { threads: 64 }), opts);
    expect(Array.from(all.theta)).toEqual(Array.from(one.theta));
    expect(Array.from(all.losses)).toEqual(Array.from(one.losses));
  });

  it('stops between steps when cancelled', async () => {
    const { data, spec } = buildData(defaultState());
    const controller = new AbortController();
    const run = trainAdamWith(initParams(spec, 1), fastGradientSource(spec, data), {
      steps: 500,
      learningRate: 0.01,
      signal: controller.signal,
      progressEvery: 5,
      onProgress: (step) => step === 10 && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('many seeds and curves on the SIMD engine’s gradient', () => {
  const spec: MlpSpec = { inputs: 2, hidden: [12], outputs: 1, activation: 'tanh', loss: 'bce', bias: true };
  const data = makeDataset('moons', { samples: 90, classes: 2, noise: 0.1, seed: 3 }, 'bce');

  it('trainMultiSeedCpu, full batch and minibatches: final losses within 1e-3 relative of the float64 twin', async () => {
    for (const extra of [{}, { batchSize: 20, batchSeed: 5 }]) {
      const options = {
        spec,
        samples: data,
        seeds: [1, 2, 3, 4],
        steps: 100,
        optimizer: 'adam',
        learningRate: 0.02,
        ...extra,
      } as MultiSeedOptions;
      const twin = await trainMultiSeedCpu(options);
      const source = fastGradientSource(spec, data);
      const fast = await trainMultiSeedCpu(options, source);
      expect(source.counts.twin).toBe(0);
      expect(worstRelative(fast.initialLosses, twin.initialLosses)).toBeLessThanOrEqual(1e-5);
      expect(worstRelative(fast.finalLosses, twin.finalLosses), JSON.stringify(extra)).toBeLessThanOrEqual(1e-3);
      expect(Array.from(fast.diverged)).toEqual(Array.from(twin.diverged));
    }
  });

  it('curve training (Bezier, batches): step losses within 1e-3 relative of the float64 twin', async () => {
    const seeds = await trainMultiSeedCpu({ spec, samples: data, seeds: [1, 2], steps: 150, optimizer: 'adam', learningRate: 0.02 });
    const P = seeds.paramCount;
    const opts = {
      spec,
      samples: data,
      a: seeds.thetas.slice(0, P),
      b: seeds.thetas.slice(P, 2 * P),
      kind: 'bezier' as const,
      optimizer: 'adam' as const,
      steps: 60,
      learningRate: 0.01,
      batchSize: 30,
      seed: 2,
    };
    const twin = await trainCurveCpu(opts);
    const source = fastGradientSource(spec, data);
    const fast = await trainCurveWith(opts, source);
    expect(source.counts.engine).toBe(60);
    expect(worstRelative(fast.stepLosses, twin.stepLosses)).toBeLessThanOrEqual(1e-3);
  });

  it('the CPU backend trains θ₀ on the engine (not bit for bit the float64 twin, within 1e-3)', async () => {
    const theta0 = initParams(spec, 4);
    const job = { spec, samples: data, theta0, steps: 120, learningRate: 0.02 };
    const got = await cpuBackend().trainCenter(job, { signal: new AbortController().signal });
    const twin = trainAdamCpu(spec, theta0, data, job);
    expect(Array.from(got.theta)).not.toEqual(Array.from(twin.theta));
    expect(relative(got.finalLoss, twin.finalLoss)).toBeLessThanOrEqual(1e-3);
  });
});
