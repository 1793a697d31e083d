/**
 * Benchmark page (bench.html): the adapter's FMA peak, the grid kernel on the "default" and
 * "wide" workloads, and the CPU twin. Starts on `bench.html?run=1` or on `window.runBench()`;
 * the report goes to `window.benchResults` and a table on the page; progress goes to the console.
 */
import { acquireGpu } from '../../src/gpu/device';
import { errorMessage } from '../../src/model/errors';
import { lossGridCpu } from '../../src/gpu/lossGrid.cpu';
import { kernelMacsPerSample, LossGridKernel, naiveMacsPerSample } from '../../src/gpu/lossGrid.gpu';
import { LossGridPointKernel, pointWeightCapacity, pointWeightCount } from '../../src/gpu/lossGridPoint.gpu';
import { measureFmaPeak } from './fmaPeak';
import { renderReport } from './render';
import { benchHessian } from './hessianBench';
import { benchTraining } from './training';
import { benchCurve } from './curveBench';
import { benchBarriers } from './barrierBench';
import type { BenchReport, CpuTwinResult, GridVariantRow, GridWorkloadResult, TargetCheck } from './types';
import { defaultWorkload, gridRequest, toyWorkload, wideWorkload, type Workload } from './workloads';

/** Dispatch budget for the kernel: longer than the app's 40 ms so launch overhead is not measured. */
const TARGET_DISPATCH_MS = 200;
/** Stop repeating a workload once this much time went into it, s. */
const WORKLOAD_BUDGET_S = 60;

const statusEl = document.getElementById('status');
const outEl = document.getElementById('results');

function log(line: string): void {
  console.log(`[bench] ${line}`);
  if (statusEl) statusEl.textContent = line;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? Number.NaN) - (b[i] ?? Number.NaN));
    worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(worst, d);
  }
  return worst;
}

/** Either grid kernel variant (LossGridKernel or LossGridPointKernel). */
type GridKernel = Pick<LossGridKernel, 'run'>;

