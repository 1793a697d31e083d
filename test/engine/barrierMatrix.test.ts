/**
 * The barrier matrix and honest trajectories in Node on the CPU backend, on the width-m + 1 preset
 * (8 samples, 1-9-1 tanh): the matrix is symmetric with a zero diagonal and every entry is the pair's
 * own connect() barrier (on the GPU, with all pairs' curves trained side by side, bit for bit); a trajectory's true losses are the trainer's full-batch losses at the
 * snapshots' steps, and its off-plane distances are ≥ 0.
 */
import { describe, expect, it } from 'vitest';
import { barrierMatrix, clampBarrierRequest } from '../../src/engine/barrierMatrix';
import { connectMinima } from '../../src/engine/connect';
import { cpuBackend } from '../../src/engine/cpuBackend';
import { gpuBackend } from '../../src/engine/gpuBackend';
import { Engine } from '../../src/engine/pipeline';
import { computeTrajectory } from '../../src/engine/trajectory';
import { presetById, presetState } from '../../src/state/presets';
import type { AppState } from '../../src/state/appState';
import { clampState } from '../../src/state/urlCodec';
import { nodeGpu } from '../gpu/nodeGpu';

const never = new AbortController().signal;
const quiet = (): void => undefined;

function widthM1(): AppState {
  const preset = presetById('width-m1');
  if (preset === undefined) throw new Error('no width-m1 preset');
  return clampState({ plane: { gridSize: 9 } }, presetState(preset).state).state;
}

describe('barrier matrix (CPU)', () => {
  it('is symmetric with a zero diagonal and each entry equals the pair’s own connect()', async () => {
    const engine = new Engine({ gpu: null, cpu: () => cpuBackend() });
    const state = widthM1();
    await engine.dataReady(state);
    const { spec, data } = engine.dataFor(state);
    const run = await engine.trainSeeds(
      {
        spec,
        samples: { m: data.m, inputs: data.inputs, x: data.x, y: data.y },
        seeds: [1, 2, 3],
        steps: 1500,
        optimizer: 'adam',
        learningRate: 0.03,
      },
      never,
    );
    const P = run.value.paramCount;
    const minima = [0, 1, 2].map((k) => ({ id: k + 10, theta: run.value.thetas.slice(k * P, (k + 1) * P) }));
    const { request, notices } = clampBarrierRequest({ seeds: 3, kind: 'bezier', steps: 120, points: 21 });
    expect(notices).toEqual([]);
    const r = await barrierMatrix(engine, state, request.connect, minima, never, quiet);
    expect(r.ids).toEqual([10, 11, 12]);
    expect([...r.order].sort()).toEqual([0, 1, 2]);
    for (let i = 0; i < 3; i++) {
      expect(r.line[i]?.[i]).toBe(0);
      expect(r.curve[i]?.[i]).toBe(0);
      for (let j = 0; j < 3; j++) {
        expect(r.line[i]?.[j]).toBe(r.line[j]?.[i]);
        expect(r.curve[i]?.[j]).toBe(r.curve[j]?.[i]);
        expect(r.merge[i]?.[j] ?? Number.NaN).toBeLessThanOrEqual(r.curve[i]?.[j] ?? Number.NaN);
      }
    }
    const [a, c] = [minima[0], minima[2]];
    if (a === undefined || c === undefined) throw new Error('no minima');
    const own = await connectMinima(engine, state, { ...request.connect, a: a.id, b: c.id }, a.theta, c.theta, never, quiet);
    expect(r.line[0]?.[2]).toBeCloseTo(own.lineBarrier, 6);
    expect(r.curve[0]?.[2]).toBeCloseTo(own.curveBarrier, 6);
    // The honest part of connect(): a Bezier curve lies in its plane, and the plane's read-off matches the true loss at A.
    for (const d of [...own.curveOffPlane, ...own.lineOffPlane]) expect(d).toBeLessThan(1e-3);
    expect(own.linePlaneLoss[0]).toBeCloseTo(own.lineLoss[0] ?? Number.NaN, 4);
    console.log(`width-m1, 3 minima: line ${JSON.stringify(r.line)} curve ${JSON.stringify(r.curve)} (${r.ms.perPair.toFixed(0)} ms/pair)`);
    engine.dispose();
  });
});

