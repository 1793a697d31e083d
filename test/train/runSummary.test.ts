import { describe, expect, it } from 'vitest';
import { medianFinite, summarizeRun } from '../../src/train/runSummary';

describe('summarizeRun', () => {
  it('counts seeds at or below ε = ratio × median initial loss, never diverged ones', () => {
    const s = summarizeRun(
      {
        initialLosses: Float32Array.from([1, 1, 1, 1]),
        finalLosses: Float32Array.from([1e-5, 1e-3, Number.NaN, 1e-4]),
        diverged: Uint8Array.from([0, 0, 1, 0]),
      },
      1e-4,
    );
    expect(s.epsilon).toBeCloseTo(1e-4, 9);
    expect(s.success).toEqual([true, false, false, true]);
    expect(s.successes).toBe(2);
    expect(s.fraction).toBe(0.5);
    expect(s.divergedCount).toBe(1);
    expect(s.medianFinal).toBeCloseTo(1e-4, 9);
  });
  it('measures ε above the floor when inputs repeat', () => {
    const s = summarizeRun(
      { initialLosses: Float32Array.from([1.1, 1.1]), finalLosses: Float32Array.from([0.1, 0.2]), diverged: new Uint8Array(2) },
      1e-2,
      0.1,
    );
    expect(s.epsilon).toBeCloseTo(1e-2, 9);
    expect(s.success).toEqual([true, false]);
  });
  it('all diverged: no success, NaN median', () => {
    const s = summarizeRun(
      { initialLosses: Float32Array.from([1]), finalLosses: Float32Array.from([Number.NaN]), diverged: Uint8Array.from([1]) },
      1e-4,
    );
    expect(s.fraction).toBe(0);
    expect(Number.isNaN(s.medianFinal)).toBe(true);
  });
  it('medianFinite ignores non-finite values', () => {
    expect(medianFinite([3, Number.NaN, 1, Infinity, 2])).toBe(2);
    expect(medianFinite([4, 1])).toBe(2.5);
    expect(Number.isNaN(medianFinite([]))).toBe(true);
  });
});
