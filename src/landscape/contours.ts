/**
 * Level lines of a grid slice by marching squares.
 *
 * Grid convention: `values[iy * nx + ix]`; points come back in grid coordinates, x = ix in
 * [0, nx − 1] and y = iy in [0, ny − 1], linearly interpolated along cell edges. A corner is
 * inside when v < level (the sublevel side of `labelSublevel`), so a corner exactly at the
 * level counts as outside. Cells with a non-finite corner are skipped: level lines stop there.
 *
 * Every segment is oriented with the inside {v < level} on its left in a frame where x points
 * right and y points up, so a ring around a minimum runs counterclockwise in that frame.
 * Saddle cells (two diagonal corners inside) are resolved by the cell-centre average: when it
 * is inside the two inside corners are joined through the centre, otherwise they are cut off.
 */
import { assertGrid } from './sublevel';

export interface ContourPolyline {
  /** Points as x, y pairs in grid coordinates; a closed ring does not repeat its first point. */
  readonly points: Float32Array;
  readonly closed: boolean;
}

// Cell corners counterclockwise: c0 (ix, iy), c1 (ix+1, iy), c2 (ix+1, iy+1), c3 (ix, iy+1);
// edge k joins corner k to corner k+1. case bit k is set when corner k is inside.
// A segment runs from an edge the walk leaves the inside through (corner k in, k+1 out) to an
// edge it re-enters through, which keeps the inside on the left.
function segmentTable(centreInside: boolean): Int8Array {
  const table = new Int8Array(16 * 4).fill(-1);
  for (let code = 0; code < 16; code++) {
    const inside = (k: number): boolean => ((code >> (k & 3)) & 1) === 1;
    const leaving: number[] = [];
    const entering: number[] = [];
    for (let k = 0; k < 4; k++) {
      if (inside(k) && !inside(k + 1)) leaving.push(k);
      if (!inside(k) && inside(k + 1)) entering.push(k);
    }
    if (leaving.length === 1) {
      table[code * 4] = leaving[0] ?? -1;
      table[code * 4 + 1] = entering[0] ?? -1;
    } else if (leaving.length === 2) {
      leaving.forEach((k, j) => {
        table[code * 4 + 2 * j] = k;
        table[code * 4 + 2 * j + 1] = centreInside ? (k + 1) & 3 : (k + 3) & 3;
      });
    }
  }
  return table;
}

const SEGMENTS_CENTRE_OUTSIDE = segmentTable(false);
const SEGMENTS_CENTRE_INSIDE = segmentTable(true);
const SEGMENT_COUNT = Int8Array.from({ length: 16 }, (_, code) =>
  (SEGMENTS_CENTRE_OUTSIDE[code * 4 + 2] ?? -1) >= 0 ? 2 : (SEGMENTS_CENTRE_OUTSIDE[code * 4] ?? -1) >= 0 ? 1 : 0,
);

interface Segments {
  readonly count: number;
  /** x0, y0, x1, y1 per segment. */
  readonly coords: Float32Array;
  /** Start and end edge ids per segment, when asked for. */
  readonly edges: Int32Array | null;
}

/** Level-line segments at `level`: x0, y0, x1, y1 per segment, in grid coordinates. */
export function contourSegments(values: Float32Array, nx: number, ny: number, level: number): Float32Array {
  return march(values, nx, ny, level, false).coords;
}

/**
 * Level lines at `level` joined into polylines. An open polyline ends on the grid boundary or
 * beside a skipped (non-finite) cell; a closed one is a ring. Polylines that touch only at a
 * grid point whose value equals the level stay separate.
 */
export function contourPolylines(values: Float32Array, nx: number, ny: number, level: number): ContourPolyline[] {
  const { count, coords, edges } = march(values, nx, ny, level, true);
  if (edges === null || count === 0) return [];
  // Each crossed edge is left by at most one segment and entered by at most one.
  const edgeCount = (nx - 1) * ny + nx * (ny - 1);
  const leavingAt = new Int32Array(edgeCount).fill(-1);
  const enteringAt = new Int32Array(edgeCount).fill(-1);
  for (let s = 0; s < count; s++) {
    leavingAt[edges[2 * s] ?? 0] = s;
    enteringAt[edges[2 * s + 1] ?? 0] = s;
  }
  const used = new Uint8Array(count);
  const polylines: ContourPolyline[] = [];
  const trace = (start: number, closed: boolean): void => {
    const chain: number[] = [];
    for (let s = start; s >= 0 && used[s] === 0; s = leavingAt[edges[2 * s + 1] ?? 0] ?? -1) {
      used[s] = 1;
      chain.push(s);
    }
    const pointCount = closed ? chain.length : chain.length + 1;
    const points = new Float32Array(2 * pointCount);
    chain.forEach((s, j) => {
      points[2 * j] = coords[4 * s] ?? 0;
      points[2 * j + 1] = coords[4 * s + 1] ?? 0;
    });
    const last = chain[chain.length - 1] ?? 0;
    if (!closed) {
      points[2 * chain.length] = coords[4 * last + 2] ?? 0;
      points[2 * chain.length + 1] = coords[4 * last + 3] ?? 0;
    }
    polylines.push({ points, closed });
  };
  for (let s = 0; s < count; s++) {
    if ((enteringAt[edges[2 * s] ?? 0] ?? -1) < 0) trace(s, false);
  }
  for (let s = 0; s < count; s++) {
    if (used[s] === 0) trace(s, true);
  }
  return polylines;
}

