import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lossScale } from '../../src/view/heights';
import { AUTO_POSITION, contourLevels, levelToPosition, positionToLevel, resolveLevel } from '../../src/view/waterLevel';

describe('water-level slider', () => {
  it('maps the ends to the surface minimum and maximum, linear or log', () => {
    for (const log of [false, true]) {
      const range = { min: 0.01, max: 10, log };
      expect(positionToLevel(0, range)).toBe(0.01);
      expect(positionToLevel(1, range)).toBe(10);
      expect(levelToPosition(0.01, range)).toBeCloseTo(0, 12);
      expect(levelToPosition(10, range)).toBeCloseTo(1, 12);
      expect(levelToPosition(1e6, range)).toBe(1);
      expect(levelToPosition(-5, range)).toBe(0);
    }
    expect(positionToLevel(0.5, { min: 0, max: 10, log: false })).toBeCloseTo(5, 12);
    // Log: the middle of 0.01..10 is near their geometric mean.
    expect(positionToLevel(0.5, { min: 0.01, max: 10, log: true })).toBeCloseTo(Math.sqrt(0.1), 3);
  });

  it('level → position → level round-trips inside the range (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        (min, width, p, log) => {
          const range = { min, max: min + width, log };
          const level = positionToLevel(p, range);
          expect(level).toBeGreaterThanOrEqual(range.min);
          expect(level).toBeLessThanOrEqual(range.max);
          expect(positionToLevel(levelToPosition(level, range), range)).toBeCloseTo(
            level,
            6 - Math.max(0, Math.ceil(Math.log10(range.max))),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('junk positions and the "auto" level resolve to something inside the range', () => {
    const range = { min: 1, max: 100, log: true };
    expect(positionToLevel(Number.NaN, range)).toBe(1);
    expect(positionToLevel(7, range)).toBe(100);
    expect(levelToPosition(Number.NaN, range)).toBe(0);
    expect(resolveLevel(0, range)).toBeCloseTo(positionToLevel(AUTO_POSITION, range), 12);
    expect(resolveLevel(3.5, range)).toBe(3.5);
  });

  it('isolines are evenly spaced in the scale, strictly inside it', () => {
    const linear = lossScale({ logScale: false, zClip: 0, min: 0, max: 10 });
    expect(contourLevels(linear, 4).map((v) => Number(v.toFixed(9)))).toEqual([2, 4, 6, 8]);
    const log = lossScale({ logScale: true, zClip: 0, min: 0.01, max: 100 });
    const levels = contourLevels(log, 3);
    expect(levels).toHaveLength(3);
    const units = levels.map((v) => log.toUnit(v));
    units.forEach((u, k) => expect(u).toBeCloseTo((k + 1) / 4, 9));
    expect(contourLevels(linear, 0)).toEqual([]);
    expect(contourLevels(lossScale({ logScale: false, zClip: 0, min: 2, max: 2 }), 5)).toEqual([]);
  });
});
