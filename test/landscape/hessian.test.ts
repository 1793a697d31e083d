import { describe, expect, it } from 'vitest';
import { hessianVectorProductsCpu } from '../../src/gpu/hessianVector.cpu';
import { computeHessian, HESSIAN_DEFAULTS, clampHessianOptions, type CurvatureOracle } from '../../src/landscape/hessian';
import { lanczos, ritzPairs, slqDensity, symmetricEigen } from '../../src/landscape/lanczos';
import { initParams } from '../../src/model/init';
import { evaluate } from '../../src/model/network';
import { Rng } from '../../src/model/rng';
import type { Samples } from '../../src/model/samples';
import { paramLayout, type MlpSpec } from '../../src/model/spec';

/** H = Q·diag(λ)·Qᵀ with a seeded random orthogonal Q (Gram–Schmidt of Gaussian columns). */
function knownQuadratic(eigenvalues: readonly number[], seed: number): Float64Array {
  const n = eigenvalues.length;
  const rng = new Rng(seed);
  const q: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (const b of q) {
      const c = v.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
      for (let i = 0; i < n; i++) v[i] = (v[i] ?? 0) - c * (b[i] ?? 0);
    }
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    q.push(v.map((x) => x / norm));
  }
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) h[i * n + j] = eigenvalues.reduce((s, l, k) => s + l * (q[k]?.[i] ?? 0) * (q[k]?.[j] ?? 0), 0);
  return h;
}

function matVec(h: Float64Array, n: number, v: ArrayLike<number>, off = 0): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += (h[i * n + j] ?? 0) * (v[off + j] ?? 0);
    out[i] = s;
  }
  return out;
}

/** The loss ½·xᵀHx (θ₀ = 0) as an oracle: exact products, exact float64 losses. */
function quadraticOracle(h: Float64Array, n: number): CurvatureOracle {
  return {
    size: n,
    products: (vectors, count) => {
      const products = new Float64Array(count * n);
      for (let k = 0; k < count; k++) products.set(matVec(h, n, vectors, k * n), k * n);
      return Promise.resolve({ products, gradient: new Float64Array(n), step: 0 });
    },
    losses: (thetas, count) =>
      Promise.resolve(
        Float64Array.from({ length: count }, (_, k) => {
          const x = thetas.subarray(k * n, (k + 1) * n);
          return 0.5 * matVec(h, n, x).reduce((s, v, i) => s + v * (x[i] ?? 0), 0);
        }),
      ),
  };
}

/** The exact Hessian of a small network: columns H·e_i of the float64 twin, symmetrised. */
function exactHessian(spec: MlpSpec, samples: Samples, theta: Float32Array): Float64Array {
  const n = theta.length;
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const cols = hessianVectorProductsCpu(spec, samples, theta, eye, n).products;
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = ((cols[i * n + j] ?? 0) + (cols[j * n + i] ?? 0)) / 2;
  return h;
}

function cpuOracle(spec: MlpSpec, samples: Samples, theta: Float32Array): CurvatureOracle {
  return {
    size: theta.length,
    products: (vectors, count) => Promise.resolve(hessianVectorProductsCpu(spec, samples, theta, vectors, count)),
    losses: (thetas, count) =>
      Promise.resolve(
        Float64Array.from(
          { length: count },
          (_, k) => evaluate(spec, thetas.subarray(k * theta.length, (k + 1) * theta.length), samples).loss,
        ),
      ),
  };
}

function uvxData(m: number): { spec: MlpSpec; samples: Samples; c: number } {
  const x = Float32Array.from({ length: m }, (_, i) => -1 + (2 * i) / (m - 1));
  const c = x.reduce((s, v) => s + v * v, 0) / m;
  const spec: MlpSpec = { inputs: 1, hidden: [1], outputs: 1, activation: 'identity', loss: 'mse', bias: false };
  return { spec, samples: { m, inputs: 1, x, y: Float32Array.from(x) }, c };
}

