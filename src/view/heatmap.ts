/**
 * The top-down 2-D view of the surface: the same colormap, isolines, water-level shading and
 * component colours as the 3-D view, on a 2-D canvas. α runs right, β up (as seen from above).
 */
import { contourSegments } from '../landscape/contours';
import { gridRows, type Surface } from '../landscape/surface';
import type { ColormapName } from '../state/appState';
import { colormap, nonFiniteColor, type Rgb } from './colormaps';
import type { LossScale } from './heights';
import { componentColor } from './palette';
import { PATH_COLOURS } from './pathChart';
import { formatTick } from './ticks';
import type { SublevelDisplay, SurfacePoints } from './surfaceView';
import type { PathOverlayData, PlaneXY } from './pathOverlay';

/** Side of the plot square, CSS pixels; the base image is drawn at this many pixels per side. */
const PLOT = 184;
const MARGIN_LEFT = 36;
const MARGIN_BOTTOM = 22;
const MARGIN_TOP = 6;
const MARGIN_RIGHT = 8;
const TEXT = '#c9d0dc';

export interface HeatmapInput {
  readonly surface: Surface;
  readonly scale: LossScale;
  readonly colormap: ColormapName;
}

export class Heatmap {
  readonly element: HTMLDivElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly image: HTMLCanvasElement;
  private pixels: ImageData | null = null;
  private input: HeatmapInput | null = null;
  private contourPaths: Float32Array[] = [];
  private sublevel: SublevelDisplay | null = null;
  private points: SurfacePoints = { minimum: null, highlight: null, hover: null };
  private centerCell = -1;
  private paths: PathOverlayData | null = null;
  private units = new Float32Array(0);
  private frame = 0;

  constructor(
    doc: Document,
    private readonly onHover: (cell: number | null) => void,
  ) {
    this.element = doc.createElement('div');
    this.element.className = 'heatmap';
    this.canvas = doc.createElement('canvas');
    this.canvas.className = 'heatmap-canvas';
    const width = MARGIN_LEFT + PLOT + MARGIN_RIGHT;
    const height = MARGIN_TOP + PLOT + MARGIN_BOTTOM;
    const ratio = Math.min(globalThis.devicePixelRatio || 1, 2);
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    Object.assign(this.canvas.style, { width: `${width}px`, height: `${height}px`, display: 'block' });
    this.image = doc.createElement('canvas');
    this.image.width = PLOT;
    this.image.height = PLOT;
    this.element.append(this.canvas);
    this.canvas.addEventListener('pointermove', (e) => this.onHover(this.cellAt(e.clientX, e.clientY)));
    this.canvas.addEventListener('pointerleave', () => this.onHover(null));
  }

  /** Titles of the plane's two axes (α, β; u, v where the plane is the whole weight space of u·v·x). */
  private axisNames: readonly [string, string] = ['α', 'β'];

  /** The titles of the plane's two axes; redraws. */
  setAxisNames(names: readonly [string, string]): void {
    this.axisNames = names;
    this.request();
  }

  setSurface(input: HeatmapInput, contourLevels: readonly number[], centerCell: number): void {
    this.input = input;
    this.centerCell = centerCell;
    const { surface, scale } = input;
    this.units = surface.loss.map((v) => (Number.isFinite(v) ? scale.toUnit(v) : NaN));
    this.contourPaths = contourLevels.map((level) => contourSegments(surface.loss, surface.gridSize, gridRows(surface), level));
    this.request();
  }

  setSublevel(display: SublevelDisplay): void {
    this.sublevel = display;
    this.request();
  }

  /** The straight line and the curve between two minima, in plane coordinates (null: none). */
  setPaths(paths: PathOverlayData | null): void {
    this.paths = paths;
    this.request();
  }

  setPoints(points: SurfacePoints): void {
    this.points = points;
    this.request();
  }

  /** The grid cell under a client position, or null outside the plot. */
  cellAt(clientX: number, clientY: number): number | null {
    const input = this.input;
    if (input === null) return null;
    const rect = this.canvas.getBoundingClientRect();
    const x = ((clientX - rect.left) * (this.canvas.width / rect.width)) / this.ratio() - MARGIN_LEFT;
    const y = ((clientY - rect.top) * (this.canvas.height / rect.height)) / this.ratio() - MARGIN_TOP;
    if (x < 0 || y < 0 || x > PLOT || y > PLOT) return null;
    const n = input.surface.gridSize;
    const rows = gridRows(input.surface);
    const ix = Math.round((x / PLOT) * (n - 1));
    const iy = Math.round((1 - y / PLOT) * (rows - 1));
    return Math.min(rows - 1, Math.max(0, iy)) * n + Math.min(n - 1, Math.max(0, ix));
  }

  private ratio(): number {
    return this.canvas.width / (MARGIN_LEFT + PLOT + MARGIN_RIGHT);
  }

