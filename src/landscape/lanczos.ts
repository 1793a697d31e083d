/**
 * Plain float64 linear algebra for the Hessian: Lanczos with full reorthogonalisation (several runs in
 * lockstep, so one batched Hessian-vector call serves them all), the symmetric eigenproblem (cyclic
 * Jacobi, for the small tridiagonal matrices and for exact Hessians of small networks), and stochastic
 * Lanczos quadrature (Ubaru, Chen & Saad 2017; Ghorbani, Krishnan & Xiao 2019).
 */
import { throwIfAborted } from '../gpu/lossGrid.types';
import { symmetricEigen as jacobiEigen } from './trajectory';

/** H applied to `count` vectors laid end to end (count × n in, count × n out). */
export type MatVec = (vectors: Float64Array, count: number) => Promise<Float64Array>;

/** One Lanczos run: T = tridiag(betas, alphas, betas) and, when kept, the orthonormal basis Q (rows). */
export interface LanczosRun {
  readonly alphas: number[];
  /** β_j between q_j and q_{j+1}; one fewer than alphas unless the run stopped early. */
  readonly betas: number[];
  readonly basis: Float64Array[];
  /** ‖r‖ after the last step: the residual norm every Ritz pair's bound is scaled by. */
  lastBeta: number;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>, n: number, offA = 0, offB = 0): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[offA + i] ?? 0) * (b[offB + i] ?? 0);
  return s;
}

/**
 * Lanczos runs from `starts` (each normalised here), run `steps[r]` steps each, all in lockstep: step j
 * applies H to the j-th basis vector of every run still going in one `matVec` call. Each new vector is
 * orthogonalised twice against the whole basis of its run ("twice is enough"), so Ritz values do not
 * repeat. A run stops early when its residual vanishes (an invariant subspace: its Ritz values are exact).
 */
export async function lanczos(
  matVec: MatVec,
  n: number,
  starts: readonly Float64Array[],
  steps: readonly number[],
  signal?: AbortSignal,
  onStep?: (done: number, total: number) => void,
): Promise<LanczosRun[]> {
  const runs: LanczosRun[] = starts.map((start) => {
    const q = Float64Array.from(start);
    const norm = Math.sqrt(dot(q, q, n));
    if (!(norm > 0)) throw new Error('a Lanczos start vector is zero');
    for (let i = 0; i < n; i++) q[i] = (q[i] ?? 0) / norm;
    return { alphas: [], betas: [], basis: [q], lastBeta: 0 };
  });
  const limits = steps.map((s) => Math.max(1, Math.min(s, n)));
  const total = limits.reduce((a, b) => a + b, 0);
  const going = runs.map(() => true);
  let done = 0;
  for (let j = 0; ; j++) {
    throwIfAborted(signal);
    const active = runs.map((_, r) => r).filter((r) => going[r] === true && j < (limits[r] ?? 0));
    if (active.length === 0) break;
    const batch = new Float64Array(active.length * n);
    active.forEach((r, k) => batch.set(runs[r]?.basis[j] ?? new Float64Array(n), k * n));
    const products = await matVec(batch, active.length);
    throwIfAborted(signal);
    active.forEach((r, k) => {
      const run = runs[r];
      if (!run) return;
      const q = run.basis[j] ?? new Float64Array(n);
      const w = products.slice(k * n, (k + 1) * n);
      const alpha = dot(q, w, n);
      run.alphas.push(alpha);
      for (let pass = 0; pass < 2; pass++) {
        for (const b of run.basis) {
          const c = dot(b, w, n);
          for (let i = 0; i < n; i++) w[i] = (w[i] ?? 0) - c * (b[i] ?? 0);
        }
      }
      const beta = Math.sqrt(dot(w, w, n));
      run.lastBeta = beta;
      const scale = Math.max(...run.alphas.map(Math.abs), ...run.betas, 1e-300);
      if (!(beta > 1e-10 * scale)) {
        // An invariant subspace: the Ritz values of this run are exact.
        run.lastBeta = 0;
        going[r] = false;
        return;
      }
      if (j + 1 >= (limits[r] ?? 0)) {
        going[r] = false;
        return;
      }
      run.betas.push(beta);
      for (let i = 0; i < n; i++) w[i] = (w[i] ?? 0) / beta;
      run.basis.push(w);
    });
    done += active.length;
    onStep?.(done, total);
  }
  // The basis holds one vector per alpha (the last q_{m+1} is never stored).
  for (const run of runs) run.basis.length = run.alphas.length;
  return runs;
}

