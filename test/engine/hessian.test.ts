import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/cpuBackend';
import { Engine, stageKeys } from '../../src/engine/pipeline';
import { EIGEN_ONLY } from '../../src/landscape/hessian';
import { defaultState, type AppState } from '../../src/state/appState';
import { clampState, decodeState, encodeState } from '../../src/state/urlCodec';

const never = new AbortController().signal;
const quiet = (): void => undefined;

function state(partial: unknown): AppState {
  return clampState(partial, defaultState()).state;
}

describe('curvature planes in the engine (CPU backend)', () => {
  it('u·v·x with dirs=hessian: the plane of v_max = (1, −1)/√2 and v_min = (1, 1)/√2, eigenvalues ±2·mean(x²)', async () => {
    const engine = new Engine({ gpu: null, cpu: () => cpuBackend() });
    const uvx = state({ data: { kind: 'uvx', samples: 16, noise: 0 }, plane: { span: 2, gridSize: 9, directions: 'hessian' } });
    const r = await engine.compute(uvx, never, quiet);
    const x = r.data.x;
    const c = Array.from(x).reduce((s, v) => s + v * v, 0) / x.length;
    const axes = engine.curvatureOf(r.plane);
    if (axes === null) throw new Error('no curvature axes for a Hessian plane');
    expect(axes.x.eigenvalue).toBeCloseTo(2 * c, 8);
    expect(axes.y.eigenvalue).toBeCloseTo(-2 * c, 8);
    const s = Math.SQRT1_2;
    expect(Array.from(r.plane.directionX).map((v) => Math.abs(v))).toEqual([expect.closeTo(s, 6), expect.closeTo(s, 6)]);
    expect((r.plane.directionX[0] ?? 0) * (r.plane.directionX[1] ?? 0)).toBeLessThan(0);
    expect((r.plane.directionY[0] ?? 0) * (r.plane.directionY[1] ?? 0)).toBeGreaterThan(0);
    // Along v_min the loss falls from the saddle: the centre row's ends are below the centre.
    const g = r.surface.gridSize;
    const centre = r.surface.loss[((g - 1) / 2) * g + (g - 1) / 2] ?? Number.NaN;
    expect(r.surface.loss[(g - 1) / 2] ?? Number.NaN).toBeLessThan(centre);
    expect(r.surface.loss[((g - 1) / 2) * g] ?? Number.NaN).toBeGreaterThan(centre);
    engine.dispose();
  });

  it('the plane key names the directions: switching recomputes the plane, not θ₀; the Hessian is kept per θ₀', async () => {
    const engine = new Engine({ gpu: null, cpu: () => cpuBackend() });
    const base = { data: { kind: 'moons', samples: 24 }, model: { hidden: [4] }, train: { steps: 20 }, plane: { gridSize: 5 } };
    const random = state(base);
    const hessian = state({ ...base, plane: { gridSize: 5, directions: 'hessian' } });
    expect(stageKeys(random, null).plane).not.toBe(stageKeys(hessian, null).plane);
    expect(stageKeys(random, null).train).toBe(stageKeys(hessian, null).train);
    const a = await engine.compute(random, never, quiet);
    const b = await engine.compute(hessian, never, quiet);
    expect(engine.runs.train).toBe(1);
    expect(engine.runs.plane).toBe(2);
    expect(engine.curvatureOf(a.plane)).toBeNull();
    const axes = engine.curvatureOf(b.plane);
    expect(axes?.x.name).toBe('v_max');
    const norm = Math.hypot(...Array.from(b.plane.directionX));
    expect(norm).toBeCloseTo(1, 5);
    // The same job again comes from the cache (same object).
    const again = await engine.hessian(b.model, b.theta, { ...EIGEN_ONLY, seed: hessian.seed }, never);
    expect(again.value).toBe(axes?.hessian);
    const top = await engine.compute(state({ ...base, plane: { gridSize: 5, directions: 'hessian-top' } }), never, quiet);
    expect(engine.curvatureOf(top.plane)?.y.name).toBe('v₂');
    expect(engine.curvatureOf(top.plane)?.y.eigenvalue).toBeLessThanOrEqual(axes?.x.eigenvalue ?? Number.NaN);
    engine.dispose();
  });

  it('dirs round-trips through the link and a bad value keeps the base with a notice', () => {
    const s = state({ plane: { directions: 'hessian' } });
    expect(encodeState(s)).toContain('dirs=hessian');
    expect(decodeState(encodeState(s)).state.plane.directions).toBe('hessian');
    const bad = decodeState('dirs=eigen');
    expect(bad.state.plane.directions).toBe('random');
    expect(bad.ignored.join(' ')).toContain('directions "eigen" is not one of random, hessian, hessian-top');
  });

  it('a cancelled Hessian job rejects with an AbortError', async () => {
    const engine = new Engine({ gpu: null, cpu: () => cpuBackend() });
    const r = await engine.compute(
      state({ data: { kind: 'moons', samples: 16 }, model: { hidden: [3] }, train: { steps: 5 }, plane: { gridSize: 3 } }),
      never,
      quiet,
    );
    const ctl = new AbortController();
    const job = engine.hessian(r.model, r.theta, { ...EIGEN_ONLY, iterations: 30 }, ctl.signal, (f) => {
      if (f > 0.1) ctl.abort();
    });
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    engine.dispose();
  });
});
