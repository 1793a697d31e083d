/**
 * A gallery thumbnail drawn from a loss grid without the 3-D view: the top view of the surface in the
 * preset's colormap and loss scale, lit from the upper left so hills and valleys read as relief, with
 * dark isolines at evenly spaced levels. Pure (grid in, RGBA out) so it runs anywhere and is tested.
 */
import type { ColormapName } from '../state/appState';
import { colormap, nonFiniteColor } from './colormaps';
import { lossScale } from './heights';

export interface ThumbnailInput {
  /** gridSize² losses, index iy·gridSize + ix (α along x, β along y). */
  readonly loss: Float32Array;
  readonly gridSize: number;
  readonly logScale: boolean;
  readonly colormap: ColormapName;
  /** Isolines drawn (evenly spaced in the scale); 0 for none. */
  readonly isolines?: number;
}

/** RGBA pixels (width × height × 4), row 0 at the top = the largest β, as the top view shows it. */
export function thumbnailPixels(input: ThumbnailInput, width: number, height: number): Uint8ClampedArray<ArrayBuffer> {
  const n = input.gridSize;
  if (!Number.isInteger(n) || n < 2 || input.loss.length !== n * n)
    throw new Error(`thumbnail: need a gridSize² grid with gridSize ≥ 2, got ${input.loss.length} values for gridSize ${n}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new Error(`thumbnail: bad size ${width} × ${height}`);
  // The colours span the minimum to the 95th percentile: a few steep corners would squeeze the rest
  // of a small picture into one colour.
  const finite = Float32Array.from(Array.from(input.loss).filter(Number.isFinite)).sort();
  const min = finite[0] ?? 0;
  const max = finite[finite.length - 1] ?? 0;
  const top = finite[Math.floor(0.95 * (finite.length - 1))] ?? max;
  const scale = lossScale({ logScale: input.logScale, zClip: top > min ? top : 0, min, max });
  const unit = Float32Array.from(input.loss, (v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, scale.toUnit(v))) : NaN));
  const bands = Math.max(0, Math.floor(input.isolines ?? 10));
  const out = new Uint8ClampedArray(width * height * 4);
  const nonFinite = nonFiniteColor(input.colormap);
  // The square grid covers the picture (centre-cropped along the shorter side): one step per pixel.
  const step = (n - 1) / Math.max(1, Math.max(width, height) - 1);
  const offX = (n - 1 - (width - 1) * step) / 2;
  const offY = (n - 1 - (height - 1) * step) / 2;
  const sample = (gx: number, gy: number): number => {
    const x = Math.min(n - 1, Math.max(0, gx));
    const y = Math.min(n - 1, Math.max(0, gy));
    const x0 = Math.min(n - 2, Math.floor(x));
    const y0 = Math.min(n - 2, Math.floor(y));
    const fx = x - x0;
    const fy = y - y0;
    const at = (ix: number, iy: number): number => unit[iy * n + ix] ?? NaN;
    const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
    const bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
    return top * (1 - fy) + bottom * fy;
  };
  const px = step;
  const py = step;
  for (let y = 0; y < height; y++) {
    // Row 0 is the top of the picture: the largest β.
    const gy = n - 1 - (offY + y * py);
    for (let x = 0; x < width; x++) {
      const gx = offX + x * px;
      const u = sample(gx, gy);
      const i = 4 * (y * width + x);
      if (!Number.isFinite(u)) {
        out[i] = nonFinite[0] * 255;
        out[i + 1] = nonFinite[1] * 255;
        out[i + 2] = nonFinite[2] * 255;
        out[i + 3] = 255;
        continue;
      }
      // Relief: the slope towards the light (upper left) brightens, away from it darkens.
      const dx = sample(gx + px, gy) - sample(gx - px, gy);
      const dy = sample(gx, gy + py) - sample(gx, gy - py);
      const slope = Number.isFinite(dx + dy) ? (-dx + dy) * (n / 3) : 0;
      let light = 0.88 + Math.max(-0.3, Math.min(0.3, slope));
      if (bands > 0) {
        // An isoline where a band boundary passes between this pixel and its right or lower neighbour.
        const band = Math.floor(u * bands);
        const right = sample(gx + px, gy);
        const below = sample(gx, gy - py);
        if (
          (Number.isFinite(right) && Math.floor(right * bands) !== band) ||
          (Number.isFinite(below) && Math.floor(below * bands) !== band)
        )
          light *= 0.55;
      }
      const [r, g, b] = colormap(input.colormap, u);
      out[i] = r * 255 * light;
      out[i + 1] = g * 255 * light;
      out[i + 2] = b * 255 * light;
      out[i + 3] = 255;
    }
  }
  return out;
}
