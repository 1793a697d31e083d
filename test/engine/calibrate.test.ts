/**
 * Picking the fastest grid engine (src/engine/calibrate.ts): rates → choice per workload size, the
 * calibration kept per adapter, candidates that throw or give other numbers skipped with a notice and
 * never used, and the engine's routing of grids (eng=auto, gpu, cpu). In Node: the "GPU" here is the CPU
 * backend under a GPU's name (the routing is what is tested, not a kernel).
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/engine/backend';
import {
  calibrate,
  calibrationKey,
  calibrationWorkloads,
  CALIBRATION_VERSION,
  engineChoices,
  estimateRate,
  loadCalibration,
  pickEngine,
  saveCalibration,
  workloadSize,
  type Calibration,
  type CalibrationStorage,
  type Candidate,
} from '../../src/engine/calibrate';
import { cpuBackend } from '../../src/engine/cpuBackend';
import { mlpModel } from '../../src/engine/mlpModel';
import { Engine } from '../../src/engine/pipeline';
import { defaultState, type AppState } from '../../src/state/appState';
import { clampState } from '../../src/state/urlCodec';
import { splitEngineLink } from '../../src/app/engineSwitch';

const never = new AbortController().signal;
const quiet = (): void => undefined;

function memoryStorage(): CalibrationStorage & { readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

function cal(measured: Calibration['measured'], failed: Calibration['failed'] = [], device = 'dev'): Calibration {
  return { version: CALIBRATION_VERSION, device, measured, failed, ms: 1, at: 0 };
}

/** The CPU backend under a GPU's name, counting its grid jobs (and failing them when asked). */
function fakeGpu(label: string, opts: { fail?: string; scale?: number } = {}): Backend & { grids: number } {
  const inner = cpuBackend();
  const made = {
    ...inner,
    kind: 'webgpu' as const,
    label,
    grids: 0,
    lossGrid: async (...args: Parameters<Backend['lossGrid']>) => {
      made.grids++;
      if (opts.fail !== undefined) throw new Error(opts.fail);
      const r = await inner.lossGrid(...args);
      return opts.scale === undefined ? r : { ...r, loss: r.loss.map((v) => v * (opts.scale ?? 1)) };
    },
  };
  return made;
}

function small(partial: unknown = {}): AppState {
  const base = clampState(
    { data: { kind: 'moons', samples: 32 }, model: { hidden: [6] }, train: { steps: 30 }, plane: { gridSize: 9 } },
    defaultState(),
  ).state;
  return clampState(partial, base).state;
}

