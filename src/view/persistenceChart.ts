/**
 * Persistence diagram of the slice's local minima: each minimum is a point (birth, death) =
 * (its loss, the level where its basin merges into a deeper one), in the view's loss scale.
 * The shaded quadrant {birth < E ≤ death} holds exactly the minima whose basins are separate
 * components of {L < E}; minima that never merge sit on the "∞" line at the top.
 */
import { UNRESOLVED_TEXT, type LocalMinimum } from '../landscape/mergeTree';
import { mostPersistent } from '../landscape/sublevelAnalysis';
import { rgbCss } from './colormaps';
import type { LossScale } from './heights';
import { componentColor } from './palette';
import { formatTick, lossTicks } from './ticks';

/** CSS pixels: as wide as the left column's cards hold without scaling (text stays at 12 px). */
const WIDTH = 232;
const HEIGHT = 182;
const LEFT = 52;
/** Right edge of the rotated "death: merge level" label: tick labels end left of the plot and start right of it. */
const LABEL_RIGHT = 18;
const RIGHT = 10;
const TOP = 22;
const BOTTOM = 32;
/** Height of the "∞" band above the plot, CSS pixels. */
const INFINITY_BAND = 14;
const TEXT = '#c9d0dc';
const FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
/** Closest two tick labels may come, CSS pixels between centres (vertically; horizontally their widths plus a gap). */
const TICK_GAP = 14;

/** How many minima the chart shows at most (the most persistent ones). */
export const CHART_MINIMA = 16;

export class PersistenceChart {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLDivElement;
  private minima: readonly LocalMinimum[] = [];
  private shown: number[] = [];
  private scale: LossScale | null = null;
  private level = NaN;
  private mergeLine = NaN;
  private hovered = -1;
  private pinned = -1;
  private frame = 0;

  /** `onHighlight` receives the index into `minima` to highlight, or −1 for none. */
  constructor(
    doc: Document,
    private readonly onHighlight: (minimum: number) => void,
    private readonly describe: (minimum: number) => string,
  ) {
    this.element = doc.createElement('div');
    this.element.className = 'persistence';
    this.canvas = doc.createElement('canvas');
    const ratio = Math.min(globalThis.devicePixelRatio || 1, 2);
    this.canvas.width = Math.round(WIDTH * ratio);
    this.canvas.height = Math.round(HEIGHT * ratio);
    Object.assign(this.canvas.style, { width: `${WIDTH}px`, height: `${HEIGHT}px`, display: 'block', cursor: 'crosshair' });
    this.caption = doc.createElement('div');
    this.caption.className = 'persistence-caption';
    // The tolerance behind every count in the column, said where the counts are read.
    const rule = doc.createElement('div');
    rule.className = 'persistence-caption persistence-rule';
    rule.textContent = `Tolerance: ${UNRESOLVED_TEXT}, here and in the component count.`;
    this.element.append(this.canvas, this.caption, rule);
    this.canvas.addEventListener('pointermove', (e) => this.hover(this.pointAt(e.clientX, e.clientY)));
    this.canvas.addEventListener('pointerleave', () => this.hover(-1));
    this.canvas.addEventListener('click', (e) => {
      const hit = this.pointAt(e.clientX, e.clientY);
      this.pinned = hit === this.pinned ? -1 : hit;
      this.emit();
    });
  }

  setMinima(minima: readonly LocalMinimum[], scale: LossScale): void {
    this.minima = minima;
    this.scale = scale;
    this.shown = mostPersistent(minima, CHART_MINIMA);
    this.pinned = -1;
    this.hovered = -1;
    this.request();
    this.emit();
  }

  /** The water level E, and the θ₀ ↔ minimum merge level drawn as a dashed line (NaN: none). */
  setLevels(level: number, mergeLine: number): void {
    this.level = level;
    this.mergeLine = mergeLine;
    this.request();
  }

  private hover(index: number): void {
    if (index === this.hovered) return;
    this.hovered = index;
    this.emit();
  }

  private emit(): void {
    const active = this.hovered >= 0 ? this.hovered : this.pinned;
    this.onHighlight(active);
    this.caption.textContent =
      active >= 0
        ? this.describe(active)
        : `${this.minima.length} resolved local minim${this.minima.length === 1 ? 'um' : 'a'} in this slice; ` +
          `${Math.min(this.shown.length, this.minima.length)} most persistent shown. Hover or click a point.`;
    this.request();
  }