function march(values: Float32Array, nx: number, ny: number, level: number, withEdges: boolean): Segments {
  assertGrid(values, nx, ny);
  let count = 0;
  for (let iy = 0; iy + 1 < ny; iy++) {
    for (let ix = 0; ix + 1 < nx; ix++) {
      count += SEGMENT_COUNT[cellCode(values, nx, ix, iy, level)] ?? 0;
    }
  }
  const coords = new Float32Array(4 * count);
  const edges = withEdges ? new Int32Array(2 * count) : null;
  const verticalBase = (nx - 1) * ny;
  const edgeX = new Float64Array(4);
  const edgeY = new Float64Array(4);
  const edgeId = new Int32Array(4);
  let s = 0;
  for (let iy = 0; iy + 1 < ny; iy++) {
    for (let ix = 0; ix + 1 < nx; ix++) {
      const code = cellCode(values, nx, ix, iy, level);
      if ((SEGMENT_COUNT[code] ?? 0) === 0) continue;
      const i = iy * nx + ix;
      const v00 = values[i] ?? NaN;
      const v10 = values[i + 1] ?? NaN;
      const v01 = values[i + nx] ?? NaN;
      const v11 = values[i + nx + 1] ?? NaN;
      // Each edge is interpolated from its lower-index corner, so the two cells sharing an
      // edge compute the very same point.
      edgeX[0] = ix + crossing(v00, v10, level);
      edgeY[0] = iy;
      edgeX[1] = ix + 1;
      edgeY[1] = iy + crossing(v10, v11, level);
      edgeX[2] = ix + crossing(v01, v11, level);
      edgeY[2] = iy + 1;
      edgeX[3] = ix;
      edgeY[3] = iy + crossing(v00, v01, level);
      edgeId[0] = iy * (nx - 1) + ix;
      edgeId[1] = verticalBase + iy * nx + ix + 1;
      edgeId[2] = (iy + 1) * (nx - 1) + ix;
      edgeId[3] = verticalBase + iy * nx + ix;
      const centreInside = (v00 + v10 + v01 + v11) / 4 < level;
      const table = centreInside ? SEGMENTS_CENTRE_INSIDE : SEGMENTS_CENTRE_OUTSIDE;
      for (let j = 0; j < 4; j += 2) {
        const from = table[code * 4 + j] ?? -1;
        const to = table[code * 4 + j + 1] ?? -1;
        if (from < 0 || to < 0) break;
        coords[4 * s] = edgeX[from] ?? 0;
        coords[4 * s + 1] = edgeY[from] ?? 0;
        coords[4 * s + 2] = edgeX[to] ?? 0;
        coords[4 * s + 3] = edgeY[to] ?? 0;
        if (edges !== null) {
          edges[2 * s] = edgeId[from] ?? 0;
          edges[2 * s + 1] = edgeId[to] ?? 0;
        }
        s++;
      }
    }
  }
  return { count, coords, edges };
}

/** Marching-squares case of cell (ix, iy); 0 (nothing to draw) when a corner is not finite. */
function cellCode(values: Float32Array, nx: number, ix: number, iy: number, level: number): number {
  const i = iy * nx + ix;
  const v00 = values[i] ?? NaN;
  const v10 = values[i + 1] ?? NaN;
  const v11 = values[i + nx + 1] ?? NaN;
  const v01 = values[i + nx] ?? NaN;
  if (!(Number.isFinite(v00) && Number.isFinite(v10) && Number.isFinite(v11) && Number.isFinite(v01))) return 0;
  return (v00 < level ? 1 : 0) | (v10 < level ? 2 : 0) | (v11 < level ? 4 : 0) | (v01 < level ? 8 : 0);
}

/** Where the level crosses the edge from value a to value b, as a fraction 0..1 from a. */
function crossing(a: number, b: number, level: number): number {
  if (a < level === b < level) return 0;
  return (level - a) / (b - a);
}
