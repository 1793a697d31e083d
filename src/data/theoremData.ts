/**
 * The small data set of the "are all minima global?" experiment: m points in [−1, 1]² with
 * random targets (a real number for mse, a 0/1 label for bce and cross-entropy). With
 * `duplicated`, the second half of the rows repeats inputs of the first half with their own
 * targets, which breaks the theorem's "distinct inputs": no network can then reach loss 0, and
 * `floorLoss` says how low any function of x can go.
 */
import type { LossKind } from '../model/spec';
import { Rng, deriveSeed } from '../model/rng';
import type { Dataset } from './dataset';

export interface TheoremDataOptions {
  readonly m: number;
  readonly loss: LossKind;
  readonly duplicated: boolean;
  readonly seed: number;
}

export function makeTheoremData(opts: TheoremDataOptions): Dataset {
  const { m, loss, duplicated } = opts;
  if (!Number.isInteger(m) || m < 1) throw new Error(`m must be an integer ≥ 1, got ${m}`);
  const rng = new Rng(deriveSeed(opts.seed, 'data.theorem'));
  const distinct = duplicated ? Math.ceil(m / 2) : m;
  const x = new Float32Array(m * 2);
  for (let i = 0; i < distinct; i++) {
    x[2 * i] = rng.range(-1, 1);
    x[2 * i + 1] = rng.range(-1, 1);
  }
  for (let i = distinct; i < m; i++) {
    const j = (i - distinct) % distinct;
    x[2 * i] = x[2 * j] ?? 0;
    x[2 * i + 1] = x[2 * j + 1] ?? 0;
  }
  const y = new Float32Array(m);
  for (let i = 0; i < m; i++) y[i] = loss === 'mse' ? rng.range(-1, 1) : rng.int(2);
  // A duplicated row gets the other label, so the conflict is real for classifiers too.
  if (duplicated && loss !== 'mse') for (let i = distinct; i < m; i++) y[i] = 1 - (y[(i - distinct) % distinct] ?? 0);
  const name = `theorem m=${m}${duplicated ? ' (duplicated inputs)' : ''}`;
  return { name, m, inputs: 2, x, y, targetWidth: 1, classes: loss === 'mse' ? 0 : 2 };
}

/**
 * The lowest mean loss any function of x reaches on this data: 0 for distinct inputs; with
 * repeated inputs, the spread of the targets within each group (variance for mse, label entropy
 * for bce / cross-entropy).
 */
export function floorLoss(data: Dataset, loss: LossKind): number {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < data.m; i++) {
    const key = Array.from(data.x.subarray(i * data.inputs, (i + 1) * data.inputs)).join(',');
    const list = groups.get(key) ?? [];
    list.push(data.y[i] ?? 0);
    groups.set(key, list);
  }
  let total = 0;
  for (const ys of groups.values()) {
    if (loss === 'mse') {
      const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
      for (const v of ys) total += (v - mean) ** 2;
    } else {
      const p = ys.filter((v) => v > 0.5).length / ys.length;
      if (p > 0 && p < 1) total -= ys.length * (p * Math.log(p) + (1 - p) * Math.log(1 - p));
    }
  }
  return total / data.m;
}
