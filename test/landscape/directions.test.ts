import { describe, expect, it } from 'vitest';
import { randomDirection } from '../../src/landscape/directions';
import { initParams } from '../../src/model/init';
import { paramLayout } from '../../src/model/spec';
import type { MlpSpec } from '../../src/model/spec';

const spec: MlpSpec = { inputs: 2, hidden: [8, 5, 4], outputs: 3, activation: 'tanh', loss: 'cross_entropy', bias: true };
const theta0 = initParams(spec, 11);

function norm(a: ArrayLike<number>, start: number, len: number): number {
  let s = 0;
  for (let k = start; k < start + len; k++) s += (a[k] ?? 0) ** 2;
  return Math.sqrt(s);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);
}

describe('randomDirection', () => {
  it('has one entry per parameter', () => {
    const d = randomDirection(spec, theta0, 1, { filterNormalize: true, keepBias: false });
    expect(d).toBeInstanceOf(Float32Array);
    expect(d.length).toBe(paramLayout(spec).size);
    expect(Array.from(d).every(Number.isFinite)).toBe(true);
  });

  it('filter normalisation: every row of every weight matrix has the norm of θ₀’s row', () => {
    const layout = paramLayout(spec);
    for (const seed of [1, 2, 3]) {
      const d = randomDirection(spec, theta0, seed, { filterNormalize: true, keepBias: false });
      let rowsChecked = 0;
      for (const seg of layout.segments) {
        if (seg.kind !== 'weight') continue;
        const [rows = 0, cols = 0] = seg.shape;
        for (let r = 0; r < rows; r++) {
          const start = seg.offset + r * cols;
          const want = norm(theta0, start, cols);
          expect(want).toBeGreaterThan(0);
          expect(relErr(norm(d, start, cols), want)).toBeLessThan(1e-5);
          rowsChecked++;
        }
      }
      expect(rowsChecked).toBe(8 + 5 + 4 + 3);
    }
  });

  it('bias components are zero unless keepBias', () => {
    const layout = paramLayout(spec);
    for (const filterNormalize of [true, false]) {
      const d = randomDirection(spec, theta0, 4, { filterNormalize, keepBias: false });
      for (const seg of layout.segments) {
        const len = seg.shape.reduce((a, b) => a * b, 1);
        const part = Array.from(d.subarray(seg.offset, seg.offset + len));
        if (seg.kind === 'bias') expect(part.every((v) => v === 0)).toBe(true);
        else expect(part.some((v) => v !== 0)).toBe(true);
      }
    }
  });

  it('with keepBias each bias vector is normalised to θ₀’s bias norm', () => {
    const layout = paramLayout(spec);
    const d = randomDirection(spec, theta0, 5, { filterNormalize: true, keepBias: true });
    let biases = 0;
    for (const seg of layout.segments) {
      if (seg.kind !== 'bias') continue;
      const len = seg.shape[0] ?? 0;
      const want = norm(theta0, seg.offset, len);
      expect(want).toBeGreaterThan(0);
      expect(relErr(norm(d, seg.offset, len), want)).toBeLessThan(1e-5);
      biases++;
    }
    expect(biases).toBe(4);
  });

  it('with keepBias and no normalisation the bias components are raw nonzero Gaussians', () => {
    const layout = paramLayout(spec);
    const d = randomDirection(spec, theta0, 5, { filterNormalize: false, keepBias: true });
    for (const seg of layout.segments) {
      if (seg.kind !== 'bias') continue;
      const part = Array.from(d.subarray(seg.offset, seg.offset + (seg.shape[0] ?? 0)));
      expect(part.every((v) => v !== 0 && Math.abs(v) < 6)).toBe(true);
    }
  });

  it('a zero row of θ₀ gives a zero row of the direction (no NaN)', () => {
    const t = Float32Array.from(theta0);
    const seg = paramLayout(spec).segments[0];
    expect(seg?.kind).toBe('weight');
    const cols = seg?.shape[1] ?? 0;
    t.fill(0, 0, cols); // first row of layers.0.weight
    const d = randomDirection(spec, t, 6, { filterNormalize: true, keepBias: false });
    expect(Array.from(d.subarray(0, cols))).toEqual(new Array<number>(cols).fill(0));
    expect(Array.from(d).every(Number.isFinite)).toBe(true);
    expect(norm(d, cols, cols)).toBeGreaterThan(0);
  });

  it('scales with θ₀: doubling θ₀ doubles the filter-normalised direction', () => {
    const t2 = Float32Array.from(theta0, (v) => 2 * v);
    const a = randomDirection(spec, theta0, 7, { filterNormalize: true, keepBias: true });
    const b = randomDirection(spec, t2, 7, { filterNormalize: true, keepBias: true });
    const worst = Array.from(a).reduce((w, v, i) => Math.max(w, Math.abs(2 * v - (b[i] ?? NaN))), 0);
    expect(worst).toBeLessThan(1e-5);
  });

  it('is deterministic per seed and differs between seeds', () => {
    for (const opts of [
      { filterNormalize: true, keepBias: false },
      { filterNormalize: false, keepBias: true },
    ]) {
      const a = randomDirection(spec, theta0, 42, opts);
      const b = randomDirection(spec, theta0, 42, opts);
      expect(Array.from(a)).toEqual(Array.from(b));
      const c = randomDirection(spec, theta0, 43, opts);
      expect(Array.from(a)).not.toEqual(Array.from(c));
    }
  });

  it('does not modify θ₀', () => {
    const copy = Float32Array.from(theta0);
    randomDirection(spec, theta0, 8, { filterNormalize: true, keepBias: true });
    expect(Array.from(theta0)).toEqual(Array.from(copy));
  });

  it('different seeds give near-orthogonal directions in a large net', () => {
    const big: MlpSpec = { inputs: 64, hidden: [128, 128], outputs: 1, activation: 'relu', loss: 'mse', bias: true };
    const t = initParams(big, 1);
    const layout = paramLayout(big);
    // With filter normalisation row r of the direction is ‖θ₀,r‖ · (a uniform unit vector in
    // R^cols), so for two independent directions Var(d₁·d₂) = Σ_r ‖θ₀,r‖⁴ / cols_r and
    // ‖d‖² = Σ_r ‖θ₀,r‖². (A 2-input first layer would dominate this; hence 64 inputs.)
    let varDot = 0;
    let sq = 0;
    for (const seg of layout.segments) {
      if (seg.kind !== 'weight') continue;
      const [rows = 0, cols = 0] = seg.shape;
      for (let r = 0; r < rows; r++) {
        const n2 = norm(t, seg.offset + r * cols, cols) ** 2;
        varDot += (n2 * n2) / cols;
        sq += n2;
      }
    }
    const sdCos = Math.sqrt(varDot) / sq;
    expect(sdCos).toBeLessThan(0.01);
    const dirs = [1, 2, 3, 4].map((s) => randomDirection(big, t, s, { filterNormalize: true, keepBias: false }));
    for (let i = 0; i < dirs.length; i++) {
      for (let j = i + 1; j < dirs.length; j++) {
        const a = dirs[i] ?? new Float32Array(0);
        const b = dirs[j] ?? new Float32Array(0);
        const cos = dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
        expect(Math.abs(cos)).toBeLessThan(5 * sdCos);
      }
    }
  });

  it('without filter normalisation the entries are standard normal, independent of θ₀', () => {
    const big: MlpSpec = { inputs: 4, hidden: [200, 200], outputs: 2, activation: 'tanh', loss: 'mse', bias: false };
    const t = initParams(big, 2);
    const d = randomDirection(big, t, 9, { filterNormalize: false, keepBias: false });
    const n = d.length;
    expect(n).toBeGreaterThan(40_000);
    let s = 0;
    let s2 = 0;
    let beyond2 = 0;
    for (const v of d) {
      s += v;
      s2 += v * v;
      if (Math.abs(v) > 2) beyond2++;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.006);
    // θ₀ plays no part without normalisation.
    const other = randomDirection(
      big,
      Float32Array.from(t, (v) => 10 * v + 1),
      9,
      { filterNormalize: false, keepBias: false },
    );
    expect(Array.from(other)).toEqual(Array.from(d));
  });
});