  private request(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private plotX(unit: number): number {
    return LEFT + Math.min(1, Math.max(0, unit)) * (WIDTH - LEFT - RIGHT);
  }

  private plotY(unit: number): number {
    const h = HEIGHT - TOP - BOTTOM;
    if (!Number.isFinite(unit)) return TOP - INFINITY_BAND / 2 - 2;
    return TOP + (1 - Math.min(1, Math.max(0, unit))) * h;
  }

  private position(m: LocalMinimum): [number, number] {
    const scale = this.scale;
    if (scale === null) return [0, 0];
    return [this.plotX(scale.toUnit(m.birth)), this.plotY(Number.isFinite(m.death) ? scale.toUnit(m.death) : Infinity)];
  }

  private pointAt(clientX: number, clientY: number): number {
    const rect = this.canvas.getBoundingClientRect();
    const x = ((clientX - rect.left) / rect.width) * WIDTH;
    const y = ((clientY - rect.top) / rect.height) * HEIGHT;
    let best = -1;
    let bestDistance = 9;
    for (const index of this.shown) {
      const m = this.minima[index];
      if (m === undefined) continue;
      const [px, py] = this.position(m);
      const d = Math.hypot(px - x, py - y);
      if (d < bestDistance) {
        bestDistance = d;
        best = index;
      }
    }
    return best;
  }

  draw(): void {
    const ctx = this.canvas.getContext('2d');
    const scale = this.scale;
    if (ctx === null || scale === null) return;
    const r = this.canvas.width / WIDTH;
    ctx.setTransform(r, 0, 0, r, 0, 0);
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    const x0 = this.plotX(0);
    const x1 = this.plotX(1);
    const y0 = this.plotY(0);
    const y1 = this.plotY(1);
    const yInf = this.plotY(Infinity);

    // Minima alive at E: birth < E ≤ death (including the ∞ band).
    if (Number.isFinite(this.level)) {
      const ex = this.plotX(scale.toUnit(this.level));
      const ey = this.plotY(scale.toUnit(this.level));
      ctx.fillStyle = 'rgba(95, 184, 255, 0.16)';
      ctx.fillRect(x0, yInf - INFINITY_BAND / 2, ex - x0, ey - (yInf - INFINITY_BAND / 2));
      ctx.strokeStyle = 'rgba(95, 184, 255, 0.8)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(ex, yInf - INFINITY_BAND / 2);
      ctx.lineTo(ex, ey);
      ctx.lineTo(x1, ey);
      ctx.stroke();
    }
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.35)';
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + 0.5, y1 + 0.5, x1 - x0 - 1, y0 - y1 - 1);
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
    if (Number.isFinite(this.mergeLine)) {
      const my = this.plotY(scale.toUnit(this.mergeLine));
      ctx.strokeStyle = 'rgba(255, 79, 106, 0.85)';
      ctx.beginPath();
      ctx.moveTo(x0, my);
      ctx.lineTo(x1, my);
      ctx.stroke();
    }
    ctx.setLineDash([]);

    ctx.font = FONT;
    ctx.fillStyle = TEXT;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    // Ticks too close to a label already drawn (the ∞ line, a neighbour) are left out rather than overlapped.
    ctx.fillText('∞', x0 - 4, yInf);
    const drawnY = [yInf];
    for (const tick of lossTicks(scale, 3)) {
      const y = this.plotY(tick.unit);
      if (drawnY.some((d) => Math.abs(d - y) < TICK_GAP)) continue;
      if (x0 - 4 - ctx.measureText(tick.label).width < LABEL_RIGHT) continue;
      drawnY.push(y);
      ctx.fillText(tick.label, x0 - 4, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const drawnX: [number, number][] = [];
    for (const tick of lossTicks(scale, 3)) {
      const half = ctx.measureText(tick.label).width / 2;
      const x = Math.min(WIDTH - half - 1, this.plotX(tick.unit));
      if (drawnX.some(([a, b]) => x - half < b + 4 && a < x + half + 4)) continue;
      drawnX.push([x - half, x + half]);
      ctx.fillText(tick.label, x, y0 + 3);
    }
    ctx.fillText('birth: loss at the minimum', (x0 + x1) / 2, y0 + 17);
    ctx.save();
    ctx.translate(10, (y0 + y1) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText('death: merge level', 0, -6);
    ctx.restore();

    const active = this.hovered >= 0 ? this.hovered : this.pinned;
    for (const index of [...this.shown].reverse()) {
      const m = this.minima[index];
      if (m === undefined) continue;
      const [px, py] = this.position(m);
      ctx.beginPath();
      ctx.arc(px, py, index === active ? 5.5 : 4, 0, 2 * Math.PI);
      ctx.fillStyle = rgbCss(componentColor(index));
      ctx.fill();
      ctx.lineWidth = index === active ? 2 : 1;
      ctx.strokeStyle = index === active ? '#ffa94d' : 'rgba(0, 0, 0, 0.75)';
      ctx.stroke();
    }
  }
}

/** One line about a minimum for the chart's caption. */
export function describeMinimum(m: LocalMinimum, index: number, alpha: number, beta: number): string {
  const where = `α ${alpha.toFixed(3)}, β ${beta.toFixed(3)}`;
  const death = Number.isFinite(m.death)
    ? `merges at ${formatTick(m.death)} (persistence ${formatTick(m.persistence)})`
    : 'never merges (deepest)';
  return `minimum #${index} at ${where}: loss ${formatTick(m.birth)}, ${death}`;
}
