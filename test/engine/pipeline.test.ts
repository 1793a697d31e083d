/**
 * The engine's rules, in Node: which state changes reach which stage, cancellation between GPU
 * dispatches, and the GPU → CPU fallback with its notice. The CPU backend runs in-process; the GPU
 * backend is Dawn over SwiftShader (test/gpu/nodeGpu.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../../src/engine/backend';
import { cpuBackend } from '../../src/engine/cpuBackend';
import { gpuBackend } from '../../src/engine/gpuBackend';
import { Engine, type PipelineResult } from '../../src/engine/pipeline';
import { JobScheduler } from '../../src/engine/scheduler';
import { AbortError } from '../../src/gpu/lossGrid.types';
import { defaultState, type AppState } from '../../src/state/appState';
import { clampState } from '../../src/state/urlCodec';
import { nodeGpu } from '../gpu/nodeGpu';

type Counted = Backend & { readonly calls: Record<string, number> };

/** A backend that counts the jobs it is given (and can be made to fail like a broken GPU). */
function counting(inner: Backend, as?: { kind: 'webgpu'; label: string; failGrid?: string }): Counted {
  const calls: Record<string, number> = { lossGrid: 0, trainCenter: 0, trainSeeds: 0, lossAt: 0, evaluatePaths: 0, trainCurve: 0 };
  const count = (name: string): void => {
    calls[name] = (calls[name] ?? 0) + 1;
  };
  return {
    kind: as?.kind ?? inner.kind,
    label: as?.label ?? inner.label,
    calls,
    lossGrid: (...args) => {
      count('lossGrid');
      return as?.failGrid !== undefined ? Promise.reject(new Error(as.failGrid)) : inner.lossGrid(...args);
    },
    lossAt: (...args) => (count('lossAt'), inner.lossAt(...args)),
    evaluatePaths: (...args) => (count('evaluatePaths'), inner.evaluatePaths(...args)),
    trainCenter: (...args) => (count('trainCenter'), inner.trainCenter(...args)),
    trainSeeds: (...args) => (count('trainSeeds'), inner.trainSeeds(...args)),
    trainCurve: (...args) => (count('trainCurve'), inner.trainCurve(...args)),
    hessianVectorProducts: (...args) => (count('hessianVectorProducts'), inner.hessianVectorProducts(...args)),
    dispose: () => inner.dispose(),
  };
}

function small(partial: unknown = {}): AppState {
  const base = clampState(
    { data: { kind: 'moons', samples: 32 }, model: { hidden: [6] }, train: { steps: 30 }, plane: { gridSize: 9 } },
    defaultState(),
  ).state;
  return clampState(partial, base).state;
}

const never = new AbortController().signal;
const quiet = (): void => undefined;

function cpuEngine(): { engine: Engine; cpu: Counted[] } {
  const cpu: Counted[] = [];
  const engine = new Engine({
    gpu: null,
    cpu: () => {
      const made = counting(cpuBackend());
      cpu.push(made);
      return made;
    },
  });
  return { engine, cpu };
}

const total = (backends: readonly Counted[], name: string): number => backends.reduce((n, b) => n + (b.calls[name] ?? 0), 0);

describe('engine stages', () => {
  it('a colormap, camera, water-level or isoline change never retrains or recomputes', async () => {
    const { engine, cpu } = cpuEngine();
    const first = await engine.compute(small(), never, quiet);
    const runs = { ...engine.runs };
    const jobs = { grid: total(cpu, 'lossGrid'), train: total(cpu, 'trainCenter') };
    expect(jobs.train).toBe(1);
    const viewOnly = [
      { view: { colormap: 'magma' } },
      { view: { logScale: false, zClip: 3 } },
      { camera: { azimuth: -120, elevation: 10, distance: 4 } },
      { sublevel: { level: 0.3, water: false, contours: 24, connectivity: 8 } },
    ];
    for (const change of viewOnly) {
      const again: PipelineResult = await engine.compute(small(change), never, quiet);
      expect(again.surface).toBe(first.surface);
    }
    expect(engine.runs).toEqual(runs);
    expect({ grid: total(cpu, 'lossGrid'), train: total(cpu, 'trainCenter') }).toEqual(jobs);
  });

  it('a span or grid-size change recomputes the surface and never retrains', async () => {
    const { engine, cpu } = cpuEngine();
    const first = await engine.compute(small(), never, quiet);
    const wider = await engine.compute(small({ plane: { span: 2.5 } }), never, quiet);
    expect(total(cpu, 'trainCenter')).toBe(1);
    expect(engine.runs.train).toBe(1);
    expect(engine.runs.surface).toBe(2);
    expect(wider.theta).toBe(first.theta);
    expect(wider.surface.span).toBe(2.5);
    expect(wider.surface.loss).not.toEqual(first.surface.loss);
    await engine.compute(small({ plane: { span: 2.5, gridSize: 11 } }), never, quiet);
    expect(engine.runs).toMatchObject({ train: 1, surface: 3 });
  });

  it('filter normalisation redoes the plane and the surface, not θ₀', async () => {
    const { engine } = cpuEngine();
    await engine.compute(small(), never, quiet);
    await engine.compute(small({ plane: { filterNormalize: false } }), never, quiet);
    expect(engine.runs).toMatchObject({ data: 1, train: 1, plane: 2, surface: 2 });
  });

  it('a data or seed change retrains', async () => {
    const { engine, cpu } = cpuEngine();
    const first = await engine.compute(small(), never, quiet);
    const moreData = await engine.compute(small({ data: { samples: 40 } }), never, quiet);
    expect(engine.runs).toMatchObject({ data: 2, train: 2 });
    expect(moreData.data.m).toBe(40);
    const otherSeed = await engine.compute(small({ data: { samples: 40 }, seed: 7 }), never, quiet);
    expect(engine.runs).toMatchObject({ data: 3, train: 3 });
    expect(total(cpu, 'trainCenter')).toBe(3);
    expect(otherSeed.theta).not.toEqual(moreData.theta);
    // Going back to the first state trains again (the cache holds one state per stage).
    const back = await engine.compute(small(), never, quiet);
    expect(back.theta).toEqual(first.theta);
    expect(engine.runs.train).toBe(4);
  });

  it('a training change retrains but keeps the data', async () => {
    const { engine } = cpuEngine();
    await engine.compute(small(), never, quiet);
    await engine.compute(small({ train: { steps: 31 } }), never, quiet);
    expect(engine.runs).toMatchObject({ data: 1, train: 2 });
  });
});

