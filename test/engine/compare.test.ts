/**
 * Compare mode's second surface in Node (CPU backend in-process): it equals the first surface of the
 * state with the same change, turning it on never recomputes the first surface, view-only changes
 * recompute neither, and each of its stages runs only when its own key changes.
 */
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../src/engine/cpuBackend';
import { CompareStage } from '../../src/engine/compare';
import { Engine, type PipelineResult } from '../../src/engine/pipeline';
import { AbortError } from '../../src/gpu/lossGrid.types';
import { defaultState, type AppState } from '../../src/state/appState';
import { clampState } from '../../src/state/urlCodec';

function small(partial: unknown = {}): AppState {
  const base = clampState(
    { data: { kind: 'moons', samples: 32 }, model: { hidden: [6] }, train: { steps: 30 }, plane: { gridSize: 9 } },
    defaultState(),
  ).state;
  const { state, ignored } = clampState(partial, base);
  expect(ignored).toEqual([]);
  return state;
}

const never = new AbortController().signal;
const quiet = (): void => undefined;

function setup(): { engine: Engine; stage: CompareStage } {
  const engine = new Engine({ gpu: null, cpu: () => cpuBackend() });
  return { engine, stage: new CompareStage(engine) };
}

async function first(engine: Engine, state: AppState): Promise<PipelineResult> {
  return engine.compute(state, never, quiet);
}

describe('CompareStage', () => {
  it('each kind gives the surface the first view would give for the changed state', async () => {
    const cases: [unknown, unknown][] = [
      ['fnorm', { plane: { filterNormalize: false } }],
      ['dirs:hessian', { plane: { directions: 'hessian' } }],
      ['dseed:5', null],
      ['tseed:5', null],
    ];
    for (const [compare, same] of cases) {
      const { engine, stage } = setup();
      const state = small({ view: { compare } });
      const left = await first(engine, state);
      const right = await stage.compute(state, left, never, quiet);
      expect(right.surface.gridSize).toBe(9);
      expect(Array.from(right.surface.loss)).not.toEqual(Array.from(left.surface.loss));
      if (same !== null) {
        const other = await first(new Engine({ gpu: null, cpu: () => cpuBackend() }), small(same));
        expect(Array.from(right.surface.loss)).toEqual(Array.from(other.surface.loss));
      }
    }
  }, 60_000);

  it('another direction seed keeps θ₀; another training seed keeps the data and the direction seed', async () => {
    const { engine, stage } = setup();
    const dseed = small({ view: { compare: 'dseed:5' } });
    const left = await first(engine, dseed);
    const right = await stage.compute(dseed, left, never, quiet);
    expect(right.theta).toBe(left.theta);
    expect(Array.from(right.plane.directionX)).not.toEqual(Array.from(left.plane.directionX));
    expect(stage.runs.train).toBe(0);

    const tseed = small({ view: { compare: 'tseed:5' } });
    const trained = await stage.compute(tseed, await first(engine, tseed), never, quiet);
    expect(stage.runs.train).toBe(1);
    expect(Array.from(trained.theta)).not.toEqual(Array.from(left.theta));
    // θ₀ of seed 5 trained on the first view's data: the same as the engine's trainFrom on seed 5's start.
    const again = await engine.trainFrom(left.model, left.model.initialTheta(5), tseed.train, never, quiet);
    expect(Array.from(trained.theta)).toEqual(Array.from(again.value.theta));
    expect(Array.from(trained.surface.loss).every(Number.isFinite)).toBe(true);
  }, 60_000);

  it('turning it on never recomputes the first surface; view changes recompute neither; a span change only the surfaces', async () => {
    const { engine, stage } = setup();
    const off = small();
    const left = await first(engine, off);
    const runs = { ...engine.runs };
    const on = clampState({ view: { compare: 'dirs:hessian' } }, off).state;
    // The app keeps the first result when only view fields change: the engine would serve it from its caches.
    expect(await first(engine, on)).toBeDefined();
    expect(engine.runs).toEqual(runs);
    const right = await stage.compute(on, left, never, quiet);
    expect(stage.runs).toEqual({ train: 0, plane: 1, surface: 1 });
    const viewOnly = clampState({ view: { colormap: 'magma', logScale: false }, camera: { azimuth: 90 } }, on).state;
    expect(stage.current(viewOnly, left)).toBe(right);
    expect(await stage.compute(viewOnly, left, never, quiet)).toBe(right);
    expect(stage.runs).toEqual({ train: 0, plane: 1, surface: 1 });
    expect(engine.runs).toEqual(runs);

    const wider = clampState({ plane: { span: 2 } }, on).state;
    const left2 = await first(engine, wider);
    expect(engine.runs.train).toBe(runs.train);
    await stage.compute(wider, left2, never, quiet);
    expect(stage.runs).toEqual({ train: 0, plane: 1, surface: 2 });
    expect(stage.keyOf(off, left)).toBeNull();
  }, 60_000);

  it('a cancelled second surface rejects with AbortError and the next call resumes it', async () => {
    const { engine, stage } = setup();
    const state = small({ view: { compare: 'fnorm' }, plane: { gridSize: 33 } });
    const left = await first(engine, state);
    const controller = new AbortController();
    let pictures = 0;
    const stopped = stage.compute(state, left, controller.signal, quiet, () => {
      pictures++;
      controller.abort();
    });
    await expect(stopped).rejects.toBeInstanceOf(AbortError);
    expect(pictures).toBe(1);
    const right = await stage.compute(state, left, never, quiet);
    expect(right.surface.gridSize).toBe(33);
    expect(stage.runs.surface).toBe(1);
  }, 60_000);
});
