import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/model/rng';
import {
  bendDerivatives,
  evenTs,
  initialCurve,
  pathCoefficients,
  pathLength,
  pointOnPath,
  pointsOnPath,
  straightLine,
  type Path,
} from '../../src/landscape/paths';

function randomVector(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.range(-2, 2));
}

const rng = new Rng(11);
const P = 7;
const a = randomVector(rng, P);
const b = randomVector(rng, P);
const bezier: Path = { kind: 'bezier', a, b, bends: [randomVector(rng, P)] };
const chains: Path[] = [1, 2, 3].map((n) => ({ kind: 'chain', a, b, bends: Array.from({ length: n }, () => randomVector(rng, P)) }));

function close(x: ArrayLike<number>, y: ArrayLike<number>, tol: number): void {
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) expect(Math.abs((x[i] ?? 0) - (y[i] ?? 0))).toBeLessThanOrEqual(tol);
}

describe('paths between two minima', () => {
  it('every path starts at A and ends at B', () => {
    for (const path of [straightLine(a, b), bezier, ...chains]) {
      close(pointOnPath(path, 0), a, 1e-6);
      close(pointOnPath(path, 1), b, 1e-6);
    }
  });

  it('the Bezier curve is (1−t)²A + 2t(1−t)θ_b + t²B', () => {
    const bend = bezier.bends[0] ?? new Float32Array(P);
    for (const t of [0.1, 0.37, 0.5, 0.9]) {
      const want = Array.from(a, (v, i) => (1 - t) ** 2 * v + 2 * t * (1 - t) * (bend[i] ?? 0) + t * t * (b[i] ?? 0));
      close(pointOnPath(bezier, t), want, 1e-5);
    }
  });

  it('a chain passes through its bends at the knots t = j/(n+1) and is straight between them', () => {
    for (const chain of chains) {
      const n = chain.bends.length;
      chain.bends.forEach((bend, j) => close(pointOnPath(chain, (j + 1) / (n + 1)), bend, 1e-5));
      const mid = pointOnPath(chain, 0.5 / (n + 1));
      close(
        mid,
        Array.from(a, (v, i) => 0.5 * v + 0.5 * (chain.bends[0]?.[i] ?? 0)),
        1e-5,
      );
    }
  });

  it('coefficients sum to one (the path is an affine combination of its points)', () => {
    for (const [kind, n] of [
      ['line', 0],
      ['bezier', 1],
      ['chain', 1],
      ['chain', 3],
    ] as const) {
      for (const t of [0, 0.2, 0.5, 0.77, 1]) expect(pathCoefficients(kind, n, t).reduce((s, c) => s + c, 0)).toBeCloseTo(1, 12);
    }
  });

  it('derivatives with respect to the bends match finite differences', () => {
    const h = 1e-3;
    for (const path of [bezier, ...chains]) {
      for (const t of [0.13, 0.5, 0.71]) {
        const analytic = bendDerivatives(path, t);
        path.bends.forEach((_, j) => {
          for (const p of [0, 3, P - 1]) {
            const plus = {
              ...path,
              bends: path.bends.map((x, k) => (k === j ? Float32Array.from(x, (v, i) => (i === p ? v + h : v)) : x)),
            };
            const minus = {
              ...path,
              bends: path.bends.map((x, k) => (k === j ? Float32Array.from(x, (v, i) => (i === p ? v - h : v)) : x)),
            };
            const fd = ((pointOnPath(plus, t)[p] ?? 0) - (pointOnPath(minus, t)[p] ?? 0)) / (2 * h);
            expect(fd).toBeCloseTo(analytic[j] ?? Number.NaN, 2);
            // Other coordinates do not move: ∂φ/∂bend is a multiple of the identity.
            const other = (p + 1) % P;
            expect(Math.abs((pointOnPath(plus, t)[other] ?? 0) - (pointOnPath(minus, t)[other] ?? 0))).toBeLessThan(1e-6);
          }
        });
      }
    }
    expect(bendDerivatives(bezier, 0.3)[0]).toBeCloseTo(2 * 0.3 * 0.7, 12);
  });

  it('curves start on the straight line', () => {
    const line = straightLine(a, b);
    for (const path of [initialCurve('bezier', a, b), initialCurve('chain', a, b, 3)]) {
      for (const t of [0.1, 0.4, 0.8]) close(pointOnPath(path, t), pointOnPath(line, t), 1e-5);
    }
    const ab = Math.hypot(...Array.from(a, (v, i) => (b[i] ?? 0) - v));
    expect(pathLength(line)).toBeCloseTo(ab, 4);
  });

  it('stacks points K × P and spaces t evenly', () => {
    const ts = evenTs(61);
    expect(ts[0]).toBe(0);
    expect(ts[60]).toBe(1);
    expect(ts[30]).toBeCloseTo(0.5, 12);
    const stacked = pointsOnPath(bezier, [0.25, 0.75]);
    close(stacked.subarray(P, 2 * P), pointOnPath(bezier, 0.75), 0);
  });

  it('rejects malformed paths', () => {
    expect(() => straightLine(a, new Float32Array(P + 1))).toThrow(/parameters/);
    expect(() => initialCurve('bezier', a, b, 2)).toThrow(/exactly one bend/);
    expect(() => evenTs(1)).toThrow(/two/);
  });
});
