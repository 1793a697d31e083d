/**
 * Final losses of a multi-seed run: one dot per seed on a log axis (seed order left to right),
 * the threshold ε as a dashed line, and diverged seeds as crosses in a band above the plot
 * (never counted as successes). The title gives the fraction that reached loss ≤ ε.
 */
import { formatLoss } from './formatLoss';
import { logDomain, logScale, makeChartCanvas } from './chartScale';
import { formatTick, logTicks } from './ticks';

export interface LossDots {
  readonly finalLosses: ArrayLike<number>;
  readonly diverged: ArrayLike<number>;
  readonly success: readonly boolean[];
  readonly epsilon: number;
  readonly floorLoss: number;
  readonly fraction: number;
  readonly caption: string;
}

const WIDTH = 540;
const HEIGHT = 250;
const PAD = { left: 62, right: 14, top: 40, bottom: 30 };
const DIVERGED_BAND = 18;
/** Gap between the diverged band and the plot, so its label never meets the top tick. */
const GAP = 10;
const FONT = '13px system-ui, -apple-system, "Segoe UI", sans-serif';
export const CHART_COLOURS = {
  text: '#d6dce8',
  grid: '#2c3340',
  success: '#5fd39b',
  fail: '#ffb454',
  diverged: '#ff6b6b',
  threshold: '#8fd0ff',
  bar: '#5fb8d3',
};

export class LossDotsChart {
  readonly element: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(doc: Document) {
    const { canvas, ctx } = makeChartCanvas(doc, WIDTH, HEIGHT, 'training-chart loss-dots');
    this.element = canvas;
    this.ctx = ctx;
  }

  draw(d: LossDots): void {
    const ctx = this.ctx;
    const C = CHART_COLOURS;
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = '#12161d';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    ctx.font = FONT;
    const K = d.finalLosses.length;
    const successes = d.success.filter(Boolean).length;
    let diverged = 0;
    for (let k = 0; k < K; k++) if ((d.diverged[k] ?? 0) !== 0 || !Number.isFinite(d.finalLosses[k] ?? Number.NaN)) diverged++;
    ctx.fillStyle = C.text;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.font = `600 ${FONT}`;
    ctx.fillText(
      `${successes}/${K} seeds reached loss ≤ ε (${Math.round(d.fraction * 100)} %)${diverged > 0 ? ` · ${diverged} diverged` : ''}`,
      PAD.left,
      6,
    );
    ctx.font = FONT;
    ctx.fillStyle = '#9aa3b5';
    ctx.fillText(d.caption, PAD.left, 22);

    const threshold = d.floorLoss + d.epsilon;
    const domain = logDomain([...Array.from(d.finalLosses), threshold > 0 ? threshold : Number.NaN]);
    const top = PAD.top + DIVERGED_BAND + GAP;
    const bottom = HEIGHT - PAD.bottom;
    const left = PAD.left;
    const right = WIDTH - PAD.right;
    if (!domain) {
      ctx.fillStyle = C.diverged;
      ctx.fillText('no finite final loss: every seed diverged', left, top + 20);
    }
    const [lo, hi] = domain ?? [1e-3, 1];
    const y = logScale(lo, hi, bottom, top);
    // Grid and ticks.
    ctx.strokeStyle = C.grid;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of logTicks(lo, hi, 6)) {
      const py = Math.round(y.at(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, py);
      ctx.lineTo(right, py);
      ctx.stroke();
      ctx.fillStyle = C.text;
      ctx.fillText(formatTick(t), left - 6, py);
    }
    ctx.save();
    ctx.translate(14, (top + bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText('final loss (log)', 0, 0);
    ctx.restore();
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#9aa3b5';
    ctx.fillText(`seed (${K}), in order`, (left + right) / 2, bottom + 8);
    // Diverged band.
    ctx.fillStyle = 'rgba(255, 107, 107, 0.08)';
    ctx.fillRect(left, PAD.top, right - left, DIVERGED_BAND - 2);
    ctx.fillStyle = C.diverged;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText('diverged', left - 6, PAD.top + DIVERGED_BAND / 2 - 1);
    // Threshold ε (above the floor, when inputs repeat).
    if (threshold > 0) {
      const py = y.at(threshold);
      ctx.strokeStyle = C.threshold;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(left, py);
      ctx.lineTo(right, py);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = C.threshold;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'bottom';
      ctx.fillText(`ε = ${formatLoss(d.epsilon)}${d.floorLoss > 0 ? ` above floor ${formatLoss(d.floorLoss)}` : ''}`, right - 4, py - 2);
    }
    // One mark per seed.
    const radius = K > 96 ? 2.5 : 4;
    for (let k = 0; k < K; k++) {
      const px = left + ((k + 0.5) / K) * (right - left);
      const f = d.finalLosses[k] ?? Number.NaN;
      if ((d.diverged[k] ?? 0) !== 0 || !Number.isFinite(f)) {
        const py = PAD.top + DIVERGED_BAND / 2 - 1;
        ctx.strokeStyle = C.diverged;
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.moveTo(px - radius, py - radius);
        ctx.lineTo(px + radius, py + radius);
        ctx.moveTo(px + radius, py - radius);
        ctx.lineTo(px - radius, py + radius);
        ctx.stroke();
        ctx.lineWidth = 1;
        continue;
      }
      ctx.fillStyle = d.success[k] ? C.success : C.fail;
      ctx.beginPath();
      ctx.arc(px, Math.min(bottom, Math.max(top, y.at(f))), radius, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}
