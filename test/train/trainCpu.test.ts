import { describe, expect, it } from 'vitest';
import { trainAdamCpu } from '../../src/train/trainCpu';
import { evaluate, lossAndGradient } from '../../src/model/network';
import { initParams } from '../../src/model/init';
import { makeDataset } from '../../src/data/generators';
import type { Dataset } from '../../src/data/dataset';
import type { MlpSpec } from '../../src/model/spec';

const xorSpec: MlpSpec = { inputs: 2, hidden: [16], outputs: 1, activation: 'tanh', loss: 'bce', bias: true };
const xorData = makeDataset('xor', { samples: 64, classes: 2, noise: 0.05, seed: 1 }, 'bce');

describe('trainAdamCpu', () => {
  it('lowers the loss on xor by a large factor and classifies it', () => {
    const theta0 = initParams(xorSpec, 3);
    const before = evaluate(xorSpec, theta0, xorData);
    const r = trainAdamCpu(xorSpec, theta0, xorData, { steps: 400, learningRate: 0.05 });
    expect(r.diverged).toBe(false);
    expect(r.finalLoss).toBeLessThan(before.loss / 20);
    expect(evaluate(xorSpec, r.theta, xorData).accuracy).toBe(1);
    // losses[0] is the loss at θ₀ and losses[steps] the final loss.
    expect(r.losses).toHaveLength(401);
    expect(r.losses[0]).toBeCloseTo(before.loss, 5);
    expect(r.losses[400]).toBeCloseTo(r.finalLoss, 5);
    expect(r.finalLoss).toBeCloseTo(evaluate(xorSpec, r.theta, xorData).loss, 5);
  });

  it('lowers the loss on a 3-arm spiral by a large factor', () => {
    const spec: MlpSpec = { inputs: 2, hidden: [32, 32], outputs: 3, activation: 'tanh', loss: 'cross_entropy', bias: true };
    const data = makeDataset('spiral', { samples: 90, classes: 3, noise: 0.02, seed: 2 }, 'cross_entropy');
    const theta0 = initParams(spec, 5);
    const before = evaluate(spec, theta0, data).loss;
    const r = trainAdamCpu(spec, theta0, data, { steps: 400, learningRate: 0.01 });
    expect(r.diverged).toBe(false);
    expect(r.finalLoss).toBeLessThan(before / 5);
    expect(evaluate(spec, r.theta, data).accuracy).toBeGreaterThan(0.9);
  });

  it('is deterministic: same inputs give identical θ and losses', () => {
    const theta0 = initParams(xorSpec, 4);
    const a = trainAdamCpu(xorSpec, theta0, xorData, { steps: 60, learningRate: 0.02 });
    const b = trainAdamCpu(xorSpec, theta0, xorData, { steps: 60, learningRate: 0.02 });
    expect(Array.from(a.theta)).toEqual(Array.from(b.theta));
    expect(Array.from(a.losses)).toEqual(Array.from(b.losses));
  });

  it('does not modify θ₀', () => {
    const theta0 = initParams(xorSpec, 4);
    const copy = Float32Array.from(theta0);
    trainAdamCpu(xorSpec, theta0, xorData, { steps: 5, learningRate: 0.1 });
    expect(Array.from(theta0)).toEqual(Array.from(copy));
  });

  it('first Adam step moves every parameter by ≈ lr against its gradient sign', () => {
    // After one step m̂ = g and v̂ = g², so Δθ = −lr·g/(|g| + ε) ≈ −lr·sign(g).
    const theta0 = initParams(xorSpec, 6);
    const lr = 1e-3;
    const { grad } = lossAndGradient(xorSpec, theta0, xorData);
    const r = trainAdamCpu(xorSpec, theta0, xorData, { steps: 1, learningRate: lr });
    let checked = 0;
    for (let i = 0; i < theta0.length; i++) {
      const g = grad[i] ?? 0;
      if (Math.abs(g) < 1e-5) continue;
      const delta = (r.theta[i] ?? NaN) - (theta0[i] ?? NaN);
      // float32 storage of θ limits the precision of Δθ to ~1e-7 absolute.
      expect(Math.abs(delta + lr * Math.sign(g))).toBeLessThan(1e-6);
      checked++;
    }
    expect(checked).toBeGreaterThan(theta0.length / 2);
  });

  it('reports progress every progressEvery steps', () => {
    const calls: number[] = [];
    trainAdamCpu(xorSpec, initParams(xorSpec, 1), xorData, {
      steps: 30,
      learningRate: 0.01,
      progressEvery: 10,
      onProgress: (step, loss) => {
        expect(Number.isFinite(loss)).toBe(true);
        calls.push(step);
      },
    });
    expect(calls).toEqual([10, 20, 30]);
  });

  it('an infinite loss is reported as diverged, without throwing', () => {
    // Targets of 1e200: the squared error overflows to +Inf on the first step.
    const spec: MlpSpec = { inputs: 1, hidden: [4], outputs: 1, activation: 'sigmoid', loss: 'mse', bias: true };
    const data: Dataset = {
      name: 'huge',
      m: 4,
      inputs: 1,
      x: Float32Array.from([-1, -0.5, 0.5, 1]),
      // Float32 cannot hold 1e200; it stores Infinity, which is as good for this purpose.
      y: Float32Array.from([1e200, -1e200, 1e200, -1e200]),
      targetWidth: 1,
      classes: 0,
    };
    let r: ReturnType<typeof trainAdamCpu> | undefined;
    expect(() => {
      r = trainAdamCpu(spec, initParams(spec, 1), data, { steps: 20, learningRate: 0.01 });
    }).not.toThrow();
    expect(r?.diverged).toBe(true);
    expect(Number.isFinite(r?.finalLoss)).toBe(false);
    // Steps never taken must not read as a loss of 0 in the loss curve.
    expect(Array.from(r?.losses ?? []).some((v) => v === 0)).toBe(false);
  });

  it('a learning rate that blows θ up is reported as diverged, without throwing', () => {
    // Identity 1-8-8-1 regression on y = x with lr 1e30: one Adam step moves every weight by ~1e30,
    // so three layers give outputs ~1e90 and a loss ~1e180: finite in float64 but far beyond
    // float32, in which the loss curve is stored and the GPU twin computes. That must count as
    // divergence, also when it only shows after the last step (steps = 1).
    const spec: MlpSpec = { inputs: 1, hidden: [8, 8], outputs: 1, activation: 'identity', loss: 'mse', bias: true };
    const data = makeDataset('uvx', { samples: 16, classes: 2, noise: 0, seed: 1 }, 'mse');
    for (const steps of [1, 2, 5, 50]) {
      let r: ReturnType<typeof trainAdamCpu> | undefined;
      expect(() => {
        r = trainAdamCpu(spec, initParams(spec, 2), data, { steps, learningRate: 1e30 });
      }).not.toThrow();
      expect(r?.diverged, `steps=${steps}`).toBe(true);
      expect(Number.isFinite(r?.finalLoss)).toBe(false);
    }
  });

  it('a modest learning rate on the same problem does not diverge', () => {
    const spec: MlpSpec = { inputs: 1, hidden: [8, 8], outputs: 1, activation: 'identity', loss: 'mse', bias: true };
    const data = makeDataset('uvx', { samples: 16, classes: 2, noise: 0, seed: 1 }, 'mse');
    const theta0 = initParams(spec, 2);
    const r = trainAdamCpu(spec, theta0, data, { steps: 200, learningRate: 0.01 });
    expect(r.diverged).toBe(false);
    expect(r.finalLoss).toBeLessThan(1e-3);
    expect(Array.from(r.losses).every(Number.isFinite)).toBe(true);
  });
});
