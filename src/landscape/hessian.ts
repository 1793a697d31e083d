/**
 * The Hessian of the loss at θ₀ without forming it: its k largest and k smallest eigenpairs by Lanczos
 * with full reorthogonalisation, a stochastic Lanczos quadrature (SLQ) density of the whole spectrum,
 * Hutchinson's trace, and the trace that random planes see: for a unit direction d drawn uniformly,
 * E[dᵀHd] = tr(H)/n (Böttcher & Wheeler 2022), estimated here from second differences of the loss along
 * random directions, independently of any Hessian-vector product. Only an oracle for H·v and the loss is
 * needed, so the same code runs over the GPU kernels, their CPU twins and a worker.
 */
import { throwIfAborted } from '../gpu/lossGrid.types';
import type { HvpResult } from '../gpu/hessianVector.types';
import { Rng, deriveSeed } from '../model/rng';
import { dot, lanczos, quadrature, ritzPairs, slqDensity, type Quadrature } from './lanczos';

export interface CurvatureOracle {
  /** n, the number of parameters. */
  readonly size: number;
  /** H·v at θ₀ for `count` vectors laid end to end. */
  products(vectors: Float64Array, count: number): Promise<HvpResult>;
  /** The loss at `count` parameter vectors laid end to end. */
  losses(thetas: Float32Array, count: number): Promise<ArrayLike<number>>;
}

export interface HessianOptions {
  /** How many of the largest eigenvalues (and vectors). */
  readonly top: number;
  /** How many of the smallest (most negative) eigenvalues. */
  readonly bottom: number;
  /** Lanczos steps for the eigenpairs (at most n). */
  readonly iterations: number;
  /** Rademacher probes for SLQ and Hutchinson's trace (0: neither). */
  readonly probes: number;
  /** Lanczos steps per probe. */
  readonly probeIterations: number;
  /** Random unit directions whose loss second differences estimate tr/n (0: none); two per random plane. */
  readonly directions: number;
  readonly seed: number;
}

export const HESSIAN_DEFAULTS: HessianOptions = {
  top: 5,
  bottom: 5,
  iterations: 40,
  probes: 6,
  probeIterations: 24,
  directions: 64,
  seed: 1,
};

/** The eigenpairs only (a curvature plane needs nothing else). */
export const EIGEN_ONLY: HessianOptions = { ...HESSIAN_DEFAULTS, probes: 0, directions: 0 };

export const HESSIAN_LIMITS = {
  top: [0, 50],
  bottom: [0, 50],
  iterations: [2, 400],
  probes: [0, 64],
  probeIterations: [2, 200],
  directions: [0, 512],
  seed: [0, 2 ** 31 - 1],
} as const;

/** Options from any JS value: integers clamped to HESSIAN_LIMITS, unknown keys named. Never throws. */
export function clampHessianOptions(raw: unknown, base: HessianOptions = HESSIAN_DEFAULTS): { options: HessianOptions; ignored: string[] } {
  const options: Record<keyof HessianOptions, number> = { ...base };
  const ignored: string[] = [];
  if (raw === undefined || raw === null) return { options, ignored };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { options, ignored: ['hessian options must be an object like { top: 5 }'] };
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in HESSIAN_LIMITS)) {
      ignored.push(`unknown hessian option "${key}"`);
      continue;
    }
    const name = key as keyof HessianOptions;
    const [lo, hi] = HESSIAN_LIMITS[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      ignored.push(`hessian ${name} ${String(value)} is not a number; kept ${options[name]}`);
      continue;
    }
    const v = Math.min(hi, Math.max(lo, Math.round(value)));
    if (v !== value) ignored.push(`hessian ${name} ${value} → ${v}`);
    options[name] = v;
  }
  return { options, ignored };
}

export interface Eigenpair {
  readonly value: number;
  /** Unit eigenvector (Ritz vector), its largest component positive. */
  readonly vector: Float64Array;
  /** ‖H·x − λ·x‖ as Lanczos bounds it (β_m·|y_m|, without the HVP's own error). */
  readonly residual: number;
}

