import { describe, expect, it } from 'vitest';
import { backendOracle } from '../../src/engine/curvaturePlane';
import { gpuBackend } from '../../src/engine/gpuBackend';
import { mlpModel } from '../../src/engine/mlpModel';
import { hessianVectorProductsCpu } from '../../src/gpu/hessianVector.cpu';
import { HVP_BATCH, HessianVectorKernel } from '../../src/gpu/hessianVector.gpu';
import { computeHessian, HESSIAN_DEFAULTS } from '../../src/landscape/hessian';
import { symmetricEigen } from '../../src/landscape/lanczos';
import { initParams } from '../../src/model/init';
import { Rng } from '../../src/model/rng';
import type { Samples } from '../../src/model/samples';
import { LOSSES, paramLayout, type Activation, type MlpSpec } from '../../src/model/spec';
import { nodeGpu, withErrorScopes } from './nodeGpu';

function randomSamples(rng: Rng, spec: MlpSpec, m: number): Samples {
  const x = Float32Array.from({ length: m * spec.inputs }, () => rng.range(-1.5, 1.5));
  const y =
    spec.loss === 'mse'
      ? Float32Array.from({ length: m * spec.outputs }, () => rng.range(-1, 1))
      : Float32Array.from({ length: m }, () => rng.int(spec.loss === 'bce' ? 2 : spec.outputs));
  return { m, inputs: spec.inputs, x, y };
}

const norm = (v: ArrayLike<number>, off: number, n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += (v[off + i] ?? 0) ** 2;
  return Math.sqrt(s);
};

/**
 * Twice-differentiable activations only: at a ReLU kink the gradient jumps, so central differences of
 * steps 1e-2 (float32) and 1e-5 (float64) see different kinks and disagree by O(1) (docs/curvature.md).
 */
const SMOOTH: readonly Activation[] = ['tanh', 'sigmoid', 'softplus', 'gelu', 'identity'];