async function benchWorkload(kernel: GridKernel, w: Workload, peak: number, checkGrid: number): Promise<GridWorkloadResult> {
  // Warm-up: compiles the pipelines; on a small grid so its result can be checked on the CPU.
  log(`${w.name}: warm-up and check on ${checkGrid}²`);
  const small = gridRequest(w, checkGrid);
  const gpuSmall = await kernel.run(small, { targetDispatchMs: TARGET_DISPATCH_MS });
  const cpuSmall = lossGridCpu(small);
  const diff = maxAbsDiff(gpuSmall.loss, cpuSmall.loss);
  log(`${w.name}: max |GPU − CPU| loss on ${checkGrid}² = ${diff.toExponential(2)}`);

  const req = gridRequest(w);
  const points = w.gridSize * w.gridSize;
  const m = w.samples.m;
  const runs: number[] = [];
  const maxRuns = 3;
  let spent = 0;
  while (runs.length < maxRuns) {
    let nextReport = 0.25;
    const t0 = performance.now();
    await kernel.run(req, {
      targetDispatchMs: TARGET_DISPATCH_MS,
      onProgress: (f) => {
        if (f >= nextReport && f < 1) {
          log(`${w.name}: run ${runs.length + 1} ${Math.round(f * 100)}% (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
          nextReport += 0.25;
        }
      },
    });
    const s = (performance.now() - t0) / 1000;
    runs.push(s);
    spent += s;
    log(`${w.name}: run ${runs.length} took ${s.toFixed(2)} s`);
    // At least 2 runs unless one alone is very slow; a third only when cheap.
    if (runs.length >= 2 && spent + s > WORKLOAD_BUDGET_S / 2) break;
    if (runs.length >= 1 && spent + s > WORKLOAD_BUDGET_S * 1.5) break;
  }
  const seconds = median(runs);
  const evals = points * m;
  const kMacs = kernelMacsPerSample(w.spec);
  const nMacs = naiveMacsPerSample(w.spec);
  const kernelGflops = (2 * kMacs * evals) / seconds / 1e9;
  const effectiveGflops = (2 * nMacs * evals) / seconds / 1e9;
  return {
    name: w.name,
    description: w.description,
    gridSize: w.gridSize,
    points,
    samples: m,
    kernelMacsPerSample: kMacs,
    naiveMacsPerSample: nMacs,
    runs,
    seconds,
    sampleEvalsPerSecond: evals / seconds,
    kernelGflops,
    kernelFractionOfPeak: kernelGflops / peak,
    effectiveGflops,
    effectiveRatioToPeak: effectiveGflops / peak,
    maxAbsDiffVsCpu: Number.isFinite(diff) ? diff : null,
  };
}

/** The workgroup-per-point kernel on the workloads the tile kernel just ran, or why it cannot run them. */
async function benchPointVariant(
  device: GPUDevice,
  cases: readonly (readonly [Workload, GridWorkloadResult | undefined, number])[],
): Promise<GridVariantRow[]> {
  const rows: GridVariantRow[] = [];
  const kernel = new LossGridPointKernel(device);
  try {
    for (const [w, tiles, checkGrid] of cases) {
      const base = { workload: w.name, description: w.description, tilesSeconds: tiles?.seconds ?? Number.NaN };
      if (!LossGridPointKernel.fits(w.spec, device.limits)) {
        const note = `does not fit: layers ≥ 1 need ${pointWeightCount(w.spec)} floats of workgroup memory, ${pointWeightCapacity(device.limits)} available`;
        log(`${w.name} (workgroup per point): ${note}`);
        rows.push({ ...base, pointRuns: [], pointSeconds: null, pointMaxAbsDiffVsCpu: null, note });
        continue;
      }
      const r = await benchWorkload(kernel, { ...w, name: `${w.name} (workgroup per point)` }, 1, checkGrid);
      rows.push({ ...base, pointRuns: r.runs, pointSeconds: r.seconds, pointMaxAbsDiffVsCpu: r.maxAbsDiffVsCpu, note: null });
    }
  } finally {
    kernel.dispose();
  }
  return rows;
}

function benchCpu(w: Workload, gridSize: number, gpu: GridWorkloadResult): CpuTwinResult {
  const req = gridRequest(w, gridSize);
  lossGridCpu(req); // warm-up (JIT)
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    lossGridCpu(req);
    runs.push((performance.now() - t0) / 1000);
  }
  const seconds = median(runs);
  const rate = (gridSize * gridSize * w.samples.m) / seconds;
  log(`cpu twin ${w.name} ${gridSize}²: ${seconds.toFixed(3)} s, ${(rate / 1e6).toFixed(2)} M sample-evals/s`);
  return {
    workload: w.name,
    gridSize,
    samples: w.samples.m,
    runs,
    seconds,
    sampleEvalsPerSecond: rate,
    gpuOverCpu: gpu.sampleEvalsPerSecond / rate,
  };
}

export async function runBench(): Promise<BenchReport> {
  const start = performance.now();
  delete window.benchResults;
  delete window.benchError;
  log('acquiring the GPU');
  const gpu = await acquireGpu(navigator.gpu);
  if (!gpu) throw new Error('no WebGPU adapter in this browser (navigator.gpu missing or requestAdapter() gave null)');
  const { device } = gpu;
  log(`adapter: ${gpu.adapterName}`);
  const health = { lost: false };
  void device.lost.then((info) => {
    if (info.reason === 'destroyed') return; // our own destroy() at the end
    health.lost = true;
    console.error(`[bench] device lost: ${info.message}`);
  });
  device.addEventListener('uncapturederror', (ev) => {
    console.error(`[bench] WebGPU error: ${ev.error.message}`);
  });
  try {
    // The peak is measured before and after the kernel runs and the best kept, so a busy
    // machine at one moment does not flatter the kernel's fraction of it.
    const fmaBefore = await measureFmaPeak(device, { log });
    log(`fma peak: ${fmaBefore.gflops.toFixed(2)} GFLOP/s`);
    const kernel = new LossGridKernel(device);
    const defaultW = defaultWorkload();
    const wideW = wideWorkload();
    const toyW = toyWorkload();
    const workloads: GridWorkloadResult[] = [];
    try {
      workloads.push(await benchWorkload(kernel, defaultW, fmaBefore.gflops, 17));
      workloads.push(await benchWorkload(kernel, wideW, fmaBefore.gflops, 3));
      // The peers' toy workload (bench/peers compares TensorFlow.js and PyTorch on it).
      workloads.push(await benchWorkload(kernel, toyW, fmaBefore.gflops, 17));
    } finally {
      kernel.dispose();
    }
    const variants = await benchPointVariant(device, [
      [toyW, workloads[2], 17],
      [wideW, workloads[1], 3],
    ]);
    if (health.lost) throw new Error('the WebGPU device was lost during the benchmark');
    const fmaAfter = await measureFmaPeak(device, { log, chains: [fmaBefore.chains] });
    const fma = fmaAfter.gflops > fmaBefore.gflops ? fmaAfter : fmaBefore;
    log(`fma peak after the kernel runs: ${fmaAfter.gflops.toFixed(2)} GFLOP/s; using ${fma.gflops.toFixed(2)}`);
    for (let i = 0; i < workloads.length; i++) {
      const w = workloads[i];
      if (w)
        workloads[i] = { ...w, kernelFractionOfPeak: w.kernelGflops / fma.gflops, effectiveRatioToPeak: w.effectiveGflops / fma.gflops };
    }
    const [def, wide] = workloads;
    if (!def || !wide) throw new Error('a workload is missing');
    const cpu = benchCpu(defaultW, 17, def);
    const training = new URLSearchParams(location.search).get('only') === 'grid' ? undefined : await benchTraining(device, log);
    let curve: BenchReport['curve'];
    if (new URLSearchParams(location.search).get('only') !== 'grid') {
      log('mode connectivity: minima, 300 curve steps, 61-point evaluation');
      const c = await benchCurve(device);
      curve = {
        description: `moons m=${c.preset.samples}, ${c.preset.spec.inputs}-${c.preset.spec.hidden.join('-')}-${c.preset.spec.outputs} ${c.preset.spec.activation}, Bezier, ${c.preset.tPerStep} t/step`,
        curveSteps: c.curveSteps,
        curveStepsPerSecond: c.curveStepsPerSecond,
        secondsPer1000Steps: 1000 / c.curveStepsPerSecond,
        evaluationMs: c.evaluationMs,
        lineBarrier: c.lineBarrier,
        curveBarrier: c.curveBarrier,
      };
      log(`mode connectivity: ${c.curveStepsPerSecond.toFixed(0)} curve steps/s, 61-point evaluation ${c.evaluationMs.toFixed(1)} ms`);
    }
    const hessian = new URLSearchParams(location.search).get('only') === 'grid' ? undefined : await benchHessian(device, log);
    const barriers = new URLSearchParams(location.search).get('only') === 'grid' ? undefined : await benchBarriers(gpu, log);
    const targets: TargetCheck[] = [
      {
        name: 'default: kernel GFLOP/s ≥ 25 % of FMA peak',
        value: def.kernelFractionOfPeak * 100,
        target: 25,
        unit: '% of peak',
        pass: def.kernelFractionOfPeak >= 0.25,
      },
      {
        name: 'wide: effective GFLOP/s ≥ 5× FMA peak',
        value: wide.effectiveRatioToPeak,
        target: 5,
        unit: '× peak',
        pass: wide.effectiveRatioToPeak >= 5,
      },
    ];
    const report: BenchReport = {
      adapter: gpu.adapterName,
      isFallback: gpu.isFallback,
      userAgent: navigator.userAgent,
      targetDispatchMs: TARGET_DISPATCH_MS,
      fmaPeak: fma,
      workloads,
      variants,
      cpu,
      targets,
      totalSeconds: (performance.now() - start) / 1000,
      ...(training ? { training } : {}),
      ...(curve ? { curve } : {}),
      ...(hessian ? { hessian } : {}),
      ...(barriers ? { barriers } : {}),
    };
    return report;
  } finally {
    device.destroy();
  }
}

async function runAndShow(): Promise<BenchReport> {
  try {
    const report = await runBench();
    window.benchResults = report;
    if (outEl) renderReport(outEl, report);
    log(`done in ${report.totalSeconds.toFixed(1)} s`);
    return report;
  } catch (err) {
    const message = errorMessage(err);
    window.benchError = message;
    console.error(`[bench] failed: ${message}`);
    if (statusEl) statusEl.textContent = `failed: ${message}`;
    throw err;
  }
}

window.runBench = runAndShow;
const button = document.getElementById('run');
if (button instanceof HTMLButtonElement) {
  button.addEventListener('click', () => {
    button.disabled = true;
    runAndShow()
      .catch(() => undefined)
      .finally(() => {
        button.disabled = false;
      });
  });
}
if (new URLSearchParams(location.search).get('run') === '1') {
  void runAndShow().catch(() => undefined);
}
