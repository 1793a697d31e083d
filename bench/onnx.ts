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

/** The two providers of the page on the example CNN: a 5² grid each in the app, and one evaluation of θ₀ each. */
export interface ProviderBench {
  readonly adapter: string;
  readonly samples: number;
  readonly webgpu: { readonly gridSeconds: number; readonly evaluationMs: number };
  readonly wasm: { readonly gridSeconds: number; readonly evaluationMs: number };
  readonly autoChose: string;
  /** Largest relative difference of the two 5² grids. */
  readonly worstRelative: number;
}

/**
 * The WebGPU execution provider runs in the browser only: onnxruntime-web 1.30's WebGPU build does not
 * start a session on the `webgpu` package's Dawn in Node ("Invalid argument"). So this opens the built
 * app (dist/, or BENCH_DIST) in headless Chromium and times `landscape.openModel` on each provider.
 */
export async function runOnnxProviderBench(log: (line: string) => void): Promise<ProviderBench | { why: string }> {
  const { launchChromium, startPreview } = await import('../test/browser/harness');
  const outDir = process.env['BENCH_DIST'];
  let server;
  try {
    server = await startPreview(outDir === undefined ? {} : { outDir });
  } catch (err) {
    return { why: errorMessage(err) };
  }
  try {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      await page.goto(new URL('index.html?ask=never#grid=5', server.url).href);
      await page.waitForFunction(() => 'landscape' in window, undefined, { timeout: 120_000 });
      await page.evaluate(() => window.landscape.ready());
      const run = async (provider: 'webgpu' | 'wasm' | 'auto') => {
        log(`onnx bench: the example CNN on the ${provider} provider in the page…`);
        return page.evaluate(async (provider) => {
          // No named functions in here: tsx would wrap them in a helper the page does not have.
          const [onnx, data, directions] = await Promise.all(
            ['model.onnx', 'data.npz', 'directions.h5'].map(
              async (f) => new Uint8Array(await (await fetch(`models/cnn-digits/${f}`)).arrayBuffer()),
            ),
          );
          const result = await window.landscape.openModel({
            onnx: onnx as Uint8Array,
            data: data as Uint8Array,
            directions: directions as Uint8Array,
            provider,
          });
          if (!result.ok) throw new Error(result.error);
          const s = window.landscape.surface();
          const own = window.landscape.ownModel();
          return { loss: Array.from(s.loss), gridMs: s.timings.gridMs, adapter: s.adapter, provider: own?.provider, m: own?.data.m ?? 0 };
        }, provider);
      };
      const webgpu = await run('webgpu');
      const wasm = await run('wasm');
      const auto = await run('auto');
      const worstRelative = webgpu.loss.reduce(
        (w, v, i) => Math.max(w, Math.abs(v - (wasm.loss[i] ?? NaN)) / Math.max(Math.abs(wasm.loss[i] ?? NaN), 1e-12)),
        0,
      );
      return {
        adapter: webgpu.adapter,
        samples: webgpu.m,
        webgpu: { gridSeconds: webgpu.gridMs / 1000, evaluationMs: auto.provider?.webgpuMs ?? NaN },
        wasm: { gridSeconds: wasm.gridMs / 1000, evaluationMs: auto.provider?.wasmMs ?? NaN },
        autoChose: auto.provider?.used ?? '?',
        worstRelative,
      };
    } finally {
      await browser.close();
    }
  } catch (err) {
    return { why: errorMessage(err) };
  } finally {
    await server.close();
  }
}

export function onnxProviderTable(r: ProviderBench | { why: string }): string {
  if ('why' in r) return `### The page's providers on the example CNN\n\nskipped: ${r.why}\n`;
  const per51 = (ms: number): string => `≈ ${((ms * GRID * GRID) / 1000).toFixed(0)} s`;
  return [
    "### The page's providers on the example CNN (headless Chromium)",
    '',
    `| provider | 5² grid in the app (all levels) | one evaluation of θ₀ (${String(r.samples)} samples) | ${String(GRID)}² at that rate |`,
    '|---|---|---|---|',
    `| ${r.adapter}, on the page's device | ${r.webgpu.gridSeconds.toFixed(2)} s | ${r.webgpu.evaluationMs.toFixed(1)} ms | ${per51(r.webgpu.evaluationMs)} |`,
    `| onnxruntime-web wasm (grid: engine worker; θ₀: page thread) | ${r.wasm.gridSeconds.toFixed(2)} s | ${r.wasm.evaluationMs.toFixed(1)} ms | ${per51(r.wasm.evaluationMs)} |`,
    '',
    `"auto" chose ${r.autoChose}; the two 5² grids differ by at most ${r.worstRelative.toExponential(1)} relative.`,
    '',
  ].join('\n');
}
