/**
 * The barrier matrix of 8 minima, its pairs' curves trained one after another against side by side in
 * the same dispatches (src/train/curveBatch.ts), and the Hessian top-5 of the default preset, in Node
 * through the engine (Dawn's WebGPU over whatever Vulkan driver it finds — SwiftShader on machines
 * without a GPU). Both matrices must agree bit for bit; the table says if they do. Run by `npm run bench`
 * (bench/run.ts) or `npx tsx bench/barriers.ts` (env BARRIER_PRESETS=width-m1,default to choose presets).
 */
import { pathToFileURL } from 'node:url';
import { barrierMatrix, clampBarrierRequest, type BarrierMatrixResult } from '../src/engine/barrierMatrix';
import { cpuBackend } from '../src/engine/cpuBackend';
import { gpuBackend } from '../src/engine/gpuBackend';
import { Engine } from '../src/engine/pipeline';
import type { GpuContext } from '../src/gpu/device';
import { nodeGpuContext } from './nodeGpu';
import { trainMinima } from './page/barrierBench';
import { defaultState, type AppState } from '../src/state/appState';
import { presetById, presetState } from '../src/state/presets';
import { benchHessian } from './page/hessianBench';
import type { HessianBenchResult } from './page/types';

const MINIMA = 8;

export interface BarrierBatchRow {
  readonly preset: string;
  readonly adapter: string;
  readonly pairs: number;
  readonly steps: number;
  readonly trainSeconds: number;
  readonly sequentialSeconds: number;
  readonly batchedSeconds: number;
  /** True when every line and curve barrier of the two runs is the same number. */
  readonly identical: boolean;
  readonly maxCurveBarrier: number;
}

export interface BarrierBenchReport {
  readonly adapter: string;
  readonly rows: BarrierBatchRow[];
  readonly hessian: HessianBenchResult | null;
  readonly notes: string[];
}

function presetOf(id: string): AppState {
  if (id === 'default') return defaultState();
  const preset = presetById(id);
  if (preset === undefined) throw new Error(`no preset ${id}`);
  return presetState(preset).state;
}

async function measurePreset(ctx: GpuContext, id: string, log: (line: string) => void): Promise<BarrierBatchRow> {
  const state = presetOf(id);
  const engine = new Engine({ gpu: gpuBackend(ctx), cpu: () => cpuBackend() });
  const never = new AbortController().signal;
  try {
    await engine.dataReady(state);
    const { spec, data } = engine.dataFor(state);
    const { minima, trainSeconds } = await trainMinima(engine, state, MINIMA);
    const { request } = clampBarrierRequest({ kind: 'bezier' });
    // Warm-up: both ways once on two minima and a few steps, so no pipeline compile is timed.
    const warm = { ...request.connect, steps: 4 };
    await barrierMatrix(engine, state, warm, minima.slice(0, 2), never, () => undefined, { batched: false });
    await barrierMatrix(engine, state, warm, minima.slice(0, 2), never, () => undefined);
    const timed = async (batched: boolean): Promise<BarrierMatrixResult> => {
      const r = await barrierMatrix(engine, state, request.connect, minima, never, () => undefined, { batched });
      log(`barriers ${id}: ${batched ? 'side by side' : 'one after another'} in ${(r.ms.total / 1000).toFixed(1)} s`);
      return r;
    };
    const sequential = await timed(false);
    const batched = await timed(true);
    if (!batched.batched) throw new Error('the GPU did not train the pairs side by side');
    const same = (x: number[][], y: number[][]): boolean => x.every((row, i) => row.every((v, j) => Object.is(v, y[i]?.[j])));
    return {
      preset: `${id} (${spec.inputs}-${spec.hidden.join('-')}-${spec.outputs} ${spec.activation}, m = ${data.m})`,
      adapter: engine.adapterName,
      pairs: (MINIMA * (MINIMA - 1)) / 2,
      steps: request.connect.steps,
      trainSeconds,
      sequentialSeconds: sequential.ms.total / 1000,
      batchedSeconds: batched.ms.total / 1000,
      identical: same(batched.line, sequential.line) && same(batched.curve, sequential.curve),
      maxCurveBarrier: Math.max(...batched.curve.flat()),
    };
  } finally {
    engine.dispose();
  }
}

export async function runBarrierBench(log: (line: string) => void = () => undefined): Promise<BarrierBenchReport> {
  const ctx = await nodeGpuContext();
  if (ctx === null)
    return { adapter: 'none', rows: [], hessian: null, notes: ['no WebGPU adapter in Node: barrier and Hessian benches skipped'] };
  const notes: string[] = [];
  const rows: BarrierBatchRow[] = [];
  for (const id of (process.env.BARRIER_PRESETS ?? 'width-m1').split(',').filter((s) => s !== '')) {
    try {
      rows.push(await measurePreset(ctx, id, log));
    } catch (err) {
      notes.push(`barrier matrix on ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let hessian: HessianBenchResult | null = null;
  try {
    hessian = await benchHessian(ctx.device, log);
  } catch (err) {
    notes.push(`Hessian top-5 failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { adapter: ctx.adapterName, rows, hessian, notes };
}

export function barrierBenchTable(r: BarrierBenchReport): string {
  const f = (v: number, digits = 2): string => v.toFixed(digits);
  const lines = [
    `## Barrier matrix of ${MINIMA} minima and Hessian top-5 (Node, ${r.adapter})`,
    '',
    '| preset | pairs × Bezier steps | train minima s | one pair after another s | side by side s | speed-up | same barriers | max curve barrier |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.rows.map(
      (row) =>
        `| ${row.preset} | ${row.pairs} × ${row.steps} | ${f(row.trainSeconds, 1)} | ${f(row.sequentialSeconds, 1)} | ${f(row.batchedSeconds, 1)} | ` +
        `${f(row.sequentialSeconds / row.batchedSeconds, 1)}× | ${row.identical ? 'bit for bit' : '**differ ✗**'} | ${f(row.maxCurveBarrier, 4)} |`,
    ),
    '',
  ];
  const h = r.hessian;
  if (h) {
    lines.push(
      '| Hessian top-5 | GPU s | CPU twin s | top eigenvalues (GPU) | max rel. diff vs CPU |',
      '| --- | --- | --- | --- | --- |',
      `| ${h.description} | ${f(h.gpuSeconds)} | ${f(h.cpuSeconds)} | ${h.eigenvalues.map((v) => v.toFixed(4)).join(', ')} | ${h.maxRelativeDifference.toExponential(1)} |`,
      '',
    );
  }
  lines.push(...r.notes.map((n) => `- ${n}`), r.notes.length > 0 ? '' : '');
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(barrierBenchTable(await runBarrierBench((line) => console.error(line))));
}