export interface TraceEstimate {
  readonly value: number;
  /** Standard error of the mean over samples, times n. */
  readonly stderr: number;
  readonly samples: number;
}

export interface HessianResult {
  readonly size: number;
  /** Largest first. */
  readonly top: readonly Eigenpair[];
  /** Smallest (most negative) first; never repeats a pair of `top`. */
  readonly bottom: readonly Eigenpair[];
  /** Lanczos steps taken for the eigenpairs (fewer than asked when an invariant subspace was found). */
  readonly iterations: number;
  /** The central-difference step of the Hessian-vector products. */
  readonly step: number;
  readonly gradientNorm: number;
  /** Hutchinson over Rademacher probes z, deflated by the eigenpairs found (null without probes). */
  readonly trace: TraceEstimate | null;
  /** n × the mean curvature of random unit directions by second differences of the loss (null without directions). */
  readonly traceFromPlanes: (TraceEstimate & { readonly negative: number; readonly spacing: number }) | null;
  /** One quadrature per probe (SLQ). */
  readonly quadrature: readonly Quadrature[];
  readonly options: HessianOptions;
  readonly ms: number;
}

/** The eigenpairs, SLQ and both traces at θ₀. `onProgress(fraction)` after every batched product. */
export async function computeHessian(
  oracle: CurvatureOracle,
  theta: Float32Array,
  opts: HessianOptions,
  signal?: AbortSignal,
  onProgress?: (fraction: number) => void,
): Promise<HessianResult> {
  const t0 = performance.now();
  const n = oracle.size;
  if (theta.length !== n) throw new Error(`θ has ${theta.length} entries, the model ${n}`);
  const rng = new Rng(deriveSeed(opts.seed, 'hessian.start'));
  const start = Float64Array.from({ length: n }, () => rng.normal());
  const probeRng = new Rng(deriveSeed(opts.seed, 'hessian.probes'));
  const probes = Array.from({ length: opts.probes }, () => Float64Array.from({ length: n }, () => (probeRng.nextU32() & 1 ? 1 : -1)));
  // Set inside the product callback: the gradient at θ from the first call, and the step.
  const seen: { gradient: Float64Array | null; step: number } = { gradient: null, step: Number.NaN };
  const planeShare = opts.directions > 0 ? 0.05 : 0;
  const runs = await lanczos(
    async (vectors, count) => {
      const r = await oracle.products(vectors, count);
      seen.gradient ??= r.gradient;
      seen.step = r.step;
      return r.products;
    },
    n,
    [start, ...probes],
    [opts.iterations, ...probes.map(() => opts.probeIterations)],
    signal,
    (done, total) => onProgress?.((1 - planeShare) * (done / total)),
  );
  const [main, ...probeRuns] = runs;
  if (!main) throw new Error('no Lanczos run');
  const pairs = ritzPairs(main, n);
  const topCount = Math.min(opts.top, pairs.length);
  const top = pairs.slice(pairs.length - topCount).reverse();
  const bottom = pairs.slice(0, Math.min(opts.bottom, pairs.length - topCount));
  // Deflated Hutchinson: tr H = Σλᵢ (the pairs found) + E[z'ᵀHz'] with z' = (I − VVᵀ)z, and
  // z'ᵀHz' = zᵀHz − Σλᵢ(vᵢᵀz)² when H·vᵢ = λᵢ·vᵢ. The outliers, which dominate the plain estimator's
  // variance, are counted exactly. zᵀHz = n·α₁ for the unit start q = z/√n of a Rademacher probe.
  const found = [...top, ...bottom];
  const foundSum = found.reduce((s, p) => s + p.value, 0);
  const trace =
    probeRuns.length > 0
      ? meanEstimate(
          probeRuns.map((run, k) => {
            const z = probes[k] ?? new Float64Array(n);
            const zHz = n * (run.alphas[0] ?? 0);
            return foundSum + zHz - found.reduce((s, p) => s + p.value * dot(p.vector, z, n) ** 2, 0);
          }),
        )
      : null;
  let traceFromPlanes: HessianResult['traceFromPlanes'] = null;
  if (opts.directions > 0) {
    throwIfAborted(signal);
    traceFromPlanes = await planeCurvature(oracle, theta, opts, signal);
    onProgress?.(1);
  }
  const g = seen.gradient ?? new Float64Array(n);
  return {
    size: n,
    top,
    bottom,
    iterations: main.alphas.length,
    step: seen.step,
    gradientNorm: Math.sqrt(g.reduce((s, v) => s + v * v, 0)),
    trace,
    traceFromPlanes,
    quadrature: probeRuns.map(quadrature),
    options: opts,
    ms: performance.now() - t0,
  };
}

