import { describe, expect, it } from 'vitest';
import { singleLinkage } from '../../src/landscape/singleLinkage';

const at = (m: readonly (readonly number[])[], i: number, j: number): number => m[i]?.[j] ?? Number.NaN;

describe('singleLinkage', () => {
  it('orders two well separated groups together and gives minimax merge levels', () => {
    // Items 0, 2, 4 are close (a chain 0–2 at 0.1, 2–4 at 0.2); 1, 3 are close (0.05); the groups join at 0.9 (2–3).
    const far = 5;
    const d = [
      [0, far, 0.1, far, 0.7],
      [far, 0, far, 0.05, far],
      [0.1, far, 0, 0.9, 0.2],
      [far, 0.05, 0.9, 0, far],
      [0.7, far, 0.2, far, 0],
    ];
    const r = singleLinkage(d);
    expect([...r.order].sort()).toEqual([0, 1, 2, 3, 4]);
    const pos = (i: number): number => r.order.indexOf(i);
    const groupA = [0, 2, 4].map(pos).sort((a, b) => a - b);
    expect((groupA[2] ?? 0) - (groupA[0] ?? 0)).toBe(2);
    expect(Math.abs(pos(1) - pos(3))).toBe(1);
    // 0 and 4 merge through 2 at 0.2, not at their own 0.7.
    expect(r.merge[0]?.[4]).toBe(0.2);
    expect(r.merge[4]?.[0]).toBe(0.2);
    expect(r.merge[1]?.[3]).toBe(0.05);
    expect(r.merge[0]?.[3]).toBe(0.9);
    for (let i = 0; i < 5; i++) expect(r.merge[i]?.[i]).toBe(0);
    expect(r.steps.map((s) => s.level)).toEqual([0.05, 0.1, 0.2, 0.9]);
  });

  it('keeps a pair that never joins at Infinity and handles one item', () => {
    const r = singleLinkage([
      [0, Number.NaN],
      [Number.NaN, 0],
    ]);
    expect(r.merge[0]?.[1]).toBe(Infinity);
    expect(r.order).toHaveLength(2);
    expect(singleLinkage([[0]]).order).toEqual([0]);
    expect(singleLinkage([]).order).toEqual([]);
  });

  it('merge levels are ≤ the distances and ultrametric on random matrices', () => {
    let s = 7;
    const rand = (): number => (s = (s * 16807) % 2147483647) / 2147483647;
    const K = 7;
    const d = Array.from({ length: K }, () => new Array<number>(K).fill(0));
    for (let i = 0; i < K; i++)
      for (let j = i + 1; j < K; j++) {
        const v = rand();
        (d[i] ?? [])[j] = v;
        (d[j] ?? [])[i] = v;
      }
    const { merge } = singleLinkage(d);
    for (let i = 0; i < K; i++)
      for (let j = 0; j < K; j++) {
        expect(at(merge, i, j)).toBeLessThanOrEqual(at(d, i, j));
        for (let k = 0; k < K; k++) expect(at(merge, i, j)).toBeLessThanOrEqual(Math.max(at(merge, i, k), at(merge, k, j)));
      }
  });
});