/**
 * Eigen-decomposition of a symmetric matrix (row-major n × n): the project's cyclic Jacobi solver
 * (src/landscape/trajectory.ts) in float64, with values ascending and vectors[k] the unit eigenvector
 * of values[k].
 */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): { values: number[]; vectors: Float64Array[] } {
  const { values, vectors } = jacobiEigen(Float64Array.from(matrix), n);
  const ascending = Array.from({ length: n }, (_, i) => n - 1 - i);
  return {
    values: ascending.map((i) => values[i] ?? Number.NaN),
    vectors: ascending.map((i) => Float64Array.from({ length: n }, (_, k) => vectors[k * n + i] ?? 0)),
  };
}

/** The tridiagonal matrix of a run, row-major. */
export function tridiagonal(run: LanczosRun): { matrix: Float64Array; size: number } {
  const m = run.alphas.length;
  const t = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    t[i * m + i] = run.alphas[i] ?? 0;
    if (i + 1 < m) {
      const b = run.betas[i] ?? 0;
      t[i * m + i + 1] = b;
      t[(i + 1) * m + i] = b;
    }
  }
  return { matrix: t, size: m };
}

/** A Ritz pair: value, unit vector in the full space, and the residual bound ‖H·x − λ·x‖ ≈ β_m·|y_m|. */
export interface RitzPair {
  readonly value: number;
  readonly vector: Float64Array;
  readonly residual: number;
}

/** All Ritz pairs of a run with a kept basis, values ascending. */
export function ritzPairs(run: LanczosRun, n: number): RitzPair[] {
  const { matrix, size } = tridiagonal(run);
  const { values, vectors } = symmetricEigen(matrix, size);
  return values.map((value, k) => {
    const y = vectors[k] ?? new Float64Array(size);
    const x = new Float64Array(n);
    for (let j = 0; j < size; j++) {
      const q = run.basis[j];
      const c = y[j] ?? 0;
      if (q) for (let i = 0; i < n; i++) x[i] = (x[i] ?? 0) + c * (q[i] ?? 0);
    }
    const norm = Math.sqrt(dot(x, x, n));
    // A fixed sign: the largest component is positive, so the same θ₀ gives the same plane.
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(x[i] ?? 0) > Math.abs(x[big] ?? 0)) big = i;
    const sign = (x[big] ?? 0) < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) x[i] = ((x[i] ?? 0) * sign) / (norm || 1);
    return { value, vector: x, residual: Math.abs(run.lastBeta * (y[size - 1] ?? 0)) };
  });
}

/** Quadrature of one probe: nodes (Ritz values) and weights (squared first components of T's eigenvectors; they sum to 1). */
export interface Quadrature {
  readonly nodes: number[];
  readonly weights: number[];
}

export function quadrature(run: LanczosRun): Quadrature {
  const { matrix, size } = tridiagonal(run);
  const { values, vectors } = symmetricEigen(matrix, size);
  return { nodes: values, weights: vectors.map((y) => (y[0] ?? 0) ** 2) };
}

/**
 * The spectral density of stochastic Lanczos quadrature, averaged over probes and broadened by
 * Gaussians of width `sigma`, at `points` values evenly spaced over [lo, hi]. Its integral over the
 * real line is 1 and its mean is the mean of the probes' qᵀHq (the Hutchinson estimate of trace/n).
 */
export function slqDensity(
  probes: readonly Quadrature[],
  sigma: number,
  lo: number,
  hi: number,
  points: number,
): { x: Float64Array; density: Float64Array } {
  const x = Float64Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / Math.max(1, points - 1));
  const density = new Float64Array(points);
  const norm = 1 / (probes.length * sigma * Math.sqrt(2 * Math.PI));
  for (const p of probes) {
    p.nodes.forEach((node, k) => {
      const w = (p.weights[k] ?? 0) * norm;
      for (let i = 0; i < points; i++) density[i] = (density[i] ?? 0) + w * Math.exp(-0.5 * (((x[i] ?? 0) - node) / sigma) ** 2);
    });
  }
  return { x, density };
}
