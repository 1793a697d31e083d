import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildMergeTree, mergeLevel, sortFiniteCells } from '../../src/landscape/mergeTree';
import { labelSublevel, type Connectivity } from '../../src/landscape/sublevel';

interface Grid {
  nx: number;
  ny: number;
  values: Float32Array;
  connectivity: Connectivity;
}

function neighbours(cell: number, nx: number, ny: number, connectivity: Connectivity): number[] {
  const cx = cell % nx;
  const cy = Math.floor(cell / nx);
  const out: number[] = [];
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      if ((dx === 0 && dy === 0) || (connectivity === 4 && dx !== 0 && dy !== 0)) continue;
      const x = cx + dx;
      const y = cy + dy;
      if (x >= 0 && y >= 0 && x < nx && y < ny) out.push(y * nx + x);
    }
  }
  return out;
}

/** Flood fill of {v ≤ level} from a: does it reach b? */
function connected({ nx, ny, values, connectivity }: Grid, a: number, b: number, level: number): boolean {
  const inSet = (i: number): boolean => Number.isFinite(values[i] ?? NaN) && (values[i] ?? NaN) <= level;
  if (!inSet(a) || !inSet(b)) return false;
  const seen = new Uint8Array(nx * ny);
  const stack = [a];
  seen[a] = 1;
  while (stack.length > 0) {
    const c = stack.pop() ?? 0;
    if (c === b) return true;
    for (const j of neighbours(c, nx, ny, connectivity)) {
      if (seen[j] === 0 && inSet(j)) {
        seen[j] = 1;
        stack.push(j);
      }
    }
  }
  return false;
}

/** Linear scan over the sorted distinct finite values. */
function bruteMergeLevel(grid: Grid, a: number, b: number): number {
  const levels = [...new Set(Array.from(grid.values).filter(Number.isFinite))].sort((p, q) => p - q);
  for (const level of levels) if (connected(grid, a, b, level)) return level;
  return Infinity;
}

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cellValue = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 6 }), weight: 8 },
  { arbitrary: fc.double({ min: -5, max: 5, noNaN: true }), weight: 4 },
  { arbitrary: fc.constantFrom(NaN, Infinity, -Infinity), weight: 1 },
);

const gridWithTies: fc.Arbitrary<Grid> = fc
  .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), fc.constantFrom<Connectivity>(4, 8))
  .chain(([nx, ny, connectivity]) =>
    fc.array(cellValue, { minLength: nx * ny, maxLength: nx * ny }).map((a) => ({
      nx,
      ny,
      values: Float32Array.from(a),
      connectivity,
    })),
  );

/** Continuous random values (ties improbable), a few non-finite cells. */
const continuousGrid: fc.Arbitrary<Grid> = fc
  .record({
    nx: fc.integer({ min: 1, max: 16 }),
    ny: fc.integer({ min: 1, max: 16 }),
    seed: fc.integer(),
    holes: fc.double({ min: 0, max: 0.2, noNaN: true }),
    connectivity: fc.constantFrom<Connectivity>(4, 8),
  })
  .map(({ nx, ny, seed, holes, connectivity }) => {
    const random = mulberry32(seed);
    const values = Float32Array.from({ length: nx * ny }, () => (random() < holes ? Infinity : random() * 10 - 5));
    return { nx, ny, values, connectivity };
  });

