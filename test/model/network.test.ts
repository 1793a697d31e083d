import { describe, expect, it } from 'vitest';
import { evaluate, forward, lossAndGradient, sampleLoss } from '../../src/model/network';
import { ACTIVATIONS, LOSSES, paramLayout } from '../../src/model/spec';
import type { Activation, LossKind, MlpSpec } from '../../src/model/spec';
import { Rng } from '../../src/model/rng';
import { makeDataset } from '../../src/data/generators';
import type { Dataset } from '../../src/data/dataset';

// ---------------------------------------------------------------------------------------------
// Reference formulas written out independently of src/model/activations.ts.

const refAct: Record<Activation, (z: number) => number> = {
  tanh: (z) => (Math.exp(z) - Math.exp(-z)) / (Math.exp(z) + Math.exp(-z)),
  sigmoid: (z) => 1 / (1 + Math.exp(-z)),
  relu: (z) => Math.max(0, z),
  leaky_relu: (z) => (z >= 0 ? z : 0.01 * z),
  softplus: (z) => Math.log(1 + Math.exp(z)),
  gelu: (z) => 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z ** 3))),
  identity: (z) => z,
};

function dataset(inputs: number, x: number[], y: number[], targetWidth = 1, classes = 0): Dataset {
  return {
    name: 'test',
    m: x.length / inputs,
    inputs,
    x: Float32Array.from(x),
    y: Float32Array.from(y),
    targetWidth,
    classes,
  };
}

function mlp(inputs: number, hidden: number[], outputs: number, activation: Activation, loss: LossKind, bias: boolean): MlpSpec {
  return { inputs, hidden, outputs, activation, loss, bias };
}

// ---------------------------------------------------------------------------------------------

describe('reference activation values', () => {
  it('match known constants (sanity of the test formulas themselves)', () => {
    expect(refAct.tanh(0.5)).toBeCloseTo(0.46211715726, 10);
    expect(refAct.sigmoid(0)).toBe(0.5);
    expect(refAct.softplus(0)).toBeCloseTo(Math.LN2, 14);
    // PyTorch: F.gelu(torch.tensor(1.), approximate='tanh') = 0.8411920
    expect(refAct.gelu(1)).toBeCloseTo(0.8411919906, 9);
    expect(refAct.leaky_relu(-2)).toBe(-0.02);
  });
});

describe('forward on a 2-2-1 net', () => {
  // W0 = [[0.5, -1.0], [1.5, 0.25]], b0 = [0.1, -0.2], W1 = [[2.0, -0.75]], b1 = [0.3]
  const theta = Float64Array.from([0.5, -1.0, 1.5, 0.25, 0.1, -0.2, 2.0, -0.75, 0.3]);
  const inputs: [number, number][] = [
    [0.4, -0.3],
    [-1.2, 0.8],
    [2.0, 1.0],
  ];

  for (const act of ACTIVATIONS) {
    it(act, () => {
      const spec = mlp(2, [2], 1, act, 'mse', true);
      for (const [x0, x1] of inputs) {
        const z0 = 0.5 * x0 - 1.0 * x1 + 0.1;
        const z1 = 1.5 * x0 + 0.25 * x1 - 0.2;
        const f = refAct[act];
        const expected = 2.0 * f(z0) - 0.75 * f(z1) + 0.3;
        const out = forward(spec, theta, [x0, x1]);
        expect(out).toHaveLength(1);
        expect(out[0]).toBeCloseTo(expected, 12);
      }
    });
  }

  it('without bias ignores nothing and adds nothing', () => {
    // Same weights, no bias slots: W0 then W1.
    const spec = mlp(2, [2], 1, 'tanh', 'mse', false);
    const t = Float64Array.from([0.5, -1.0, 1.5, 0.25, 2.0, -0.75]);
    const [x0, x1] = [0.4, -0.3];
    const expected = 2.0 * Math.tanh(0.5 * x0 - 1.0 * x1) - 0.75 * Math.tanh(1.5 * x0 + 0.25 * x1);
    expect(forward(spec, t, [x0, x1])[0]).toBeCloseTo(expected, 12);
  });

  it('applies no activation on the output layer', () => {
    // With relu hidden and a negative output, the output stays negative.
    const spec = mlp(1, [1], 1, 'relu', 'mse', false);
    const out = forward(spec, Float64Array.from([1, -3]), [2]);
    expect(out[0]).toBe(-6);
  });

  it('accepts Float32 parameters', () => {
    const spec = mlp(2, [2], 1, 'sigmoid', 'mse', true);
    const a = forward(spec, theta, [0.4, -0.3])[0] ?? NaN;
    const b = forward(spec, Float32Array.from(theta), [0.4, -0.3])[0] ?? NaN;
    expect(Math.abs(a - b)).toBeLessThan(1e-6);
  });
});

