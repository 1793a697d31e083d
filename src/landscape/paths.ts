/**
 * Paths between two minima A and B in weight space: the straight line, the quadratic Bezier
 * curve φ(t) = (1−t)²A + 2t(1−t)θ_b + t²B (Garipov et al. 2018) and the polygonal chain
 * A → θ_1 → … → θ_k → B with knots at t = j/(k+1).
 *
 * Every path is linear in its points: φ(t) = Σ_j c_j(t)·p_j with p = [A, bends…, B], so the
 * derivative with respect to bend j is the scalar c_{j+1}(t) times the identity. Curve training
 * and the nudged elastic band only need these coefficients.
 */

export type PathKind = 'line' | 'bezier' | 'chain';

/** Most bends a user-made chain has (the nudged elastic band makes chains with more images). */
export const MAX_CHAIN_BENDS = 3;

export interface Path {
  readonly kind: PathKind;
  /** The endpoints, t = 0 and t = 1; never changed by training. */
  readonly a: Float32Array;
  readonly b: Float32Array;
  /** line: none; bezier: exactly one (θ_b); chain: one or more, in order from A to B. */
  readonly bends: readonly Float32Array[];
}

/** Throws with a message naming the problem when the points do not make a path of this kind. */
export function assertValidPath(path: Path): void {
  const P = path.a.length;
  if (P < 1) throw new Error('a path needs at least one parameter');
  if (path.b.length !== P) throw new Error(`endpoint B has ${path.b.length} parameters, A has ${P}`);
  path.bends.forEach((bend, j) => {
    if (bend.length !== P) throw new Error(`bend ${j} has ${bend.length} parameters, A has ${P}`);
  });
  const n = path.bends.length;
  if (path.kind === 'line' && n !== 0) throw new Error(`a line has no bends, got ${n}`);
  if (path.kind === 'bezier' && n !== 1) throw new Error(`a quadratic Bezier curve has exactly one bend, got ${n}`);
  if (path.kind === 'chain' && n < 1) throw new Error('a chain needs at least one bend');
}

/**
 * The coefficients c_0..c_{n+1} of φ(t) = Σ_j c_j(t)·p_j over p = [A, bends…, B]; t is clamped to
 * [0, 1]. `c_{j+1}(t)` is ∂φ(t)/∂(bend j) (a multiple of the identity).
 */
export function pathCoefficients(kind: PathKind, bendCount: number, t: number): Float64Array {
  const s = Math.min(1, Math.max(0, t));
  const c = new Float64Array(bendCount + 2);
  if (kind === 'line') {
    c[0] = 1 - s;
    c[bendCount + 1] = s;
  } else if (kind === 'bezier') {
    c[0] = (1 - s) * (1 - s);
    c[1] = 2 * s * (1 - s);
    c[2] = s * s;
  } else {
    // Segment i joins p_i and p_{i+1} over t ∈ [i/(n+1), (i+1)/(n+1)].
    const segments = bendCount + 1;
    const x = s * segments;
    const i = Math.min(segments - 1, Math.floor(x));
    const f = x - i;
    c[i] = 1 - f;
    c[i + 1] = f;
  }
  return c;
}

/** ∂φ(t)/∂(bend j) for every bend j: the scalars multiplying the identity. */
export function bendDerivatives(path: Path, t: number): Float64Array {
  return pathCoefficients(path.kind, path.bends.length, t).slice(1, path.bends.length + 1);
}

/** The point φ(t), computed in float64 and stored as float32 (into `out` when given). */
export function pointOnPath(path: Path, t: number, out: Float32Array = new Float32Array(path.a.length)): Float32Array {
  const c = pathCoefficients(path.kind, path.bends.length, t);
  const points = [path.a, ...path.bends, path.b];
  const P = path.a.length;
  for (let i = 0; i < P; i++) {
    let v = 0;
    for (let j = 0; j < points.length; j++) {
      const cj = c[j] ?? 0;
      if (cj !== 0) v += cj * (points[j]?.[i] ?? 0);
    }
    out[i] = v;
  }
  return out;
}

/** The points φ(t_k) stacked K × P (vector k at k·P), ready for a kernel that takes many vectors. */
export function pointsOnPath(path: Path, ts: ArrayLike<number>): Float32Array {
  const P = path.a.length;
  const out = new Float32Array(ts.length * P);
  for (let k = 0; k < ts.length; k++) pointOnPath(path, ts[k] ?? 0, out.subarray(k * P, (k + 1) * P));
  return out;
}

/** N evenly spaced parameters 0, 1/(N−1), …, 1 (Garipov's evaluation uses N = 61). */
export function evenTs(count: number): Float64Array {
  if (!Number.isInteger(count) || count < 2) throw new Error(`a path needs at least two evaluation points, got ${count}`);
  return Float64Array.from({ length: count }, (_, i) => i / (count - 1));
}

export function straightLine(a: Float32Array, b: Float32Array): Path {
  const path: Path = { kind: 'line', a, b, bends: [] };
  assertValidPath(path);
  return path;
}

/**
 * A Bezier curve or chain whose bends start on the straight line, where training starts
 * (Garipov et al.): the Bezier bend at (A + B)/2, which makes φ(t) = (1−t)A + tB exactly; chain
 * bend j at its knot A + (j+1)/(n+1)·(B − A).
 */
export function initialCurve(kind: 'bezier' | 'chain', a: Float32Array, b: Float32Array, bendCount = 1): Path {
  if (kind === 'bezier' && bendCount !== 1) throw new Error(`a quadratic Bezier curve has exactly one bend, got ${bendCount}`);
  if (!Number.isInteger(bendCount) || bendCount < 1) throw new Error(`bend count must be an integer ≥ 1, got ${bendCount}`);
  const bends = Array.from({ length: bendCount }, (_, j) => {
    const s = (j + 1) / (bendCount + 1);
    return Float32Array.from(a, (v, i) => v + s * ((b[i] ?? 0) - v));
  });
  const path: Path = { kind, a, b, bends };
  assertValidPath(path);
  return path;
}

/** Euclidean length of the path, summed over `segments` straight pieces (exact for lines and chains with knots on the grid). */
export function pathLength(path: Path, segments = 120): number {
  let total = 0;
  let prev = pointOnPath(path, 0);
  for (let i = 1; i <= segments; i++) {
    const next = pointOnPath(path, i / segments);
    let s = 0;
    for (let p = 0; p < next.length; p++) s += ((next[p] ?? 0) - (prev[p] ?? 0)) ** 2;
    total += Math.sqrt(s);
    prev = next;
  }
  return total;
}
