import { describe, expect, it } from 'vitest';
import { bandCentre, linearScale, logDomain, logScale } from '../../src/view/chartScale';
import { markPosition } from '../../src/view/sweepChart';

describe('chart scales', () => {
  it('linear and log scales map their bounds to the pixel ends (y grows downwards)', () => {
    const lin = linearScale(0, 1, 200, 20);
    expect(lin.at(0)).toBe(200);
    expect(lin.at(1)).toBe(20);
    expect(lin.at(0.5)).toBe(110);
    const log = logScale(1e-6, 1, 200, 20);
    expect(log.at(1e-6)).toBeCloseTo(200, 9);
    expect(log.at(1)).toBeCloseTo(20, 9);
    expect(log.at(1e-3)).toBeCloseTo(110, 9);
    expect(log.at(0)).toBeCloseTo(200, 9);
    expect(() => logScale(0, 1, 0, 1)).toThrow();
  });
  it('logDomain spans whole decades around the finite values, with zeros on the floor', () => {
    expect(logDomain([3e-5, 0.2, Number.NaN, Infinity])).toEqual([1e-5, 1]);
    expect(logDomain([0.5])).toEqual([0.1, 1]);
    const [lo] = logDomain([0, 1]) ?? [0];
    expect(lo).toBeCloseTo(1e-16, 30);
    expect(logDomain([Number.NaN])).toBeNull();
  });
  it('bands and the n₁ = m mark', () => {
    expect(bandCentre(0, 4, 0, 400)).toBe(50);
    expect(bandCentre(3, 4, 0, 400)).toBe(350);
    expect(markPosition([1, 2, 8, 10], 8, 0, 400)).toBe(250);
    // m between two widths: interpolated between their bands.
    expect(markPosition([1, 4, 16], 10, 0, 300)).toBeCloseTo(150 + 100 * 0.5, 9);
    expect(markPosition([1, 2], 40, 0, 200)).toBe(200);
  });
});
