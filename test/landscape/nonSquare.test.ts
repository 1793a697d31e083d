/** Sublevel tools on non-square grids (imported surfaces, nx ≠ ny): same answers as a flood fill. */
import { describe, expect, it } from 'vitest';
import { SublevelAnalysis, resolveGridPoint } from '../../src/landscape/sublevelAnalysis';
import { gridRows } from '../../src/landscape/surface';
import { gridHeight, gridToBox } from '../../src/view/sublevelLayer';

/** Components of {v < level} by breadth-first flood fill, 4-connectivity; labels in scan order. */
function floodFill(values: Float32Array, nx: number, ny: number, level: number): Int32Array {
  const labels = new Int32Array(nx * ny).fill(-1);
  let next = 0;
  for (let start = 0; start < nx * ny; start++) {
    if (labels[start] !== -1 || !((values[start] ?? NaN) < level)) continue;
    const queue = [start];
    labels[start] = next;
    while (queue.length > 0) {
      const c = queue.pop() ?? 0;
      const x = c % nx;
      const y = Math.floor(c / nx);
      for (const [dx, dy] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ] as const) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= nx || yy >= ny) continue;
        const k = yy * nx + xx;
        if (labels[k] === -1 && (values[k] ?? NaN) < level) {
          labels[k] = next;
          queue.push(k);
        }
      }
    }
    next++;
  }
  return labels;
}

describe('non-square grids', () => {
  const nx = 11;
  const ny = 4;
  const alphas = Float32Array.from({ length: nx }, (_, i) => -1 + (2 * i) / (nx - 1));
  const betas = Float32Array.from({ length: ny }, (_, i) => -0.3 + (0.6 * i) / (ny - 1));
  const loss = new Float32Array(nx * ny);
  for (let iy = 0; iy < ny; iy++) for (let ix = 0; ix < nx; ix++) loss[iy * nx + ix] = Math.cos(5 * (alphas[ix] ?? 0)) + 0.3 * iy;
  loss[3] = Number.NaN;
  const grid = { gridSize: nx, ny, alphas, betas, loss };

  it('label components like a flood fill at every level, and merge in one tree', () => {
    const analysis = new SublevelAnalysis(grid);
    expect(analysis.rows).toBe(ny);
    for (const level of [-0.5, 0, 0.4, 0.9, 2]) {
      const got = analysis.label(level, 4);
      const want = floodFill(loss, nx, ny, level);
      // Same partition: a bijection between labels.
      const map = new Map<number, number>();
      for (let i = 0; i < nx * ny; i++) {
        const a = got.labels[i] ?? -1;
        const b = want[i] ?? -1;
        expect(a === -1).toBe(b === -1);
        if (a === -1) continue;
        if (!map.has(a)) map.set(a, b);
        expect(map.get(a)).toBe(b);
      }
      expect(got.components).toBe(new Set(Array.from(want).filter((v) => v >= 0)).size);
    }
    // The cos valleys at α ≈ ±0.63 are joined over the ridge at α = 0 (loss 1) in row 0.
    expect(analysis.mergeLevel({ ix: 2, iy: 0 }, { ix: 8, iy: 0 }, 4)).toBeCloseTo(1, 5);
  });

  it('resolve points by column and row bounds of their own', () => {
    expect(gridRows(grid)).toBe(ny);
    expect(gridRows({ gridSize: 5 })).toBe(5);
    expect(resolveGridPoint({ ix: 10, iy: 3 }, grid)).toBe(3 * nx + 10);
    expect(() => resolveGridPoint({ ix: 4, iy: 4 }, grid)).toThrow(/\[0, 11\) × \[0, 4\)/);
    expect(resolveGridPoint({ alpha: 1, beta: 0.3 }, grid)).toBe(nx * ny - 1);
    expect(() => resolveGridPoint(nx * ny, grid)).toThrow(RangeError);
  });

  it('place contour and marker points at their α, β in the box', () => {
    const frame = { alphas, betas, span: 1 };
    expect(gridToBox(0, 0, nx, ny, frame)).toEqual([-1, expect.closeTo(0.3, 6)]);
    const [x, z] = gridToBox(nx - 1, 1.5, nx, ny, frame);
    expect(x).toBeCloseTo(1, 6);
    expect(z).toBeCloseTo(0, 6);
    // Without a frame the old square layout is kept.
    expect(gridToBox(2, 2, 5, 5)).toEqual([0, 0]);
    const heights = Float32Array.from({ length: nx * ny }, (_, i) => Math.floor(i / nx) / (ny - 1));
    expect(gridHeight(heights, nx, 4.5, 2.5, ny)).toBeCloseTo(2.5 / 3, 6);
  });
});
