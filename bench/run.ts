/**
 * `npm run bench`: serve the built dist/ (or BENCH_DIST), open bench.html?run=1 in headless
 * Chromium (WebGPU on whatever adapter it finds; SwiftShader on machines without a GPU), wait
 * for the page's report and print it as markdown, then run the Node-side sublevel bench.
 * Exits 0 when targets are missed (this is a measurement) and marks each miss; exits 1 only
 * when the benchmark cannot run.
 *
 * Flags (after `npm run bench --`): `--only LIST` runs only the parts named (comma-separated: `page` the
 * whole bench page, `grid` its grid workloads only (both grid kernel variants on toy and wide), `peers`
 * TensorFlow.js and PyTorch on the same workloads — with our grid workloads for comparison —, `sublevel`,
 * `first-picture`, `page-grid` the app's own end-to-end toy grid beside the CPU engine's bench time); `--json FILE` writes
 * the peers' comparison as JSON; `--peer-budget S` (default 60; 0 no limit) and `--torch-threads N`.
 */
import { launchChromium, collectConsole, startPreview } from '../test/browser/harness';
import type { BenchReport } from './page/types';
import { cpus, loadavg } from 'node:os';
import { runSublevelBench } from './sublevel';
import { firstPictureTable, runFirstPictureBench } from './firstPicture';
import { parseBenchArgs, BENCH_USAGE } from './peers/args';
import { peersJson, peersMarkdown, runPeers, type OurTiming } from './peers/peers';
import { toyWorkload, wideWorkload } from './page/workloads';
import { writeFileSync } from 'node:fs';
import { cpuEngineTable, cpuTrainingTable, runCpuEngineBench, runCpuTrainingBench, type CpuEngineRow } from './cpuEngine';
import { barrierBenchTable, runBarrierBench } from './barriers';
import { onnxBenchTable, onnxProviderTable, runOnnxBench, runOnnxProviderBench } from './onnx';
import { pageGridTable, runPageGridBench } from './pageGrid';

const TIMEOUT_MS = 15 * 60_000;

function fmt(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(digits);
  return v.toFixed(digits);
}

