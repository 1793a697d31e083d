import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { symmetricEigen, trajectoryPlane } from '../../src/landscape/trajectory';
import { Rng } from '../../src/model/rng';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
};

describe('symmetric eigen-decomposition (Jacobi)', () => {
  it('A·v = λ·v for random symmetric matrices, eigenvalues descending, vectors orthonormal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 1e6 }), (n, seed) => {
        const rng = new Rng(seed);
        const m = new Float64Array(n * n);
        for (let i = 0; i < n; i++)
          for (let j = i; j < n; j++) {
            const v = rng.range(-1, 1);
            m[i * n + j] = v;
            m[j * n + i] = v;
          }
        const { values, vectors } = symmetricEigen(m, n);
        for (let k = 0; k < n; k++) {
          if (k > 0) expect(values[k]).toBeLessThanOrEqual((values[k - 1] ?? 0) + 1e-12);
          for (let r = 0; r < n; r++) {
            let av = 0;
            for (let c = 0; c < n; c++) av += (m[r * n + c] ?? 0) * (vectors[c * n + k] ?? 0);
            expect(Math.abs(av - (values[k] ?? 0) * (vectors[r * n + k] ?? 0))).toBeLessThan(1e-9);
          }
          for (let l = 0; l < n; l++) {
            let s = 0;
            for (let r = 0; r < n; r++) s += (vectors[r * n + k] ?? 0) * (vectors[r * n + l] ?? 0);
            expect(Math.abs(s - (k === l ? 1 : 0))).toBeLessThan(1e-9);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('trajectory plane (PCA of θ_t − θ_T)', () => {
  it('recovers a path that lies in a plane: orthonormal directions, exact distances, start at negative x', () => {
    const P = 50;
    const rng = new Rng(7);
    const u = Float64Array.from({ length: P }, () => rng.normal());
    const w = Float64Array.from({ length: P }, () => rng.normal());
    // Gram–Schmidt: u, v orthonormal.
    const nu = Math.sqrt(dot(u, u));
    for (let i = 0; i < P; i++) u[i] = (u[i] ?? 0) / nu;
    const proj = dot(w, u);
    const v = w.map((x, i) => x - proj * (u[i] ?? 0));
    const nv = Math.sqrt(dot(v, v));
    for (let i = 0; i < P; i++) v[i] = (v[i] ?? 0) / nv;
    const c = Float64Array.from({ length: P }, () => rng.normal());
    const ab = Array.from(
      { length: 30 },
      (_, t) => [3 * Math.exp(-t / 8) * Math.cos(t / 4), 2 * Math.exp(-t / 8) * Math.sin(t / 3)] as const,
    );
    const thetas = ab.map(([a, b]) => Float32Array.from(c, (ci, i) => ci + a * (u[i] ?? 0) + b * (v[i] ?? 0)));
    const plane = trajectoryPlane(thetas);
    expect(dot(plane.directionX, plane.directionX)).toBeCloseTo(1, 5);
    expect(dot(plane.directionY, plane.directionY)).toBeCloseTo(1, 5);
    expect(Math.abs(dot(plane.directionX, plane.directionY))).toBeLessThan(1e-5);
    // The directions lie in span{u, v}.
    for (const d of [plane.directionX, plane.directionY]) expect(dot(d, u) ** 2 + dot(d, v) ** 2).toBeCloseTo(1, 4);
    expect(plane.explained[0] + plane.explained[1]).toBeCloseTo(1, 5);
    expect(plane.explained[0]).toBeGreaterThanOrEqual(plane.explained[1]);
    // Distances between snapshots are kept exactly (the path is in the plane).
    const last = ab[ab.length - 1] ?? [0, 0];
    ab.forEach(([a, b], t) => {
      const p = plane.coords[t] ?? { x: NaN, y: NaN };
      expect(Math.hypot(p.x, p.y)).toBeCloseTo(Math.hypot(a - last[0], b - last[1]), 4);
    });
    expect(plane.coords.at(-1)?.x).toBeCloseTo(0, 6);
    expect(plane.coords[0]?.x ?? 1).toBeLessThanOrEqual(0);
    expect(plane.coords[0]?.y ?? 1).toBeLessThanOrEqual(0);
    expect(Array.from(plane.center)).toEqual(Array.from(thetas.at(-1) ?? []));
  });

  it('the first direction carries the most variance of a noisy path', () => {
    const rng = new Rng(3);
    const P = 40;
    const thetas = Array.from({ length: 25 }, (_, t) =>
      Float32Array.from({ length: P }, (_, i) => (i === 0 ? 10 - t : 0) + (i === 1 ? Math.sin(t) : 0) + 0.01 * rng.normal()),
    );
    const plane = trajectoryPlane(thetas);
    expect(Math.abs(plane.directionX[0] ?? 0)).toBeGreaterThan(0.99);
    expect(Math.abs(plane.directionY[1] ?? 0)).toBeGreaterThan(0.9);
    expect(plane.explained[0]).toBeGreaterThan(0.9);
  });

  it('says why a plane cannot be made', () => {
    const a = Float32Array.from([1, 2, 3]);
    expect(() => trajectoryPlane([a, a])).toThrow(/at least 3 snapshots/);
    expect(() => trajectoryPlane([a, a, a])).toThrow(/does not move/);
    const line = [0, 1, 2, 3].map((t) => Float32Array.from([t, 2 * t, 0]));
    expect(() => trajectoryPlane(line)).toThrow(/straight line/);
    expect(() => trajectoryPlane([a, Float32Array.from([1, 2]), a])).toThrow(/parameters/);
    expect(() => trajectoryPlane([a, Float32Array.from([1, NaN, 3]), Float32Array.from([0, 0, 1])])).toThrow(/not finite/);
  });
});
