/**
 * One picture of the 3-D view for exports (PNG, video frames): its own off-screen WebGLRenderer at the
 * requested pixel size draws the live scene (SurfaceView.renderInto), and a 2-D canvas composites the
 * colour bar and the caption over it. The on-screen canvas, camera and controls are never touched.
 */
import { Color, WebGLRenderer } from 'three';
import type { ColormapName } from '../state/appState';
import type { CameraPose } from './camera';
import { colormap, nonFiniteColor, rgbCss } from './colormaps';
import type { LossScale } from './heights';
import { formatTick, lossTicks } from './ticks';
import { BACKGROUND_COLOR, type SurfaceView } from './surfaceView';

export interface ExportFrameOptions {
  readonly width: number;
  readonly height: number;
  /** Clear to transparent instead of the page background (PNG only; video has no alpha). */
  readonly transparent: boolean;
  /** Draw the colour bar into the picture. */
  readonly colorBar: boolean;
  /** Text along the bottom edge; null or '' for none. */
  readonly caption: string | null;
  /** Size of text and bar relative to the screen overlay (2 for a 2× PNG). */
  readonly overlayScale: number;
}

export interface ColorBarInfo {
  readonly colormap: ColormapName;
  readonly scale: LossScale;
  readonly surfaceMax: number;
  readonly nonFinite: number;
}

const TEXT = '#dfe3ea';
const PANEL = 'rgba(16, 19, 24, 0.78)';
const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

/** The largest side this renderer can draw into (drawing buffer and viewport limits). */
export function maxExportSide(renderer: WebGLRenderer): number {
  const gl = renderer.getContext();
  const dims = gl.getParameter(gl.MAX_VIEWPORT_DIMS) as ArrayLike<number> | null;
  const renderbuffer = gl.getParameter(gl.MAX_RENDERBUFFER_SIZE) as number;
  return Math.min(renderbuffer, dims?.[0] ?? renderbuffer, dims?.[1] ?? renderbuffer, renderer.capabilities.maxTextureSize);
}

export class ExportFrame {
  /** The composited picture (2-D canvas, exactly width × height). */
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: WebGLRenderer;
  private readonly context: CanvasRenderingContext2D;
  private disposed = false;

  constructor(
    doc: Document,
    readonly options: ExportFrameOptions,
  ) {
    const { width, height } = options;
    if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1)) {
      throw new RangeError(`export size must be whole pixels ≥ 1, got ${width}×${height}`);
    }
    const glCanvas = doc.createElement('canvas');
    this.renderer = new WebGLRenderer({ canvas: glCanvas, antialias: true, alpha: true, preserveDrawingBuffer: true });
    const limit = maxExportSide(this.renderer);
    if (width > limit || height > limit) {
      this.renderer.dispose();
      this.renderer.forceContextLoss();
      throw new RangeError(`${width}×${height} px is larger than this GPU draws (at most ${limit} px per side); choose a smaller size`);
    }
    this.renderer.setPixelRatio(1);
    this.renderer.setSize(width, height, false);
    this.renderer.setClearColor(new Color(BACKGROUND_COLOR), options.transparent ? 0 : 1);
    this.canvas = doc.createElement('canvas');
    this.canvas.width = width;
    this.canvas.height = height;
    const context = this.canvas.getContext('2d');
    if (context === null) throw new Error('no 2-D canvas context for the export');
    this.context = context;
  }

  /** Draw the view's scene as it is now, from `pose` (default: the on-screen camera), plus overlays. */
  draw(view: SurfaceView, pose?: CameraPose): HTMLCanvasElement {
    if (this.disposed) throw new Error('ExportFrame used after dispose()');
    const { width, height } = this.options;
    view.renderInto(this.renderer, width, height, pose);
    const ctx = this.context;
    ctx.clearRect(0, 0, width, height);
    ctx.drawImage(this.renderer.domElement, 0, 0);
    const info = view.colorBarInfo();
    if (this.options.colorBar && info !== null) drawColorBar(ctx, info, width, this.options.overlayScale);
    const caption = this.options.caption;
    if (caption !== null && caption !== '') drawCaption(ctx, caption, width, height, this.options.overlayScale);
    return this.canvas;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.renderer.dispose();
    this.renderer.forceContextLoss();
  }
}

