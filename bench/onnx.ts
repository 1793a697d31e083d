/**
 * `npm run bench -- --only onnx`: a model of one's own (ONNX) at 51² through our engine in Node, beside
 * PyTorch on the CPU one point at a time (bench/onnx_peers.py, loss-landscape's way). Ours is
 * onnxruntime-web's wasm provider plus our plane and tensor forming (src/engine/ownModel.ts, as the
 * command line runs it), so the "onnxruntime wasm" column is ours. Workloads: the example CNN on
 * digits (public/models/cnn-digits) and a wider one (≈0.25 M parameters, 1,000 samples) exported
 * untrained into a temporary folder by tools/make-onnx-example.py --wide --untrained when a Python
 * with torch exists (the time does not depend on the weights' values); without one that row is skipped
 * with a line. Both sides have a time budget: past it the rest of the grid is extrapolated from the
 * points timed, and the table says so.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend } from '../src/engine/cpuBackend';
import { onnxData } from '../src/engine/onnxModel';
import { openOwnModel, ownModelView } from '../src/engine/ownModel';
import { Engine } from '../src/engine/pipeline';
import { parseNpz } from '../src/io/npz';
import { parseDirectionsH5 } from '../src/io/onnxH5';
import { errorMessage } from '../src/model/errors';
import { findTorchPython } from './peers/torchPeer';

const REPO = join(import.meta.dirname, '..');
const EXAMPLE = join(REPO, 'public', 'models', 'cnn-digits');
const PEER_SCRIPT = join(import.meta.dirname, 'onnx_peers.py');
const MAKER = join(REPO, 'tools', 'make-onnx-example.py');
/** Grid points a side, as loss-landscape's usual 51 × 51 (α, β in [−1, 1]). */
const GRID = 51;
/** Side of the first, small grid that tells whether the whole grid fits the budget. */
const PROBE_GRID = 3;

export interface OnnxBenchOptions {
  /** Seconds one side may spend on one workload before the rest is extrapolated (0: always the whole grid). */
  readonly budgetSeconds: number;
  /** torch.set_num_threads for the peer (0: torch's own choice). */
  readonly torchThreads: number;
  readonly log: (line: string) => void;
}

export interface Timed {
  readonly seconds: number;
  /** Grid points timed (GRID² when measured whole). */
  readonly points: number;
  readonly extrapolated: boolean;
}

export interface OnnxBenchRow {
  readonly workload: string;
  readonly parameters: number;
  readonly samples: number;
  readonly ours: Timed | { readonly why: string };
  readonly torch: (Timed & { readonly threads: number; readonly version: string }) | { readonly why: string };
  readonly centreLoss: number;
}

/** Our grid's seconds at `gridSize`² (the grid only, from the surface's own timings) and its centre loss. */
async function ourGrid(folder: string, gridSize: number): Promise<{ seconds: number; centre: number; params: number; m: number }> {
  const npz = parseNpz(new Uint8Array(readFileSync(join(folder, 'data.npz'))));
  if (!npz.ok) throw new Error(npz.error);
  const directions = await parseDirectionsH5(new Uint8Array(readFileSync(join(folder, 'directions.h5'))));
  if (!directions.ok) throw new Error(directions.error);
  const own = await openOwnModel(
    [{ name: 'model.onnx', bytes: new Uint8Array(readFileSync(join(folder, 'model.onnx'))) }],
    onnxData(npz.value),
  );
  const engine = new Engine({ gpu: null, cpu: () => cpuBackend('onnxruntime-web (wasm)') });
  try {
    const opts = { seed: 1, filterNormalize: true, keepBias: false, gridSize, span: 1 };
    const view = await ownModelView(engine, own, opts, directions.value, new AbortController().signal, () => undefined, []);
    return {
      seconds: view.surface.timings.gridMs / 1000,
      centre: view.surface.centerLoss,
      params: own.model.layout.size,
      m: own.model.sampleCount,
    };
  } finally {
    await own.model.dispose();
  }
}

/**
 * Ours on one folder: a PROBE_GRID² grid first; then the whole grid when it fits the budget, else the
 * largest grid that does, and the whole grid's time extrapolated from the points of that one.
 */
async function timeOurs(
  folder: string,
  budget: number,
  log: (line: string) => void,
): Promise<{ timed: Timed; centre: number; params: number; m: number }> {
  const probe = await ourGrid(folder, PROBE_GRID);
  const perPoint = probe.seconds / (PROBE_GRID * PROBE_GRID);
  if (budget > 0 && perPoint * GRID * GRID > budget) {
    const side = Math.min(GRID - 1, Math.floor(Math.sqrt(Math.max(0, budget - probe.seconds) / perPoint)));
    const best = side > PROBE_GRID ? { ...(await ourGrid(folder, side)), side } : { ...probe, side: PROBE_GRID };
    const points = best.side * best.side;
    log(`onnx bench: ours on ${folder}: ${String(GRID)}² extrapolated from a ${String(best.side)}² grid (${best.seconds.toFixed(2)} s)`);
    return { timed: { seconds: (best.seconds / points) * GRID * GRID, points, extrapolated: true }, ...best };
  }
  const full = await ourGrid(folder, GRID);
  return { timed: { seconds: full.seconds, points: GRID * GRID, extrapolated: false }, ...full };
}

interface PeerLine {
  seconds: number;
  points: number;
  extrapolated: boolean;
  threads: number;
  torch: string;
}

