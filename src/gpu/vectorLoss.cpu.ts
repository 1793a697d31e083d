/** CPU twin of VectorLossKernel: a float64 forward pass per vector and sample (src/model/network.ts). */
import { evaluate, isClassifier } from '../model/network';
import type { Samples } from '../model/samples';
import { paramLayout, type MlpSpec } from '../model/spec';
import type { VectorLossResult } from './vectorLoss.types';

export function vectorLossCpu(spec: MlpSpec, samples: Samples, thetas: Float32Array, count: number): VectorLossResult {
  const P = paramLayout(spec).size;
  if (thetas.length !== count * P) throw new Error(`expected ${count} × ${P} parameters, got ${thetas.length}`);
  const losses = new Float32Array(count);
  const accuracy = isClassifier(spec.loss) ? new Float32Array(count) : undefined;
  for (let k = 0; k < count; k++) {
    const r = evaluate(spec, thetas.subarray(k * P, (k + 1) * P), samples);
    losses[k] = r.loss;
    if (accuracy) accuracy[k] = r.accuracy;
  }
  return accuracy ? { losses, accuracy } : { losses };
}
