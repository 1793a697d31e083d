/**
 * Loss along the straight line A → B and along the trained curve (Garipov's 61-point evaluation),
 * t on the x axis. The endpoints are marked, both barrier heights (max along the path − the higher
 * endpoint) are printed as numbers, and the merge level of A and B in the drawn plane (the lowest E
 * at which they share a component of {L ≤ E} on the grid) is a dashed horizontal line when known.
 */
import { linearScale, makeChartCanvas, type Scale } from './chartScale';
import { formatTick, niceTicks } from './ticks';

export interface PathChartData {
  readonly t: ArrayLike<number>;
  readonly lineLoss: ArrayLike<number>;
  readonly curveLoss: ArrayLike<number>;
  readonly lineBarrier: number;
  readonly curveBarrier: number;
  /** 'Bezier', 'chain (2 bends)', 'NEB (8 images)'. */
  readonly curveLabel: string;
  /** Merge level of A and B in the plane's grid; NaN or Infinity when unknown. */
  readonly mergeLevel: number;
  /** Extra line under the title (e.g. off-plane distances of further bends). */
  readonly caption: string;
  /** The path's loss read off the plane (bilinear) and each point's distance from the plane, for the path's polyline. */
  readonly honest?: {
    readonly planeLoss: ArrayLike<number>;
    readonly offPlane: ArrayLike<number>;
    readonly what: string;
  };
}

/** CSS pixels: as wide as the left column's cards hold without scaling (text stays at 12 px). */
const WIDTH = 232;
const HEIGHT = 214;
const PAD = { left: 44, right: 8, top: 54, bottom: 24 };
const FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
export const PATH_COLOURS = {
  line: '#ffb454',
  curve: '#5ce1ff',
  merge: '#ff8a9b',
  planeRead: '#c9a4ff',
  offPlane: '#8c95a6',
  text: '#d6dce8',
  muted: '#9aa3b5',
  grid: '#2c3340',
  endpoint: '#ffffff',
};

export class PathChart {
  readonly element: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  /** Where the travelling marker is (t in [0, 1]); NaN hides it. */
  private cursor = Number.NaN;
  private data: PathChartData | null = null;

  constructor(doc: Document) {
    const { canvas, ctx } = makeChartCanvas(doc, WIDTH, HEIGHT, 'path-chart');
    this.element = canvas;
    this.ctx = ctx;
  }

  draw(data: PathChartData): void {
    this.data = data;
    this.redraw();
  }

  /** Move the t cursor (the marker travelling along the curve on the surface). */
  setCursor(t: number): void {
    this.cursor = t;
    this.redraw();
  }

