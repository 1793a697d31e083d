/**
 * The CPU engines side by side (Node): the float64 twin, the SIMD WebAssembly engine on one thread and
 * on every thread, on the toy and the wide workloads. Called by bench/run.ts; runs alone with
 * `node --import tsx bench/cpuEngine.ts`. Data and directions are seeded random (speed does not depend
 * on the values); the float64 twin runs on the first points of a row only and is scaled to the whole grid.
 */
import { availableParallelism, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { lossGridCpu } from '../src/gpu/lossGrid.cpu';
import { squareGrid, type GridRequest } from '../src/gpu/lossGrid.types';
import { initParams } from '../src/model/init';
import { Rng } from '../src/model/rng';
import { describeSpec, paramLayout, type MlpSpec } from '../src/model/spec';
import { buildData } from '../src/data/recipe';
import { deriveSeed } from '../src/model/rng';
import { defaultState } from '../src/state/appState';
import { trainAdamCpu, trainAdamWith } from '../src/train/trainCpu';
import { lossGridWasm } from '../src/wasm/cpuEngine';
import { fastGradientSource } from '../src/wasm/gradientFast';

interface Workload {
  readonly id: string;
  readonly spec: MlpSpec;
  readonly m: number;
  readonly gridSize: number;
  /** Points of the grid's first row the float64 twin computes (it is slow); its time is scaled to the grid. */
  readonly twinPoints: number;
}

export const CPU_WORKLOADS: readonly Workload[] = [
  {
    id: 'toy',
    spec: { inputs: 2, hidden: [32, 32], outputs: 1, activation: 'tanh', loss: 'mse', bias: true },
    m: 512,
    gridSize: 51,
    twinPoints: 51,
  },
  {
    id: 'wide',
    spec: { inputs: 784, hidden: [128], outputs: 10, activation: 'relu', loss: 'cross_entropy', bias: true },
    m: 1000,
    gridSize: 51,
    twinPoints: 8,
  },
];

function request(w: Workload): GridRequest {
  const rng = new Rng(20260);
  const { spec, m } = w;
  const size = paramLayout(spec).size;
  const x = new Float32Array(m * spec.inputs).map(() => rng.normal());
  const y =
    spec.loss === 'mse' ? new Float32Array(m * spec.outputs).map(() => rng.normal()) : new Float32Array(m).map(() => rng.int(spec.outputs));
  const center = initParams(spec, 1);
  const direction = (): Float32Array => new Float32Array(size).map((_, i) => rng.normal() * 0.1 * Math.abs(center[i] ?? 0.1));
  return squareGrid(
    { spec, samples: { m, inputs: spec.inputs, x, y }, center, directionX: direction(), directionY: direction() },
    w.gridSize,
    1,
  );
}

async function seconds(run: () => unknown): Promise<number> {
  const t0 = performance.now();
  await run();
  return (performance.now() - t0) / 1000;
}

async function median(runs: number, run: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await seconds(run));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

export interface CpuEngineRow {
  readonly id: string;
  readonly description: string;
  readonly twinSeconds: number;
  readonly oneThreadSeconds: number;
  readonly threads: number;
  readonly threadsSeconds: number;
  /** Largest relative difference of the SIMD engine from the float64 twin on the points the twin computed. */
  readonly maxRelativeDiff: number;
}

export async function runCpuEngineBench(runs = 3): Promise<CpuEngineRow[]> {
  const threads = availableParallelism();
  const rows: CpuEngineRow[] = [];
  for (const w of CPU_WORKLOADS) {
    const req = request(w);
    const part: GridRequest = { ...req, gridSize: w.twinPoints, rows: 1 };
    let twin = lossGridCpu({ ...part, gridSize: Math.max(1, Math.floor(w.twinPoints / 2)) }); // warm-up: the JIT's first pass is several times slower
    const twinSeconds = ((await seconds(() => (twin = lossGridCpu(part)))) * w.gridSize * w.gridSize) / w.twinPoints;
    await lossGridWasm(req, {}, { threads: 1 }); // warm-up: compile and spawn
    await lossGridWasm(req, {}, { threads });
    const oneThreadSeconds = await median(runs, () => lossGridWasm(req, {}, { threads: 1 }));
    const threadsSeconds = await median(runs, () => lossGridWasm(req, {}, { threads }));
    const simd = await lossGridWasm(part, {}, { threads });
    let maxRelativeDiff = 0;
    twin.loss.forEach((v, i) => {
      maxRelativeDiff = Math.max(maxRelativeDiff, Math.abs((simd.loss[i] ?? Number.NaN) - v) / Math.max(Math.abs(v), 1e-6));
    });
    const description = `${w.gridSize}², ${describeSpec(w.spec)}, m = ${w.m}`;
    rows.push({ id: w.id, description, twinSeconds, oneThreadSeconds, threads, threadsSeconds, maxRelativeDiff });
  }
  return rows;
}

export function cpuEngineTable(rows: readonly CpuEngineRow[]): string {
  const f = (s: number): string => (s >= 10 ? s.toFixed(1) : s.toFixed(3));
  const load = loadavg()[0] ?? 0;
  return [
    '## CPU engines (Node)',
    '',
    '| workload | float64 twin (s) | SIMD wasm, 1 thread (s) | SIMD wasm, N threads (s) | twin ÷ best | max rel. diff vs twin |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const best = Math.min(r.oneThreadSeconds, r.threadsSeconds);
      const twin = `${f(r.twinSeconds)} (scaled from ${String(CPU_WORKLOADS.find((w) => w.id === r.id)?.twinPoints ?? '')} points)`;
      return `| **${r.id}** (${r.description}) | ${twin} | ${f(r.oneThreadSeconds)} | ${f(r.threadsSeconds)} (${r.threads}) | ${(r.twinSeconds / best).toFixed(1)}× | ${r.maxRelativeDiff.toExponential(1)} |`;
    }),
    '',
    `Median of 3 runs each; load average ${load.toFixed(2)} (1 min) on ${availableParallelism()} cores${load > availableParallelism() ? ' — other processes compete, numbers are noisy' : ''}.`,
    '',
  ].join('\n');
}