function timeTorch(python: string, folder: string, opts: OnnxBenchOptions): OnnxBenchRow['torch'] {
  const args = [PEER_SCRIPT, folder, '--grid', String(GRID), '--threads', opts.torchThreads > 0 ? String(opts.torchThreads) : 'default'];
  if (opts.budgetSeconds > 0) args.push('--limit-seconds', String(opts.budgetSeconds));
  const r = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.error) return { why: `onnx_peers.py could not run: ${r.error.message}` };
  if (r.stderr.trim() !== '') for (const line of r.stderr.trim().split('\n').slice(-3)) opts.log(line);
  if (r.status !== 0)
    return { why: `onnx_peers.py failed (exit ${String(r.status ?? r.signal)}): ${r.stderr.trim().split('\n').pop() ?? ''}` };
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const p = JSON.parse(last) as PeerLine;
    if (typeof p.seconds !== 'number' || !Number.isFinite(p.seconds)) return { why: `onnx_peers.py answered ${last.slice(0, 80)}` };
    return { seconds: p.seconds, points: p.points, extrapolated: p.extrapolated, threads: p.threads, version: p.torch };
  } catch {
    return { why: `onnx_peers.py answered ${last.slice(0, 80)}` };
  }
}

async function row(
  workload: string,
  folder: string,
  python: string | null,
  opts: OnnxBenchOptions,
  noTorch: string,
): Promise<OnnxBenchRow> {
  let ours: OnnxBenchRow['ours'];
  let parameters = 0;
  let samples = 0;
  let centreLoss = NaN;
  try {
    const o = await timeOurs(folder, opts.budgetSeconds, opts.log);
    ours = o.timed;
    parameters = o.params;
    samples = o.m;
    centreLoss = o.centre;
  } catch (err) {
    ours = { why: errorMessage(err) };
  }
  const torch = python === null ? { why: noTorch } : timeTorch(python, folder, opts);
  return { workload, parameters, samples, ours, torch, centreLoss };
}

export async function runOnnxBench(opts: OnnxBenchOptions): Promise<{ rows: OnnxBenchRow[]; notes: string[] }> {
  const notes: string[] = [];
  const py = findTorchPython();
  const python = 'why' in py ? null : py.python;
  const noTorch = 'why' in py ? py.why : '';
  if (python === null) notes.push(`PyTorch column skipped: ${noTorch}`);
  const rows: OnnxBenchRow[] = [];
  if (existsSync(join(EXAMPLE, 'model.onnx'))) rows.push(await row('cnn-digits (example)', EXAMPLE, python, opts, noTorch));
  else notes.push(`the example is missing (${EXAMPLE}); write it with tools/make-onnx-example.py`);
  if (python === null) {
    notes.push('wide CNN row skipped: it is exported by tools/make-onnx-example.py --wide --untrained, which needs Python with torch');
    return { rows, notes };
  }
  const wide = mkdtempSync(join(tmpdir(), 'bench-onnx-wide-'));
  try {
    opts.log('onnx bench: exporting the wide CNN untrained (tools/make-onnx-example.py --wide --untrained)…');
    const made = spawnSync(python, [MAKER, '--wide', wide, '--untrained'], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (made.status !== 0) {
      notes.push(`wide CNN row skipped: make-onnx-example.py failed: ${made.stderr.trim().split('\n').pop() ?? made.error?.message ?? ''}`);
    } else {
      rows.push(await row('cnn-wide (untrained)', wide, python, opts, noTorch));
    }
  } finally {
    rmSync(wide, { recursive: true, force: true });
  }
  return { rows, notes };
}

function cell(t: Timed | { why: string }): string {
  if ('why' in t) return `— (${t.why.slice(0, 60)})`;
  return `${t.seconds.toFixed(2)} s${t.extrapolated ? ` (extrapolated from ${String(t.points)} points)` : ''}`;
}

export function onnxBenchTable(result: { rows: readonly OnnxBenchRow[]; notes: readonly string[] }, budgetSeconds: number): string {
  const head = [
    '| workload | values in θ (parameters + BatchNorm statistics) | samples | ours: onnxruntime-web wasm + our plane forming (Node), 51² | PyTorch CPU, one point at a time, 51² | PyTorch / ours |',
    '|---|---|---|---|---|---|',
  ];
  const lines = result.rows.map((r) => {
    const torch = 'why' in r.torch ? cell(r.torch) : `${cell(r.torch)}, ${String(r.torch.threads)} thread(s), torch ${r.torch.version}`;
    const ratio = 'why' in r.ours || 'why' in r.torch ? '—' : `${(r.torch.seconds / r.ours.seconds).toFixed(2)}×`;
    return `| ${r.workload} | ${r.parameters.toLocaleString('en')} | ${String(r.samples)} | ${cell(r.ours)} | ${torch} | ${ratio} |`;
  });
  return [
    `### A model of one's own (ONNX): the loss on a ${String(GRID)}² grid`,
    '',
    ...head,
    ...lines,
    '',
    `Ours runs onnxruntime-web's wasm provider in Node with our plane and tensor forming: the "onnxruntime wasm" engine is ours. Each side stops after ${budgetSeconds > 0 ? `${String(budgetSeconds)} s` : 'the whole grid'} and extrapolates the rest from the points it timed.`,
    ...result.notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
}