describe('losses', () => {
  it('mse is the mean over every output element (PyTorch MSELoss)', () => {
    // Linear 2→2 net, W = [[1, 2], [-1, 0.5]], b = [0.5, -1].
    const spec = mlp(2, [], 2, 'identity', 'mse', true);
    const theta = Float64Array.from([1, 2, -1, 0.5, 0.5, -1]);
    const xs = [1, 0, 0, 1, 2, -1];
    const ys = [1, 1, 0, 0, 3, -2];
    // outputs: s0 (1,0) → (1.5, -2); s1 (0,1) → (2.5, -0.5); s2 (2,-1) → (0.5, -3.5)
    // diffs:   (0.5, -3), (2.5, -0.5), (-2.5, -1.5)
    // squares: 0.25 + 9 + 6.25 + 0.25 + 6.25 + 2.25 = 24.25; mean over 6 elements.
    const expected = 24.25 / 6;
    const data = dataset(2, xs, ys, 2);
    expect(evaluate(spec, theta, data).loss).toBeCloseTo(expected, 12);
    expect(lossAndGradient(spec, theta, data).loss).toBeCloseTo(expected, 12);
    expect(Number.isNaN(evaluate(spec, theta, data).accuracy)).toBe(true);
  });

  it('sampleLoss mse returns the per-sample sum and gradient 2·(out − y)', () => {
    const grad = new Float64Array(2);
    const l = sampleLoss('mse', Float64Array.from([1, 2]), [9, 9, 0, 5], 1, grad);
    expect(l).toBe(1 + 9);
    expect(Array.from(grad)).toEqual([2, -6]);
  });

  it('cross_entropy is the mean of −log softmax over samples (PyTorch CrossEntropyLoss)', () => {
    // Identity 3→3 net so the logits equal the inputs.
    const spec = mlp(3, [], 3, 'identity', 'cross_entropy', false);
    const theta = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const logits = [
      [1, 2, 3],
      [0.5, -1, 0.25],
      [-2, 4, 1],
    ];
    const classes = [2, 0, 0];
    let sum = 0;
    logits.forEach((row, i) => {
      const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
      sum += lse - (row[classes[i] ?? 0] ?? 0);
    });
    const data = dataset(3, logits.flat(), classes, 1, 3);
    const { loss, accuracy } = evaluate(spec, theta, data);
    expect(loss).toBeCloseTo(sum / 3, 12);
    // first sample alone: PyTorch gives 0.4076059644
    expect(sampleLoss('cross_entropy', Float64Array.from([1, 2, 3]), [2], 0)).toBeCloseTo(0.4076059644, 9);
    // argmax: 2 (=2 ✓), 0 (=0 ✓), 1 (≠0 ✗)
    expect(accuracy).toBeCloseTo(2 / 3, 12);
  });

  it('cross_entropy is stable for huge logits', () => {
    const grad = new Float64Array(3);
    const l = sampleLoss('cross_entropy', Float64Array.from([1000, 0, -1000]), [1], 0, grad);
    expect(l).toBeCloseTo(1000, 9);
    expect(Array.from(grad).every(Number.isFinite)).toBe(true);
    expect(grad[0]).toBeCloseTo(1, 12);
    expect(grad[1]).toBeCloseTo(-1, 12);
    expect(sampleLoss('cross_entropy', Float64Array.from([1000, 0, -1000]), [0], 0)).toBeCloseTo(0, 12);
  });

  it('bce is BCEWithLogits: −[y log σ(o) + (1 − y) log(1 − σ(o))], mean over samples', () => {
    // 1→1 net with w = 1, b = 0: the logit is the input.
    const spec = mlp(1, [], 1, 'identity', 'bce', true);
    const theta = Float64Array.from([1, 0]);
    const os = [-2, -0.5, 0.375, 1.75, 0]; // exact in float32
    const ys = [0, 1, 1, 0, 1];
    let sum = 0;
    os.forEach((o, i) => {
      const s = 1 / (1 + Math.exp(-o));
      const y = ys[i] ?? 0;
      sum += -(y * Math.log(s) + (1 - y) * Math.log(1 - s));
    });
    const data = dataset(1, os, ys, 1, 2);
    const { loss, accuracy } = evaluate(spec, theta, data);
    expect(loss).toBeCloseTo(sum / os.length, 12);
    // predictions (o > 0): 0,0,1,1,0 vs 0,1,1,0,1 → 2 correct of 5
    expect(accuracy).toBeCloseTo(2 / 5, 12);
  });

  it('bce is finite for logits ±1000 (loss and gradient)', () => {
    const cases: [number, number, number][] = [
      // [logit, target, expected loss]
      [1000, 1, 0],
      [1000, 0, 1000],
      [-1000, 0, 0],
      [-1000, 1, 1000],
    ];
    for (const [o, y, want] of cases) {
      const grad = new Float64Array(1);
      const l = sampleLoss('bce', Float64Array.from([o]), [y], 0, grad);
      expect(Number.isFinite(l)).toBe(true);
      expect(l).toBeCloseTo(want, 9);
      expect(Number.isFinite(grad[0])).toBe(true);
      // dL/do = σ(o) − y ∈ {−1, 0, 1} here
      expect(grad[0]).toBeCloseTo((o > 0 ? 1 : 0) - y, 12);
    }
    // Through the whole network and its gradient, too.
    const spec = mlp(1, [], 1, 'identity', 'bce', true);
    const data = dataset(1, [1, -1], [0, 0], 1, 2);
    const r = lossAndGradient(spec, Float64Array.from([1000, 0]), data);
    expect(r.loss).toBeCloseTo(500, 9);
    expect(Array.from(r.grad).every(Number.isFinite)).toBe(true);
  });

  it('bce accuracy uses logit > 0 as class 1, cross_entropy accuracy uses argmax', () => {
    const bceSpec = mlp(1, [], 1, 'identity', 'bce', false);
    expect(evaluate(bceSpec, Float64Array.from([1]), dataset(1, [3, -3, 0.1, -0.1], [1, 0, 1, 0], 1, 2)).accuracy).toBe(1);
    expect(evaluate(bceSpec, Float64Array.from([-1]), dataset(1, [3, -3, 0.1, -0.1], [1, 0, 1, 0], 1, 2)).accuracy).toBe(0);
    const ceSpec = mlp(2, [], 2, 'identity', 'cross_entropy', false);
    const swap = Float64Array.from([0, 1, 1, 0]); // logits = (x1, x0)
    // logits (0,1)→1 vs 1 ✓; (1,0)→0 vs 0 ✓; (3,2)→0 vs 1 ✗
    const data = dataset(2, [1, 0, 0, 1, 2, 3], [1, 0, 1], 1, 2);
    expect(evaluate(ceSpec, swap, data).accuracy).toBeCloseTo(2 / 3, 12);
  });
});