  private request(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Draw now (tests and screenshots call it through the app; the view otherwise batches). */
  draw(): void {
    const input = this.input;
    const ctx = this.canvas.getContext('2d');
    if (input === null || ctx === null) return;
    this.paintImage(input);
    const r = this.ratio();
    ctx.setTransform(r, 0, 0, r, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.image, MARGIN_LEFT, MARGIN_TOP, PLOT, PLOT);
    const n = input.surface.gridSize;
    const rows = gridRows(input.surface);
    const toX = (gx: number): number => MARGIN_LEFT + (n > 1 ? gx / (n - 1) : 0.5) * PLOT;
    const toY = (gy: number): number => MARGIN_TOP + (1 - (rows > 1 ? gy / (rows - 1) : 0.5)) * PLOT;

    const strokeSegments = (segments: Float32Array): void => {
      ctx.beginPath();
      for (let i = 0; i + 3 < segments.length; i += 4) {
        ctx.moveTo(toX(segments[i] ?? 0), toY(segments[i + 1] ?? 0));
        ctx.lineTo(toX(segments[i + 2] ?? 0), toY(segments[i + 3] ?? 0));
      }
      ctx.stroke();
    };
    ctx.lineWidth = 0.8;
    ctx.strokeStyle = 'rgba(8, 10, 14, 0.6)';
    for (const segments of this.contourPaths) strokeSegments(segments);
    const sub = this.sublevel;
    if (sub?.water === true) {
      ctx.lineWidth = 1.6;
      ctx.strokeStyle = 'rgba(235, 247, 255, 0.95)';
      strokeSegments(contourSegments(input.surface.loss, n, rows, sub.level));
    }

    if (this.paths !== null) this.drawPaths(ctx, input.surface, this.paths);

    const cellXY = (cell: number): [number, number] => [toX(cell % n), toY(Math.floor(cell / n))];
    const dot = (cell: number | null, fill: string, radius: number): void => {
      if (cell === null || cell < 0 || cell >= n * rows) return;
      const [x, y] = cellXY(cell);
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = 'rgba(0, 0, 0, 0.8)';
      ctx.stroke();
    };
    dot(this.points.minimum, '#5ce1ff', 3.5);
    dot(this.centerCell, '#ff4f6a', 3.5);
    if (this.points.highlight !== null) {
      const [x, y] = cellXY(this.points.highlight);
      ctx.beginPath();
      ctx.arc(x, y, 6.5, 0, 2 * Math.PI);
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#ffa94d';
      ctx.stroke();
    }
    if (this.points.hover !== null) {
      const [x, y] = cellXY(this.points.hover);
      ctx.lineWidth = 1;
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
      ctx.beginPath();
      ctx.moveTo(MARGIN_LEFT, y);
      ctx.lineTo(MARGIN_LEFT + PLOT, y);
      ctx.moveTo(x, MARGIN_TOP);
      ctx.lineTo(x, MARGIN_TOP + PLOT);
      ctx.stroke();
    }
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(255, 255, 255, 0.3)';
    ctx.strokeRect(MARGIN_LEFT + 0.5, MARGIN_TOP + 0.5, PLOT - 1, PLOT - 1);
    this.drawAxes(ctx, input.surface);
  }

  /** The mode-connectivity paths as on the 3-D surface: line orange, curve cyan, A, B and bends in white. */
  private drawPaths(ctx: CanvasRenderingContext2D, surface: Surface, paths: PathOverlayData): void {
    const a0 = surface.alphas[0] ?? 0;
    const a1 = surface.alphas[surface.alphas.length - 1] ?? 1;
    const b0 = surface.betas[0] ?? 0;
    const b1 = surface.betas[surface.betas.length - 1] ?? 1;
    const at = (p: PlaneXY): [number, number] => [
      MARGIN_LEFT + (a1 !== a0 ? (p.x - a0) / (a1 - a0) : 0.5) * PLOT,
      MARGIN_TOP + (1 - (b1 !== b0 ? (p.y - b0) / (b1 - b0) : 0.5)) * PLOT,
    ];
    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN_LEFT, MARGIN_TOP, PLOT, PLOT);
    ctx.clip();
    const polyline = (points: readonly PlaneXY[], colour: string): void => {
      ctx.beginPath();
      points.forEach((p, i) => {
        const [x, y] = at(p);
        if (i === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      });
      ctx.lineWidth = 3.2;
      ctx.strokeStyle = 'rgba(0, 0, 0, 0.55)';
      ctx.stroke();
      ctx.lineWidth = 1.8;
      ctx.strokeStyle = colour;
      ctx.stroke();
    };
    polyline(paths.line, PATH_COLOURS.line);
    polyline(paths.curve, PATH_COLOURS.curve);
    ctx.font = 'bold 12px system-ui, -apple-system, "Segoe UI", sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'bottom';
    for (const { at: p, label } of paths.points) {
      const [x, y] = at(p);
      ctx.beginPath();
      ctx.arc(x, y, 2.6, 0, 2 * Math.PI);
      ctx.fillStyle = '#ffffff';
      ctx.fill();
      ctx.fillStyle = '#000000';
      ctx.fillText(label, x + 4, y - 1);
      ctx.fillStyle = '#ffffff';
      ctx.fillText(label, x + 3, y - 2);
    }
    ctx.restore();
  }

  private drawAxes(ctx: CanvasRenderingContext2D, surface: Surface): void {
    ctx.fillStyle = TEXT;
    ctx.font = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
    // The plot spans the grid's own coordinates (±span for computed surfaces, any range for imports).
    const axisLabels = (coords: Float32Array): [number, string][] => {
      const lo = coords[0] ?? 0;
      const hi = coords[coords.length - 1] ?? 0;
      const mid = (lo + hi) / 2;
      return [
        [0, formatTick(lo)],
        [0.5, Math.abs(mid) < 1e-9 * Math.max(1, Math.abs(hi - lo)) ? '0' : formatTick(mid)],
        [1, formatTick(hi)],
      ];
    };
    const labels = axisLabels(surface.alphas);
    ctx.textBaseline = 'top';
    for (const [f, text] of labels) {
      ctx.textAlign = f === 0 ? 'left' : f === 1 ? 'right' : 'center';
      ctx.fillText(text, MARGIN_LEFT + f * PLOT, MARGIN_TOP + PLOT + 4);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const [f, text] of axisLabels(surface.betas)) {
      const y = MARGIN_TOP + (1 - f) * PLOT + (f === 0 ? -6 : f === 1 ? 6 : 0);
      ctx.fillText(text, MARGIN_LEFT - 4, y);
    }
    ctx.font = 'italic 12px system-ui, -apple-system, "Segoe UI", sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(this.axisNames[0], MARGIN_LEFT + PLOT * 0.75, MARGIN_TOP + PLOT + 4);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(this.axisNames[1], MARGIN_LEFT - 4, MARGIN_TOP + PLOT * 0.25);
  }

  /** One pixel per image texel: bilinear loss position, water shading, component colours. */
  private paintImage(input: HeatmapInput): void {
    const ctx = this.image.getContext('2d');
    if (ctx === null) return;
    const { surface, scale } = input;
    const n = surface.gridSize;
    const rows = gridRows(surface);
    // One image for every draw (each pixel is written below): no new 135 KB array per frame for the collector.
    this.pixels ??= ctx.createImageData(PLOT, PLOT);
    const img = this.pixels;
    const data = img.data;
    const sub = this.sublevel;
    const water = sub?.water === true;
    const levelUnit = water ? scale.toUnit(sub.level) : NaN;
    const paint = water && sub.colourComponents && sub.labels !== null && sub.elder !== null;
    const bad = nonFiniteColor(input.colormap);
    const units = this.units;
    const unitAt = (i: number): number => units[i] ?? NaN;
    for (let py = 0; py < PLOT; py++) {
      const gy = (1 - (py + 0.5) / PLOT) * (rows - 1);
      const iy = Math.min(rows - 2, Math.max(0, Math.floor(gy)));
      const fy = rows > 1 ? gy - iy : 0;
      for (let px = 0; px < PLOT; px++) {
        const gx = ((px + 0.5) / PLOT) * (n - 1);
        const ix = Math.min(n - 2, Math.max(0, Math.floor(gx)));
        const fx = n > 1 ? gx - ix : 0;
        const i00 = iy * n + ix;
        const u00 = unitAt(i00);
        const u10 = unitAt(i00 + 1);
        const u01 = unitAt(i00 + n);
        const u11 = unitAt(i00 + n + 1);
        const unit = (u00 * (1 - fx) + u10 * fx) * (1 - fy) + (u01 * (1 - fx) + u11 * fx) * fy;
        let rgb: Rgb;
        if (Number.isNaN(unit)) {
          rgb = bad;
        } else {
          rgb = colormap(input.colormap, Math.min(1, Math.max(0, unit)));
          if (water) {
            if (unit < levelUnit) {
              if (paint) {
                const nearest = (fy < 0.5 ? iy : iy + 1) * n + (fx < 0.5 ? ix : ix + 1);
                const label = nearestLabel(sub.labels, n, nearest, i00);
                if (label >= 0) rgb = componentColor(sub.elder[label] ?? label);
              }
            } else {
              const grey = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
              rgb = [(rgb[0] * 0.45 + grey * 0.55) * 0.7, (rgb[1] * 0.45 + grey * 0.55) * 0.7, (rgb[2] * 0.45 + grey * 0.55) * 0.7];
            }
          }
        }
        const o = 4 * (py * PLOT + px);
        data[o] = rgb[0] * 255;
        data[o + 1] = rgb[1] * 255;
        data[o + 2] = rgb[2] * 255;
        data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
  }
}

/** The label of `cell`, or when it is above the level, of one of its cell's corners that is not. */
function nearestLabel(labels: Int32Array, n: number, cell: number, corner: number): number {
  const own = labels[cell] ?? -1;
  if (own >= 0) return own;
  for (const c of [corner, corner + 1, corner + n, corner + n + 1]) {
    const label = labels[c] ?? -1;
    if (label >= 0) return label;
  }
  return -1;
}
