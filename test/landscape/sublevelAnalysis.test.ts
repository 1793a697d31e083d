import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gridCoordinates } from '../../src/landscape/surface';
import { buildMergeTree } from '../../src/landscape/mergeTree';
import { labelSublevel, type Connectivity } from '../../src/landscape/sublevel';
import { SublevelAnalysis, componentsAlive, mostPersistent, nearestIndex, resolveGridPoint } from '../../src/landscape/sublevelAnalysis';

function grid(
  n: number,
  f: (x: number, y: number) => number,
): { gridSize: number; alphas: Float32Array; betas: Float32Array; loss: Float32Array } {
  const alphas = gridCoordinates(n, 1);
  const betas = gridCoordinates(n, 1);
  const loss = new Float32Array(n * n);
  for (let iy = 0; iy < n; iy++) for (let ix = 0; ix < n; ix++) loss[iy * n + ix] = f(alphas[ix] ?? 0, betas[iy] ?? 0);
  return { gridSize: n, alphas, betas, loss };
}

/** Random small grids with some repeated values and some non-finite cells. */
const randomGrid = fc
  .record({
    n: fc.integer({ min: 1, max: 9 }),
    seed: fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(Number.NaN), fc.constant(Infinity)), {
      minLength: 81,
      maxLength: 81,
    }),
  })
  .map(({ n, seed }) => ({ n, values: Float32Array.from(seed.slice(0, n * n)) }));

describe('resolveGridPoint', () => {
  const g = grid(5, () => 0);
  it('accepts an index, {ix, iy} and {alpha, beta} (nearest grid point)', () => {
    expect(resolveGridPoint(7, g)).toBe(7);
    expect(resolveGridPoint({ ix: 2, iy: 3 }, g)).toBe(17);
    expect(resolveGridPoint({ alpha: 0, beta: 0 }, g)).toBe(12);
    expect(resolveGridPoint({ alpha: 0.9, beta: -0.8 }, g)).toBe(4);
    expect(resolveGridPoint({ alpha: -50, beta: 50 }, g)).toBe(20);
  });

  it('refuses what is not a grid point, saying why', () => {
    expect(() => resolveGridPoint(25, g)).toThrow(RangeError);
    expect(() => resolveGridPoint(1.5, g)).toThrow(/integer in \[0, 25\)/);
    expect(() => resolveGridPoint({ ix: 5, iy: 0 }, g)).toThrow(RangeError);
    expect(() => resolveGridPoint({ alpha: Number.NaN, beta: 0 }, g)).toThrow(TypeError);
    expect(() => resolveGridPoint('3', g)).toThrow(TypeError);
    expect(() => resolveGridPoint(null, g)).toThrow(TypeError);
  });

  it('nearestIndex ties go to the lower index', () => {
    expect(nearestIndex(Float32Array.from([0, 1, 2]), 0.5)).toBe(0);
    expect(nearestIndex(Float32Array.from([0, 1, 2]), 1.6)).toBe(2);
  });
});