// ---------------------------------------------------------------------------------------------
// Gradient against central finite differences.

/**
 * Hidden pre-activations of every sample, computed independently of network.ts (a residual spec
 * adds h to σ(z) on the hidden layers 1 ≤ l ≤ L − 2 of equal widths, written out here again).
 */
function minAbsHiddenPreactivation(spec: MlpSpec, theta: Float64Array, data: Dataset): number {
  const layout = paramLayout(spec);
  const f = refAct[spec.activation];
  let minAbs = Infinity;
  for (let s = 0; s < data.m; s++) {
    let h = Array.from(data.x.subarray(s * data.inputs, (s + 1) * data.inputs));
    layout.layers.forEach((layer, l) => {
      const z: number[] = [];
      for (let j = 0; j < layer.outputs; j++) {
        let acc = layer.biasOffset >= 0 ? (theta[layer.biasOffset + j] ?? 0) : 0;
        for (let k = 0; k < layer.inputs; k++) acc += (theta[layer.weightOffset + j * layer.inputs + k] ?? 0) * (h[k] ?? 0);
        z.push(acc);
      }
      if (l < layout.layers.length - 1) {
        for (const v of z) minAbs = Math.min(minAbs, Math.abs(v));
        const skip = spec.residual === true && l >= 1 && layer.inputs === layer.outputs;
        const input = h;
        h = z.map((v, j) => f(v) + (skip ? (input[j] ?? 0) : 0));
      } else {
        h = z;
      }
    });
  }
  return minAbs;
}