  private redraw(): void {
    const d = this.data;
    const ctx = this.ctx;
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = '#12161d';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    if (d === null) return;
    ctx.font = FONT;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    ctx.fillStyle = PATH_COLOURS.line;
    ctx.fillText(`line barrier ${short(d.lineBarrier)}`, 6, 4);
    ctx.fillStyle = PATH_COLOURS.curve;
    ctx.fillText(`${d.curveLabel} barrier ${short(d.curveBarrier)}`, 6, 19);
    ctx.fillStyle = PATH_COLOURS.muted;
    ctx.fillText(d.caption, 6, 34);
    const honest = d.honest;
    const maxOff = honest ? Math.max(0, ...Array.from(honest.offPlane).filter(Number.isFinite)) : 0;
    if (honest) {
      ctx.fillStyle = PATH_COLOURS.curve;
      ctx.fillText('— true', 6, 49);
      ctx.fillStyle = PATH_COLOURS.planeRead;
      ctx.fillText('- - read off plane', 48, 49);
      ctx.fillStyle = PATH_COLOURS.offPlane;
      ctx.fillText(`··· off-plane ≤ ${short(maxOff)}`, 152, 49);
    }

    const values = [...Array.from(d.lineLoss), ...Array.from(d.curveLoss), ...(honest ? Array.from(honest.planeLoss) : [])].filter(
      Number.isFinite,
    );
    if (Number.isFinite(d.mergeLevel)) values.push(d.mergeLevel);
    const lo = Math.min(0, ...values);
    const hi = Math.max(lo + 1e-6, ...values) * 1.05;
    const left = PAD.left;
    const right = WIDTH - PAD.right;
    const top = PAD.top + (honest ? 12 : 0);
    const bottom = HEIGHT - PAD.bottom;
    const x = linearScale(0, 1, left, right);
    const y = linearScale(lo, hi, bottom, top);
    ctx.strokeStyle = PATH_COLOURS.grid;
    ctx.lineWidth = 1;
    ctx.fillStyle = PATH_COLOURS.muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of niceTicks(lo, hi, 4)) {
      const py = Math.round(y.at(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(left, py);
      ctx.lineTo(right, py);
      ctx.stroke();
      ctx.fillText(formatTick(v), left - 4, py);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of [0, 0.5, 1]) ctx.fillText(String(v), x.at(v), bottom + 4);
    ctx.fillText('t', (left + right) / 2 + 40, bottom + 4);

    if (Number.isFinite(d.mergeLevel)) {
      const py = y.at(d.mergeLevel);
      ctx.strokeStyle = PATH_COLOURS.merge;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(left, py);
      ctx.lineTo(right, py);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    const polyline = (
      loss: ArrayLike<number>,
      colour: string,
      dash: number[] = [],
      width = 2,
      at = (v: number): number => y.at(v),
    ): void => {
      ctx.strokeStyle = colour;
      ctx.lineWidth = width;
      ctx.setLineDash(dash);
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < loss.length; i++) {
        const v = loss[i] ?? Number.NaN;
        if (!Number.isFinite(v)) {
          pen = false;
          continue;
        }
        const px = x.at(d.t[i] ?? 0);
        const py = at(v);
        if (pen) ctx.lineTo(px, py);
        else ctx.moveTo(px, py);
        pen = true;
      }
      ctx.stroke();
      ctx.setLineDash([]);
    };
    if (honest) {
      // Off-plane distance on its own scale: 0 at the bottom, its maximum at the top of the plot.
      const off = linearScale(0, maxOff > 0 ? maxOff : 1, bottom, top);
      polyline(honest.offPlane, PATH_COLOURS.offPlane, [1, 3], 1.5, (v) => off.at(v));
    }
    polyline(d.lineLoss, PATH_COLOURS.line);
    polyline(d.curveLoss, PATH_COLOURS.curve);
    if (honest) polyline(honest.planeLoss, PATH_COLOURS.planeRead, [5, 3], 1.5);
    const n = d.curveLoss.length;
    ctx.fillStyle = PATH_COLOURS.endpoint;
    ctx.textBaseline = 'bottom';
    ctx.textAlign = 'center';
    for (const [i, label] of [
      [0, 'A'],
      [n - 1, 'B'],
    ] as const) {
      const v = d.curveLoss[i] ?? Number.NaN;
      if (!Number.isFinite(v)) continue;
      const px = x.at(d.t[i] ?? 0);
      ctx.beginPath();
      ctx.arc(px, y.at(v), 3.5, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillText(label, px + (i === 0 ? 8 : -8), y.at(v) - 3);
    }
    if (Number.isFinite(d.mergeLevel)) this.mergeLabel(d, x, y, { left, right, top, bottom });
    if (Number.isFinite(this.cursor)) {
      const px = x.at(Math.min(1, Math.max(0, this.cursor)));
      ctx.strokeStyle = PATH_COLOURS.endpoint;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, bottom);
      ctx.stroke();
    }
  }

  /**
   * "A, B merge in plane" beside its dashed line: of the places above or below the line at its left, middle
   * and right, the first that is clear of the A and B markers and their letters and crosses the fewest curve points.
   */
  private mergeLabel(d: PathChartData, x: Scale, y: Scale, plot: Box): void {
    const ctx = this.ctx;
    const text = 'A, B merge in plane';
    const width = ctx.measureText(text).width;
    const lineY = y.at(d.mergeLevel);
    const endpoints: Box[] = [];
    const n = d.curveLoss.length;
    for (const i of [0, n - 1]) {
      const v = d.curveLoss[i] ?? Number.NaN;
      if (!Number.isFinite(v)) continue;
      const px = x.at(d.t[i] ?? 0);
      const py = y.at(v);
      endpoints.push({ left: px - 18, right: px + 18, top: py - 18, bottom: py + 6 });
    }
    const points: [number, number][] = [];
    for (const loss of [d.lineLoss, d.curveLoss])
      for (let i = 0; i < loss.length; i++) {
        const v = loss[i] ?? Number.NaN;
        if (Number.isFinite(v)) points.push([x.at(d.t[i] ?? 0), y.at(v)]);
      }
    let best: Box | null = null;
    let bestHits = Infinity;
    for (const left of [plot.left + 4, (plot.left + plot.right - width) / 2, plot.right - width - 2])
      for (const top of [lineY - 15, lineY + 2]) {
        const box = { left, right: left + width, top, bottom: top + 13 };
        if (box.top < plot.top - 12 || box.bottom > plot.bottom || endpoints.some((e) => overlaps(e, box))) continue;
        const hits = points.filter(([px, py]) => px >= box.left && px <= box.right && py >= box.top && py <= box.bottom).length;
        if (hits < bestHits) {
          best = box;
          bestHits = hits;
        }
      }
    if (best === null) return;
    ctx.fillStyle = PATH_COLOURS.merge;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(text, best.left, best.top);
  }
}

type Box = { left: number; right: number; top: number; bottom: number };

/** Whether two boxes overlap. */
function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Three significant digits: the chart's title has room for little more. */
function short(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(3)).toString() : String(value);
}
