import { describe, expect, it } from 'vitest';
import { lossScale } from '../../src/view/heights';
import { formatTick, logTicks, lossTicks, niceStep, niceTicks } from '../../src/view/ticks';

describe('niceTicks', () => {
  it('gives round, evenly spaced values inside the range', () => {
    expect(niceTicks(-1, 1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-0.05, 0.05, 4)).toEqual([-0.05, -0.025, 0, 0.025, 0.05]);
    expect(niceTicks(0.13, 0.87, 4)).toEqual([0.2, 0.4, 0.6, 0.8]);
  });

  it('never shows float drift', () => {
    for (const t of niceTicks(0.1, 0.7, 6)) expect(String(t).length).toBeLessThanOrEqual(4);
  });

  it('handles reversed, empty and non-finite ranges', () => {
    expect(niceTicks(1, -1, 4)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(3, 3, 4)).toEqual([3]);
    expect(niceTicks(0, Infinity, 4)).toEqual([]);
  });

  it('finds at least two ticks in a short awkward range', () => {
    expect(niceTicks(1.01, 1.19, 4).length).toBeGreaterThanOrEqual(2);
  });

  it('uses 1, 2, 2.5, 5 steps', () => {
    expect(niceStep(1, 4)).toBe(0.25);
    expect(niceStep(7, 5)).toBe(2);
    expect(niceStep(300, 4)).toBe(100);
  });
});

describe('logTicks', () => {
  it('gives powers of ten over many decades, thinned to the count', () => {
    expect(logTicks(1e-3, 10, 5)).toEqual([0.001, 0.01, 0.1, 1, 10]);
    const wide = logTicks(1e-9, 1e3, 5);
    expect(wide.length).toBeLessThanOrEqual(5);
    expect(wide).toContain(1);
  });

  it('adds 2 and 5 within a decade or two', () => {
    expect(logTicks(0.15, 3, 5)).toEqual([0.2, 0.5, 1, 2]);
  });
});

describe('formatTick', () => {
  it('writes a typographic minus and the decimals the step needs', () => {
    expect(formatTick(-0.5, 0.25)).toBe('\u22120.5');
    expect(formatTick(0.75, 0.25)).toBe('0.75');
    expect(formatTick(2, 0.5)).toBe('2');
    expect(formatTick(0)).toBe('0');
  });

  it('uses exponents for very small or large values', () => {
    expect(formatTick(1e-4)).toBe('1e-4');
    expect(formatTick(-1e-4)).toBe('\u22121e-4');
    expect(formatTick(2.5e6)).toBe('2.5e6');
  });
});

describe('lossTicks', () => {
  it('places linear ticks where the surface puts those losses', () => {
    const scale = lossScale({ logScale: false, zClip: 0, min: 0, max: 2 });
    const ticks = lossTicks(scale, 4);
    expect(ticks.map((t) => t.label)).toEqual(['0', '0.5', '1', '1.5', '2']);
    expect(ticks.map((t) => t.unit)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('places log ticks at log positions and stops at the clip', () => {
    const scale = lossScale({ logScale: true, zClip: 10, min: 0.001, max: 1000 });
    const ticks = lossTicks(scale, 5);
    expect(ticks.map((t) => t.value)).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(ticks.at(-1)?.unit).toBeCloseTo(1, 9);
    // Upper decades are evenly spaced on the axis.
    const gap = (i: number): number => (ticks[i + 1]?.unit ?? 0) - (ticks[i]?.unit ?? 0);
    expect(gap(3)).toBeCloseTo(gap(2), 2);
  });
});