function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function printReport(r: BenchReport): void {
  const out: string[] = [];
  out.push(`## Grid kernel benchmark`, '');
  out.push(`Adapter: **${r.adapter}**${r.isFallback ? ' (software fallback)' : ''}  `);
  out.push(`Browser: ${r.userAgent}  `);
  out.push(
    `FMA peak: **${fmt(r.fmaPeak.gflops)} GFLOP/s** (best of ${r.fmaPeak.trials.length}: ${r.fmaPeak.trials.map((g) => fmt(g)).join(', ')}; ` +
      `${r.fmaPeak.chains} vec4 chains, ${r.fmaPeak.invocations} invocations × ${r.fmaPeak.iters} trips × ${r.fmaPeak.dispatchesPerTrial} dispatches)  `,
  );
  out.push(`Kernel dispatch budget: ${r.targetDispatchMs} ms; total page time ${fmt(r.totalSeconds, 1)} s`, '');
  out.push(
    mdTable(
      [
        'workload',
        'points × m',
        'runs (s)',
        'median (s)',
        'sample-evals/s',
        'kernel GFLOP/s',
        'kernel % of peak',
        'effective GFLOP/s',
        'effective × peak',
        'max abs GPU−CPU',
      ],
      r.workloads.map((w) => [
        `**${w.name}** (${w.description})`,
        `${w.points} × ${w.samples}`,
        w.runs.map((s) => fmt(s)).join(', '),
        fmt(w.seconds, 3),
        fmt(w.sampleEvalsPerSecond),
        fmt(w.kernelGflops),
        `${fmt(w.kernelFractionOfPeak * 100, 1)} %`,
        fmt(w.effectiveGflops),
        `${fmt(w.effectiveRatioToPeak)}×`,
        w.maxAbsDiffVsCpu === null ? 'n/a' : fmt(w.maxAbsDiffVsCpu),
      ]),
    ),
    '',
  );
  if (r.variants && r.variants.length > 0) {
    out.push(
      mdTable(
        [
          'grid kernel variants',
          'register tiles, median (s)',
          'workgroup per point: runs (s)',
          'median (s)',
          'point / tiles',
          'max abs GPU−CPU (point)',
        ],
        r.variants.map((v) => [
          `**${v.workload}** (${v.description})`,
          fmt(v.tilesSeconds, 3),
          v.pointSeconds === null ? (v.note ?? 'did not run') : v.pointRuns.map((s) => fmt(s)).join(', '),
          v.pointSeconds === null ? '—' : fmt(v.pointSeconds, 3),
          v.pointSeconds === null ? '—' : `${fmt(v.pointSeconds / v.tilesSeconds)}×`,
          v.pointMaxAbsDiffVsCpu === null ? 'n/a' : fmt(v.pointMaxAbsDiffVsCpu),
        ]),
      ),
      '',
    );
  }
  out.push(
    mdTable(
      ['CPU twin', 'runs (s)', 'median (s)', 'sample-evals/s', 'GPU / CPU'],
      [
        [
          `${r.cpu.workload} ${r.cpu.gridSize}² × m=${r.cpu.samples}`,
          r.cpu.runs.map((s) => fmt(s, 3)).join(', '),
          fmt(r.cpu.seconds, 3),
          fmt(r.cpu.sampleEvalsPerSecond),
          `${fmt(r.cpu.gpuOverCpu, 1)}×`,
        ],
      ],
    ),
    '',
  );
  const t = r.training;
  if (t) {
    out.push(
      mdTable(
        [
          'training (gradient + Adam step)',
          'GPU steps',
          'GPU s (best of runs)',
          'GPU grad-evals/s',
          'CPU twin steps',
          'CPU s',
          'CPU grad-evals/s',
          'GPU / CPU',
        ],
        [
          [
            t.description,
            String(t.gpuSteps),
            `${fmt(t.gpuSeconds, 3)} (${t.gpuRuns.map((s) => fmt(s)).join(', ')})`,
            fmt(t.gpuEvalsPerSecond),
            String(t.cpuSteps),
            fmt(t.cpuSeconds, 3),
            fmt(t.cpuEvalsPerSecond),
            `${fmt(t.gpuOverCpu, 1)}×`,
          ],
        ],
      ),
      '',
    );
    out.push(
      mdTable(
        ['default width sweep (GPU)', 'seconds', 'seeds ≤ ε per n₁'],
        [[t.sweep.description, fmt(t.sweep.seconds, 1), t.sweep.successes.map((p) => `${p.width}: ${p.successes}/${p.seeds}`).join(', ')]],
      ),
      '',
    );
  }
  const bm = r.barriers;
  if (bm) {
    out.push(
      mdTable(
        ['barrier matrix of 8 minima', 'train s', 'matrix s', 's / pair', 'median line barrier', 'max curve barrier', 'device'],
        [
          [
            bm.description,
            fmt(bm.trainSeconds, 1),
            fmt(bm.matrixSeconds, 1),
            fmt(bm.secondsPerPair, 2),
            fmt(bm.medianLineBarrier, 3),
            fmt(bm.maxCurveBarrier, 3),
            bm.device,
          ],
        ],
      ),
      '',
    );
  }
  const h = r.hessian;
  if (h) {
    out.push(
      mdTable(
        ['Hessian top-5 of the default preset', 'GPU s', 'CPU twin s', 'GPU / CPU', 'top eigenvalues (GPU)', 'max rel. diff vs CPU'],
        [
          [
            h.description,
            fmt(h.gpuSeconds, 2),
            fmt(h.cpuSeconds, 2),
            `${fmt(h.cpuSeconds / h.gpuSeconds, 1)}×`,
            h.eigenvalues.map((v) => fmt(v, 4)).join(', '),
            h.maxRelativeDifference.toExponential(1),
          ],
        ],
      ),
      '',
    );
  }
  const c = r.curve;
  if (c) {
    out.push(
      mdTable(
        [
          'mode connectivity (benchCurve)',
          'curve steps',
          'steps/s',
          's per 1,000 steps',
          '61-point eval, line + curve (ms)',
          'line barrier',
          'curve barrier',
        ],
        [
          [
            c.description,
            String(c.curveSteps),
            fmt(c.curveStepsPerSecond),
            fmt(c.secondsPer1000Steps, 2),
            fmt(c.evaluationMs, 1),
            fmt(c.lineBarrier, 3),
            fmt(c.curveBarrier, 4),
          ],
        ],
      ),
      '',
    );
  }
  out.push(
    mdTable(
      ['target', 'measured', 'target', 'result'],
      r.targets.map((t) => [t.name, `${fmt(t.value)} ${t.unit}`, `${fmt(t.target)} ${t.unit}`, t.pass ? 'pass' : '**MISS ✗**']),
    ),
    '',
  );
  console.log(out.join('\n'));
}

