/**
 * The barrier matrix of 8 minima on the width-m + 1 preset (sine m = 8, 1-9-1 tanh mse): 8 seeds by the
 * preset's training (2000 Adam steps), then every one of the 28 pairs connected by the straight line and a
 * Bezier curve (connect()'s defaults: 300 steps, 61 points), all pairs' curves side by side in one GPU job,
 * through the engine's flow (src/engine/barrierMatrix.ts) on the GPU backend. bench/barriers.ts compares
 * that with one pair after another, in Node.
 */
import { barrierMatrix, clampBarrierRequest } from '../../src/engine/barrierMatrix';
import { cpuBackend } from '../../src/engine/cpuBackend';
import { gpuBackend } from '../../src/engine/gpuBackend';
import { Engine } from '../../src/engine/pipeline';
import type { GpuContext } from '../../src/gpu/device';
import type { AppState } from '../../src/state/appState';
import { presetById, presetState } from '../../src/state/presets';
import type { BarrierBenchResult } from './types';

export async function benchBarriers(gpu: GpuContext, log: (line: string) => void, count = 8): Promise<BarrierBenchResult> {
  const preset = presetById('width-m1');
  if (preset === undefined) throw new Error('no width-m1 preset');
  const state = presetState(preset).state;
  const engine = new Engine({ gpu: gpuBackend(gpu), cpu: () => cpuBackend() });
  const never = new AbortController().signal;
  try {
    await engine.dataReady(state);
    const { minima, trainSeconds } = await trainMinima(engine, state, count);
    log(`barrier matrix: ${count} minima trained in ${trainSeconds.toFixed(1)} s`);
    const { request } = clampBarrierRequest({ kind: 'bezier' });
    const r = await barrierMatrix(engine, state, request.connect, minima, never, () => undefined);
    const pairs = (count * (count - 1)) / 2;
    const upper = (m: number[][]): number[] => m.flatMap((row, i) => row.filter((_, j) => j > i));
    const lines = upper(r.line).sort((a, b) => a - b);
    const curves = upper(r.curve);
    log(`barrier matrix: ${pairs} pairs in ${(r.ms.total / 1000).toFixed(1)} s (${r.device})`);
    return {
      description: `width-m1 (sine m=8, 1-9-1 tanh mse), ${count} minima, Bezier ${request.connect.steps} steps, ${request.connect.points} points, ${r.batched ? 'pairs side by side' : 'pairs one after another'}`,
      minima: count,
      pairs,
      device: r.device,
      trainSeconds,
      matrixSeconds: r.ms.total / 1000,
      secondsPerPair: r.ms.perPair / 1000,
      medianLineBarrier: lines[Math.floor(lines.length / 2)] ?? Number.NaN,
      maxCurveBarrier: Math.max(...curves),
    };
  } finally {
    engine.dispose();
  }
}

/** `count` minima of the state's network: seeds 1 … count trained by the state's own training, on the engine. */
export async function trainMinima(
  engine: Engine,
  state: AppState,
  count: number,
): Promise<{ minima: { id: number; theta: Float32Array }[]; trainSeconds: number }> {
  const { spec, data } = engine.dataFor(state);
  const t0 = performance.now();
  const run = await engine.trainSeeds(
    {
      spec,
      samples: { m: data.m, inputs: data.inputs, x: data.x, y: data.y },
      seeds: Array.from({ length: count }, (_, k) => k + 1),
      steps: state.train.steps,
      optimizer: 'adam',
      learningRate: state.train.learningRate,
    },
    new AbortController().signal,
  );
  const trainSeconds = (performance.now() - t0) / 1000;
  const P = run.value.paramCount;
  return {
    minima: Array.from({ length: count }, (_, k) => ({ id: k + 1, theta: run.value.thetas.slice(k * P, (k + 1) * P) })),
    trainSeconds,
  };
}
