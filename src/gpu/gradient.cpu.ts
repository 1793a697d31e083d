/** CPU twin of GradientKernel: float64 backpropagation (src/model/network.ts) per vector. */
import { lossAndGradient } from '../model/network';
import type { Samples } from '../model/samples';
import { paramLayout, type MlpSpec } from '../model/spec';
import { assertValidBatch, type SampleBatch } from './gradient.types';

/** Mean loss per vector and gradient K × P, in float64, for `count` vectors stored K × P in `thetas`. */
export function gradientCpu(
  spec: MlpSpec,
  samples: Samples,
  thetas: Float32Array,
  count: number,
  batch?: SampleBatch,
): { losses: Float64Array; grads: Float64Array } {
  const P = paramLayout(spec).size;
  if (thetas.length !== count * P) throw new Error(`expected ${count} × ${P} parameters, got ${thetas.length}`);
  assertValidBatch(samples, batch);
  const data = selectSamples(spec, samples, batch);
  const losses = new Float64Array(count);
  const grads = new Float64Array(count * P);
  for (let k = 0; k < count; k++) {
    const { loss } = lossAndGradient(spec, thetas.subarray(k * P, (k + 1) * P), data, grads.subarray(k * P, (k + 1) * P));
    losses[k] = loss;
  }
  return { losses, grads };
}

/** The samples of a batch as a dataset of their own (rows copied in batch order). */
export function selectSamples(spec: MlpSpec, samples: Samples, batch?: SampleBatch): Samples {
  if (!batch) return samples;
  const rows = 'indices' in batch ? Array.from(batch.indices) : Array.from({ length: batch.count }, (_, i) => batch.start + i);
  const targetWidth = spec.loss === 'mse' ? spec.outputs : 1;
  const x = new Float32Array(rows.length * samples.inputs);
  const y = new Float32Array(rows.length * targetWidth);
  rows.forEach((row, i) => {
    x.set(samples.x.subarray(row * samples.inputs, (row + 1) * samples.inputs), i * samples.inputs);
    y.set(samples.y.subarray(row * targetWidth, (row + 1) * targetWidth), i * targetWidth);
  });
  return { m: rows.length, inputs: samples.inputs, x, y };
}