describe('Hessian-vector products on the GPU', () => {
  it('agree with the float64 twin on 12 random networks (‖Δ‖ ≤ 1e-3·‖H·v‖ per vector, smooth activations, batches above HVP_BATCH)', async () => {
    const { device } = await nodeGpu();
    const rng = new Rng(77);
    let worst = 0;
    for (let c = 0; c < 12; c++) {
      const loss = LOSSES[c % LOSSES.length] ?? 'mse';
      const activation = SMOOTH[c % SMOOTH.length] ?? 'tanh';
      const spec: MlpSpec = {
        inputs: 1 + rng.int(4),
        hidden: Array.from({ length: 1 + (c % 3) }, () => 2 + rng.int(10)),
        outputs: loss === 'bce' ? 1 : 2 + rng.int(3),
        activation,
        loss,
        bias: c % 4 !== 3,
        residual: c % 5 === 1,
      };
      const samples = randomSamples(rng, spec, 3 + rng.int(60));
      const P = paramLayout(spec).size;
      const theta = initParams(spec, 100 + c);
      const count = c === 0 ? HVP_BATCH + 3 : 1 + rng.int(4);
      const vectors = Float64Array.from({ length: count * P }, () => rng.normal());
      const cpu = hessianVectorProductsCpu(spec, samples, theta, vectors, count);
      const gpu = await withErrorScopes(device, async () => {
        const kernel = new HessianVectorKernel(device, spec, samples);
        try {
          return await kernel.products(theta, vectors, count);
        } finally {
          kernel.dispose();
          kernel.dispose();
        }
      });
      for (let k = 0; k < count; k++) {
        let diff = 0;
        for (let i = 0; i < P; i++) diff += ((gpu.products[k * P + i] ?? Number.NaN) - (cpu.products[k * P + i] ?? 0)) ** 2;
        const rel = Math.sqrt(diff) / Math.max(norm(cpu.products, k * P, P), 1e-6 * norm(vectors, k * P, P));
        worst = Math.max(worst, Number.isNaN(rel) ? Infinity : rel);
      }
      let gdiff = 0;
      for (let i = 0; i < P; i++) gdiff += ((gpu.gradient[i] ?? 0) - (cpu.gradient[i] ?? 0)) ** 2;
      // The mean of the gradients at θ ± ε·v̂ is ∇L + O(ε²) (ε = 1e-2 here).
      expect(Math.sqrt(gdiff)).toBeLessThan(1e-3 * norm(cpu.gradient, 0, P) + 50 * gpu.step ** 2);
    }
    expect(worst).toBeLessThan(1e-3);
  });

  it('Lanczos over GPU products: top and bottom eigenvalues of a small MLP within 1e-3 of the exact float64 Hessian', async () => {
    const gpu = await nodeGpu();
    const backend = gpuBackend(gpu);
    try {
      const spec: MlpSpec = { inputs: 2, hidden: [8, 6], outputs: 1, activation: 'tanh', loss: 'mse', bias: true };
      const rng = new Rng(12);
      const samples = randomSamples(rng, spec, 40);
      const theta = initParams(spec, 3);
      const n = paramLayout(spec).size;
      const eye = new Float64Array(n * n);
      for (let i = 0; i < n; i++) eye[i * n + i] = 1;
      const cols = hessianVectorProductsCpu(spec, samples, theta, eye, n).products;
      const exact = symmetricEigen(
        Float64Array.from({ length: n * n }, (_, k) => ((cols[k] ?? 0) + (cols[(k % n) * n + Math.floor(k / n)] ?? 0)) / 2),
        n,
      ).values;
      const model = mlpModel(spec, samples);
      const signal = new AbortController().signal;
      const r = await computeHessian(backendOracle(backend, model, theta, signal), theta, {
        ...HESSIAN_DEFAULTS,
        top: 5,
        bottom: 2,
        iterations: n,
        probes: 0,
        directions: 0,
      });
      r.top.forEach((p, k) => {
        const want = exact[n - 1 - k] ?? 0;
        expect(Math.abs(p.value - want)).toBeLessThan(1e-3 * Math.abs(want));
      });
      const scale = Math.abs(exact[n - 1] ?? 1);
      r.bottom.forEach((p, k) => expect(Math.abs(p.value - (exact[k] ?? 0))).toBeLessThan(1e-3 * scale));
    } finally {
      backend.dispose();
    }
  });

  it('u·v·x at the origin on the GPU: eigenvalues ±2·mean(x²) to 1e-4', async () => {
    const gpu = await nodeGpu();
    const backend = gpuBackend(gpu);
    try {
      const m = 16;
      const x = Float32Array.from({ length: m }, (_, i) => -1 + (2 * i) / (m - 1));
      const c = x.reduce((s, v) => s + v * v, 0) / m;
      const spec: MlpSpec = { inputs: 1, hidden: [1], outputs: 1, activation: 'identity', loss: 'mse', bias: false };
      const model = mlpModel(spec, { m, inputs: 1, x, y: Float32Array.from(x) });
      const theta = new Float32Array(2);
      const signal = new AbortController().signal;
      const r = await computeHessian(backendOracle(backend, model, theta, signal), theta, {
        ...HESSIAN_DEFAULTS,
        top: 1,
        bottom: 1,
        probes: 2,
        directions: 8,
      });
      expect(Math.abs((r.top[0]?.value ?? 0) - 2 * c)).toBeLessThan(1e-4 * c);
      expect(Math.abs((r.bottom[0]?.value ?? 0) + 2 * c)).toBeLessThan(1e-4 * c);
      // Each Rademacher probe gives zᵀHz = −4c·z₁z₂ = ±4c (Hutchinson is unbiased, tr H = 0, not exact per probe).
      const t = (r.trace?.value ?? Number.NaN) / c;
      expect(Math.abs(t)).toBeLessThanOrEqual(4 + 1e-3);
      expect(Math.abs(2 * t - Math.round(2 * t))).toBeLessThan(1e-3);
    } finally {
      backend.dispose();
    }
  });
});
