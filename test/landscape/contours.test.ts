import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contourPolylines, contourSegments, type ContourPolyline } from '../../src/landscape/contours';

/** f sampled on n × n points over [−1, 1]², index iy * n + ix. */
function sample(n: number, f: (x: number, y: number) => number): Float32Array {
  const at = (i: number): number => -1 + (2 * i) / (n - 1);
  return Float32Array.from({ length: n * n }, (_, i) => f(at(i % n), at(Math.floor(i / n))));
}

/** The grid interpolated linearly along the cell edge that (x, y) lies on. */
function edgeValue(values: Float32Array, nx: number, ny: number, x: number, y: number): number {
  const v = (ix: number, iy: number): number => values[iy * nx + ix] ?? NaN;
  if (Number.isInteger(y)) {
    const x0 = Math.min(Math.floor(x), nx - 2);
    const t = x - x0;
    // At a corner the far end of the edge may be non-finite: read the corner alone.
    if (t === 0 || t === 1) return v(x0 + t, y);
    return (1 - t) * v(x0, y) + t * v(x0 + 1, y);
  }
  expect(Number.isInteger(x)).toBe(true);
  const y0 = Math.min(Math.floor(y), ny - 2);
  const t = y - y0;
  return (1 - t) * v(x, y0) + t * v(x, y0 + 1);
}

function onBoundary(nx: number, ny: number, x: number, y: number): boolean {
  return x === 0 || y === 0 || x === nx - 1 || y === ny - 1;
}

function ends(p: ContourPolyline): [number, number, number, number] {
  const k = p.points.length;
  return [p.points[0] ?? NaN, p.points[1] ?? NaN, p.points[k - 2] ?? NaN, p.points[k - 1] ?? NaN];
}

/** Shoelace area of a closed ring; positive when counterclockwise with y up. */
function signedArea(points: Float32Array): number {
  let area = 0;
  const k = points.length / 2;
  for (let i = 0; i < k; i++) {
    const j = (i + 1) % k;
    area += (points[2 * i] ?? 0) * (points[2 * j + 1] ?? 0) - (points[2 * j] ?? 0) * (points[2 * i + 1] ?? 0);
  }
  return area / 2;
}

describe('contours of analytic functions', () => {
  const n = 41;

  it('draws one closed counterclockwise ring per level of a paraboloid', () => {
    const bowl = sample(n, (x, y) => x * x + y * y + 0.3 * x * y);
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.65, noNaN: true }), (level) => {
        const lines = contourPolylines(bowl, n, n, level);
        expect(lines.length).toBe(1);
        const ring = lines[0];
        expect(ring?.closed).toBe(true);
        expect(signedArea(ring?.points ?? new Float32Array())).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });

  it('draws four open arcs once the paraboloid level passes the boundary minimum', () => {
    const bowl = sample(n, (x, y) => x * x + y * y);
    const lines = contourPolylines(bowl, n, n, 1.5);
    expect(lines.length).toBe(4);
    for (const line of lines) {
      expect(line.closed).toBe(false);
      const [x0, y0, x1, y1] = ends(line);
      expect(onBoundary(n, n, x0, y0) && onBoundary(n, n, x1, y1)).toBe(true);
    }
  });

  it('gives a saddle at its level two open curves reaching the boundary', () => {
    const saddle = sample(n, (x, y) => x * x - y * y);
    const lines = contourPolylines(saddle, n, n, 0);
    // The sublevel side is the two wedges |y| > |x|; each is bounded by one V through the centre.
    expect(lines.length).toBe(2);
    for (const line of lines) {
      expect(line.closed).toBe(false);
      const [x0, y0, x1, y1] = ends(line);
      expect(onBoundary(n, n, x0, y0) && onBoundary(n, n, x1, y1)).toBe(true);
      let passesCentre = false;
      for (let i = 0; i < line.points.length; i += 2) {
        if (line.points[i] === 20 && line.points[i + 1] === 20) passesCentre = true;
      }
      expect(passesCentre).toBe(true);
    }
  });

  it('gives a saddle two open hyperbola branches at levels ±0.5', () => {
    const saddle = sample(n, (x, y) => x * x - y * y);
    for (const level of [-0.5, 0.5]) {
      const lines = contourPolylines(saddle, n, n, level);
      expect(lines.length).toBe(2);
      for (const line of lines) {
        expect(line.closed).toBe(false);
        const [x0, y0, x1, y1] = ends(line);
        expect(onBoundary(n, n, x0, y0) && onBoundary(n, n, x1, y1)).toBe(true);
        // Branches of x² − y² = 0.5 stay on one side of x = 0 (and of y = 0 for −0.5).
        const coordinate = level > 0 ? 0 : 1;
        const signs = new Set<number>();
        for (let i = coordinate; i < line.points.length; i += 2) signs.add(Math.sign((line.points[i] ?? 20) - 20));
        expect(signs.size).toBe(1);
      }
    }
  });

  it('resolves a lone saddle cell by its centre average', () => {
    // Corners (0,0) and (1,1) low, (1,0) and (0,1) high.
    const low = Float32Array.from([0, 1, 1, 0.2]);
    const high = Float32Array.from([0, 1, 1, 0.5]);
    // Centre averages 0.55 and 0.625: at level 0.6 the first joins the low corners, the second cuts them off.
    const joined = contourSegments(low, 2, 2, 0.6);
    const cut = contourSegments(high, 2, 2, 0.6);
    expect(joined.length).toBe(8);
    expect(cut.length).toBe(8);
    // Joined: segments isolate the high corners, so one segment touches the edges at x = 1 and y = 0.
    const touches = (s: Float32Array, k: number, a: (x: number, y: number) => boolean): boolean =>
      a(s[4 * k] ?? NaN, s[4 * k + 1] ?? NaN) || a(s[4 * k + 2] ?? NaN, s[4 * k + 3] ?? NaN);
    const segmentCutsCorner = (s: Float32Array, cx: number, cy: number): boolean =>
      [0, 1].some((k) => touches(s, k, (x, y) => x === cx && y !== cy) && touches(s, k, (x, y) => y === cy && x !== cx));
    expect(segmentCutsCorner(joined, 1, 0) && segmentCutsCorner(joined, 0, 1)).toBe(true);
    expect(segmentCutsCorner(cut, 0, 0) && segmentCutsCorner(cut, 1, 1)).toBe(true);
  });
});

