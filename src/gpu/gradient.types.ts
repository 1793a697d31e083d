import type { Samples } from '../model/samples';

/**
 * Which samples a gradient covers: all of them (undefined), a contiguous range of sample
 * indices, or an explicit index list (a shuffled minibatch).
 */
export type SampleBatch = { readonly start: number; readonly count: number } | { readonly indices: Uint32Array };

/** Mean loss per vector (length K) and its gradient, K × P row-major (vector k at k·P). */
export interface GradientResult {
  readonly losses: Float32Array;
  readonly grads: Float32Array;
}

export function batchCount(samples: Samples, batch: SampleBatch | undefined): number {
  if (!batch) return samples.m;
  return 'indices' in batch ? batch.indices.length : batch.count;
}

/** Throws with a message naming the problem when a batch does not fit the samples. */
export function assertValidBatch(samples: Samples, batch: SampleBatch | undefined): void {
  if (!batch) return;
  if ('indices' in batch) {
    if (batch.indices.length === 0) throw new Error('a minibatch needs at least one sample');
    for (const i of batch.indices) if (i >= samples.m) throw new Error(`sample index ${i} is out of range (m = ${samples.m})`);
    return;
  }
  const { start, count } = batch;
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > samples.m) {
    throw new Error(`sample range ${start}..${start + count} does not fit in 0..${samples.m}`);
  }
}
