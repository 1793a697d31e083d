/**
 * Coarse to fine without computing anything twice. A square grid of N points a side over
 * [−span, span]² is computed as nested levels: level k holds every s_k-th point of the final grid
 * (s_k divides N − 1, each stride divides the one before), so its size is (N − 1)/s_k + 1 — for N = 129:
 * 17², 33², 65², 129². A level computes only the points the levels before it lack, as a few strips
 * (regular sub-grids), so the total work is the final grid's. A size whose N − 1 has no divisor that
 * gives a small first level starts with a small grid of its own (a little extra work, drawn at once).
 */
import type { Plane } from '../landscape/directions';
import type { PlanePoints } from './model';

/** Smallest first picture worth drawing, and the largest first level before a separate preview is added. */
export const FIRST_LEVEL_MIN = 17;
export const FIRST_LEVEL_MAX = 33;

export interface GridLevel {
  /** Points a side of this level's picture. */
  readonly size: number;
  /** Stride in final-grid points (1: the final grid); 0 for a level that is not part of the final grid. */
  readonly stride: number;
}

/** The levels for a final grid of `gridSize` points a side, coarsest first; the last is the final grid. */
export function gridLevels(gridSize: number): GridLevel[] {
  const n = gridSize - 1;
  if (gridSize < 2 * FIRST_LEVEL_MIN - 1) return [{ size: gridSize, stride: 1 }];
  // The coarsest nested level: the largest stride that still gives at least FIRST_LEVEL_MIN points.
  let stride = 1;
  for (let s = Math.floor(n / (FIRST_LEVEL_MIN - 1)); s > 1; s--) {
    if (n % s === 0) {
      stride = s;
      break;
    }
  }
  const levels: GridLevel[] = [];
  for (let s = stride; s >= 1; s = s === 1 ? 0 : s / smallestFactor(s)) levels.push({ size: n / s + 1, stride: s });
  const first = levels[0];
  if (first !== undefined && first.size > FIRST_LEVEL_MAX) levels.unshift({ size: FIRST_LEVEL_MIN, stride: 0 });
  return levels;
}

function smallestFactor(s: number): number {
  for (let p = 2; p * p <= s; p++) if (s % p === 0) return p;
  return s;
}

/** One strip of new points: a regular sub-grid and where its points go in the final grid. */
export interface LevelStrip {
  readonly points: PlanePoints;
  /** Final-grid index of the strip's point (ix, iy): (iy0 + iy·dy)·N + ix0 + ix·dx. */
  readonly ix0: number;
  readonly dx: number;
  readonly iy0: number;
  readonly dy: number;
}

/**
 * The strips a nested level computes: the points of stride `stride` that the previous level (stride
 * `previous`, 0 for none) does not hold. `plane` is the final grid (gridSize N over [−span, span]).
 */
export function levelStrips(plane: PlanePoints, stride: number, previous: number): LevelStrip[] {
  const N = plane.gridSize;
  const h = plane.alphaStep;
  const size = (N - 1) / stride + 1;
  const base = { center: plane.center, directionX: plane.directionX, directionY: plane.directionY };
  const strip = (ix0: number, dx: number, nx: number, iy0: number, dy: number, ny: number): LevelStrip => ({
    points: {
      ...base,
      gridSize: nx,
      rows: ny,
      alphaStart: plane.alphaStart + ix0 * h,
      alphaStep: dx * h,
      betaStart: plane.betaStart + iy0 * plane.betaStep,
      betaStep: dy * plane.betaStep,
    },
    ix0,
    dx,
    iy0,
    dy,
  });
  if (previous === 0) return [strip(0, stride, size, 0, stride, size)];
  const ratio = previous / stride;
  const coarse = (N - 1) / previous + 1;
  const strips: LevelStrip[] = [];
  // Rows the previous level lacks: every column of this level.
  for (let o = 1; o < ratio; o++) strips.push(strip(0, stride, size, o * stride, previous, coarse - 1));
  // Rows it has: the columns it lacks.
  for (let o = 1; o < ratio; o++) strips.push(strip(o * stride, previous, coarse - 1, 0, previous, coarse));
  return strips;
}

/** The points of a level (stride s) picked out of the final grid's values. */
export function levelValues(full: Float32Array, gridSize: number, stride: number): Float32Array {
  const size = (gridSize - 1) / stride + 1;
  const out = new Float32Array(size * size);
  for (let iy = 0; iy < size; iy++)
    for (let ix = 0; ix < size; ix++) out[iy * size + ix] = full[iy * stride * gridSize + ix * stride] ?? NaN;
  return out;
}

/** Write a strip's values into the final grid. */
export function placeStrip(full: Float32Array, gridSize: number, strip: LevelStrip, values: Float32Array): void {
  const nx = strip.points.gridSize;
  const ny = strip.points.rows ?? nx;
  for (let iy = 0; iy < ny; iy++) {
    for (let ix = 0; ix < nx; ix++) full[(strip.iy0 + iy * strip.dy) * gridSize + strip.ix0 + ix * strip.dx] = values[iy * nx + ix] ?? NaN;
  }
}

/** The points of a square grid over [−span, span]² on a plane (one point at the centre for gridSize 1). */
export function squarePoints(plane: Plane, gridSize: number, span: number): PlanePoints {
  const step = gridSize > 1 ? (2 * span) / (gridSize - 1) : 0;
  const start = gridSize > 1 ? -span : 0;
  return {
    center: plane.center,
    directionX: plane.directionX,
    directionY: plane.directionY,
    gridSize,
    alphaStart: start,
    alphaStep: step,
    betaStart: start,
    betaStep: step,
  };
}
