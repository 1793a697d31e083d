/** The benchmark report as plain HTML tables. */
import type { BenchReport } from './types';

function fmt(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(digits);
  return v.toFixed(digits);
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): HTMLTableElement {
  const t = document.createElement('table');
  const tr = t.createTHead().insertRow();
  for (const h of head) {
    const th = document.createElement('th');
    th.textContent = h;
    tr.appendChild(th);
  }
  const body = t.createTBody();
  for (const r of rows) {
    const row = body.insertRow();
    for (const c of r) row.insertCell().textContent = c;
  }
  return t;
}

export function renderReport(el: HTMLElement, r: BenchReport): void {
  el.replaceChildren();
  const p = document.createElement('p');
  p.textContent = `Adapter: ${r.adapter} — FMA peak ${fmt(r.fmaPeak.gflops)} GFLOP/s (trials ${r.fmaPeak.trials.map((g) => fmt(g)).join(', ')}) — total ${fmt(r.totalSeconds, 1)} s`;
  el.appendChild(p);
  el.appendChild(
    table(
      [
        'workload',
        'points × m',
        'runs (s)',
        'median s',
        'sample-evals/s',
        'kernel GFLOP/s',
        '% of peak',
        'effective GFLOP/s',
        '× peak',
        'max |GPU−CPU|',
      ],
      r.workloads.map((w) => [
        `${w.name}: ${w.description}`,
        `${w.points} × ${w.samples}`,
        w.runs.map((s) => fmt(s)).join(', '),
        fmt(w.seconds, 3),
        fmt(w.sampleEvalsPerSecond),
        fmt(w.kernelGflops),
        fmt(w.kernelFractionOfPeak * 100, 1),
        fmt(w.effectiveGflops),
        fmt(w.effectiveRatioToPeak),
        w.maxAbsDiffVsCpu === null ? 'n/a' : fmt(w.maxAbsDiffVsCpu),
      ]),
    ),
  );
  if (r.variants && r.variants.length > 0) {
    el.appendChild(
      table(
        ['grid kernel variants', 'register tiles s', 'workgroup per point s', 'point / tiles'],
        r.variants.map((v) => [
          `${v.workload}: ${v.description}`,
          fmt(v.tilesSeconds, 3),
          v.pointSeconds === null ? (v.note ?? 'did not run') : fmt(v.pointSeconds, 3),
          v.pointSeconds === null ? '—' : fmt(v.pointSeconds / v.tilesSeconds),
        ]),
      ),
    );
  }
  el.appendChild(
    table(
      ['CPU twin', 'median s', 'sample-evals/s', 'GPU / CPU'],
      [
        [
          `${r.cpu.workload} ${r.cpu.gridSize}² × ${r.cpu.samples}`,
          fmt(r.cpu.seconds, 3),
          fmt(r.cpu.sampleEvalsPerSecond),
          fmt(r.cpu.gpuOverCpu, 1),
        ],
      ],
    ),
  );
  const t = r.training;
  if (t) {
    el.appendChild(
      table(
        ['training', 'GPU steps', 'GPU s', 'GPU grad-evals/s', 'CPU steps', 'CPU s', 'CPU grad-evals/s', 'GPU / CPU'],
        [
          [
            t.description,
            String(t.gpuSteps),
            fmt(t.gpuSeconds, 3),
            fmt(t.gpuEvalsPerSecond),
            String(t.cpuSteps),
            fmt(t.cpuSeconds, 3),
            fmt(t.cpuEvalsPerSecond),
            fmt(t.gpuOverCpu, 1),
          ],
        ],
      ),
    );
    el.appendChild(
      table(
        ['width sweep', 'seconds', 'successes per n₁'],
        [[t.sweep.description, fmt(t.sweep.seconds, 1), t.sweep.successes.map((p) => `${p.width}:${p.successes}/${p.seeds}`).join(' ')]],
      ),
    );
  }
  const c = r.curve;
  if (c) {
    el.appendChild(
      table(
        ['mode connectivity', 'curve steps', 'steps/s', 's / 1,000 steps', '61-point eval ms', 'line barrier', 'curve barrier'],
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
    );
  }
  el.appendChild(
    table(
      ['target', 'value', 'target', 'result'],
      r.targets.map((t) => [t.name, `${fmt(t.value)} ${t.unit}`, `${fmt(t.target)} ${t.unit}`, t.pass ? 'PASS' : 'MISS']),
    ),
  );
}
