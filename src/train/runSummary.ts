/** Success, medians and divergence of a multi-seed run: what the charts and the console API report. */
import type { MultiSeedResult } from './multiSeed.types';

export interface RunSummary {
  /** Absolute threshold: a seed succeeds when it did not diverge and finalLoss ≤ floorLoss + epsilon. */
  readonly epsilon: number;
  /** The lowest loss any network can reach on this data (0 for distinct inputs). */
  readonly floorLoss: number;
  readonly success: readonly boolean[];
  readonly successes: number;
  /** successes / K (diverged seeds count in K, never as successes). */
  readonly fraction: number;
  readonly divergedCount: number;
  /** Median final loss of the seeds that did not diverge (NaN if all did). */
  readonly medianFinal: number;
  readonly medianInitial: number;
}

/** Median of the finite values (NaN when there are none). */
export function medianFinite(values: ArrayLike<number>): number {
  const s = Array.from(values)
    .filter((v) => Number.isFinite(v))
    .sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** ε = epsilonRatio × the median initial loss above the floor. */
export function summarizeRun(
  r: Pick<MultiSeedResult, 'initialLosses' | 'finalLosses' | 'diverged'>,
  epsilonRatio: number,
  floorLoss = 0,
): RunSummary {
  const medianInitial = medianFinite(r.initialLosses);
  const epsilon = epsilonRatio * Math.max(0, medianInitial - floorLoss);
  const success = Array.from(r.finalLosses, (f, k) => (r.diverged[k] ?? 0) === 0 && Number.isFinite(f) && f <= floorLoss + epsilon);
  const successes = success.filter(Boolean).length;
  let divergedCount = 0;
  for (let k = 0; k < r.finalLosses.length; k++)
    if ((r.diverged[k] ?? 0) !== 0 || !Number.isFinite(r.finalLosses[k] ?? Number.NaN)) divergedCount++;
  return {
    epsilon,
    floorLoss,
    success,
    successes,
    fraction: r.finalLosses.length > 0 ? successes / r.finalLosses.length : 0,
    divergedCount,
    medianFinal: medianFinite(Array.from(r.finalLosses).filter((_, k) => (r.diverged[k] ?? 0) === 0)),
    medianInitial,
  };
}