async function browserBench(gridOnly: boolean): Promise<BenchReport | null> {
  const outDir = process.env['BENCH_DIST'];
  const server = await startPreview(outDir === undefined ? {} : { outDir });
  try {
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      const consoleLog = collectConsole(page, (line) => {
        if (line.includes('[bench]') || line.startsWith('error') || line.startsWith('pageerror')) console.error(`  page ${line}`);
      });
      const url = new URL(`bench.html?run=1${gridOnly ? '&only=grid' : ''}`, server.url).href;
      console.error(`opening ${url}`);
      await page.goto(url);
      await page.waitForFunction(() => window.benchResults !== undefined || window.benchError !== undefined, undefined, {
        timeout: TIMEOUT_MS,
        polling: 1000,
      });
      const error = await page.evaluate(() => window.benchError);
      if (error !== undefined) {
        console.error(`benchmark failed in the page: ${error}`);
        return null;
      }
      const report = await page.evaluate(() => window.benchResults);
      consoleLog.dispose();
      if (report === undefined) throw new Error('the page reported no results');
      printReport(report);
      return report;
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
}

function sublevelBench(): void {
  const results = runSublevelBench();
  console.log(
    [
      '## Sublevel analysis (Node, CPU)',
      '',
      mdTable(
        ['case', 'median ms', 'target ms', 'result'],
        results.map((r) => [r.name, fmt(r.ms), fmt(r.target, 0), r.ms <= r.target ? 'pass' : '**MISS ✗**']),
      ),
      '',
    ].join('\n'),
  );
}

function loadLine(when: string): string {
  const [one = 0, five = 0] = loadavg();
  const cores = cpus().length;
  const busy = one > cores ? ` — **busier than ${cores} cores: other processes compete, numbers are low and noisy**` : '';
  return `Load average ${when}: ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min) on ${cores} cores${busy}`;
}

if (process.argv.includes('--help')) {
  console.log(BENCH_USAGE);
  process.exit(0);
}
const args = parseBenchArgs(process.argv.slice(2));
if ('error' in args) {
  console.error(`${args.error}\n\n${BENCH_USAGE}`);
  process.exit(2);
}
const only = args.only;
const loadBefore = loadLine('before');
let ok = true;
let report: BenchReport | null = null;
if (only.has('page') || only.has('grid') || only.has('peers')) {
  try {
    report = await browserBench(!only.has('page'));
  } catch (err) {
    console.error(`browser benchmark could not run: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  ok = report !== null;
  console.log(`${loadBefore}  \n${loadLine('after the page')}\n`);
}
let cpuRows: CpuEngineRow[] = [];
if (only.has('cpu')) {
  cpuRows = await runCpuEngineBench();
  console.log(cpuEngineTable(cpuRows));
  console.log(cpuTrainingTable(await runCpuTrainingBench()));
}
if (only.has('peers')) {
  // Ours: the page's grid kernel (its median of runs) and the SIMD CPU engine on the same workloads, fastest first.
  const ours = new Map<string, OurTiming[]>();
  for (const w of report?.workloads ?? []) {
    const engine = `WebGPU grid kernel on ${report?.adapter ?? '?'} (bench page)`;
    ours.set(w.name, [{ engine, seconds: w.seconds }]);
  }
  for (const r of cpuRows) {
    const mine = ours.get(r.id) ?? [];
    const many = r.threadsSeconds < r.oneThreadSeconds;
    mine.push({
      engine: `SIMD wasm CPU engine, ${many ? `${String(r.threads)} threads` : '1 thread'} (Node)`,
      seconds: Math.min(r.oneThreadSeconds, r.threadsSeconds),
    });
    ours.set(
      r.id,
      mine.sort((a, b) => a.seconds - b.seconds),
    );
  }
  if (report === null) console.log('Our grid kernel did not run (the bench page failed, see above): peers are shown without a ratio.\n');
  const peers = await runPeers([toyWorkload(), wideWorkload()], ours, {
    budgetSeconds: args.peerBudget,
    torchThreads: args.torchThreads,
    log: (line) => console.error(`  ${line}`),
  });
  console.log(peersMarkdown(peers, args.peerBudget));
  console.log(`${loadLine('after the peers')}\n`);
  if (args.json !== null) {
    writeFileSync(args.json, `${JSON.stringify(peersJson(peers), null, 2)}\n`);
    console.error(`wrote ${args.json}`);
  }
}
if (only.has('sublevel')) sublevelBench();
if (only.has('first-picture')) console.log(firstPictureTable(await runFirstPictureBench()));
if (only.has('barriers')) console.log(barrierBenchTable(await runBarrierBench()));
if (only.has('page-grid')) console.log(pageGridTable(await runPageGridBench()));
if (only.has('onnx')) {
  const onnxOptions = {
    budgetSeconds: args.peerBudget,
    torchThreads: args.torchThreads,
    log: (line: string) => console.error(`  ${line}`),
  };
  console.log(onnxBenchTable(await runOnnxBench(onnxOptions), args.peerBudget));
  console.log(onnxProviderTable(await runOnnxProviderBench(onnxOptions.log)));
}
process.exitCode = ok ? 0 : 1;