describe('SublevelAnalysis', () => {
  it('without merging: labels like labelSublevel and names each component by its deepest minimum (property)', () => {
    fc.assert(
      fc.property(
        randomGrid,
        fc.double({ min: -1, max: 8, noNaN: true }),
        fc.constantFrom<Connectivity>(4, 8),
        ({ n, values }, level, conn) => {
          const g = { gridSize: n, alphas: gridCoordinates(n, 1), betas: gridCoordinates(n, 1), loss: values };
          const analysis = new SublevelAnalysis(g, { mergeUnresolved: false });
          const got = analysis.label(level, conn);
          const want = labelSublevel(values, n, n, level, conn);
          expect(got.components).toBe(want.components);
          expect(Array.from(got.labels)).toEqual(Array.from(want.labels));
          const minima = analysis.tree(conn).minima;
          for (let c = 0; c < got.components; c++) {
            const m = minima[got.elder[c] ?? -1];
            expect(m).toBeDefined();
            if (m === undefined) continue;
            expect(got.labels[m.cell]).toBe(c);
            // It is the lowest value of its component.
            let lowest = Infinity;
            for (let i = 0; i < n * n; i++) if (got.labels[i] === c) lowest = Math.min(lowest, values[i] ?? Infinity);
            expect(m.birth).toBe(lowest);
          }
          // The persistence pairs count the same components.
          expect(componentsAlive(minima, level)).toBe(want.components);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('merging unresolved minima: each component is a union of labelSublevel’s, named by its deepest resolved minimum, counted by the merged persistence pairs (property)', () => {
    fc.assert(
      fc.property(
        randomGrid,
        fc.double({ min: -1, max: 8, noNaN: true }),
        fc.constantFrom<Connectivity>(4, 8),
        ({ n, values }, level, conn) => {
          const g = { gridSize: n, alphas: gridCoordinates(n, 1), betas: gridCoordinates(n, 1), loss: values };
          const analysis = new SublevelAnalysis(g);
          const got = analysis.label(level, conn);
          const want = labelSublevel(values, n, n, level, conn);
          expect(got.components).toBeLessThanOrEqual(want.components);
          const into = new Map<number, number>();
          for (let i = 0; i < n * n; i++) {
            const w = want.labels[i] ?? -1;
            const c = got.labels[i] ?? -1;
            expect(c < 0).toBe(w < 0);
            if (w < 0) continue;
            // Cells of one raw component stay together.
            expect(into.get(w) ?? c).toBe(c);
            into.set(w, c);
          }
          expect(Array.from(got.sizes).reduce((a, b) => a + b, 0)).toBe(Array.from(want.sizes).reduce((a, b) => a + b, 0));
          const minima = analysis.tree(conn).minima;
          for (let c = 0; c < got.components; c++) {
            const m = minima[got.elder[c] ?? -1];
            expect(m).toBeDefined();
            if (m === undefined) continue;
            expect(got.labels[m.cell]).toBe(c);
            let lowest = Infinity;
            for (let i = 0; i < n * n; i++) if (got.labels[i] === c) lowest = Math.min(lowest, values[i] ?? Infinity);
            expect(m.birth).toBe(lowest);
          }
          expect(componentsAlive(minima, level)).toBe(got.components);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a plateau of float ties and float noise is one minimum and one component', () => {
    // A bowl whose floor (a quarter of the grid) is flat: exact ties, and ties broken by one float ulp.
    for (const noise of [0, 1]) {
      const g = grid(33, (a, b) => Math.max(0, a * a + b * b - 0.3));
      const ulp = (v: number): number => v + noise * Math.abs(v) * 2 ** -23;
      g.loss.forEach((v, i) => (g.loss[i] = v === 0 && i % 3 === 0 ? ulp(1e-30) : v));
      const raw = new SublevelAnalysis(g, { mergeUnresolved: false });
      const merged = new SublevelAnalysis(g);
      for (const conn of [4, 8] as const) {
        expect(merged.tree(conn).minima.length).toBe(1);
        expect(merged.label(1e-6, conn).components).toBe(1);
        expect(merged.label(0.5, conn).components).toBe(1);
      }
      // Without merging the ties break the floor into many minima.
      expect(raw.tree(4).minima.length).toBeGreaterThan(1);
    }
  });

  it('the flat valley uv = 1 of u·v·x sampled by a grid is two minima and two components, at 17² to 129²', () => {
    for (const n of [17, 33, 65, 129]) {
      const alphas = gridCoordinates(n, 2);
      const loss = new Float32Array(n * n);
      for (let iy = 0; iy < n; iy++)
        for (let ix = 0; ix < n; ix++) loss[iy * n + ix] = ((alphas[ix] ?? 0) * (alphas[iy] ?? 0) - 1) ** 2 * 0.3;
      const g = { gridSize: n, alphas, betas: alphas, loss };
      const raw = new SublevelAnalysis(g, { mergeUnresolved: false });
      const merged = new SublevelAnalysis(g);
      expect(raw.tree(4).minima.length).toBeGreaterThan(2);
      for (const conn of [4, 8] as const) {
        expect(merged.tree(conn).minima.length).toBe(2);
        for (const level of [1e-4, 1e-3, 0.01, 0.2]) expect(merged.label(level, conn).components).toBe(2);
        // Above the saddle (0.3 at the origin) the two valleys are one.
        expect(merged.label(0.31, conn).components).toBe(1);
      }
    }
  });

  it('a shallow but resolved pit stays a minimum of its own', () => {
    // A second basin beside the main one: persistence 0.05 (birth 0.2, barrier 0.25 at α = 0), while
    // the loss changes by less than 0.01 across one grid step (1/16) at its floor.
    const g = grid(33, (a, b) => Math.min((a + 0.5) ** 2 + b * b, (a - 0.5) ** 2 + b * b + 0.2));
    const merged = new SublevelAnalysis(g);
    expect(merged.tree(4).minima.length).toBe(2);
    expect(merged.label(0.21, 4).components).toBe(2);
  });

  it('merge level between any two point forms equals the tree’s', () => {
    // Two basins at α = ±0.5 divided by a ridge of height 1 at α = 0.
    const g = grid(21, (a, b) => (Math.abs(a) - 0.5) ** 2 * 4 + b * b);
    const analysis = new SublevelAnalysis(g);
    const level = analysis.mergeLevel({ alpha: -0.5, beta: 0 }, { alpha: 0.5, beta: 0 }, 4);
    expect(level).toBeCloseTo(1, 5);
    expect(analysis.mergeLevel(analysis.centerCell(), { ix: 5, iy: 10 }, 8)).toBeCloseTo(1, 5);
    expect(analysis.label(0.5, 4).components).toBe(2);
    expect(analysis.label(1.01, 4).components).toBe(1);
    // Both basins keep their colours (their minima) until they merge, then the elder's.
    const before = analysis.label(0.9, 4);
    expect(new Set(before.elder)).toEqual(new Set([0, 1]));
    expect(Array.from(analysis.label(1.5, 4).elder)).toEqual([0]);
  });

  it('mostPersistent keeps the deepest first and breaks ties by birth order', () => {
    const g = grid(21, (a, b) => (Math.abs(a) - 0.5) ** 2 * 4 + b * b + (a > 0 ? 0.1 : 0));
    const minima = buildMergeTree(g.loss, 21, 21, 4).minima;
    expect(minima.length).toBe(2);
    expect(mostPersistent(minima, 1)).toEqual([0]);
    expect(mostPersistent(minima, 5)).toEqual([0, 1]);
    expect(mostPersistent(minima, 0)).toEqual([]);
  });
});
