import { describe, expect, it } from 'vitest';
import { lossGridCpu } from '../../src/gpu/lossGrid.cpu';
import { initParams } from '../../src/model/init';
import { evaluate } from '../../src/model/network';
import { Rng } from '../../src/model/rng';
import type { MlpSpec } from '../../src/model/spec';
import { makeDataset } from '../../src/data/generators';
import { curvePlane, planeCoordinates, planeGridRequest } from '../../src/landscape/curvePlane';
import { initialCurve, pointOnPath, type Path } from '../../src/landscape/paths';

const rng = new Rng(5);
const P = 9;
const vec = (): Float32Array => Float32Array.from({ length: P }, () => rng.range(-1, 1));
const a = vec();
const b = vec();
const bend = vec();

function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] ?? 0) * (y[i] ?? 0);
  return s;
}

describe("Garipov's plane through A, θ_b and B", () => {
  const path: Path = { kind: 'bezier', a, b, bends: [bend] };
  const plane = curvePlane(path, { gridSize: 21 });
  const s = plane.scale;

  it('has an orthonormal basis u, v (directions are ‖B − A‖·u and ‖B − A‖·v)', () => {
    expect(s).toBeCloseTo(
      Math.sqrt(
        dot(
          Array.from(a, (v, i) => (b[i] ?? 0) - v),
          Array.from(a, (v, i) => (b[i] ?? 0) - v),
        ),
      ),
      5,
    );
    expect(dot(plane.directionX, plane.directionX) / (s * s)).toBeCloseTo(1, 5);
    expect(dot(plane.directionY, plane.directionY) / (s * s)).toBeCloseTo(1, 5);
    expect(dot(plane.directionX, plane.directionY) / (s * s)).toBeCloseTo(0, 5);
    expect(plane.vChosen).toBe(false);
  });

  it('puts A at (0, 0), B at (1, 0) and θ_b at (⟨θ_b − A, u⟩, ‖(θ_b − A)⊥‖)/‖B − A‖', () => {
    const u = Array.from(plane.directionX, (x) => x / s);
    const w = Array.from(bend, (x, i) => x - (a[i] ?? 0));
    const x = dot(w, u);
    const y = Math.sqrt(dot(w, w) - x * x);
    const [pb] = plane.bends;
    expect(pb?.x).toBeCloseTo(x / s, 5);
    expect(pb?.y).toBeCloseTo(y / s, 5);
    expect(pb?.offPlane).toBeCloseTo(0, 3);
    for (const [theta, want] of [
      [a, [0, 0]],
      [b, [1, 0]],
      [bend, [x / s, y / s]],
    ] as const) {
      const p = planeCoordinates(plane, theta);
      expect(p.x).toBeCloseTo(want[0], 5);
      expect(p.y).toBeCloseTo(want[1], 5);
      expect(p.offPlane).toBeLessThan(1e-3);
    }
    // The whole Bezier curve lies in the plane.
    for (const t of [0.2, 0.6]) expect(planeCoordinates(plane, pointOnPath(path, t)).offPlane).toBeLessThan(1e-3);
  });

  it('spans the three points with the margin (default 0.2, in units of ‖B − A‖)', () => {
    const [pb] = plane.bends;
    const xEnd = plane.alphaStart + 20 * plane.alphaStep;
    const yEnd = plane.betaStart + 20 * plane.betaStep;
    expect(plane.alphaStart).toBeCloseTo(Math.min(0, pb?.x ?? 0) - 0.2, 6);
    expect(xEnd).toBeCloseTo(Math.max(1, pb?.x ?? 0) + 0.2, 6);
    expect(plane.betaStart).toBeCloseTo(Math.min(0, pb?.y ?? 0) - 0.2, 6);
    expect(yEnd).toBeCloseTo(Math.max(0, pb?.y ?? 0) + 0.2, 6);
  });

  it('is a grid request whose point (α, β) is A + α·dX + β·dY: the loss at A matches', () => {
    const spec: MlpSpec = { inputs: 2, hidden: [4], outputs: 2, activation: 'tanh', loss: 'cross_entropy', bias: true };
    const data = makeDataset('moons', { samples: 20, classes: 2, noise: 0.1, seed: 1 }, 'cross_entropy');
    const pa = initParams(spec, 1);
    const pbv = initParams(spec, 2);
    const netPlane = curvePlane({ kind: 'bezier', a: pa, b: pbv, bends: [initParams(spec, 3)] }, { gridSize: 3, margin: 0 });
    // With no margin and a bend inside 0 ≤ x ≤ 1, grid corner (0, 0) is A and B is at x = 1, y = 0.
    const req = { ...planeGridRequest(netPlane, spec, data), gridSize: 2, alphaStart: 0, alphaStep: 1, betaStart: 0, betaStep: 1 };
    const grid = lossGridCpu(req);
    expect(grid.loss[0]).toBeCloseTo(evaluate(spec, pa, data).loss, 5);
    expect(grid.loss[1]).toBeCloseTo(evaluate(spec, pbv, data).loss, 4);
  });

  it('gives the off-plane distance of the other bends of a chain', () => {
    const second = vec();
    const chain: Path = { kind: 'chain', a, b, bends: [bend, second] };
    const p = curvePlane(chain);
    const q = p.bends[1];
    const w = Array.from(second, (x, i) => x - (a[i] ?? 0));
    const inPlane = ((q?.x ?? 0) ** 2 + (q?.y ?? 0) ** 2) * s * s;
    expect(q?.offPlane ?? 0).toBeGreaterThan(0.01);
    expect(((q?.offPlane ?? 0) * s) ** 2 + inPlane).toBeCloseTo(dot(w, w), 4);
  });

  it('chooses a seeded v ⊥ u when the bend lies on the line', () => {
    const p = curvePlane(initialCurve('bezier', a, b), { seed: 3 });
    expect(p.vChosen).toBe(true);
    expect(dot(p.directionX, p.directionY) / (s * s)).toBeCloseTo(0, 5);
    expect(p.bends[0]?.x).toBeCloseTo(0.5, 5);
    expect(p.bends[0]?.y).toBeCloseTo(0, 5);
    expect(() => curvePlane({ kind: 'line', a, b: a, bends: [] })).toThrow(/distinct/);
  });
});
