/** A long grid asks before it goes on: the plan hook, stopping at a coarse level, resuming without recomputing. */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/engine/backend';
import { cpuBackend } from '../../src/engine/cpuBackend';
import { Engine, type GridPlanRequest, type PipelineResult } from '../../src/engine/pipeline';
import { AbortError } from '../../src/gpu/lossGrid.types';
import { defaultState, type AppState } from '../../src/state/appState';
import { clampState } from '../../src/state/urlCodec';

function counting(): Backend & { points: number } {
  const inner = cpuBackend();
  const out = {
    ...inner,
    points: 0,
    lossGrid: (...args: Parameters<Backend['lossGrid']>) => {
      const p = args[1];
      const n = p.gridSize * (p.rows ?? p.gridSize);
      if (n > 1) out.points += n;
      return inner.lossGrid(...args);
    },
  };
  return out;
}

function state(gridSize: number): AppState {
  return clampState(
    { data: { kind: 'moons', samples: 24 }, model: { hidden: [5] }, train: { steps: 20 }, plane: { gridSize } },
    defaultState(),
  ).state;
}

const never = new AbortController().signal;
const quiet = (): void => undefined;

describe('a grid that asks before it goes on', () => {
  it('asks once, after the first picture, with every level ahead and its estimated time', async () => {
    const cpu = counting();
    const engine = new Engine({ gpu: null, cpu: () => cpu });
    const asked: GridPlanRequest[] = [];
    const final = await engine.compute(state(65), never, quiet, undefined, {
      plan: (request) => {
        asked.push(request);
        return Promise.resolve(request.ahead.length);
      },
    });
    expect(asked).toHaveLength(1);
    const q = asked[0];
    expect(q?.shownSize).toBe(17);
    expect(q?.finalSize).toBe(65);
    expect(q?.ahead.map((l) => l.size)).toEqual([33, 65]);
    expect(q?.backend).toBe('cpu');
    // The 17² level was measured: every level ahead has a time, and the finer one (3× the new points of 33²) takes longer.
    const [a, b] = q?.ahead ?? [];
    expect(a?.seconds).toBeGreaterThan(0);
    expect(b?.seconds ?? 0).toBeGreaterThan(a?.seconds ?? Infinity);
    expect(final.surface.gridSize).toBe(65);
    expect(final.surface.refining).toBeUndefined();
    expect(cpu.points).toBe(65 * 65);
    expect(engine.rates.rate('cpu', 'grid')).toBeGreaterThan(0);
  });

  it('stops at the level asked for, keeps it, and the same state resumes there without computing a point twice', async () => {
    const cpu = counting();
    const engine = new Engine({ gpu: null, cpu: () => cpu });
    const pictures: number[] = [];
    const stopped = await engine.compute(state(65), never, quiet, (p) => pictures.push(p.surface.gridSize), {
      plan: () => Promise.resolve(1),
    });
    expect(stopped.surface.gridSize).toBe(33);
    expect(stopped.surface.refining?.finalSize).toBe(65);
    expect(pictures).toEqual([17, 33]);
    expect(cpu.points).toBe(33 * 33);
    const resumedPictures: PipelineResult[] = [];
    const resumed = await engine.compute(state(65), never, quiet, (p) => resumedPictures.push(p));
    expect(resumedPictures.map((p) => p.surface.gridSize)).toEqual([33]);
    expect(resumed.surface.gridSize).toBe(65);
    expect(resumed.surface.refining).toBeUndefined();
    expect(cpu.points).toBe(65 * 65);
    // The stopped level's values are the final grid's at the shared points.
    expect(Object.is(stopped.surface.loss[33 + 1], resumed.surface.loss[2 * 65 + 2])).toBe(true);
  });

  it('answering 0 keeps the first picture; a job aborted while asking rejects with AbortError', async () => {
    const engine = new Engine({ gpu: null, cpu: cpuBackend });
    const first = await engine.compute(state(65), never, quiet, undefined, { plan: () => Promise.resolve(0) });
    expect(first.surface.gridSize).toBe(17);
    const other = new Engine({ gpu: null, cpu: cpuBackend });
    const controller = new AbortController();
    const job = other.compute(state(65), controller.signal, quiet, undefined, {
      plan: () => {
        controller.abort();
        return Promise.resolve(2);
      },
    });
    await expect(job).rejects.toBeInstanceOf(AbortError);
  });

  it('a grid of a single level never asks', async () => {
    const engine = new Engine({ gpu: null, cpu: cpuBackend });
    let asked = 0;
    await engine.compute(state(17), never, quiet, undefined, {
      plan: () => {
        asked++;
        return Promise.resolve(0);
      },
    });
    expect(asked).toBe(0);
  });
});
