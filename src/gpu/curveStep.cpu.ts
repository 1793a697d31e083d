/**
 * CPU twin of CurveStepKernel (curveStep.gpu.ts): the K points φ(t_i) of one step, and the bend
 * gradient and mean loss from their gradients, summed in float64 (points rounded to float32 on
 * store, as the kernel stores them).
 *
 * Layouts as the kernel reads them: coeffs K × (n + 2) (row i: A, bend 0 … bend n−1, B; one
 * step's rows, see paths.ts pathCoefficients), endpoints A then B (2 × P), bends n × P,
 * points and grads K × P.
 */

/** The bend count n of a step with K rows of coefficients over P parameters; throws on a shape mismatch. */
function bendCountOf(coeffs: ArrayLike<number>, bends: ArrayLike<number>, paramCount: number, pointCount: number): number {
  if (!Number.isInteger(pointCount) || pointCount < 1) throw new Error(`a curve step needs at least one point, got ${pointCount}`);
  if (!Number.isInteger(paramCount) || paramCount < 1) throw new Error(`a curve step needs at least one parameter, got ${paramCount}`);
  const n = coeffs.length / pointCount - 2;
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected ${pointCount} rows of n + 2 coefficients, got ${coeffs.length} values`);
  if (bends.length !== n * paramCount) throw new Error(`expected ${n} × ${paramCount} bend parameters, got ${bends.length}`);
  return n;
}

/** φ(t_i) = c_i0·A + Σ_j c_i,j+1·bend_j + c_i,n+1·B for the step's K rows of coefficients: K × P. */
export function curvePointsCpu(
  coeffs: ArrayLike<number>,
  endpoints: ArrayLike<number>,
  bends: ArrayLike<number>,
  pointCount: number,
): Float32Array {
  const P = endpoints.length / 2;
  const K = pointCount;
  const n = bendCountOf(coeffs, bends, P, K);
  const points = new Float32Array(K * P);
  for (let i = 0; i < K; i++) {
    const c = i * (n + 2);
    const cA = coeffs[c] ?? 0;
    const cB = coeffs[c + n + 1] ?? 0;
    for (let p = 0; p < P; p++) {
      let v = cA * (endpoints[p] ?? 0) + cB * (endpoints[P + p] ?? 0);
      for (let j = 0; j < n; j++) v += (coeffs[c + j + 1] ?? 0) * (bends[j * P + p] ?? 0);
      points[i * P + p] = v;
    }
  }
  return points;
}

/**
 * The bend gradient of the mean loss over the step's K points, g_j = (1/K) Σ_i c_i,j+1·∇L(φ(t_i))
 * + weightDecay·bend_j (n × P), and that mean loss.
 */
export function curveGradientCpu(
  coeffs: ArrayLike<number>,
  grads: ArrayLike<number>,
  losses: ArrayLike<number>,
  bends: ArrayLike<number>,
  pointCount: number,
  weightDecay: number,
): { bendGrads: Float64Array; meanLoss: number } {
  const K = pointCount;
  const P = grads.length / K;
  const n = bendCountOf(coeffs, bends, P, K);
  if (losses.length !== K) throw new Error(`expected ${K} losses, got ${losses.length}`);
  let total = 0;
  for (let i = 0; i < K; i++) total += losses[i] ?? Number.NaN;
  const bendGrads = new Float64Array(n * P);
  for (let j = 0; j < n; j++) {
    for (let p = 0; p < P; p++) {
      let g = 0;
      for (let i = 0; i < K; i++) g += (coeffs[i * (n + 2) + j + 1] ?? 0) * (grads[i * P + p] ?? 0);
      bendGrads[j * P + p] = g / K + weightDecay * (bends[j * P + p] ?? 0);
    }
  }
  return { bendGrads, meanLoss: total / K };
}
