import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed } from '../../src/model/rng';

function draws(seed: number, n: number): number[] {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => r.nextU32());
}

describe('Rng', () => {
  it('is deterministic per seed', () => {
    expect(draws(42, 50)).toEqual(draws(42, 50));
    const a = new Rng(7);
    const b = new Rng(7);
    for (let i = 0; i < 100; i++) expect(a.normal()).toBe(b.normal());
  });

  it('different seeds give different streams', () => {
    const seeds = [0, 1, 2, 3, 42, 0xffffffff, 123456789];
    const streams = seeds.map((s) => draws(s, 8).join(','));
    expect(new Set(streams).size).toBe(seeds.length);
    // Neighbouring seeds share essentially no values in the first 1000 draws.
    const a = new Set(draws(1, 1000));
    const shared = draws(2, 1000).filter((v) => a.has(v)).length;
    expect(shared).toBeLessThan(3);
  });

  it('seed 0 does not give a stuck all-zero state', () => {
    const d = draws(0, 20);
    expect(new Set(d).size).toBeGreaterThan(15);
  });

  it('nextU32 is an unsigned 32-bit integer', () => {
    const bad = draws(99, 10000).filter((v) => !(Number.isInteger(v) && v >= 0 && v < 2 ** 32));
    expect(bad).toEqual([]);
  });

  it('uniform is in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = new Rng(2024);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let lo = Infinity;
    let hi = -Infinity;
    const bins = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      const b = Math.floor(u * 10);
      bins[b] = (bins[b] ?? 0) + 1;
    }
    expect(outside).toBe(0);
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // std error of the mean: sqrt(1/12/n) ≈ 9e-4; allow ~5σ.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    expect(lo).toBeLessThan(1e-3);
    expect(hi).toBeGreaterThan(1 - 1e-3);
    // Each decile holds 10 000 ± ~95 (1σ); allow 6σ.
    for (const c of bins) expect(Math.abs(c - n / 10)).toBeLessThan(600);
  });

  it('range and int stay in bounds', () => {
    const r = new Rng(5);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < 7000; i++) {
      const x = r.range(-2, 3);
      expect(x).toBeGreaterThanOrEqual(-2);
      expect(x).toBeLessThan(3);
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it('normal has mean 0, variance 1, symmetric tails over 1e5 draws', () => {
    const r = new Rng(31337);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    let beyond2 = 0;
    let nonFinite = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      if (!Number.isFinite(z)) nonFinite++;
      s += z;
      s2 += z * z;
      s4 += z ** 4;
      if (Math.abs(z) > 2) beyond2++;
    }
    expect(nonFinite).toBe(0);
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // σ_mean ≈ 0.0032, σ_var ≈ sqrt(2/n) ≈ 0.0045; allow ~5σ.
    expect(Math.abs(mean)).toBeLessThan(0.016);
    expect(Math.abs(variance - 1)).toBeLessThan(0.025);
    // Kurtosis E[z⁴] = 3 for a Gaussian (σ ≈ sqrt(96/n) ≈ 0.031).
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.16);
    // P(|z| > 2) = 0.0455.
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.004);
  });

  it('fork gives a child stream independent of the parent', () => {
    const parent = new Rng(10);
    const c1 = parent.fork(1);
    const parent2 = new Rng(10);
    const c1b = parent2.fork(1);
    expect(c1.nextU32()).toBe(c1b.nextU32());
    const c2 = new Rng(10).fork(2);
    expect(new Rng(10).fork(1).nextU32()).not.toBe(c2.nextU32());
  });
});

describe('deriveSeed', () => {
  it('is deterministic and unsigned 32-bit', () => {
    expect(deriveSeed(42, 'init')).toBe(deriveSeed(42, 'init'));
    for (const s of [0, 1, 42, 0xffffffff]) {
      const v = deriveSeed(s, 'data.spiral');
      expect(Number.isInteger(v) && v >= 0 && v < 2 ** 32).toBe(true);
    }
  });

  it('differs per purpose and per seed', () => {
    const purposes = ['init', 'data.spiral', 'data.moons', 'direction.x', 'direction.y', ''];
    const vals = purposes.map((p) => deriveSeed(42, p));
    expect(new Set(vals).size).toBe(purposes.length);
    const seeds = [0, 1, 2, 3, 100, 12345];
    expect(new Set(seeds.map((s) => deriveSeed(s, 'init'))).size).toBe(seeds.length);
  });

  it('derived streams differ from each other', () => {
    const a = draws(deriveSeed(1, 'direction.x'), 10);
    const b = draws(deriveSeed(1, 'direction.y'), 10);
    expect(a).not.toEqual(b);
  });
});
