/** Coarse-to-fine surfaces in the engine: every level drawn, nothing computed twice, resumable. */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/engine/backend';
import { cpuBackend } from '../../src/engine/cpuBackend';
import { Engine, type PipelineResult } from '../../src/engine/pipeline';
import { AbortError } from '../../src/gpu/lossGrid.types';
import { defaultState, type AppState } from '../../src/state/appState';
import { clampState } from '../../src/state/urlCodec';

/** A CPU backend that counts the grid points it evaluates (the 1-point centre evaluation apart). */
function counting(): Backend & { points: number; calls: number } {
  const inner = cpuBackend();
  const out = {
    ...inner,
    points: 0,
    calls: 0,
    lossGrid: (...args: Parameters<Backend['lossGrid']>) => {
      const points = args[1];
      const n = points.gridSize * (points.rows ?? points.gridSize);
      if (n > 1) {
        out.points += n;
        out.calls++;
      }
      return inner.lossGrid(...args);
    },
  };
  return out;
}

function state(partial: unknown): AppState {
  const base = clampState({ data: { kind: 'moons', samples: 24 }, model: { hidden: [5] }, train: { steps: 20 } }, defaultState()).state;
  return clampState(partial, base).state;
}

const never = new AbortController().signal;
const quiet = (): void => undefined;

describe('coarse to fine', () => {
  it('draws 17², 33², 65² in order, evaluates exactly the final grid’s points, and shares them bitwise', async () => {
    const cpu = counting();
    const engine = new Engine({ gpu: null, cpu: () => cpu });
    const pictures: PipelineResult[] = [];
    const final = await engine.compute(state({ plane: { gridSize: 65 } }), never, quiet, (p) => pictures.push(p));
    expect(pictures.map((p) => p.surface.gridSize)).toEqual([17, 33]);
    expect(pictures.every((p) => p.surface.refining?.finalSize === 65 && !p.surface.refining.approximate)).toBe(true);
    expect(final.surface.gridSize).toBe(65);
    expect(final.surface.refining).toBeUndefined();
    expect(cpu.points).toBe(65 * 65);
    for (const p of pictures) {
      const n = p.surface.gridSize;
      const stride = 64 / (n - 1);
      for (let iy = 0; iy < n; iy++) {
        for (let ix = 0; ix < n; ix++) {
          expect(Object.is(p.surface.loss[iy * n + ix], final.surface.loss[iy * stride * 65 + ix * stride])).toBe(true);
        }
      }
      // Coordinates agree too: a coarse level's α, β are the final grid's at the shared points.
      expect(p.surface.alphas[1]).toBeCloseTo(final.surface.alphas[stride] ?? NaN, 6);
    }
    expect(final.timeline.map((t) => t.gridSize)).toEqual([17, 33, 65]);
    expect(final.timeline.every((t, i, all) => i === 0 || t.ms >= (all[i - 1]?.ms ?? 0))).toBe(true);
  });

  it('gives the same grid as a single pass (to float rounding of the coordinates)', async () => {
    const s = state({ plane: { gridSize: 33 } });
    const progressive = await new Engine({ gpu: null, cpu: () => cpuBackend() }).compute(s, never, quiet);
    // A 33² grid in one pass: ask for it as a strip of the plane directly.
    const engine = new Engine({ gpu: null, cpu: () => cpuBackend() });
    const { model } = engine.dataFor(s);
    const single = await cpuBackend().lossGrid(
      model,
      {
        center: progressive.plane.center,
        directionX: progressive.plane.directionX,
        directionY: progressive.plane.directionY,
        gridSize: 33,
        alphaStart: -1,
        alphaStep: 2 / 32,
        betaStart: -1,
        betaStep: 2 / 32,
      },
      { signal: never },
    );
    progressive.surface.loss.forEach((v, i) => {
      expect(Math.abs(v - (single.loss[i] ?? NaN))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v)));
    });
  });

  it('a job cancelled after its first picture resumes at the next level: still no point computed twice', async () => {
    const cpu = counting();
    const engine = new Engine({ gpu: null, cpu: () => cpu });
    const s = state({ plane: { gridSize: 65 } });
    const controller = new AbortController();
    const first = engine.compute(s, controller.signal, quiet, () => controller.abort());
    await expect(first).rejects.toBeInstanceOf(AbortError);
    const drawnFirst = cpu.points;
    expect(drawnFirst).toBeLessThan(65 * 65);
    const shown: number[] = [];
    const again = await engine.compute(s, never, quiet, (p) => shown.push(p.surface.gridSize));
    // The level reached before is shown at once, then the rest.
    expect(shown[0]).toBe(17);
    expect(again.surface.gridSize).toBe(65);
    expect(cpu.points).toBe(65 * 65);
  });

  it('large data: the first picture is a seeded subsample, marked approximate, then the full data', async () => {
    const cpu = counting();
    const engine = new Engine({ gpu: null, cpu: () => cpu });
    const pictures: PipelineResult[] = [];
    const s = state({ data: { kind: 'moons', samples: 5000 }, model: { hidden: [3] }, train: { steps: 2 }, plane: { gridSize: 33 } });
    const final = await engine.compute(s, never, quiet, (p) => pictures.push(p));
    expect(pictures[0]?.surface.refining).toEqual({ finalSize: 33, approximate: true });
    expect(pictures[0]?.surface.gridSize).toBe(17);
    expect(final.timeline[0]).toMatchObject({ gridSize: 17, samples: 1024 });
    expect(final.timeline[final.timeline.length - 1]).toMatchObject({ gridSize: 33, samples: 5000 });
    // The subsample's picture is extra work on top of the final grid (17² points on 1,024 samples).
    expect(cpu.points).toBe(33 * 33 + 17 * 17);
  });

  it('a view-only change after a finished refinement draws the cached final grid at once', async () => {
    const engine = new Engine({ gpu: null, cpu: () => cpuBackend() });
    await engine.compute(state({ plane: { gridSize: 33 } }), never, quiet);
    const pictures: number[] = [];
    const again = await engine.compute(state({ plane: { gridSize: 33 }, view: { colormap: 'magma' } }), never, quiet, (p) =>
      pictures.push(p.surface.gridSize),
    );
    expect(pictures).toEqual([]);
    expect(again.timeline.map((t) => t.gridSize)).toEqual([33]);
  });
});

