/**
 * The barrier matrix of K minima: two heat maps (straight line, trained curve) with rows and columns in
 * single-linkage order and one shared colour scale, and under them the graph of the minima whose
 * edges are the pairs joined below a chosen barrier E (curve: solid cyan; line: orange). A click on a
 * cell names its pair (cellAt).
 */
import { linearScale, makeChartCanvas } from './chartScale';
import { colormap, rgbCss } from './colormaps';
import { PATH_COLOURS } from './pathChart';
import { formatTick, niceTicks } from './ticks';

export interface BarrierMatrixChartData {
  /** Kept minima's ids, in matrix row order. */
  readonly ids: readonly number[];
  readonly line: readonly (readonly number[])[];
  readonly curve: readonly (readonly number[])[];
  /** Single-linkage leaf order: indices into ids. */
  readonly order: readonly number[];
  /** 'Bezier', 'chain 2', … */
  readonly curveLabel: string;
}

const WIDTH = 256;
const HEIGHT = 392;
const FONT = '11px system-ui, -apple-system, "Segoe UI", sans-serif';
const MAP = { top: 34, size: 112, left: [18, 142] as const };
const BAR = { top: 156, height: 8 };
const GRAPH = { top: 208, bottom: 386 };

export class BarrierMatrixChart {
  readonly element: HTMLCanvasElement;
  /** The chart's own size in CSS pixels (the column may draw it smaller); `cellAt` takes these units. */
  readonly size = { width: WIDTH, height: HEIGHT } as const;
  private readonly ctx: CanvasRenderingContext2D;
  private data: BarrierMatrixChartData | null = null;
  private threshold = 0;
  private selected: [number, number] | null = null;

  constructor(doc: Document) {
    const { canvas, ctx } = makeChartCanvas(doc, WIDTH, HEIGHT, 'barrier-chart');
    this.element = canvas;
    this.ctx = ctx;
  }

  draw(data: BarrierMatrixChartData, threshold: number, selected: [number, number] | null = null): void {
    this.data = data;
    this.threshold = threshold;
    this.selected = selected;
    this.redraw();
  }

  /** The pair (indices into ids) under CSS pixel (x, y) of the canvas, in either heat map; null elsewhere. */
  cellAt(x: number, y: number): [number, number] | null {
    const d = this.data;
    if (d === null) return null;
    const K = d.ids.length;
    const cell = MAP.size / Math.max(1, K);
    for (const left of MAP.left) {
      const c = Math.floor((x - left) / cell);
      const r = Math.floor((y - MAP.top) / cell);
      if (c >= 0 && c < K && r >= 0 && r < K && x >= left && y >= MAP.top) {
        const i = d.order[r];
        const j = d.order[c];
        return i === undefined || j === undefined ? null : [i, j];
      }
    }
    return null;
  }

