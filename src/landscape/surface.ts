/**
 * A computed loss surface: plain data, no GPU handles. Grid index is `iy * gridSize + ix`
 * everywhere (CPU, GPU, exports): ix runs along α (directionX), iy along β (directionY).
 */
export interface Surface {
  /** Points per row (along α); with `ny` absent also the number of rows (a square grid). */
  readonly gridSize: number;
  /**
   * Rows along β when they differ from `gridSize` (imported non-square grids, nx ≠ ny); the grid
   * index stays `iy * gridSize + ix`. Read it through {@link gridRows}.
   */
  readonly ny?: number;
  /** Where an imported surface came from (the engine did not compute it). */
  readonly imported?: { readonly name: string; readonly format: string };
  readonly span: number;
  /** α coordinate of each column, length gridSize. */
  readonly alphas: Float32Array;
  /** β coordinate of each row, length gridSize. */
  readonly betas: Float32Array;
  /** Mean loss per grid point, index iy*gridSize+ix; may hold Inf/NaN where the loss overflowed. */
  readonly loss: Float32Array;
  /** Fraction correct per grid point (classifiers only). */
  readonly accuracy?: Float32Array;
  /** Finite minimum and maximum of `loss`. */
  readonly min: number;
  readonly max: number;
  /** Loss at α = β = 0 (θ₀), evaluated exactly there even when the grid does not hit 0. */
  readonly centerLoss: number;
  /** Count of grid points whose loss is not finite. */
  readonly nonFinite: number;
  readonly device: 'webgpu' | 'cpu';
  readonly adapter: string;
  readonly timings: SurfaceTimings;
  /**
   * Set on a coarse picture while a finer level of the same surface is being computed: the size the
   * final grid will have, and whether this picture used a subsample of the data (approximate).
   */
  readonly refining?: {
    readonly finalSize: number;
    readonly approximate: boolean;
    /** A picture around θ₀'s iterate while it trains: the step it shows, of how many. */
    readonly training?: { readonly step: number; readonly steps: number };
  };
}

/** Rows of a surface's grid (along β): `ny` for non-square grids, else `gridSize`. */
export function gridRows(surface: { readonly gridSize: number; readonly ny?: number }): number {
  return surface.ny ?? surface.gridSize;
}

export interface SurfaceTimings {
  /** Wall time of the grid evaluation, milliseconds. */
  readonly gridMs: number;
  /** Wall time of training θ₀, milliseconds (0 when it was reused). */
  readonly trainMs: number;
}

/** Evenly spaced coordinates over [−span, span], gridSize ≥ 2 points. */
export function gridCoordinates(gridSize: number, span: number): Float32Array {
  const out = new Float32Array(gridSize);
  for (let i = 0; i < gridSize; i++) out[i] = gridSize === 1 ? 0 : -span + (2 * span * i) / (gridSize - 1);
  return out;
}

/** Finite min / max / non-finite count of a value array. */
export function valueStats(values: Float32Array): { min: number; max: number; nonFinite: number } {
  let min = Infinity;
  let max = -Infinity;
  let nonFinite = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) {
    min = 0;
    max = 0;
  }
  return { min, max, nonFinite };
}