/** The colour bar in the top-right corner, as the screen overlay draws it (ticks in loss units). */
export function drawColorBar(ctx: CanvasRenderingContext2D, info: ColorBarInfo, width: number, k: number): void {
  const pad = 10 * k;
  const barWidth = 14 * k;
  const barHeight = 220 * k;
  const labelWidth = 64 * k;
  const titleHeight = 24 * k;
  const notes: { text: string; swatch: string | null }[] = [];
  if (info.scale.top < info.surfaceMax) notes.push({ text: `clipped above ${formatTick(info.scale.top)}`, swatch: null });
  if (info.nonFinite > 0) notes.push({ text: `Inf/NaN (${info.nonFinite})`, swatch: rgbCss(nonFiniteColor(info.colormap)) });
  const notesHeight = notes.length * 18 * k;
  const boxWidth = pad * 2 + barWidth + 4 * k + labelWidth;
  const boxHeight = pad * 2 + titleHeight + barHeight + (notes.length > 0 ? 8 * k + notesHeight : 0);
  const x0 = width - 14 * k - boxWidth;
  const y0 = 14 * k;
  ctx.save();
  ctx.fillStyle = PANEL;
  roundRect(ctx, x0, y0, boxWidth, boxHeight, 6 * k);
  ctx.fill();
  ctx.fillStyle = TEXT;
  ctx.textBaseline = 'top';
  ctx.font = `600 ${14 * k}px ${FONT}`;
  ctx.fillText(info.scale.logScale ? 'loss (log)' : 'loss', x0 + pad, y0 + pad);
  const barX = x0 + pad;
  const barY = y0 + pad + titleHeight;
  const steps = Math.max(2, Math.round(barHeight));
  for (let i = 0; i < steps; i++) {
    const t = 1 - i / (steps - 1);
    ctx.fillStyle = rgbCss(colormap(info.colormap, t));
    ctx.fillRect(barX, barY + (i * barHeight) / steps, barWidth, barHeight / steps + 1);
  }
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.25)';
  ctx.lineWidth = k;
  ctx.strokeRect(barX, barY, barWidth, barHeight);
  ctx.font = `${13 * k}px ${FONT}`;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = TEXT;
  for (const tick of lossTicks(info.scale, 5)) {
    const y = barY + (1 - tick.unit) * barHeight;
    ctx.fillRect(barX + barWidth + k, y - k / 2, 5 * k, k);
    ctx.fillText(tick.label, barX + barWidth + 9 * k, y);
  }
  ctx.font = `${12 * k}px ${FONT}`;
  ctx.fillStyle = '#b9c0cc';
  notes.forEach((note, i) => {
    const y = barY + barHeight + 8 * k + i * 18 * k + 9 * k;
    let x = barX;
    if (note.swatch !== null) {
      ctx.fillStyle = note.swatch;
      ctx.fillRect(x, y - 6 * k, 12 * k, 12 * k);
      ctx.fillStyle = '#b9c0cc';
      x += 18 * k;
    }
    ctx.fillText(note.text, x, y);
  });
  ctx.restore();
}

/** The caption on a dark band along the bottom edge, shortened with "…" if it does not fit. */
export function drawCaption(ctx: CanvasRenderingContext2D, caption: string, width: number, height: number, k: number): void {
  const size = 15 * k;
  const pad = 8 * k;
  ctx.save();
  ctx.font = `${size}px ${FONT}`;
  let text = caption;
  const room = width - 4 * pad;
  while (text.length > 1 && ctx.measureText(text).width > room) text = `${text.slice(0, -2)}…`;
  const textWidth = ctx.measureText(text).width;
  const boxHeight = size + 2 * pad;
  const x = 12 * k;
  const y = height - 12 * k - boxHeight;
  ctx.fillStyle = PANEL;
  roundRect(ctx, x, y, textWidth + 2 * pad, boxHeight, 6 * k);
  ctx.fill();
  ctx.fillStyle = TEXT;
  ctx.textBaseline = 'middle';
  ctx.fillText(text, x + pad, y + boxHeight / 2);
  ctx.restore();
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}
