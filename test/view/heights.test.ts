import { describe, expect, it } from 'vitest';
import { interpolateGrid, lossScale, surfaceHeights } from '../../src/view/heights';

const linear = { logScale: false, zClip: 0, min: 1, max: 3 };

describe('surfaceHeights', () => {
  it('maps min to 0 and max to 1 linearly, colours with the same numbers', () => {
    const { heights, colorT, nonFiniteMask } = surfaceHeights(new Float32Array([1, 2, 3, 1.5]), linear);
    expect(Array.from(heights)).toEqual([0, 0.5, 1, 0.25]);
    expect(Array.from(colorT)).toEqual(Array.from(heights));
    expect(Array.from(nonFiniteMask)).toEqual([0, 0, 0, 0]);
  });

  it('clips values above zClip flat at the top', () => {
    const { heights, colorT } = surfaceHeights(new Float32Array([1, 1.5, 2, 2.5, 3]), { ...linear, zClip: 2 });
    expect(Array.from(heights)).toEqual([0, 0.5, 1, 1, 1]);
    expect(Array.from(colorT)).toEqual([0, 0.5, 1, 1, 1]);
  });

  it('lets zClip above the maximum flatten the surface into a taller box', () => {
    const { heights } = surfaceHeights(new Float32Array([1, 3]), { ...linear, zClip: 5 });
    expect(Array.from(heights)).toEqual([0, 0.5]);
  });

  it('puts NaN and ±Inf at the top, flagged, and never writes NaN', () => {
    const loss = new Float32Array([1, NaN, Infinity, -Infinity, 2]);
    for (const logScale of [false, true]) {
      const { heights, colorT, nonFiniteMask } = surfaceHeights(loss, { ...linear, logScale });
      expect(Array.from(nonFiniteMask)).toEqual([0, 1, 1, 1, 0]);
      expect(heights[1]).toBe(1);
      expect(heights[2]).toBe(1);
      expect(heights[3]).toBe(1);
      expect(colorT[1]).toBe(1);
      for (const v of [...heights, ...colorT]) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('on log scale spaces decades evenly', () => {
    const options = { logScale: true, zClip: 0, min: 0.01, max: 100 };
    const { heights } = surfaceHeights(new Float32Array([0.01, 0.1, 1, 10, 100]), options);
    // ε = 1e-6 · range ≈ 1e-4 barely touches the bottom decade.
    expect(heights[0]).toBe(0);
    expect(heights[4]).toBeCloseTo(1, 6);
    const top = (heights[4] ?? 0) - (heights[3] ?? 0);
    const next = (heights[3] ?? 0) - (heights[2] ?? 0);
    expect(Math.abs(top - next)).toBeLessThan(0.02);
    for (let i = 1; i < 5; i++) expect((heights[i] ?? 0) - (heights[i - 1] ?? 0)).toBeCloseTo(0.25, 2);
  });

  it('on log scale keeps a loss of exactly zero finite and at the bottom', () => {
    const { heights } = surfaceHeights(new Float32Array([0, 0.5, 1]), { logScale: true, zClip: 0, min: 0, max: 1 });
    expect(heights[0]).toBe(0);
    expect(heights[2]).toBeCloseTo(1, 6);
    // Log emphasises the valley: half the loss sits far above half the height.
    expect(heights[1] ?? 0).toBeGreaterThan(0.85);
  });

  it('draws a constant surface at mid height', () => {
    const { heights } = surfaceHeights(new Float32Array([2, 2, 2]), { logScale: false, zClip: 0, min: 2, max: 2 });
    expect(Array.from(heights)).toEqual([0.5, 0.5, 0.5]);
  });

  it('clamps values below min (a stale min) to the bottom', () => {
    const { heights } = surfaceHeights(new Float32Array([0, 5]), linear);
    expect(Array.from(heights)).toEqual([0, 1]);
  });
});

describe('lossScale', () => {
  for (const logScale of [false, true]) {
    it(`fromUnit inverts toUnit (${logScale ? 'log' : 'linear'})`, () => {
      const scale = lossScale({ logScale, zClip: 0, min: 0.003, max: 42 });
      for (const loss of [0.003, 0.02, 1, 7.5, 42]) {
        expect(scale.fromUnit(scale.toUnit(loss))).toBeCloseTo(loss, 6);
      }
      expect(scale.toUnit(0.003)).toBeCloseTo(0, 9);
      expect(scale.toUnit(42)).toBeCloseTo(1, 9);
    });
  }

  it('reports the clip as the top of the box', () => {
    expect(lossScale({ logScale: false, zClip: 2, min: 1, max: 9 }).top).toBe(2);
    expect(lossScale({ logScale: false, zClip: 0, min: 1, max: 9 }).top).toBe(9);
  });
});

describe('interpolateGrid', () => {
  const coords = new Float32Array([-1, 0, 1]);
  // field = 10·ix + iy at grid points, index iy*3 + ix: bilinear reproduces it exactly.
  const field = new Float32Array(9).map((_, i) => 10 * (i % 3) + Math.floor(i / 3));

  it('hits grid points exactly and interpolates between them', () => {
    expect(interpolateGrid(field, coords, coords, 0, 0)).toBeCloseTo(11, 9);
    expect(interpolateGrid(field, coords, coords, 0.5, -0.5)).toBeCloseTo(15 + 0.5, 9);
    expect(interpolateGrid(field, coords, coords, 1, 1)).toBeCloseTo(22, 9);
  });

  it('holds the edge value outside the grid', () => {
    expect(interpolateGrid(field, coords, coords, -5, -5)).toBeCloseTo(0, 9);
    expect(interpolateGrid(field, coords, coords, 5, 0)).toBeCloseTo(21, 9);
  });
});
