/**
 * How loss values become heights and colours: one normalisation shared by the mesh, the colour
 * bar and the axis ticks, so a colour and a height always mean the same loss.
 */

export interface LossScaleOptions {
  readonly logScale: boolean;
  /** Loss drawn at the top of the box; values above it are clipped flat. 0 (or less) = `max`. */
  readonly zClip: number;
  /** Finite minimum and maximum of the loss values. */
  readonly min: number;
  readonly max: number;
}

export interface LossScale {
  readonly logScale: boolean;
  /** Loss at the bottom (unit 0) and top (unit 1) of the box. */
  readonly bottom: number;
  readonly top: number;
  /** Offset added before log10 so that a loss of exactly 0 stays finite. */
  readonly epsilon: number;
  /** Loss → position in the box, 0 at `bottom`, 1 at `top`, not clamped; NaN for NaN. */
  toUnit(loss: number): number;
  /** Position in the box → loss; inverse of `toUnit` on [0, 1]. */
  fromUnit(unit: number): number;
}

/**
 * Log scale adds ε = this fraction of the loss range before log10, so a loss of exactly 0 sits
 * six decades below the top instead of at −∞, while trained minima (1e-4 of a range of 10, say)
 * keep their own decades.
 */
export const LOG_EPSILON_FRACTION = 1e-6;

export function lossScale(options: LossScaleOptions): LossScale {
  const finiteMin = Number.isFinite(options.min) ? options.min : 0;
  const finiteMax = Number.isFinite(options.max) ? Math.max(options.max, finiteMin) : finiteMin;
  const bottom = finiteMin;
  const top = options.zClip > 0 && Number.isFinite(options.zClip) ? Math.max(options.zClip, bottom) : finiteMax;
  const logScale = options.logScale;
  // Losses are non-negative; a negative value (a custom loss) is drawn as if it were 0 on log scale.
  const floor = Math.max(0, bottom);
  const epsilon = Math.max((Math.max(top, floor) - floor) * LOG_EPSILON_FRACTION, Math.abs(top) * 1e-7, 1e-30);
  const transform = (v: number): number => (logScale ? Math.log10(Math.max(v, 0) + epsilon) : v);
  const inverse = (u: number): number => (logScale ? 10 ** u - epsilon : u);
  const lo = transform(bottom);
  const hi = transform(top);
  const range = hi - lo;
  const flat = !(range > 0);
  return {
    logScale,
    bottom,
    top,
    epsilon,
    toUnit: (loss) => {
      if (Number.isNaN(loss)) return NaN;
      if (!flat) return (transform(loss) - lo) / range;
      return loss > top ? 1 : 0.5;
    },
    fromUnit: (unit) => (flat ? bottom : inverse(lo + unit * range)),
  };
}

export interface SurfaceHeights {
  /** Height of each grid point in [0, 1]; non-finite and clipped values sit at 1. */
  readonly heights: Float32Array;
  /** Colormap position of each grid point in [0, 1]; same normalisation as `heights`. */
  readonly colorT: Float32Array;
  /** 1 where the loss is Inf/NaN, else 0. */
  readonly nonFiniteMask: Uint8Array;
  readonly scale: LossScale;
}

/** Normalised heights and colour positions for `loss` (any index order; kept as given). */
export function surfaceHeights(loss: Float32Array, options: LossScaleOptions): SurfaceHeights {
  const scale = lossScale(options);
  const count = loss.length;
  const heights = new Float32Array(count);
  const colorT = new Float32Array(count);
  const nonFiniteMask = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const value = loss[i] ?? NaN;
    if (!Number.isFinite(value)) {
      heights[i] = 1;
      colorT[i] = 1;
      nonFiniteMask[i] = 1;
      continue;
    }
    const unit = Math.min(1, Math.max(0, scale.toUnit(value)));
    heights[i] = unit;
    colorT[i] = unit;
  }
  return { heights, colorT, nonFiniteMask, scale };
}

/**
 * Bilinear interpolation of a gridSize² field (index iy*gridSize+ix) at (alpha, beta), given the
 * increasing coordinates of its columns and rows. Points outside the grid take the nearest edge.
 */
export function interpolateGrid(field: Float32Array, alphas: Float32Array, betas: Float32Array, alpha: number, beta: number): number {
  const gridSize = alphas.length;
  const [ix, fx] = locate(alphas, alpha);
  const [iy, fy] = locate(betas, beta);
  const at = (x: number, y: number): number => field[y * gridSize + x] ?? NaN;
  const x1 = Math.min(ix + 1, gridSize - 1);
  const y1 = Math.min(iy + 1, betas.length - 1);
  const low = at(ix, iy) * (1 - fx) + at(x1, iy) * fx;
  const high = at(ix, y1) * (1 - fx) + at(x1, y1) * fx;
  return low * (1 - fy) + high * fy;
}

/** Cell index i and fraction f in [0, 1] with coords[i] + f·(coords[i+1] − coords[i]) = value. */
function locate(coords: Float32Array, value: number): [number, number] {
  const n = coords.length;
  if (n < 2) return [0, 0];
  const first = coords[0] ?? 0;
  const last = coords[n - 1] ?? 0;
  if (!(value > first)) return [0, 0];
  if (!(value < last)) return [n - 2, 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((coords[mid] ?? 0) <= value) lo = mid;
    else hi = mid;
  }
  const a = coords[lo] ?? 0;
  const b = coords[lo + 1] ?? a;
  return [lo, b > a ? (value - a) / (b - a) : 0];
}
