import type { LossKind } from '../model/spec';

/**
 * A dataset in the layout every kernel reads.
 * `x` is row-major m × inputs. `y` depends on the loss: m × outputs targets for mse,
 * the class index per sample for cross_entropy, 0/1 per sample for bce.
 */
export interface Dataset {
  readonly name: string;
  readonly m: number;
  readonly inputs: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  /** Width of one row of `y` (outputs for mse, 1 otherwise). */
  readonly targetWidth: number;
  /** Number of classes for classification data, 0 for regression. */
  readonly classes: number;
}

/** Number of network outputs this dataset needs under the given loss. */
export function outputsFor(data: Dataset, loss: LossKind): number {
  if (loss === 'mse') return data.classes > 0 ? (data.classes === 2 ? 1 : data.classes) : data.targetWidth;
  if (loss === 'bce') return 1;
  return Math.max(2, data.classes);
}
