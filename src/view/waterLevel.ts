/**
 * The water-level slider: a position in [0, 1] ⇄ a loss E between the surface's finite minimum
 * and maximum, linear in loss or in log10(loss) (with the view's ε, so a loss of 0 is allowed).
 */
import { lossScale, type LossScale } from './heights';

/** Where the slider starts when the state says "auto" (level 0). */
export const AUTO_POSITION = 0.4;

export interface LevelRange {
  readonly min: number;
  readonly max: number;
  readonly log: boolean;
}

function sliderScale(range: LevelRange): LossScale {
  return lossScale({ logScale: range.log, zClip: 0, min: range.min, max: range.max });
}

/** Slider position (clamped to [0, 1]) → loss E. */
export function positionToLevel(position: number, range: LevelRange): number {
  const p = Number.isFinite(position) ? Math.min(1, Math.max(0, position)) : 0;
  if (p === 0) return range.min;
  if (p === 1) return range.max;
  return Math.min(range.max, Math.max(range.min, sliderScale(range).fromUnit(p)));
}

/** Loss E → slider position in [0, 1] (levels outside the range sit at an end). */
export function levelToPosition(level: number, range: LevelRange): number {
  if (Number.isNaN(level)) return 0;
  const unit = sliderScale(range).toUnit(level);
  return Number.isFinite(unit) ? Math.min(1, Math.max(0, unit)) : level > range.min ? 1 : 0;
}

/** The E a state level means: 0 is "auto", anything else is itself. */
export function resolveLevel(stateLevel: number, range: LevelRange): number {
  return stateLevel > 0 ? stateLevel : positionToLevel(AUTO_POSITION, range);
}

/**
 * `count` isoline levels evenly spaced in the view's scale, strictly inside (bottom, top):
 * the k-th at unit k / (count + 1).
 */
export function contourLevels(scale: LossScale, count: number): number[] {
  const levels: number[] = [];
  const n = Math.max(0, Math.floor(count));
  if (!(scale.top > scale.bottom)) return levels;
  for (let k = 1; k <= n; k++) levels.push(scale.fromUnit(k / (n + 1)));
  return levels;
}
