import { describe, expect, it } from 'vitest';
import { gridLevels, levelStrips, levelValues, placeStrip } from '../../src/engine/levels';
import type { PlanePoints } from '../../src/engine/model';

function plane(gridSize: number, span = 1): PlanePoints {
  const step = (2 * span) / (gridSize - 1);
  const v = new Float32Array(1);
  return { center: v, directionX: v, directionY: v, gridSize, alphaStart: -span, alphaStep: step, betaStart: -span, betaStep: step };
}

/** Every final-grid index the strips of all nested levels write, with multiplicity. */
function cover(gridSize: number): Map<number, number> {
  const seen = new Map<number, number>();
  let previous = 0;
  for (const level of gridLevels(gridSize)) {
    if (level.stride === 0) continue;
    for (const s of levelStrips(plane(gridSize), level.stride, previous)) {
      const nx = s.points.gridSize;
      const ny = s.points.rows ?? nx;
      for (let iy = 0; iy < ny; iy++) {
        for (let ix = 0; ix < nx; ix++) {
          const idx = (s.iy0 + iy * s.dy) * gridSize + s.ix0 + ix * s.dx;
          seen.set(idx, (seen.get(idx) ?? 0) + 1);
          // The strip's coordinates are the final grid's at that index (checked on a sample of points).
          if (idx % 97 !== 0) continue;
          const p = plane(gridSize);
          expect(s.points.alphaStart + ix * s.points.alphaStep).toBeCloseTo(p.alphaStart + (s.ix0 + ix * s.dx) * p.alphaStep, 12);
          expect(s.points.betaStart + iy * s.points.betaStep).toBeCloseTo(p.betaStart + (s.iy0 + iy * s.dy) * p.betaStep, 12);
        }
      }
    }
    previous = level.stride;
  }
  return seen;
}

describe('coarse-to-fine levels', () => {
  it('129² is computed as 17², 33², 65², 129²', () => {
    expect(gridLevels(129)).toEqual([
      { size: 17, stride: 8 },
      { size: 33, stride: 4 },
      { size: 65, stride: 2 },
      { size: 129, stride: 1 },
    ]);
  });

  it('small grids are one pass; other sizes nest by their own divisors or start with a preview of their own', () => {
    expect(gridLevels(17)).toEqual([{ size: 17, stride: 1 }]);
    // 99 = 9·11: the first level with ≥ 17 points is 34 (stride 3) > 33, so a 17² preview comes first.
    expect(gridLevels(100)).toEqual([
      { size: 17, stride: 0 },
      { size: 34, stride: 3 },
      { size: 100, stride: 1 },
    ]);
    // 101 − 1 = 100 = 4·25: stride 5 gives 21.
    expect(gridLevels(101).map((l) => l.size)).toEqual([21, 101]);
    // A prime N − 1 cannot nest: a 17² preview, then the grid itself.
    expect(gridLevels(102)).toEqual([
      { size: 17, stride: 0 },
      { size: 102, stride: 1 },
    ]);
  });

  for (const n of [33, 65, 129, 100, 101, 257, 1024, 1025]) {
    it(`the nested strips of ${n}² cover every point exactly once (the work is the final grid's)`, () => {
      const seen = cover(n);
      expect(seen.size).toBe(n * n);
      expect([...seen.values()].every((c) => c === 1)).toBe(true);
    });
  }

  it('placing strips and reading a level back gives the level grid', () => {
    const n = 33;
    const full = new Float32Array(n * n).fill(NaN);
    const value = (i: number): number => Math.sin(i) * 10;
    let previous = 0;
    for (const level of gridLevels(n)) {
      for (const s of levelStrips(plane(n), level.stride, previous)) {
        const nx = s.points.gridSize;
        const ny = s.points.rows ?? nx;
        const vals = Float32Array.from({ length: nx * ny }, (_, k) =>
          value((s.iy0 + Math.floor(k / nx) * s.dy) * n + s.ix0 + (k % nx) * s.dx),
        );
        placeStrip(full, n, s, vals);
      }
      const picture = levelValues(full, n, level.stride);
      expect(picture.length).toBe(level.size * level.size);
      expect(picture.every((v) => Number.isFinite(v))).toBe(true);
      previous = level.stride;
    }
    expect(full).toEqual(Float32Array.from({ length: n * n }, (_, i) => value(i)));
  });
});