describe('watching θ₀ train (GPU)', async () => {
  const { nodeGpu } = await import('../gpu/nodeGpu');
  const { gpuBackend } = await import('../../src/engine/gpuBackend');
  const gpu = await nodeGpu();

  it('draws coarse surfaces around the iterate while θ₀ trains, and θ₀ is bitwise the same without them', async () => {
    const s = state({ train: { steps: 300 }, plane: { gridSize: 17 } });
    const watched: PipelineResult[] = [];
    const backend = gpuBackend(gpu);
    const withPictures = await new Engine({ gpu: backend, cpu: () => cpuBackend() }).compute(s, never, quiet, (p) => watched.push(p));
    const training = watched.filter((p) => p.surface.refining?.training !== undefined);
    expect(training.length).toBeGreaterThanOrEqual(1);
    const steps = training.map((p) => p.surface.refining?.training?.step ?? 0);
    expect(steps.every((step, i) => step > 0 && step < 300 && (i === 0 || step > (steps[i - 1] ?? 0)))).toBe(true);
    expect(training.every((p) => p.surface.gridSize === 17 && p.surface.loss.every((v) => Number.isFinite(v)))).toBe(true);
    const without = await new Engine({ gpu: gpuBackend(gpu), cpu: () => cpuBackend() }).compute(
      state({ train: { steps: 300 }, plane: { gridSize: 17 }, view: { watchTraining: false } }),
      never,
      quiet,
      () => undefined,
    );
    expect(Array.from(without.theta)).toEqual(Array.from(withPictures.theta));
    backend.dispose();
  });
});