describe('barrier matrix (GPU, pairs side by side)', () => {
  it('trains all pairs in one batch, and every entry is bit for bit the sequential one and the pair’s own connect()', async () => {
    // The minima come from the CPU (quick for this tiny network); the matrix from the GPU.
    const cpu = new Engine({ gpu: null, cpu: () => cpuBackend() });
    const engine = new Engine({ gpu: gpuBackend(await nodeGpu()), cpu: () => cpuBackend() });
    const state = widthM1();
    await engine.dataReady(state);
    await cpu.dataReady(state);
    const { spec, data } = engine.dataFor(state);
    const run = await cpu.trainSeeds(
      {
        spec,
        samples: { m: data.m, inputs: data.inputs, x: data.x, y: data.y },
        seeds: [1, 2, 3],
        steps: 1500,
        optimizer: 'adam',
        learningRate: 0.03,
      },
      never,
    );
    cpu.dispose();
    const P = run.value.paramCount;
    const minima = [0, 1, 2].map((k) => ({ id: k + 1, theta: run.value.thetas.slice(k * P, (k + 1) * P) }));
    const { request } = clampBarrierRequest({ kind: 'bezier', steps: 60, points: 21 });
    const labels: string[] = [];
    const batched = await barrierMatrix(engine, state, request.connect, minima, never, (label) => labels.push(label));
    expect(batched.device).toBe('webgpu');
    expect(batched.batched).toBe(true);
    expect(batched.notices).toEqual([]);
    expect(labels.some((l) => l.startsWith('pairs 1–3/3: bezier step'))).toBe(true);
    const sequential = await barrierMatrix(engine, state, request.connect, minima, never, quiet, { batched: false });
    expect(sequential.batched).toBe(false);
    expect(batched.line).toEqual(sequential.line);
    expect(batched.curve).toEqual(sequential.curve);
    expect(batched.order).toEqual(sequential.order);
    for (let i = 0; i < 3; i++) {
      expect(batched.curve[i]?.[i]).toBe(0);
      for (let j = 0; j < 3; j++) expect(batched.curve[i]?.[j]).toBe(batched.curve[j]?.[i]);
    }
    const [a, , c] = minima;
    if (a === undefined || c === undefined) throw new Error('no minima');
    const own = await connectMinima(engine, state, { ...request.connect, a: a.id, b: c.id }, a.theta, c.theta, never, quiet);
    expect(own.device).toBe('webgpu');
    expect(batched.line[0]?.[2]).toBe(own.lineBarrier);
    expect(batched.curve[0]?.[2]).toBe(own.curveBarrier);
    engine.dispose();
  });
});

describe('honest trajectory (CPU)', () => {
  it('true losses are the trainer’s full-batch losses at the snapshots; off-plane ≥ 0', async () => {
    const engine = new Engine({ gpu: null, cpu: () => cpuBackend() });
    const state = widthM1();
    const steps = 60;
    const snapshots = 7;
    const t = await computeTrajectory(engine, state, { seed: 4, steps, snapshots, lr: 0.03, gridSize: 9 }, never, quiet);
    const api = t.api;
    expect(api.trueLoss).toEqual(api.loss);
    expect(api.offPlane).toHaveLength(api.steps.length);
    for (const d of api.offPlane) expect(d).toBeGreaterThanOrEqual(0);
    expect(api.offPlane[api.offPlane.length - 1]).toBe(0);
    expect(api.planeLoss[api.planeLoss.length - 1]).toBeCloseTo(api.trueLoss[api.trueLoss.length - 1] ?? Number.NaN, 5);
    // The trainer's own report: the loss before step s + 1 is the full-batch loss at the snapshot of step s.
    const { spec, data } = engine.dataFor(state);
    const reported = new Map<number, number>();
    const run = await engine.trainSeeds(
      {
        spec,
        samples: { m: data.m, inputs: data.inputs, x: data.x, y: data.y },
        seeds: [4],
        steps,
        optimizer: 'adam',
        learningRate: 0.03,
        progressEvery: 1,
        onProgress: (step, losses) => reported.set(step - 1, losses[0] ?? Number.NaN),
      },
      never,
    );
    reported.set(steps, run.value.finalLosses[0] ?? Number.NaN);
    api.steps.forEach((step, k) => {
      const want = reported.get(step);
      if (want === undefined) throw new Error(`no reported loss at step ${step}`);
      expect(Math.abs((api.trueLoss[k] ?? Number.NaN) - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, want));
    });
    engine.dispose();
  });
});
