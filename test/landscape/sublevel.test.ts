import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { labelSublevel, SublevelLabeler, type Connectivity } from '../../src/landscape/sublevel';

interface Case {
  nx: number;
  ny: number;
  values: Float32Array;
  level: number;
  connectivity: Connectivity;
}

const cellValue = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 9 }), weight: 12 },
  { arbitrary: fc.constantFrom(NaN, Infinity, -Infinity), weight: 1 },
);

const gridCase: fc.Arbitrary<Case> = fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 })).chain(([nx, ny]) =>
  fc.record({
    nx: fc.constant(nx),
    ny: fc.constant(ny),
    values: fc.array(cellValue, { minLength: nx * ny, maxLength: nx * ny }).map((a) => Float32Array.from(a)),
    // Integer levels probe the strict inequality against the integer values.
    level: fc.oneof(fc.integer({ min: -1, max: 11 }), fc.double({ min: -1, max: 11, noNaN: true })),
    connectivity: fc.constantFrom<Connectivity>(4, 8),
  }),
);

/** Breadth-first flood fill from each unlabelled cell in scan order. */
function floodFill({ nx, ny, values, level, connectivity }: Case): { labels: Int32Array; sizes: number[] } {
  const inSet = (i: number): boolean => {
    const v = values[i] ?? NaN;
    return Number.isFinite(v) && v < level;
  };
  const labels = new Int32Array(nx * ny).fill(-1);
  const sizes: number[] = [];
  const offsets =
    connectivity === 4
      ? [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
        ]
      : [
          [1, 0],
          [-1, 0],
          [0, 1],
          [0, -1],
          [1, 1],
          [1, -1],
          [-1, 1],
          [-1, -1],
        ];
  for (let start = 0; start < nx * ny; start++) {
    if (!inSet(start) || labels[start] !== -1) continue;
    const label = sizes.length;
    let size = 0;
    const queue = [start];
    labels[start] = label;
    while (queue.length > 0) {
      const c = queue.shift() ?? 0;
      size++;
      const cx = c % nx;
      const cy = Math.floor(c / nx);
      for (const [dx = 0, dy = 0] of offsets) {
        const x = cx + dx;
        const y = cy + dy;
        if (x < 0 || y < 0 || x >= nx || y >= ny) continue;
        const j = y * nx + x;
        if (inSet(j) && labels[j] === -1) {
          labels[j] = label;
          queue.push(j);
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

describe('labelSublevel', () => {
  it('matches a breadth-first flood fill, labels in scan order of first cell', () => {
    fc.assert(
      fc.property(gridCase, (c) => {
        const expected = floodFill(c);
        const got = labelSublevel(c.values, c.nx, c.ny, c.level, c.connectivity);
        expect(got.components).toBe(expected.sizes.length);
        expect(Array.from(got.sizes)).toEqual(expected.sizes);
        // Both number components by first cell in scan order, so the partitions agree exactly.
        expect(Array.from(got.labels)).toEqual(Array.from(expected.labels));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same answer from a reused labeller and a reused out buffer', () => {
    fc.assert(
      fc.property(gridCase, fc.double({ min: -1, max: 11, noNaN: true }), (c, otherLevel) => {
        const labeler = new SublevelLabeler(c.nx, c.ny);
        const out = new Int32Array(c.nx * c.ny).fill(7);
        labeler.label(c.values, otherLevel, c.connectivity);
        const reused = labeler.label(c.values, c.level, c.connectivity);
        const fresh = labelSublevel(c.values, c.nx, c.ny, c.level, c.connectivity, out);
        expect(fresh.labels).toBe(out);
        expect(reused.components).toBe(fresh.components);
        expect(Array.from(reused.sizes)).toEqual(Array.from(fresh.sizes));
        expect(Array.from(reused.labels)).toEqual(Array.from(fresh.labels));
      }),
      { numRuns: 100 },
    );
  });

  it('keeps non-finite cells out of every sublevel set', () => {
    const values = Float32Array.from([NaN, Infinity, -Infinity, 0]);
    const got = labelSublevel(values, 2, 2, Infinity, 8);
    expect(Array.from(got.labels)).toEqual([-1, -1, -1, 0]);
    expect(Array.from(got.sizes)).toEqual([1]);
  });

  it('separates diagonal cells under 4-connectivity and joins them under 8', () => {
    const values = Float32Array.from([0, 1, 1, 0]);
    expect(labelSublevel(values, 2, 2, 0.5, 4).components).toBe(2);
    expect(labelSublevel(values, 2, 2, 0.5, 8).components).toBe(1);
  });

  it('handles the largest possible component count (checkerboard, 4-connectivity)', () => {
    const nx = 7;
    const ny = 5;
    const values = Float32Array.from({ length: nx * ny }, (_, i) => ((i % nx) + Math.floor(i / nx)) % 2);
    const got = labelSublevel(values, nx, ny, 0.5, 4);
    expect(got.components).toBe(Math.ceil((nx * ny) / 2));
    expect(got.sizes.every((s) => s === 1)).toBe(true);
  });

  it('rejects a grid of the wrong size', () => {
    expect(() => labelSublevel(new Float32Array(5), 2, 2, 0, 4)).toThrow(RangeError);
    expect(() => labelSublevel(new Float32Array(4), 2, 2, 0, 4, new Int32Array(3))).toThrow(RangeError);
    expect(() => new SublevelLabeler(3, 3).label(new Float32Array(4), 0, 4)).toThrow(RangeError);
  });
});
