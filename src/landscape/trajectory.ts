/**
 * The plane of a training trajectory: centre at the last snapshot θ_T, directions the two principal
 * components of the differences θ_t − θ_T (the projection used for optimiser paths in Li et al. 2018),
 * so the plane holds as much of the path as any plane through θ_T can. Computed through the T × T Gram
 * matrix of the differences (T snapshots ≪ P parameters), in float64, with a cyclic Jacobi eigensolver.
 */

export interface TrajectoryPlane {
  /** θ_T, the last snapshot. */
  readonly center: Float32Array;
  /** Unit vectors, orthogonal: the first and second principal directions. */
  readonly directionX: Float32Array;
  readonly directionY: Float32Array;
  /** Every snapshot's coordinates in the plane (projections of θ_t − θ_T); the last is (0, 0). */
  readonly coords: readonly { readonly x: number; readonly y: number }[];
  /** Fraction of the path's variance (about θ_T) along each direction. */
  readonly explained: readonly [number, number];
}

/** Eigenvalues (descending) and unit eigenvectors (columns of `vectors`, row-major n × n) of a symmetric matrix. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  if (matrix.length !== n * n) throw new Error(`symmetricEigen: ${matrix.length} entries for a ${n} × ${n} matrix`);
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += (a[i * n + i] ?? 0) ** 2;
      for (let j = i + 1; j < n; j++) off += (a[i * n + j] ?? 0) ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] ?? 0;
        if (apq === 0) continue;
        const app = a[p * n + p] ?? 0;
        const aqq = a[q * n + q] ?? 0;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] ?? 0;
          const akq = a[k * n + q] ?? 0;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] ?? 0;
          const aqk = a[q * n + k] ?? 0;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] ?? 0;
          const vkq = v[k * n + q] ?? 0;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (a[j * n + j] ?? 0) - (a[i * n + i] ?? 0));
  const values = Float64Array.from(order, (i) => a[i * n + i] ?? 0);
  const vectors = new Float64Array(n * n);
  order.forEach((col, c) => {
    for (let r = 0; r < n; r++) vectors[r * n + c] = v[r * n + col] ?? 0;
  });
  return { values, vectors };
}

/**
 * The plane of a path of parameter vectors (in training order). Throws with a message when there are
 * fewer than 3 snapshots, when their lengths differ, when they are not finite, or when the path does
 * not leave a line (no second direction).
 */
export function trajectoryPlane(thetas: readonly ArrayLike<number>[]): TrajectoryPlane {
  const T = thetas.length;
  if (T < 3) throw new Error(`a trajectory needs at least 3 snapshots, got ${T}`);
  const last = thetas[T - 1];
  if (last === undefined) throw new Error('no last snapshot');
  const P = last.length;
  const deltas = thetas.map((theta, t) => {
    if (theta.length !== P) throw new Error(`snapshot ${t} has ${theta.length} parameters, the last has ${P}`);
    const d = new Float64Array(P);
    for (let i = 0; i < P; i++) {
      const value = (theta[i] ?? 0) - (last[i] ?? 0);
      if (!Number.isFinite(value)) throw new Error(`snapshot ${t} is not finite (a diverged run has no trajectory plane)`);
      d[i] = value;
    }
    return d;
  });
  const gram = new Float64Array(T * T);
  for (let s = 0; s < T; s++) {
    for (let t = s; t < T; t++) {
      const ds = deltas[s] ?? new Float64Array(0);
      const dt = deltas[t] ?? new Float64Array(0);
      let dot = 0;
      for (let i = 0; i < P; i++) dot += (ds[i] ?? 0) * (dt[i] ?? 0);
      gram[s * T + t] = dot;
      gram[t * T + s] = dot;
    }
  }
  const { values, vectors } = symmetricEigen(gram, T);
  const total = values.reduce((sum, v) => sum + Math.max(0, v), 0);
  const l1 = values[0] ?? 0;
  const l2 = values[1] ?? 0;
  if (!(l1 > 0)) throw new Error('the trajectory does not move: all snapshots are equal');
  if (!(l2 > 1e-12 * l1)) throw new Error('the trajectory is a straight line: it has no second direction for a plane');
  // Direction k = Σ_t u_k[t]·δ_t / √λ_k: unit length, and the coordinates of δ_t are √λ_k·u_k[t].
  const direction = (k: number, lambda: number): Float64Array => {
    const d = new Float64Array(P);
    for (let t = 0; t < T; t++) {
      const w = (vectors[t * T + k] ?? 0) / Math.sqrt(lambda);
      const dt = deltas[t] ?? new Float64Array(0);
      for (let i = 0; i < P; i++) d[i] = (d[i] ?? 0) + w * (dt[i] ?? 0);
    }
    return d;
  };
  let dx = direction(0, l1);
  let dy = direction(1, l2);
  const coord = (d: Float64Array, t: number): number => {
    const dt = deltas[t] ?? new Float64Array(0);
    let dot = 0;
    for (let i = 0; i < P; i++) dot += (d[i] ?? 0) * (dt[i] ?? 0);
    return dot;
  };
  // Signs: the start lies at negative x and negative y (or on an axis), so pictures of the same run agree.
  if (coord(dx, 0) > 0) dx = dx.map((v) => -v);
  if (coord(dy, 0) > 0) dy = dy.map((v) => -v);
  const coords = deltas.map((_, t) => ({ x: coord(dx, t), y: coord(dy, t) }));
  return {
    center: Float32Array.from(last),
    directionX: Float32Array.from(dx),
    directionY: Float32Array.from(dy),
    coords,
    explained: [l1 / total, l2 / total],
  };
}
