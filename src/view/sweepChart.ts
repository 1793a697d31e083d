/**
 * The width sweep: for each hidden width n₁ (one band each), the fraction of seeds that reached
 * the floor (bars, left axis 0..1) and the median final loss (line, right log axis). n₁ = m is
 * marked, and the widths the theorem covers (n₁ ≥ m) are shaded.
 */
import { CHART_COLOURS } from './lossDotsChart';
import { bandCentre, linearScale, logDomain, logScale, makeChartCanvas } from './chartScale';
import { formatTick, logTicks } from './ticks';

export interface SweepPoint {
  readonly width: number;
  readonly fraction: number;
  readonly medianFinal: number;
  readonly divergedCount: number;
}

export interface SweepPlot {
  readonly m: number;
  readonly points: readonly SweepPoint[];
  readonly caption: string;
  /** Widths still to come (drawn as empty bands while the sweep runs). */
  readonly pending?: readonly number[];
}

const WIDTH = 540;
const HEIGHT = 270;
const PAD = { left: 56, right: 66, top: 42, bottom: 40 };
const FONT = '13px system-ui, -apple-system, "Segoe UI", sans-serif';
const MEDIAN = '#ffb454';

/** x position of n₁ = m among the bands: on its band, or between its neighbours. */
export function markPosition(widths: readonly number[], m: number, left: number, right: number): number {
  const n = widths.length;
  const exact = widths.indexOf(m);
  if (exact >= 0) return bandCentre(exact, n, left, right);
  const after = widths.findIndex((w) => w > m);
  if (after <= 0) return after === 0 ? left : right;
  const a = widths[after - 1] ?? m;
  const b = widths[after] ?? m;
  const t = (m - a) / (b - a || 1);
  return bandCentre(after - 1 + t, n, left, right);
}

export class SweepChart {
  readonly element: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(doc: Document) {
    const { canvas, ctx } = makeChartCanvas(doc, WIDTH, HEIGHT, 'training-chart sweep-chart');
    this.element = canvas;
    this.ctx = ctx;
  }

  draw(plot: SweepPlot): void {
    const ctx = this.ctx;
    const C = CHART_COLOURS;
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = '#12161d';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    const widths = [...plot.points.map((p) => p.width), ...(plot.pending ?? [])];
    const n = widths.length;
    const left = PAD.left;
    const right = WIDTH - PAD.right;
    const top = PAD.top;
    const bottom = HEIGHT - PAD.bottom;
    ctx.font = `600 ${FONT}`;
    ctx.fillStyle = C.text;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText('Success fraction and median final loss against hidden width n₁', 10, 6);
    ctx.font = FONT;
    ctx.fillStyle = '#9aa3b5';
    ctx.fillText(plot.caption, 10, 22);
    if (n === 0) return;

    // The widths the theorem covers.
    const xm = markPosition(widths, plot.m, left, right);
    ctx.fillStyle = 'rgba(95, 211, 155, 0.07)';
    ctx.fillRect(xm, top, right - xm, bottom - top);

    const yFrac = linearScale(0, 1, bottom, top);
    ctx.strokeStyle = C.grid;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      const py = Math.round(yFrac.at(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, py);
      ctx.lineTo(right, py);
      ctx.stroke();
      ctx.fillStyle = C.bar;
      ctx.fillText(t.toFixed(2), left - 6, py);
    }
    const band = (right - left) / n;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const labelEvery = Math.ceil(n / 14);
    widths.forEach((w, i) => {
      const cx = bandCentre(i, n, left, right);
      const p = plot.points[i];
      if (p) {
        ctx.fillStyle = C.bar;
        const py = yFrac.at(p.fraction);
        ctx.fillRect(cx - band * 0.32, py, band * 0.64, Math.max(1, bottom - py));
        if (p.divergedCount > 0) {
          ctx.fillStyle = C.diverged;
          ctx.fillText(`×${p.divergedCount}`, cx, top - 14);
        }
      } else {
        ctx.strokeStyle = C.grid;
        ctx.strokeRect(cx - band * 0.32, top, band * 0.64, bottom - top);
      }
      if (i % labelEvery === 0 || w === plot.m) {
        ctx.fillStyle = w === plot.m ? '#ffffff' : C.text;
        ctx.fillText(String(w), cx, bottom + 5);
      }
    });
    ctx.fillStyle = C.text;
    ctx.fillText('hidden width n₁', (left + right) / 2, bottom + 22);

    // n₁ = m.
    ctx.strokeStyle = '#ffffff';
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(xm, top - 4);
    ctx.lineTo(xm, bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    const markLabel = `n₁ = m = ${plot.m}`;
    const lx = Math.min(xm + 4, right - ctx.measureText(markLabel).width - 8);
    ctx.fillStyle = 'rgba(18, 22, 29, 0.85)';
    ctx.fillRect(lx - 2, top + 1, ctx.measureText(markLabel).width + 6, 17);
    ctx.fillStyle = '#ffffff';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    ctx.fillText(markLabel, lx, top + 16);

    // Median final loss on the right axis.
    const domain = logDomain(plot.points.map((p) => p.medianFinal));
    if (domain) {
      const y = logScale(domain[0], domain[1], bottom, top);
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillStyle = MEDIAN;
      for (const t of logTicks(domain[0], domain[1], 5)) ctx.fillText(formatTick(t), right + 6, y.at(t));
      ctx.strokeStyle = MEDIAN;
      ctx.lineWidth = 2;
      ctx.beginPath();
      let started = false;
      plot.points.forEach((p, i) => {
        if (!Number.isFinite(p.medianFinal)) return;
        const px = bandCentre(i, n, left, right);
        const py = y.at(p.medianFinal);
        if (started) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        started = true;
      });
      ctx.stroke();
      ctx.lineWidth = 1;
      plot.points.forEach((p, i) => {
        if (!Number.isFinite(p.medianFinal)) return;
        ctx.beginPath();
        ctx.arc(bandCentre(i, n, left, right), y.at(p.medianFinal), 4, 0, 2 * Math.PI);
        ctx.fill();
      });
    }
    // Axis names.
    ctx.save();
    ctx.translate(14, (top + bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = C.bar;
    ctx.fillText('fraction of seeds ≤ ε', 0, 0);
    ctx.restore();
    ctx.save();
    ctx.translate(WIDTH - 10, (top + bottom) / 2);
    ctx.rotate(Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = MEDIAN;
    ctx.fillText('median final loss (log)', 0, 0);
    ctx.restore();
  }
}