  private redraw(): void {
    const d = this.data;
    const ctx = this.ctx;
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = '#12161d';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    if (d === null) return;
    const K = d.ids.length;
    const finite = [...d.line.flat(), ...d.curve.flat()].filter(Number.isFinite);
    const hi = Math.max(1e-9, ...finite);
    const colour = (v: number): string => (Number.isFinite(v) ? rgbCss(colormap('viridis', Math.min(1, Math.max(0, v / hi)))) : '#ff00ff');
    ctx.font = FONT;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    const cell = MAP.size / Math.max(1, K);
    const titles = [
      { matrix: d.line, title: 'straight line', tint: PATH_COLOURS.line },
      { matrix: d.curve, title: `${d.curveLabel} curve`, tint: PATH_COLOURS.curve },
    ];
    titles.forEach(({ matrix, title, tint }, m) => {
      const left = MAP.left[m] ?? 0;
      ctx.fillStyle = tint;
      ctx.fillText(title, left, 4);
      ctx.fillStyle = PATH_COLOURS.muted;
      ctx.fillText(`max ${short(Math.max(0, ...matrix.flat().filter(Number.isFinite)))}`, left, 18);
      d.order.forEach((i, r) => {
        d.order.forEach((j, c) => {
          ctx.fillStyle = colour(matrix[i]?.[j] ?? Number.NaN);
          ctx.fillRect(left + c * cell, MAP.top + r * cell, Math.ceil(cell), Math.ceil(cell));
        });
      });
      if (this.selected !== null) {
        const [si, sj] = this.selected;
        ctx.strokeStyle = PATH_COLOURS.endpoint;
        ctx.lineWidth = 1.5;
        ctx.strokeRect(left + d.order.indexOf(sj) * cell + 0.5, MAP.top + d.order.indexOf(si) * cell + 0.5, cell - 1, cell - 1);
      }
    });
    // Row labels (ids in cluster order) when there is room.
    if (cell >= 12) {
      ctx.fillStyle = PATH_COLOURS.muted;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      ctx.font = '9px system-ui, sans-serif';
      d.order.forEach((i, r) => ctx.fillText(`${d.ids[i] ?? ''}`, MAP.left[0] - 2, MAP.top + (r + 0.5) * cell));
      ctx.font = FONT;
    }
    // The shared colour bar.
    const barLeft = MAP.left[0];
    const barRight = MAP.left[1] + MAP.size;
    const bx = linearScale(0, hi, barLeft, barRight);
    for (let px = barLeft; px < barRight; px++) {
      ctx.fillStyle = colour(((px - barLeft) / (barRight - barLeft)) * hi);
      ctx.fillRect(px, BAR.top, 1, BAR.height);
    }
    ctx.fillStyle = PATH_COLOURS.muted;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of niceTicks(0, hi, 4)) if (v <= hi) ctx.fillText(formatTick(v), bx.at(v), BAR.top + BAR.height + 2);
    ctx.textAlign = 'left';
    ctx.fillText('barrier: loss above the higher endpoint', barLeft - 12, BAR.top + 22);
    ctx.fillText('rows, columns: ids in single-linkage order', barLeft - 12, BAR.top + 35);

    // The graph: minima on a circle in cluster order, edges for pairs joined below E.
    const cx = WIDTH / 2;
    const cy = (GRAPH.top + GRAPH.bottom) / 2 + 6;
    const radius = (GRAPH.bottom - GRAPH.top) / 2 - 14;
    const at = (r: number): { x: number; y: number } => {
      const angle = -Math.PI / 2 + (2 * Math.PI * r) / Math.max(1, K);
      return { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) };
    };
    const edge = (matrix: readonly (readonly number[])[], stroke: string, width: number, offset: number): void => {
      ctx.strokeStyle = stroke;
      ctx.lineWidth = width;
      for (let r = 0; r < K; r++)
        for (let c = r + 1; c < K; c++) {
          const v = matrix[d.order[r] ?? 0]?.[d.order[c] ?? 0] ?? Number.NaN;
          if (!(v <= this.threshold)) continue;
          const p = at(r);
          const q = at(c);
          ctx.beginPath();
          ctx.moveTo(p.x + offset, p.y + offset);
          ctx.lineTo(q.x + offset, q.y + offset);
          ctx.stroke();
        }
    };
    edge(d.curve, PATH_COLOURS.curve, 2, 0);
    edge(d.line, PATH_COLOURS.line, 1.5, 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let r = 0; r < K; r++) {
      const p = at(r);
      ctx.fillStyle = '#12161d';
      ctx.beginPath();
      ctx.arc(p.x, p.y, 9, 0, 2 * Math.PI);
      ctx.fill();
      ctx.strokeStyle = PATH_COLOURS.endpoint;
      ctx.lineWidth = 1;
      ctx.stroke();
      ctx.fillStyle = PATH_COLOURS.text;
      ctx.fillText(`${d.ids[d.order[r] ?? 0] ?? ''}`, p.x, p.y);
    }
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillStyle = PATH_COLOURS.text;
    ctx.fillText(`pairs joined with barrier ≤ E = ${short(this.threshold)}:`, 6, GRAPH.top);
    ctx.fillStyle = PATH_COLOURS.curve;
    ctx.fillText('curve', 6, GRAPH.top + 14);
    ctx.fillStyle = PATH_COLOURS.line;
    ctx.fillText('line', 6, GRAPH.top + 28);
  }
}

function short(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(3)).toString() : String(value);
}