describe('engine on the GPU', async () => {
  const gpu = await nodeGpu();
  const backends: Backend[] = [];
  afterAll(() => {
    for (const b of backends) b.dispose();
  });

  it('a newer request cancels an older one between dispatches', async () => {
    const gpuSide = gpuBackend(gpu);
    backends.push(gpuSide);
    const engine = new Engine({ gpu: gpuSide, cpu: () => cpuBackend() });
    // Big enough for many dispatches on SwiftShader: the older job must stop part-way.
    const big = small({ data: { samples: 256 }, model: { hidden: [32, 32] }, plane: { gridSize: 129 } });
    const scheduler = new JobScheduler();
    const fractions: number[] = [];
    let older: Promise<PipelineResult> | null = null;
    let started: () => void = () => undefined;
    const firstDispatch = new Promise<void>((resolve) => {
      started = resolve;
    });
    void scheduler.start(async (signal) => {
      older = engine.compute(big, signal, (stage, fraction) => {
        if (stage !== 'grid') return;
        fractions.push(fraction);
        if (fraction > 0) started();
      });
      await older;
    });
    await firstDispatch;
    let newer: PipelineResult | null = null;
    const done = scheduler.start(async (signal) => {
      newer = await engine.compute(small({ plane: { gridSize: 9 } }), signal, quiet);
    });
    await expect(older).rejects.toBeInstanceOf(AbortError);
    await done;
    expect(Math.max(...fractions)).toBeLessThan(1);
    expect(newer).not.toBeNull();
    expect((newer as PipelineResult | null)?.surface.gridSize).toBe(9);
  });

  it('the GPU and the CPU backends compute the same surface (relative 1e-4)', async () => {
    const gpuSide = gpuBackend(gpu);
    backends.push(gpuSide);
    const onGpu = await new Engine({ gpu: gpuSide, cpu: () => cpuBackend() }).compute(small({ train: { steps: 0 } }), never, quiet);
    const onCpu = await cpuEngine().engine.compute(small({ train: { steps: 0 } }), never, quiet);
    expect(onGpu.surface.device).toBe('webgpu');
    expect(onCpu.surface.device).toBe('cpu');
    onCpu.surface.loss.forEach((v, i) => {
      expect(Math.abs((onGpu.surface.loss[i] ?? NaN) - v)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(v)));
    });
  });

  it('a failing GPU job falls back to the CPU with a notice, and the result is the CPU one', async () => {
    const broken = counting(gpuBackend(gpu), { kind: 'webgpu', label: 'broken adapter', failGrid: 'shader module failed to compile' });
    backends.push(broken);
    const engine = new Engine({ gpu: broken, cpu: () => cpuBackend() });
    const r = await engine.compute(small(), never, quiet);
    expect(broken.calls.lossGrid).toBeGreaterThan(0);
    expect(r.surface.device).toBe('cpu');
    expect(r.surface.adapter).toBe('CPU reference');
    expect(r.warnings.join(' ')).toMatch(
      /The GPU kernel failed \(shader module failed to compile\); this surface was computed by the CPU reference instead/,
    );
    expect(r.surface.max).toBeGreaterThan(r.surface.min);
    // θ₀ was still trained on the GPU (only the grid failed), so no training notice.
    expect(r.warnings.join(' ')).not.toMatch(/training failed/);
  });

  it('a cancelled GPU job is not a failure: no fallback, no notice', async () => {
    const gpuSide = gpuBackend(gpu);
    backends.push(gpuSide);
    const cpu = counting(cpuBackend());
    const engine = new Engine({ gpu: gpuSide, cpu: () => cpu });
    const controller = new AbortController();
    controller.abort();
    await expect(engine.compute(small(), controller.signal, quiet)).rejects.toBeInstanceOf(AbortError);
    expect(cpu.calls.trainCenter).toBe(0);
    expect(cpu.calls.lossGrid).toBe(0);
  });
});
