import { describe, expect, it } from 'vitest';
import { bilinearAt, offPlaneDistance } from '../../src/landscape/honestPath';

describe('offPlaneDistance', () => {
  const center = [1, 2, 3, 4];
  const dx = [2, 0, 0, 0];
  const dy = [1, 1, 0, 0];
  it('is 0 for points in the plane and the normal part otherwise', () => {
    const inPlane = center.map((c, i) => c + 0.3 * (dx[i] ?? 0) - 1.7 * (dy[i] ?? 0));
    expect(offPlaneDistance(inPlane, center, dx, dy)).toBeLessThan(1e-7);
    const off = inPlane.map((v, i) => v + (i === 2 ? 3 : i === 3 ? -4 : 0));
    expect(offPlaneDistance(off, center, dx, dy)).toBeCloseTo(5, 10);
  });
  it('refuses parallel directions', () => {
    expect(() => offPlaneDistance(center, center, dx, [4, 0, 0, 0])).toThrow(/parallel/);
  });
});

describe('bilinearAt', () => {
  it('is exact for a bilinear function and NaN outside the grid', () => {
    const n = 5;
    const span = 2;
    const f = (x: number, y: number): number => 1 + 2 * x - 3 * y + 0.5 * x * y;
    const values = new Float64Array(n * n);
    for (let iy = 0; iy < n; iy++) for (let ix = 0; ix < n; ix++) values[iy * n + ix] = f(-span + ix, -span + iy);
    for (const [x, y] of [
      [0.3, -1.2],
      [-2, 2],
      [2, -2],
      [1.99, 0.01],
    ] as const)
      expect(bilinearAt(values, n, span, x, y)).toBeCloseTo(f(x, y), 10);
    expect(bilinearAt(values, n, span, 2.5, 0)).toBeNaN();
  });
});