describe('mergeLevel', () => {
  it('matches a flood-fill scan over the sorted values for random pairs', () => {
    fc.assert(
      fc.property(gridWithTies, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 8 }), (grid, pairs) => {
        const tree = buildMergeTree(grid.values, grid.nx, grid.ny, grid.connectivity);
        const n = grid.nx * grid.ny;
        for (const [p, q] of pairs) {
          const a = p % n;
          const b = q % n;
          // + 0 turns −0 into +0: the two are the same level.
          expect(tree.mergeLevel(a, b) + 0).toBe(bruteMergeLevel(grid, a, b) + 0);
          expect(tree.mergeLevel(b, a)).toBe(tree.mergeLevel(a, b));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('matches the brute force for every pair of a small grid', () => {
    fc.assert(
      fc.property(
        continuousGrid.filter((g) => g.nx * g.ny <= 30),
        (grid) => {
          const tree = buildMergeTree(grid.values, grid.nx, grid.ny, grid.connectivity);
          const n = grid.nx * grid.ny;
          for (let a = 0; a < n; a++) {
            for (let b = a; b < n; b++) expect(tree.mergeLevel(a, b) + 0).toBe(bruteMergeLevel(grid, a, b) + 0);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is the infimum for the strict sets: joined just above it, apart at it', () => {
    const values = Float32Array.from([0, 3, 1, 5, 5, 5]);
    const tree = buildMergeTree(values, 3, 2, 4);
    expect(tree.mergeLevel(0, 2)).toBe(3);
    expect(mergeLevel(values, 3, 2, 0, 2, 4)).toBe(3);
    const at = labelSublevel(values, 3, 2, 3, 4).labels;
    const above = labelSublevel(values, 3, 2, 3.001, 4).labels;
    expect(at[0]).not.toBe(at[2]);
    expect(above[0]).toBe(above[2]);
  });

  it('is Infinity across a wall of non-finite cells and at a non-finite cell', () => {
    const values = Float32Array.from([0, NaN, 1, 2, Infinity, 3]);
    const tree = buildMergeTree(values, 3, 2, 8);
    expect(tree.mergeLevel(0, 2)).toBe(Infinity);
    expect(tree.mergeLevel(0, 3)).toBe(2);
    expect(tree.mergeLevel(1, 1)).toBe(Infinity);
    expect(tree.mergeLevel(5, 5)).toBe(3);
    expect(() => tree.mergeLevel(0, 6)).toThrow(RangeError);
  });
});

describe('buildMergeTree minima', () => {
  it('finds exactly the strict local minima, with elder-rule deaths', () => {
    fc.assert(
      fc.property(continuousGrid, (grid) => {
        const { nx, ny, values, connectivity } = grid;
        const tree = buildMergeTree(values, nx, ny, connectivity);
        const strictMinima: number[] = [];
        for (let c = 0; c < nx * ny; c++) {
          const v = values[c] ?? NaN;
          if (!Number.isFinite(v)) continue;
          // A non-finite neighbour counts as higher.
          if (neighbours(c, nx, ny, connectivity).every((j) => !((values[j] ?? NaN) <= v))) strictMinima.push(c);
        }
        expect(tree.minima.map((m) => m.cell).sort((p, q) => p - q)).toEqual(strictMinima);

        const finite = Array.from(values).filter(Number.isFinite);
        const islands = labelSublevel(values, nx, ny, Infinity, connectivity).components;
        expect(tree.minima.filter((m) => m.death === Infinity).length).toBe(islands);
        if (finite.length === 0) return;
        const global = tree.minima[0];
        expect(global?.birth).toBe(Math.min(...finite));
        expect(global?.death).toBe(Infinity);
        expect(global?.mergesInto).toBe(-1);

        tree.minima.forEach((m, i) => {
          expect(m.persistence).toBe(m.death - m.birth);
          expect(m.death).toBeGreaterThanOrEqual(m.birth);
          if (i > 0) expect(m.birth).toBeGreaterThanOrEqual(tree.minima[i - 1]?.birth ?? -Infinity);
          // Dies when it first meets any deeper cell; the one it merges into is older.
          let meetsDeeper = Infinity;
          for (let c = 0; c < nx * ny; c++) {
            if ((values[c] ?? NaN) < m.birth) meetsDeeper = Math.min(meetsDeeper, tree.mergeLevel(m.cell, c));
          }
          expect(m.death).toBe(meetsDeeper);
          if (m.death === Infinity) {
            expect(m.mergesInto).toBe(-1);
          } else {
            const elder = tree.minima[m.mergesInto];
            expect(m.mergesInto).toBeLessThan(i);
            expect(elder?.birth).toBeLessThan(m.birth);
            expect(tree.mergeLevel(m.cell, elder?.cell ?? -1)).toBe(m.death);
          }
        });
      }),
      { numRuns: 150 },
    );
  });

  it('reports one minimum for a bowl and two for a double well', () => {
    const n = 21;
    const bowl = Float32Array.from({ length: n * n }, (_, i) => ((i % n) - 10) ** 2 + (Math.floor(i / n) - 10) ** 2 + 0.01 * (i % n));
    expect(buildMergeTree(bowl, n, n, 4).minima.length).toBe(1);
    const x = (i: number): number => ((i % n) - 10) / 5;
    const y = (i: number): number => (Math.floor(i / n) - 10) / 5;
    const well = Float32Array.from({ length: n * n }, (_, i) => (x(i) ** 2 - 1) ** 2 + y(i) ** 2 + 0.1 * x(i));
    const tree = buildMergeTree(well, n, n, 8);
    expect(tree.minima.length).toBe(2);
    const shallow = tree.minima[1];
    expect(shallow?.mergesInto).toBe(0);
    // The barrier sits at the saddle x = 0, y = 0, where the value is 1.
    expect(shallow?.death).toBeCloseTo(1, 6);
  });
});

describe('sortFiniteCells', () => {
  it('orders finite cells by value, ties by index, and drops non-finite ones', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(cellValue, fc.constantFrom(0, -0)), { maxLength: 200 }), (a) => {
        const values = Float32Array.from(a);
        const expected = Array.from(values.keys())
          .filter((i) => Number.isFinite(values[i] ?? NaN))
          .sort((p, q) => (values[p] ?? 0) - (values[q] ?? 0) || p - q);
        const got = Array.from(sortFiniteCells(values));
        expect(got).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