function randomProblem(spec: MlpSpec, seed: number): { theta: Float64Array; data: Dataset } {
  const rng = new Rng(seed);
  const m = 6;
  const x = Array.from({ length: m * spec.inputs }, () => rng.normal());
  let y: number[];
  if (spec.loss === 'mse') y = Array.from({ length: m * spec.outputs }, () => rng.normal());
  else if (spec.loss === 'bce') y = Array.from({ length: m }, () => rng.int(2));
  else y = Array.from({ length: m }, () => rng.int(spec.outputs));
  const n = paramLayout(spec).size;
  const theta = Float64Array.from({ length: n }, () => 0.9 * rng.normal());
  return {
    theta,
    data: dataset(spec.inputs, x, y, spec.loss === 'mse' ? spec.outputs : 1, spec.loss === 'mse' ? 0 : Math.max(2, spec.outputs)),
  };
}

const KINKED = new Set<Activation>(['relu', 'leaky_relu']);
const H = 1e-5;

function checkGradient(spec: MlpSpec, seed: number): void {
  // For relu / leaky_relu the loss is not differentiable where a hidden pre-activation is 0; a
  // central difference straddling such a kink measures the average of two slopes. So for these we
  // draw (deterministically) until every hidden pre-activation is ≥ 1e-3 from zero: a step of
  // H = 1e-5 in one parameter moves any pre-activation by far less than that, so no kink is crossed
  // and the same tight tolerance applies to every activation.
  let problem = randomProblem(spec, seed);
  if (KINKED.has(spec.activation)) {
    let s = seed;
    while (minAbsHiddenPreactivation(spec, problem.theta, problem.data) < 1e-3) problem = randomProblem(spec, (s += 1000));
  }
  const { theta, data } = problem;
  const { loss, grad } = lossAndGradient(spec, theta, data);
  expect(loss).toBeCloseTo(evaluate(spec, theta, data).loss, 12);
  const bad: string[] = [];
  const probe = Float64Array.from(theta);
  for (let i = 0; i < theta.length; i++) {
    const t = theta[i] ?? 0;
    probe[i] = t + H;
    const up = evaluate(spec, probe, data).loss;
    probe[i] = t - H;
    const down = evaluate(spec, probe, data).loss;
    probe[i] = t;
    const fd = (up - down) / (2 * H);
    const g = grad[i] ?? NaN;
    const err = Math.abs(fd - g);
    if (!(err <= 1e-5 * Math.max(Math.abs(fd), Math.abs(g)) + 1e-9)) bad.push(`θ[${i}]: analytic ${g}, fd ${fd}`);
  }
  expect(bad).toEqual([]);
}

describe('lossAndGradient vs central finite differences', () => {
  const hiddenBy = [[], [3], [4, 3], [3, 4, 2]];
  for (const activation of ACTIVATIONS) {
    for (const loss of LOSSES) {
      it(`${activation} × ${loss}, bias on/off, 0–3 hidden layers`, () => {
        const outputs = loss === 'bce' ? 1 : loss === 'cross_entropy' ? 3 : 2;
        let seed = 1;
        for (const bias of [true, false]) {
          for (const hidden of hiddenBy) {
            for (let rep = 0; rep < 2; rep++) {
              checkGradient(mlp(2, hidden, outputs, activation, loss, bias), seed++ * 7919);
            }
          }
        }
      });
    }
  }

  it('uses the given grad buffer and zeroes it first', () => {
    const spec = mlp(2, [3], 2, 'tanh', 'mse', true);
    const { theta, data } = randomProblem(spec, 5);
    const buf = new Float64Array(paramLayout(spec).size).fill(123);
    const r = lossAndGradient(spec, theta, data, buf);
    expect(r.grad).toBe(buf);
    const fresh = lossAndGradient(spec, theta, data).grad;
    expect(Array.from(buf)).toEqual(Array.from(fresh));
  });
});