export interface CpuTrainingRow {
  readonly description: string;
  readonly steps: number;
  readonly twinSeconds: number;
  readonly oneThreadSeconds: number;
  readonly threads: number;
  readonly threadsSeconds: number;
  readonly twinLoss: number;
  readonly engineLoss: number;
}

/** θ₀ of the default page (its network, data, seed and learning rate): full-batch Adam, float64 twin against the SIMD engine's gradient. */
export async function runCpuTrainingBench(steps = 600): Promise<CpuTrainingRow> {
  const state = defaultState();
  const { data, spec } = buildData(state);
  const theta0 = initParams(spec, deriveSeed(state.seed, 'init'));
  const opts = { steps, learningRate: state.train.learningRate };
  const threads = availableParallelism();
  trainAdamCpu(spec, theta0, data, { ...opts, steps: 20 }); // warm-up (JIT)
  await trainAdamWith(theta0, fastGradientSource(spec, data, { threads: 1 }), { ...opts, steps: 20 }); // warm-up: compile and spawn
  await trainAdamWith(theta0, fastGradientSource(spec, data, { threads }), { ...opts, steps: 20 });
  let twinLoss = Number.NaN;
  const twinSeconds = await seconds(() => (twinLoss = trainAdamCpu(spec, theta0, data, opts).finalLoss));
  let engineLoss = Number.NaN;
  const oneThreadSeconds = await seconds(
    async () => (engineLoss = (await trainAdamWith(theta0, fastGradientSource(spec, data, { threads: 1 }), opts)).finalLoss),
  );
  const threadsSeconds = await seconds(() => trainAdamWith(theta0, fastGradientSource(spec, data, { threads }), opts));
  const description = `default page θ₀: ${describeSpec(spec)}, m = ${data.m}, Adam lr ${opts.learningRate}`;
  return { description, steps, twinSeconds, oneThreadSeconds, threads, threadsSeconds, twinLoss, engineLoss };
}

export function cpuTrainingTable(row: CpuTrainingRow): string {
  const f = (s: number): string => (s >= 10 ? s.toFixed(1) : s.toFixed(3));
  const best = Math.min(row.oneThreadSeconds, row.threadsSeconds);
  return [
    '| training | float64 twin (s) | SIMD wasm gradient, 1 thread (s) | SIMD wasm gradient, N threads (s) | twin ÷ best | final loss: twin / wasm |',
    '|---|---|---|---|---|---|',
    `| **${row.description}**, ${row.steps} steps | ${f(row.twinSeconds)} | ${f(row.oneThreadSeconds)} | ${f(row.threadsSeconds)} (${row.threads}) | ${(row.twinSeconds / best).toFixed(1)}× | ${row.twinLoss.toPrecision(6)} / ${row.engineLoss.toPrecision(6)} |`,
    '',
    'One run each (after a 20-step warm-up); Adam stays in float64 in JavaScript, only the loss and gradient move to the engine.',
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(cpuEngineTable(await runCpuEngineBench()));
  console.log(cpuTrainingTable(await runCpuTrainingBench()));
}