describe('contours of random grids', () => {
  const grid = fc
    .record({ nx: fc.integer({ min: 1, max: 14 }), ny: fc.integer({ min: 1, max: 14 }), holes: fc.boolean() })
    .chain(({ nx, ny, holes }) =>
      fc.record({
        nx: fc.constant(nx),
        ny: fc.constant(ny),
        values: fc
          .array(
            holes
              ? fc.oneof({ arbitrary: fc.double({ min: -1, max: 1, noNaN: true }), weight: 8 }, fc.constantFrom(NaN, Infinity))
              : fc.double({ min: -1, max: 1, noNaN: true }),
            { minLength: nx * ny, maxLength: nx * ny },
          )
          .map((a) => Float32Array.from(a)),
        level: fc.double({ min: -1, max: 1, noNaN: true }),
      }),
    );

  it('puts every endpoint on the level and joins all segments into polylines', () => {
    fc.assert(
      fc.property(grid, ({ nx, ny, values, level }) => {
        const segments = contourSegments(values, nx, ny, level);
        expect(segments.length % 4).toBe(0);
        for (let i = 0; i < segments.length; i += 2) {
          const x = segments[i] ?? NaN;
          const y = segments[i + 1] ?? NaN;
          expect(x >= 0 && x <= nx - 1 && y >= 0 && y <= ny - 1).toBe(true);
          expect(Math.abs(edgeValue(values, nx, ny, x, y) - level)).toBeLessThan(1e-5);
        }
        const lines = contourPolylines(values, nx, ny, level);
        const segmentCount = lines.reduce((sum, p) => sum + p.points.length / 2 - (p.closed ? 0 : 1), 0);
        expect(segmentCount).toBe(segments.length / 4);
        const allFinite = values.every(Number.isFinite);
        for (const line of lines) {
          expect(line.points.length).toBeGreaterThanOrEqual(line.closed ? 6 : 4);
          if (allFinite && !line.closed) {
            const [x0, y0, x1, y1] = ends(line);
            expect(onBoundary(nx, ny, x0, y0) && onBoundary(nx, ny, x1, y1)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('skips cells with a non-finite corner', () => {
    const values = Float32Array.from([0, 1, NaN, 0, 1, 0]);
    const segments = contourSegments(values, 3, 2, 0.5);
    // Only the left cell (corners 0, 1, 0, 1) is drawn: one vertical segment at x = 0.5.
    expect(Array.from(segments).sort()).toEqual([0, 0.5, 0.5, 1].sort());
  });
});