describe('the u·v·x saddle', () => {
  // y = u·v·x with data y = x: loss(u, v) = mean((uv − 1)² x²). At the origin the gradient vanishes
  // and the Hessian is [[0, −2c], [−2c, 0]] with c = mean(x²): eigenvalues ±2c, a saddle.
  const spec: MlpSpec = { inputs: 1, hidden: [1], outputs: 1, activation: 'identity', loss: 'mse', bias: false };
  const data = makeDataset('uvx', { samples: 16, classes: 2, noise: 0, seed: 3 }, 'mse');

  it('the data set is y = x', () => {
    expect(Array.from(data.y)).toEqual(Array.from(data.x));
  });

  it('loss matches the closed form', () => {
    let c = 0;
    for (const v of data.x) c += v * v;
    c /= data.m;
    for (const [u, v] of [
      [0, 0],
      [1, 1],
      [0.5, -2],
      [1.5, 0.3],
    ] as const) {
      expect(evaluate(spec, Float64Array.from([u, v]), data).loss).toBeCloseTo((u * v - 1) ** 2 * c, 10);
    }
  });

  it('the origin is a critical point whose Hessian has eigenvalues of opposite sign', () => {
    let c = 0;
    for (const v of data.x) c += v * v;
    c /= data.m;
    const origin = Float64Array.from([0, 0]);
    const g0 = lossAndGradient(spec, origin, data).grad;
    expect(Math.abs(g0[0] ?? NaN)).toBeLessThan(1e-15);
    expect(Math.abs(g0[1] ?? NaN)).toBeLessThan(1e-15);
    // Hessian by central differences of the analytic gradient.
    const h = 1e-5;
    const hess = [
      [0, 0],
      [0, 0],
    ];
    for (let j = 0; j < 2; j++) {
      const up = Float64Array.from(origin);
      const down = Float64Array.from(origin);
      up[j] = h;
      down[j] = -h;
      const gu = lossAndGradient(spec, up, data).grad;
      const gd = lossAndGradient(spec, down, data).grad;
      for (let i = 0; i < 2; i++) {
        const row = hess[i];
        if (row) row[j] = ((gu[i] ?? NaN) - (gd[i] ?? NaN)) / (2 * h);
      }
    }
    const a = hess[0]?.[0] ?? NaN;
    const b = 0.5 * ((hess[0]?.[1] ?? NaN) + (hess[1]?.[0] ?? NaN));
    const d = hess[1]?.[1] ?? NaN;
    const mean = (a + d) / 2;
    const rad = Math.sqrt(((a - d) / 2) ** 2 + b * b);
    const lambda1 = mean + rad;
    const lambda2 = mean - rad;
    expect(lambda1).toBeGreaterThan(0);
    expect(lambda2).toBeLessThan(0);
    expect(lambda1).toBeCloseTo(2 * c, 6);
    expect(lambda2).toBeCloseTo(-2 * c, 6);
    expect(lambda1 * lambda2).toBeLessThan(0); // det < 0 ⇔ saddle
  });
});