describe('symmetric eigenproblem and Lanczos (float64)', () => {
  it('Jacobi: H·v = λ·v and the values of a known spectrum, to 1e-10', () => {
    const values = [-3, -0.5, 0, 0.25, 1, 2, 7.5];
    const h = knownQuadratic(values, 5);
    const { values: got, vectors } = symmetricEigen(h, values.length);
    got.forEach((v, k) => expect(Math.abs(v - (values[k] ?? 0))).toBeLessThan(1e-10));
    vectors.forEach((vec, k) => {
      const hv = matVec(h, values.length, vec);
      hv.forEach((x, i) => expect(Math.abs(x - (got[k] ?? 0) * (vec[i] ?? 0))).toBeLessThan(1e-10));
    });
  });

  it('a quadratic with a known spectrum: top 3 and bottom 3 eigenpairs to 1e-8, vectors with H·x = λ·x', async () => {
    const n = 80;
    const values = Array.from({ length: n }, (_, i) => (i < 3 ? -4 + i : i > n - 4 ? 20 + i : 0.01 * i));
    const h = knownQuadratic(values, 9);
    const r = await computeHessian(quadraticOracle(h, n), new Float32Array(n), { ...HESSIAN_DEFAULTS, top: 3, bottom: 3, iterations: 60 });
    const sorted = [...values].sort((a, b) => b - a);
    r.top.forEach((p, k) => expect(Math.abs(p.value - (sorted[k] ?? 0))).toBeLessThan(1e-8));
    r.bottom.forEach((p, k) => expect(Math.abs(p.value - (sorted[n - 1 - k] ?? 0))).toBeLessThan(1e-8));
    for (const p of [...r.top, ...r.bottom]) {
      const hx = matVec(h, n, p.vector);
      const err = Math.sqrt(hx.reduce((s, v, i) => s + (v - p.value * (p.vector[i] ?? 0)) ** 2, 0));
      expect(err).toBeLessThan(1e-6);
      expect(p.residual).toBeLessThan(1e-6);
    }
    // Deflated Hutchinson counts the six outliers exactly: only the small bulk is estimated.
    const trueTrace = values.reduce((a, b) => a + b, 0);
    expect(Math.abs((r.trace?.value ?? Number.NaN) - trueTrace)).toBeLessThan(0.01 * Math.abs(trueTrace));
  });

  it("SLQ: the density integrates to 1 and its mean is Hutchinson's trace / n; the deflated and the random-plane traces bracket tr(H)", async () => {
    const n = 120;
    const values = Array.from({ length: n }, (_, i) => Math.sin(i) * 2 + 0.5);
    const trueTrace = values.reduce((a, b) => a + b, 0);
    const h = knownQuadratic(values, 3);
    const r = await computeHessian(quadraticOracle(h, n), new Float32Array(n), {
      ...HESSIAN_DEFAULTS,
      probes: 12,
      probeIterations: 30,
      directions: 200,
    });
    const sigma = 0.05;
    const { x, density } = slqDensity(r.quadrature, sigma, -4, 5, 2001);
    const dx = (x[1] ?? 0) - (x[0] ?? 0);
    const integral = density.reduce((s, v) => s + v, 0) * dx;
    const mean = density.reduce((s, v, i) => s + v * (x[i] ?? 0), 0) * dx;
    expect(Math.abs(integral - 1)).toBeLessThan(1e-6);
    if (r.trace === null || r.traceFromPlanes === null) throw new Error('traces missing');
    // The density's mean is the plain Hutchinson mean of qᵀHq over the probes.
    const plain =
      r.quadrature.reduce((s, q) => s + q.nodes.reduce((a, node, k) => a + node * (q.weights[k] ?? 0), 0), 0) / r.quadrature.length;
    expect(Math.abs(mean - plain)).toBeLessThan(1e-6);
    expect(Math.abs(plain * n - trueTrace)).toBeLessThan(0.25 * Math.abs(trueTrace));
    // Estimates of a random quantity: within four standard errors of the true trace.
    expect(Math.abs(r.trace.value - trueTrace)).toBeLessThan(4 * r.trace.stderr + 1e-9);
    expect(Math.abs(r.traceFromPlanes.value - trueTrace)).toBeLessThan(4 * r.traceFromPlanes.stderr);
    expect(r.traceFromPlanes.stderr).toBeGreaterThan(0);
  });

  it('runs in lockstep: one batched product per step, and stops at an invariant subspace', async () => {
    const h = knownQuadratic([1, 2, 3, 4], 2);
    const calls: number[] = [];
    const runs = await lanczos(
      (v, count) => {
        calls.push(count);
        return Promise.resolve(Float64Array.from({ length: count * 4 }, (_, i) => matVec(h, 4, v, Math.floor(i / 4) * 4)[i % 4] ?? 0));
      },
      4,
      [new Float64Array([1, 0, 0, 0]), new Float64Array([0, 1, 1, 0])],
      [10, 2],
    );
    expect(calls).toEqual([2, 2, 1, 1]);
    expect(runs[0]?.alphas.length).toBe(4);
    const values = ritzPairs(runs[0] ?? { alphas: [], betas: [], basis: [], lastBeta: 0 }, 4).map((p) => p.value);
    values.forEach((v, k) => expect(Math.abs(v - (k + 1))).toBeLessThan(1e-10));
  });

  it('options are clamped and unknown keys named', () => {
    const { options, ignored } = clampHessianOptions({ top: 99, bottom: 2.4, nope: 1, iterations: 'x' });
    expect(options.top).toBe(50);
    expect(options.bottom).toBe(2);
    expect(options.iterations).toBe(HESSIAN_DEFAULTS.iterations);
    expect(ignored.length).toBe(4);
  });
});

