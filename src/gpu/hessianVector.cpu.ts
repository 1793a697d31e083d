/**
 * CPU twin of HessianVectorKernel: central differences of the float64 gradient (src/model/network.ts)
 * with the float64 step (about 1e-10 relative error: the oracle the GPU products are checked against).
 */
import { lossAndGradient } from '../model/network';
import type { Samples } from '../model/samples';
import { paramLayout, type MlpSpec } from '../model/spec';
import { hvpStep, vectorNorm, type HvpResult } from './hessianVector.types';

/** H·v at θ for `count` vectors stored count × P in `vectors`. */
export function hessianVectorProductsCpu(
  spec: MlpSpec,
  samples: Samples,
  theta: ArrayLike<number>,
  vectors: ArrayLike<number>,
  count: number,
): HvpResult {
  const P = paramLayout(spec).size;
  if (theta.length !== P) throw new Error(`θ has ${theta.length} entries, the network ${P}`);
  if (vectors.length !== count * P) throw new Error(`expected ${count} × ${P} vector entries, got ${vectors.length}`);
  const step = hvpStep(theta, 'f64');
  const products = new Float64Array(count * P);
  const gradient = new Float64Array(P);
  const plus = new Float64Array(P);
  const minus = new Float64Array(P);
  const gPlus = new Float64Array(P);
  const gMinus = new Float64Array(P);
  for (let k = 0; k < count; k++) {
    const norm = vectorNorm(vectors, k, P);
    if (norm === 0) continue;
    for (let i = 0; i < P; i++) {
      const d = (step * (vectors[k * P + i] ?? 0)) / norm;
      plus[i] = (theta[i] ?? 0) + d;
      minus[i] = (theta[i] ?? 0) - d;
    }
    lossAndGradient(spec, plus, samples, gPlus);
    lossAndGradient(spec, minus, samples, gMinus);
    const scale = norm / (2 * step);
    for (let i = 0; i < P; i++) products[k * P + i] = ((gPlus[i] ?? 0) - (gMinus[i] ?? 0)) * scale;
    if (k === 0) for (let i = 0; i < P; i++) gradient[i] = ((gPlus[i] ?? 0) + (gMinus[i] ?? 0)) / 2;
  }
  if (count === 0 || vectorNorm(vectors, 0, P) === 0) gradient.set(lossAndGradient(spec, Float64Array.from(theta), samples).grad);
  return { products, gradient, step };
}