describe('choice from measured rates', () => {
  // The CPU engine fast on small work per point, the GPU ahead on large work per point.
  const rates = cal([
    { engine: 'cpu', size: 1e3, pointsPerSecond: 1e5 },
    { engine: 'cpu', size: 1e6, pointsPerSecond: 1e2 },
    { engine: 'gpu-tiles', size: 1e3, pointsPerSecond: 1e4 },
    { engine: 'gpu-tiles', size: 1e6, pointsPerSecond: 1e3 },
  ]);

  it('interpolates in log–log between sizes and scales by size beyond them', () => {
    expect(estimateRate(rates, 'cpu', 1e3)).toBeCloseTo(1e5, 6);
    expect(estimateRate(rates, 'cpu', Math.sqrt(1e9))).toBeCloseTo(Math.sqrt(1e7), 3);
    expect(estimateRate(rates, 'cpu', 10)).toBeCloseTo(1e5, 6);
    expect(estimateRate(rates, 'cpu', 1e7)).toBeCloseTo(10, 6);
    expect(estimateRate(rates, 'gpu-other', 1e3)).toBeNull();
  });

  it('picks the engine with the best rate at the workload size, with the runner-up', () => {
    expect(pickEngine(rates, ['gpu-tiles', 'cpu'], 1e3)).toEqual({
      engine: 'cpu',
      rate: 1e5,
      runnerUp: { engine: 'gpu-tiles', rate: 1e4 },
    });
    expect(pickEngine(rates, ['gpu-tiles', 'cpu'], 1e6)?.engine).toBe('gpu-tiles');
    // The crossing lies where 1e5·(s/1e3)^−1 = 1e4·(s/1e3)^(−1/3): s = 1e3·10^1.5.
    expect(pickEngine(rates, ['gpu-tiles', 'cpu'], 1e3 * 10 ** 1.4)?.engine).toBe('cpu');
    expect(pickEngine(rates, ['gpu-tiles', 'cpu'], 1e3 * 10 ** 1.6)?.engine).toBe('gpu-tiles');
    expect(pickEngine(rates, ['gpu-nothing'], 1e3)).toBeNull();
  });

  it('never picks an engine that failed calibration', () => {
    const withFailure = cal(rates.measured, [{ engine: 'cpu', reason: 'wrong numbers' }]);
    expect(pickEngine(withFailure, ['gpu-tiles', 'cpu'], 1e3)?.engine).toBe('gpu-tiles');
    expect(pickEngine(withFailure, ['gpu-tiles', 'cpu'], 1e3)?.runnerUp).toBeNull();
  });

  it('keeps a calibration per device and engine version', () => {
    const storage = memoryStorage();
    saveCalibration(storage, cal(rates.measured, [], 'adapter A'));
    expect(loadCalibration(storage, 'adapter A')?.measured).toEqual(rates.measured);
    expect(loadCalibration(storage, 'adapter B')).toBeNull();
    expect(calibrationKey('adapter A')).toContain(`v${CALIBRATION_VERSION}`);
    storage.setItem(calibrationKey('adapter A'), JSON.stringify({ ...cal(rates.measured, [], 'adapter A'), version: -1 }));
    expect(loadCalibration(storage, 'adapter A')).toBeNull();
    storage.setItem(calibrationKey('adapter A'), '{broken');
    expect(loadCalibration(storage, 'adapter A')).toBeNull();
  });

  it('reads eng= from a link and leaves the rest to the state decoder', () => {
    expect(splitEngineLink('#seed=2&eng=cpu&grid=33')).toEqual({ choice: 'cpu', rest: 'seed=2&grid=33', ignored: [] });
    expect(splitEngineLink('seed=2')).toEqual({ choice: 'auto', rest: 'seed=2', ignored: [] });
    const bad = splitEngineLink('#eng=quantum&seed=2');
    expect(bad.choice).toBe('auto');
    expect(bad.rest).toBe('seed=2');
    expect(bad.ignored[0]).toMatch(/eng "quantum" is not one of auto, gpu, gpu-tiles/);
    expect(engineChoices()).toEqual(expect.arrayContaining(['auto', 'gpu', 'gpu-tiles', 'cpu']));
  });
});

describe('calibrate', () => {
  const cpu = cpuBackend();
  const candidate = (engine: string, backend: Backend): Candidate => ({
    engine,
    label: engine,
    lossGrid: (model, points, signal) => backend.lossGrid(model, points, { signal }),
  });

  it('measures every workload of a good candidate and skips one that throws or gives other numbers', async () => {
    const result = await calibrate(
      [
        candidate('cpu', cpu),
        candidate('gpu-broken', fakeGpu('x', { fail: 'no pipeline' })),
        candidate('gpu-off', fakeGpu('x', { scale: 1.01 })),
      ],
      { device: 'test', model: mlpModel, repeats: 1 },
    );
    const sizes = calibrationWorkloads().map((w) => workloadSize(w.spec, w.samples.m));
    expect(result.measured.map((m) => m.engine)).toEqual(['cpu', 'cpu']);
    expect(result.measured.map((m) => m.size)).toEqual(sizes);
    expect(result.measured.every((m) => Number.isFinite(m.pointsPerSecond) && m.pointsPerSecond > 0)).toBe(true);
    expect(result.failed.map((f) => f.engine)).toEqual(['gpu-broken', 'gpu-off']);
    expect(result.failed[0]?.reason).toMatch(/no pipeline/);
    expect(result.failed[1]?.reason).toMatch(/wrong numbers on the toy workload/);
  });
});