describe('Hessian of networks (float64 twin)', () => {
  it('u·v·x at the origin: eigenvalues ±2·mean(x²), eigenvectors (1, ∓1)/√2, tr = 0', async () => {
    const { spec, samples, c } = uvxData(16);
    const theta = new Float32Array(2);
    const r = await computeHessian(cpuOracle(spec, samples, theta), theta, {
      ...HESSIAN_DEFAULTS,
      top: 1,
      bottom: 1,
      probes: 0,
      directions: 64,
    });
    expect(Math.abs((r.top[0]?.value ?? 0) - 2 * c)).toBeLessThan(1e-8 * c);
    expect(Math.abs((r.bottom[0]?.value ?? 0) + 2 * c)).toBeLessThan(1e-8 * c);
    const s = Math.SQRT1_2;
    const [vx, vy] = r.top[0]?.vector ?? [];
    expect(Math.abs(Math.abs(vx ?? 0) - s) + Math.abs((vx ?? 0) + (vy ?? 0))).toBeLessThan(1e-8);
    const [wx, wy] = r.bottom[0]?.vector ?? [];
    expect(Math.abs(Math.abs(wx ?? 0) - s) + Math.abs((wx ?? 0) - (wy ?? 0))).toBeLessThan(1e-8);
    expect(r.gradientNorm).toBeLessThan(1e-12);
    // Random directions of the saddle curve either way: their mean is tr/n = 0.
    expect(Math.abs(r.traceFromPlanes?.value ?? Number.NaN)).toBeLessThan(4 * (r.traceFromPlanes?.stderr ?? 0));
    expect(r.traceFromPlanes?.negative ?? 0).toBeGreaterThan(8);
  });

  it('a small MLP: top and bottom eigenvalues by Lanczos equal those of the exact Hessian (relative 1e-6)', async () => {
    const spec: MlpSpec = { inputs: 2, hidden: [5, 4], outputs: 2, activation: 'tanh', loss: 'cross_entropy', bias: true };
    const rng = new Rng(4);
    const m = 24;
    const samples: Samples = {
      m,
      inputs: 2,
      x: Float32Array.from({ length: 2 * m }, () => rng.range(-1, 1)),
      y: Float32Array.from({ length: m }, () => rng.int(2)),
    };
    const theta = initParams(spec, 7);
    const n = paramLayout(spec).size;
    const exact = symmetricEigen(exactHessian(spec, samples, theta), n).values;
    const r = await computeHessian(cpuOracle(spec, samples, theta), theta, {
      ...HESSIAN_DEFAULTS,
      top: 3,
      bottom: 2,
      iterations: n,
      probes: 0,
      directions: 0,
    });
    const scale = Math.max(...exact.map(Math.abs));
    r.top.forEach((p, k) => expect(Math.abs(p.value - (exact[n - 1 - k] ?? 0))).toBeLessThan(1e-6 * scale));
    r.bottom.forEach((p, k) => expect(Math.abs(p.value - (exact[k] ?? 0))).toBeLessThan(1e-6 * scale));
  });
});