/** Mean and its standard error. */
function meanEstimate(samples: readonly number[]): TraceEstimate {
  const k = samples.length;
  const mean = samples.reduce((a, b) => a + b, 0) / k;
  const variance = k > 1 ? samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1) : 0;
  return { value: mean, stderr: Math.sqrt(variance / k), samples: k };
}

/**
 * n × the mean second difference (L(θ+hd) − 2L(θ) + L(θ−hd))/h² over random unit directions d. The
 * spacing h is 0.05·max(1, rms θ): large enough that float32 rounding of the loss (≈ 1e-7·L) stays
 * far below h²·tr/n, small enough that the quartic term is negligible.
 */
async function planeCurvature(
  oracle: CurvatureOracle,
  theta: Float32Array,
  opts: HessianOptions,
  signal?: AbortSignal,
): Promise<TraceEstimate & { negative: number; spacing: number }> {
  const n = oracle.size;
  const rms = Math.sqrt(theta.reduce((s, v) => s + v * v, 0) / Math.max(1, n));
  const h = 0.05 * Math.max(1, rms);
  const rng = new Rng(deriveSeed(opts.seed, 'hessian.planes'));
  const count = opts.directions;
  const thetas = new Float32Array((2 * count + 1) * n);
  thetas.set(theta, 0);
  for (let k = 0; k < count; k++) {
    const d = Float64Array.from({ length: n }, () => rng.normal());
    const norm = Math.sqrt(d.reduce((s, v) => s + v * v, 0));
    for (let i = 0; i < n; i++) {
      const step = (h * (d[i] ?? 0)) / norm;
      thetas[(2 * k + 1) * n + i] = (theta[i] ?? 0) + step;
      thetas[(2 * k + 2) * n + i] = (theta[i] ?? 0) - step;
    }
  }
  const losses = await oracle.losses(thetas, 2 * count + 1);
  throwIfAborted(signal);
  const centre = losses[0] ?? Number.NaN;
  const curvatures = Array.from(
    { length: count },
    (_, k) => ((losses[2 * k + 1] ?? Number.NaN) - 2 * centre + (losses[2 * k + 2] ?? Number.NaN)) / (h * h),
  );
  const est = meanEstimate(curvatures.map((c) => n * c));
  return { ...est, negative: curvatures.filter((c) => c < 0).length, spacing: h };
}

/** Every eigenvalue found, largest first (top, then bottom from the largest down). */
export function allEigenpairs(result: HessianResult): Eigenpair[] {
  return [...result.top, ...[...result.bottom].reverse()];
}

/**
 * The SLQ density of a result on `points` values: Gaussians of width 1% of the spectrum's range (all
 * probes' nodes and the extreme eigenvalues), over that range widened by 5σ on each side, so the
 * drawn curve holds all but ~1e-6 of its mass. Null without probes.
 */
export function densityOf(result: HessianResult, points = 240): { x: Float64Array; density: Float64Array; sigma: number } | null {
  if (result.quadrature.length === 0) return null;
  const values = [...result.quadrature.flatMap((q) => q.nodes), ...allEigenpairs(result).map((p) => p.value)];
  const a = Math.min(...values);
  const b = Math.max(...values);
  const sigma = Math.max(0.01 * (b - a), 1e-12 * Math.max(1, Math.abs(a), Math.abs(b)));
  return { ...slqDensity(result.quadrature, sigma, a - 5 * sigma, b + 5 * sigma, points), sigma };
}
