/**
 * Hessian-vector products by central differences of gradients:
 * H·v ≈ ‖v‖·(∇L(θ + ε·v̂) − ∇L(θ − ε·v̂)) / (2ε), v̂ = v/‖v‖.
 * The truncation error is ε²/6·∂⁴L[v̂,v̂,v̂,·] (the odd terms cancel); rounding adds about
 * u·|per-sample gradient terms|/ε plus ‖H‖·u·|θ|/ε from rounding θ ± ε·v̂ to the working precision
 * (u = 2⁻²⁴ in float32, 2⁻⁵³ in float64). The step balances the two: `hvpStep`.
 */

export interface HvpResult {
  /** H·v for each of the `count` vectors, count × P, float64. */
  readonly products: Float64Array;
  /** ∇L(θ) as the mean of the gradients at θ ± ε·v̂ of the first vector (error O(ε²)), length P. */
  readonly gradient: Float64Array;
  /** The step ε along each unit vector. */
  readonly step: number;
}

/** Root mean square of θ (the scale of a parameter): ulp(θᵢ) grows with it, so the step does too. */
function rms(theta: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < theta.length; i++) s += (theta[i] ?? 0) ** 2;
  return theta.length > 0 ? Math.sqrt(s / theta.length) : 0;
}

/**
 * The central-difference step for unit vectors: 1e-2 in float32 (rounding ≈ 2⁻²⁴/ε ≈ 6e-6 of the
 * gradient terms, truncation ≈ ε²/6 ≈ 2e-5 of the fourth derivative: both far below the 1e-3 the
 * eigenvalues are checked to), 1e-5 in float64 (both terms near 1e-10), times max(1, rms θ).
 */
export function hvpStep(theta: ArrayLike<number>, precision: 'f32' | 'f64'): number {
  return (precision === 'f32' ? 1e-2 : 1e-5) * Math.max(1, rms(theta));
}

/** The Euclidean norm of vector k of `count` laid end to end. */
export function vectorNorm(vectors: ArrayLike<number>, k: number, size: number): number {
  let s = 0;
  for (let i = k * size; i < (k + 1) * size; i++) s += (vectors[i] ?? 0) ** 2;
  return Math.sqrt(s);
}
