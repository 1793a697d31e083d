/**
 * The loss of a model's outputs against the data's y, reduced here in float64 the way PyTorch's
 * losses reduce (the same per-sample terms as the built-in MLP: src/model/network.ts): cross-entropy on
 * logits and integer class indices, mse as the mean over all output elements, bce with logits on one output.
 */
import { isCorrect, sampleLoss } from '../network';
import type { LossKind } from '../spec';
import { OnnxError } from './graph';

/** The targets as the loss reads them. */
export interface Targets {
  readonly m: number;
  readonly y: Float32Array;
  /** Values per sample in y (1 for class indices). */
  readonly width: number;
  readonly integer: boolean;
}

/** The loss a model's outputs and y suggest: class indices and ≥ 2 outputs → cross-entropy; 0/1 and one output → bce; else mse. */
export function defaultLoss(outputs: number, t: Targets): LossKind {
  if (outputs >= 2 && t.integer && t.width === 1) return 'cross_entropy';
  if (outputs === 1 && t.width === 1 && t.y.every((v) => v === 0 || v === 1)) return 'bce';
  return 'mse';
}

/** Throws OnnxError naming what does not fit: the loss, the model's outputs per sample and y. */
export function checkTargets(loss: LossKind, outputs: number, t: Targets): void {
  if (loss === 'cross_entropy') {
    if (outputs < 2) throw new OnnxError(`cross-entropy needs at least 2 outputs per sample; the model gives ${outputs}`);
    if (t.width !== 1) throw new OnnxError(`cross-entropy reads y as one class index per sample; y has ${t.width} values per sample`);
    for (let i = 0; i < t.m; i++) {
      const v = t.y[i] ?? -1;
      if (!Number.isInteger(v) || v < 0 || v >= outputs)
        throw new OnnxError(`y[${i}] = ${v} is not a class index in 0…${outputs - 1} (the model has ${outputs} outputs)`);
    }
  } else if (loss === 'bce') {
    if (outputs !== 1) throw new OnnxError(`bce needs one output (a logit) per sample; the model gives ${outputs}`);
    if (t.width !== 1) throw new OnnxError(`bce reads one target per sample; y has ${t.width}`);
    for (let i = 0; i < t.m; i++) {
      const v = t.y[i] ?? -1;
      if (!(v >= 0 && v <= 1)) throw new OnnxError(`y[${i}] = ${v} is not a bce target in [0, 1]`);
    }
  } else if (t.width !== outputs) {
    throw new OnnxError(`mse compares y with the outputs: the model gives ${outputs} values per sample, y has ${t.width}`);
  }
}

/** Sums over some rows of a batch: Σ loss terms and the count of correct answers. */
export interface LossSums {
  loss: number;
  correct: number;
}

/**
 * Add the terms of `rows` samples (output row r is sample first + r) to `sums`; `out` is row-major,
 * `outputs` values per sample. The mean is taken by `meanLoss`.
 */
export function addLossTerms(
  loss: LossKind,
  out: Float32Array,
  outputs: number,
  rows: number,
  t: Targets,
  first: number,
  sums: LossSums,
): void {
  const row = new Float64Array(outputs);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < outputs; j++) row[j] = out[r * outputs + j] ?? NaN;
    sums.loss += sampleLoss(loss, row, t.y, first + r);
    if (loss !== 'mse' && isCorrect(loss, row, t.y, first + r)) sums.correct++;
  }
}

/** The PyTorch-style mean (mse: over all output elements) and the accuracy. */
export function meanLoss(loss: LossKind, outputs: number, m: number, sums: LossSums): { loss: number; accuracy?: number } {
  const divisor = loss === 'mse' ? m * outputs : m;
  return loss === 'mse' ? { loss: sums.loss / divisor } : { loss: sums.loss / divisor, accuracy: sums.correct / m };
}
