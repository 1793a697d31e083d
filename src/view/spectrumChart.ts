/**
 * The Hessian spectrum at θ₀: the stochastic Lanczos quadrature density (log scale: a few outliers sit
 * beside a bulk near zero), the top eigenvalues as cyan ticks, the bottom ones as red ticks, and a dashed
 * line at tr/n, the curvature a random direction sees on average (Böttcher & Wheeler).
 */
import { linearScale, makeChartCanvas } from './chartScale';
import { formatTick, niceTicks } from './ticks';

export interface SpectrumChartData {
  /** Eigenvalue axis and the density on it (empty without SLQ probes). */
  readonly x: ArrayLike<number>;
  readonly density: ArrayLike<number>;
  readonly top: readonly number[];
  readonly bottom: readonly number[];
  /** Mean curvature of a random unit direction, tr/n as random directions measure it (NaN when unknown). */
  readonly meanCurvature: number;
}

const WIDTH = 272;
const HEIGHT = 150;
const PAD = { left: 34, right: 8, top: 18, bottom: 30 };
const FONT = '11px system-ui, -apple-system, "Segoe UI", sans-serif';
export const SPECTRUM_COLOURS = {
  density: '#c9a6ff',
  top: '#5ce1ff',
  bottom: '#ff6b7a',
  mean: '#ffd166',
  text: '#d6dce8',
  muted: '#9aa3b5',
  grid: '#2c3340',
};
/** The density is drawn down to this fraction of its peak (log axis). */
const FLOOR = 1e-5;

export class SpectrumChart {
  readonly element: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(doc: Document) {
    const { canvas, ctx } = makeChartCanvas(doc, WIDTH, HEIGHT, 'spectrum-chart');
    this.element = canvas;
    this.ctx = ctx;
  }

  draw(d: SpectrumChartData): void {
    const ctx = this.ctx;
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = '#12161d';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    ctx.font = FONT;
    const xs = [...Array.from(d.x), ...d.top, ...d.bottom, ...(Number.isFinite(d.meanCurvature) ? [d.meanCurvature] : [])].filter(
      Number.isFinite,
    );
    if (xs.length === 0) return;
    let lo = Math.min(...xs);
    let hi = Math.max(...xs);
    if (hi - lo < 1e-12) {
      lo -= 1;
      hi += 1;
    }
    const x0 = PAD.left;
    const x1 = WIDTH - PAD.right;
    const y0 = HEIGHT - PAD.bottom;
    const y1 = PAD.top;
    const sx = linearScale(lo, hi, x0, x1);
    ctx.strokeStyle = SPECTRUM_COLOURS.grid;
    ctx.lineWidth = 1;
    ctx.fillStyle = SPECTRUM_COLOURS.muted;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(lo, hi, 5)) {
      const px = sx.at(t);
      ctx.beginPath();
      ctx.moveTo(px, y0);
      ctx.lineTo(px, y1);
      ctx.stroke();
      ctx.fillText(formatTick(t), px, y0 + 12);
    }
    ctx.fillText('eigenvalue λ', (x0 + x1) / 2, HEIGHT - 11);
    const peak = Math.max(0, ...Array.from(d.density));
    if (peak > 0) {
      const a = Math.log10(peak * FLOOR);
      const b = Math.log10(peak);
      const sy = linearScale(a, b, y0, y1);
      ctx.save();
      ctx.translate(9, (y0 + y1) / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textBaseline = 'middle';
      ctx.fillText('density (log)', 0, 0);
      ctx.restore();
      ctx.strokeStyle = SPECTRUM_COLOURS.density;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      for (let i = 0; i < d.x.length; i++) {
        const v = Math.max(d.density[i] ?? 0, peak * FLOOR);
        const px = sx.at(d.x[i] ?? 0);
        const py = sy.at(Math.log10(v));
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      }
      ctx.stroke();
    }
    const tick = (value: number, colour: string): void => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(sx.at(value), y0);
      ctx.lineTo(sx.at(value), y0 - 10);
      ctx.stroke();
    };
    for (const v of d.top) tick(v, SPECTRUM_COLOURS.top);
    for (const v of d.bottom) tick(v, SPECTRUM_COLOURS.bottom);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    if (Number.isFinite(d.meanCurvature)) {
      const px = sx.at(d.meanCurvature);
      ctx.strokeStyle = SPECTRUM_COLOURS.mean;
      ctx.setLineDash([3, 3]);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(px, y0);
      ctx.lineTo(px, y1);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = SPECTRUM_COLOURS.mean;
      ctx.fillText('tr/n', Math.min(px + 3, x1 - 24), 3);
    }
    ctx.fillStyle = SPECTRUM_COLOURS.top;
    ctx.fillText('top', x1 - 60, 3);
    ctx.fillStyle = SPECTRUM_COLOURS.bottom;
    ctx.fillText('bottom', x1 - 36, 3);
  }
}