describe('the engine routes grids to the engine picked', () => {
  const cpuLabel = 'CPU reference';
  const device = (gpu: Backend): string => `${gpu.label} | ${cpuLabel}`;
  const cpuFaster = (gpu: Backend): Calibration =>
    cal(
      [
        { engine: 'cpu', size: 1e2, pointsPerSecond: 7e5 },
        { engine: 'cpu', size: 1e7, pointsPerSecond: 70 },
        { engine: 'gpu-tiles', size: 1e2, pointsPerSecond: 1e5 },
        { engine: 'gpu-tiles', size: 1e7, pointsPerSecond: 10 },
      ],
      [],
      device(gpu),
    );

  it('calibrates once per adapter: the kept calibration serves the same adapter, another adapter calibrates afresh', async () => {
    const storage = memoryStorage();
    const a = fakeGpu('adapter A');
    const first = await new Engine({ gpu: a, cpu: () => cpuBackend() }).calibrate(storage);
    expect(a.grids).toBeGreaterThan(0);
    expect(first?.device).toBe(device(a));
    expect(storage.map.has(calibrationKey(device(a)))).toBe(true);
    const a2 = fakeGpu('adapter A');
    const again = await new Engine({ gpu: a2, cpu: () => cpuBackend() }).calibrate(storage);
    expect(a2.grids).toBe(0);
    expect(again).toEqual(first);
    const b = fakeGpu('adapter B');
    await new Engine({ gpu: b, cpu: () => cpuBackend() }).calibrate(storage);
    expect(b.grids).toBeGreaterThan(0);
    expect(storage.map.size).toBe(2);
    expect(await new Engine({ gpu: null, cpu: () => cpuBackend() }).calibrate(storage)).toBeNull();
  });

  it('auto: the grid runs on the CPU engine where it is faster, θ₀ still trains on the GPU; eng=gpu and eng=cpu are honoured', async () => {
    const gpu = fakeGpu('adapter C');
    const storage = memoryStorage();
    saveCalibration(storage, cpuFaster(gpu));
    const engine = new Engine({ gpu, cpu: () => cpuBackend() });
    const used: string[] = [];
    engine.onEngineUsed = (use) => used.push(use.engine);
    await engine.calibrate(storage);
    const auto = await engine.compute(small(), never, quiet);
    expect(auto.surface.device).toBe('cpu');
    expect(gpu.grids).toBe(0);
    expect(auto.trainDevice).toBe('webgpu');
    expect(engine.lastEngine?.engine).toBe('cpu');
    expect(engine.lastEngine?.why).toMatch(/^chosen: 7\.0× faster than the WebGPU register tiles kernel on adapter C here$/);
    expect(used.every((e) => e === 'cpu')).toBe(true);

    engine.setEngineChoice('gpu');
    const onGpu = await engine.compute(small(), never, quiet);
    expect(onGpu.surface.device).toBe('webgpu');
    expect(gpu.grids).toBeGreaterThan(0);
    expect(engine.lastEngine).toMatchObject({ engine: 'gpu-tiles', why: 'as asked (eng=gpu)' });
    auto.surface.loss.forEach((v, i) => {
      const w = onGpu.surface.loss[i] ?? Number.NaN;
      expect(Math.abs(v - w) / Math.max(Math.abs(w), 1e-6)).toBeLessThanOrEqual(1e-4);
    });

    engine.setEngineChoice('cpu');
    const grids = gpu.grids;
    const onCpu = await engine.compute(small(), never, quiet);
    expect(onCpu.surface.device).toBe('cpu');
    expect(gpu.grids).toBe(grids);
    expect(engine.lastEngine).toMatchObject({ engine: 'cpu', why: 'as asked (eng=cpu)' });
  });

  it('a GPU kernel that fails calibration is said once and never used, not even when asked for', async () => {
    const gpu = fakeGpu('adapter D', { fail: 'pipeline creation failed' });
    const engine = new Engine({ gpu, cpu: () => cpuBackend() });
    const calibration = await engine.calibrate(memoryStorage());
    expect(calibration?.failed.map((f) => f.engine)).toEqual(['gpu-tiles', 'gpu-workgroup']);
    const calls = gpu.grids;
    const r = await engine.compute(small(), never, quiet);
    expect(r.warnings.join(' ')).toMatch(
      /WebGPU register tiles kernel on adapter D failed its calibration \(pipeline creation failed\); it is never used/,
    );
    expect(r.surface.device).toBe('cpu');
    expect(gpu.grids).toBe(calls);
    engine.setEngineChoice('gpu-tiles');
    const asked = await engine.compute(small(), never, quiet);
    expect(asked.surface.device).toBe('cpu');
    expect(asked.warnings.join(' ')).toMatch(/eng=gpu-tiles is not usable here/);
    expect(gpu.grids).toBe(calls);
  });
});