describe('residual (skip) connections', () => {
  const res = (spec: MlpSpec): MlpSpec => ({ ...spec, residual: true });

  // 1-2-2-1, identity, no bias: W0 = [[1], [2]], W1 = [[0.5, 0], [0, −1]], W2 = [[1, 1]].
  // h1 = W0·x = [x, 2x]; plain h2 = W1·h1 = [0.5x, −2x], out = −1.5x;
  // residual h2 = h1 + W1·h1 = [1.5x, 0], out = 1.5x.
  const tiny = mlp(1, [2, 2], 1, 'identity', 'mse', false);
  const tinyTheta = Float64Array.from([1, 2, 0.5, 0, 0, -1, 1, 1]);

  it('1-2-2-1 identity by hand: the skip is really there', () => {
    expect(forward(tiny, tinyTheta, [2])[0]).toBeCloseTo(-3, 14);
    expect(forward(res(tiny), tinyTheta, [2])[0]).toBeCloseTo(3, 14);
  });

  it('1-2-2-1 identity by hand: the gradient flows through the skip', () => {
    // One sample x = 2, y = 0, mse: dL/dout = 2·out. dL/dW0 = (W1 + I)ᵀ·W2ᵀ·dL/dout·x with the skip,
    // W1ᵀ·W2ᵀ·dL/dout·x without; dL/dW2 = dL/dout·h2ᵀ; dL/dW1 = (W2ᵀ·dL/dout)·h1ᵀ either way.
    const data = dataset(1, [2], [0]);
    const plain = lossAndGradient(tiny, tinyTheta, data);
    expect(plain.loss).toBeCloseTo(9, 12);
    // out = −3: dL/dout = −6; W0: [0.5·−6·2, −1·−6·2]; W1: [−6·1·2, −6·1·4, −6·2, −6·4]; W2: −6·[1, −4].
    expect(Array.from(plain.grad)).toEqual([-6, 12, -12, -24, -12, -24, -6, 24].map((v): unknown => expect.closeTo(v, 10)));
    const skip = lossAndGradient(res(tiny), tinyTheta, data);
    expect(skip.loss).toBeCloseTo(9, 12);
    // out = 3: dL/dout = 6; (W1 + I)ᵀ·W2ᵀ = [1.5, 0] → W0: [18, 0]; W1: [12, 24, 12, 24]; h2 = [3, 0] → W2: [18, 0].
    expect(Array.from(skip.grad)).toEqual([18, 0, 12, 24, 12, 24, 18, 0].map((v): unknown => expect.closeTo(v, 10)));
  });

  it('a tanh residual layer matches the formula h2 = h1 + tanh(W1·h1 + b1)', () => {
    const spec = res(mlp(2, [2, 2], 1, 'tanh', 'mse', true));
    const rng = new Rng(11);
    const theta = Float64Array.from({ length: paramLayout(spec).size }, () => rng.normal());
    const x = [0.3, -0.7];
    const t = (i: number): number => theta[i] ?? 0;
    // W0 at 0..3, b0 at 4..5, W1 at 6..9, b1 at 10..11, W2 at 12..13, b2 at 14.
    const h1 = [0, 1].map((j) => refAct.tanh(t(2 * j) * (x[0] ?? 0) + t(2 * j + 1) * (x[1] ?? 0) + t(4 + j)));
    const h2 = [0, 1].map((j) => (h1[j] ?? 0) + refAct.tanh(t(6 + 2 * j) * (h1[0] ?? 0) + t(7 + 2 * j) * (h1[1] ?? 0) + t(10 + j)));
    const out = t(12) * (h2[0] ?? 0) + t(13) * (h2[1] ?? 0) + t(14);
    expect(forward(spec, theta, x)[0]).toBeCloseTo(out, 13);
  });

  it('changes nothing where no layer qualifies (unequal widths, first and output layers)', () => {
    for (const spec of [mlp(2, [3, 4], 2, 'tanh', 'mse', true), mlp(3, [3], 3, 'tanh', 'mse', true), mlp(2, [], 2, 'relu', 'mse', true)]) {
      const { theta, data } = randomProblem(spec, 3);
      const plain = lossAndGradient(spec, theta, data);
      const skip = lossAndGradient(res(spec), theta, data);
      expect(skip.loss).toBe(plain.loss);
      expect(Array.from(skip.grad)).toEqual(Array.from(plain.grad));
    }
  });

  const hiddenBy = [
    [3, 3],
    [3, 3, 3],
    [4, 3, 3],
    [3, 3, 2, 2],
  ];
  for (const activation of ACTIVATIONS) {
    it(`${activation}: gradient vs central finite differences, every loss, bias on/off`, () => {
      let seed = 3;
      for (const loss of LOSSES) {
        const outputs = loss === 'bce' ? 1 : loss === 'cross_entropy' ? 3 : 2;
        for (const bias of [true, false]) {
          for (const hidden of hiddenBy) checkGradient(res(mlp(2, hidden, outputs, activation, loss, bias)), seed++ * 7919);
        }
      }
    });
  }
});
