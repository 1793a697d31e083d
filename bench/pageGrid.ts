/**
 * The page's own end-to-end grid time against the engine's bench time, in one run on one machine: the toy
 * (51², 2-32-32-1 tanh, mse, m = 512) opened in the built app (headless Chromium, the engine picked by
 * calibration, and with eng=cpu and eng=gpu), timed from `landscape.set()` (a new span: the surface stage
 * only, θ₀ cached) to the drawn final grid — coarse-to-fine levels, worker messages, read-back and
 * rendering included — beside the SIMD CPU engine timing the same grid size in Node. Run by
 * `npm run bench -- --only page-grid` or `npx tsx bench/pageGrid.ts` (needs a build: `npx vite build`).
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { lossGridWasm } from '../src/wasm/cpuEngine';
import { launchChromium, startPreview } from '../test/browser/harness';
import type { Calibration } from '../src/engine/calibrate';
import { gridRequest, toyWorkload } from './page/workloads';

/** The toy as a page link (the peers' toy: spiral m = 512, 2-32-32-1 tanh, mse, 51² over [−1, 1]²). */
export const TOY_LINK = 'data=spiral&m=512&classes=2&noise=0.1&hidden=32,32&act=tanh&loss=mse&grid=51&span=1';

export interface PageGridRow {
  /** eng= of the link. */
  readonly choice: string;
  /** The engine the grid ran on (landscape.engine().used) and the status line's words. */
  readonly used: string;
  readonly status: string;
  /** From set() to the final grid drawn (ready() resolved), s: the page's end-to-end grid time. */
  readonly endToEndS: number;
  /** The surface's own grid time (all levels and the centre point, without drawing), s. */
  readonly gridS: number;
  /** The levels drawn: size² at ms from the job's start. */
  readonly levels: string;
}

export interface PageGridResult {
  readonly adapter: string;
  /** The SIMD CPU engine on the same grid size in Node (all threads, median of runs interleaved with the page's), s. */
  readonly engineS: number;
  readonly threads: number;
  readonly rows: readonly PageGridRow[];
  /** What the page measured when it calibrated (null: it did not). */
  readonly calibration: Calibration | null;
}

async function median(runs: number, run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** Times of the same work, interleaved page run / Node engine run, so both see the same load; medians. */
const RUNS = 3;

function middle(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function runPageGridBench(choices: readonly string[] = ['auto', 'cpu', 'gpu']): Promise<PageGridResult> {
  const threads = availableParallelism();
  const req = gridRequest(toyWorkload());
  await lossGridWasm(req, {}, { threads }); // warm-up: compile and spawn
  const engineTimes: number[] = [await median(1, () => lossGridWasm(req, {}, { threads }))];
  const server = await startPreview(process.env['BENCH_DIST'] === undefined ? {} : { outDir: process.env['BENCH_DIST'] });
  const rows: PageGridRow[] = [];
  let adapter = '?';
  let calibration: Calibration | null = null;
  try {
    const browser = await launchChromium();
    try {
      for (const choice of choices) {
        const page = await browser.context.newPage();
        await page.goto(new URL(`index.html?ask=never#${TOY_LINK}&eng=${choice}`, server.url).href);
        await page.waitForFunction(() => typeof window.landscape !== 'undefined', undefined, { timeout: 120_000 });
        await page.evaluate(() => window.landscape.ready());
        // The first run warms up (the engine's first grid of a network compiles its pipeline or spawns its
        // threads); then RUNS timed runs (fewer on a slow engine), each beside one run of the engine in Node.
        const runs: { ms: number; gridMs: number; used: string | null; levels: string }[] = [];
        for (let k = 0; k <= RUNS; k++) {
          const got = await page.evaluate(
            async (s) => {
              const t0 = performance.now();
              await window.landscape.set({ plane: { span: s } });
              await window.landscape.ready();
              const ms = performance.now() - t0;
              const e = window.landscape.engine();
              const levels = window.landscape
                .timeline()
                .map((l) => `${l.gridSize}² ${Math.round(l.ms)}`)
                .join(', ');
              return { ms, gridMs: window.landscape.surface().timings.gridMs, used: e.used, levels };
            },
            1 + (k + 1) / 1000,
          );
          if (k === 0) continue;
          runs.push(got);
          engineTimes.push(await median(1, () => lossGridWasm(req, {}, { threads })));
          if (got.ms > 3000) break;
        }
        const status = (await page.locator('.status-adapter').textContent()) ?? '';
        calibration ??= await page.evaluate(() => window.landscape.engine().calibration);
        adapter = calibration?.device ?? adapter;
        await page.close();
        const mid = runs.slice().sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
        if (mid === undefined) continue;
        rows.push({
          choice,
          used: mid.used ?? '?',
          status,
          endToEndS: mid.ms / 1000,
          gridS: middle(runs.map((r) => r.gridMs)) / 1000,
          levels: mid.levels,
        });
      }
    } finally {
      await browser.close();
    }
  } finally {
    await server.close();
  }
  return { adapter, engineS: middle(engineTimes), threads, rows, calibration };
}

export function pageGridTable(r: PageGridResult): string {
  const f = (v: number): string => v.toFixed(2);
  return [
    '## The page end to end: toy 51² (2-32-32-1 tanh, mse, m = 512)',
    '',
    `SIMD CPU engine in Node (bench, ${r.threads} threads, median of runs interleaved with the page's): **${f(r.engineS)} s**. ` +
      `Devices: ${r.adapter}. Target: the page within 1.5× of it. Page times: medians of ${RUNS} runs after a warm-up (one on a slow engine).`,
    '',
    '| eng= | grid ran on | page end to end s (set → drawn) | surface grid time s | end to end / engine bench | levels (size² ms) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...r.rows.map(
      (row) =>
        `| ${row.choice} | ${row.used} | ${f(row.endToEndS)} | ${f(row.gridS)} | ${(row.endToEndS / r.engineS).toFixed(2)}×${row.endToEndS / r.engineS <= 1.5 ? '' : ' ✗'} | ${row.levels} |`,
    ),
    '',
    ...r.rows.map((row) => `Status line with eng=${row.choice}: "${row.status}"  `),
    '',
    ...(r.calibration === null ? [] : calibrationLines(r.calibration)),
  ].join('\n');
}

/** The page's calibration: grid points per second of each engine at each workload size (multiply-adds per point). */
function calibrationLines(cal: Calibration): string[] {
  const sizes = [...new Set(cal.measured.map((m) => m.size))].sort((a, b) => a - b);
  const engines = [...new Set(cal.measured.map((m) => m.engine))];
  const rate = (engine: string, size: number): string => {
    const found = cal.measured.find((m) => m.engine === engine && m.size === size);
    return found === undefined ? '—' : Math.round(found.pointsPerSecond).toLocaleString('en-US');
  };
  return [
    `Calibration in the page (${cal.ms.toFixed(0)} ms; grid points per second at each workload size, multiply-adds per point):`,
    '',
    `| engine | ${sizes.map((s) => s.toLocaleString('en-US')).join(' | ')} |`,
    `| --- | ${sizes.map(() => '---').join(' | ')} |`,
    ...engines.map((e) => `| ${e} | ${sizes.map((s) => rate(e, s)).join(' | ')} |`),
    ...cal.failed.map((f) => `| ${f.engine} | failed: ${f.reason} |`),
    '',
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(pageGridTable(await runPageGridBench(process.argv.slice(2).length > 0 ? process.argv.slice(2) : undefined)));
}
