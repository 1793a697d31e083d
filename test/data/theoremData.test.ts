import { describe, expect, it } from 'vitest';
import { floorLoss, makeTheoremData } from '../../src/data/theoremData';

function rows(x: Float32Array, m: number): Set<string> {
  return new Set(Array.from({ length: m }, (_, i) => `${x[2 * i]},${x[2 * i + 1]}`));
}

describe('makeTheoremData', () => {
  it('gives m distinct 2-D inputs in [−1, 1] and floor 0', () => {
    const d = makeTheoremData({ m: 8, loss: 'mse', duplicated: false, seed: 2 });
    expect(d.m).toBe(8);
    expect(rows(d.x, 8).size).toBe(8);
    expect(Array.from(d.x).every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(floorLoss(d, 'mse')).toBe(0);
  });
  it('duplicated: half the inputs repeat, and the floor is the within-group variance', () => {
    const d = makeTheoremData({ m: 8, loss: 'mse', duplicated: true, seed: 2 });
    expect(rows(d.x, 8).size).toBe(4);
    let want = 0;
    for (let i = 0; i < 4; i++) want += ((d.y[i] ?? 0) - (d.y[i + 4] ?? 0)) ** 2 / 2;
    expect(floorLoss(d, 'mse')).toBeCloseTo(want / 8, 12);
  });
  it('classification targets are 0/1; conflicting duplicates give a floor of log 2 per pair', () => {
    const d = makeTheoremData({ m: 6, loss: 'bce', duplicated: true, seed: 5 });
    expect(Array.from(d.y).every((v) => v === 0 || v === 1)).toBe(true);
    expect(floorLoss(d, 'bce')).toBeCloseTo(Math.log(2), 12);
    expect(makeTheoremData({ m: 6, loss: 'bce', duplicated: true, seed: 5 }).x).toEqual(d.x);
  });
});
