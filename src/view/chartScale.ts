/** Scales of the 2-D training charts: value → CSS pixel, linear or log10. */

export interface Scale {
  readonly lo: number;
  readonly hi: number;
  readonly log: boolean;
  /** Pixel of a value (values outside [lo, hi] map outside the range; ≤ 0 on a log scale maps to the low end). */
  at(value: number): number;
}

export function linearScale(lo: number, hi: number, px0: number, px1: number): Scale {
  const span = hi - lo || 1;
  return { lo, hi, log: false, at: (v) => px0 + ((v - lo) / span) * (px1 - px0) };
}

export function logScale(lo: number, hi: number, px0: number, px1: number): Scale {
  if (!(lo > 0) || !(hi > 0)) throw new Error(`a log scale needs positive bounds, got ${lo}..${hi}`);
  const a = Math.log10(lo);
  const span = Math.log10(hi) - a || 1;
  return { lo, hi, log: true, at: (v) => px0 + ((Math.log10(v > 0 ? v : lo) - a) / span) * (px1 - px0) };
}

/**
 * A log-axis domain for loss values: from the decade below the smallest positive finite value
 * to the decade above the largest, at least one decade wide. `floor` keeps exact zeros (and
 * values below it) on the chart: they are drawn at the bottom. Null when nothing is finite.
 */
export function logDomain(values: Iterable<number>, floor = 1e-16): [number, number] | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const c = Math.max(v, floor);
    lo = Math.min(lo, c);
    hi = Math.max(hi, c);
  }
  if (!(hi > 0)) return null;
  let a = Math.floor(Math.log10(lo));
  let b = Math.ceil(Math.log10(hi));
  if (b <= a) b = a + 1;
  if (b - a < 1) a = b - 1;
  // Number('1e-5') is exact where 10 ** -5 is not.
  return [Number(`1e${a}`), Number(`1e${b}`)];
}

/** Positions of categories 0..count−1 spread evenly across [px0, px1] (centres of equal bands). */
export function bandCentre(index: number, count: number, px0: number, px1: number): number {
  return px0 + ((index + 0.5) / Math.max(1, count)) * (px1 - px0);
}

/** A canvas sized in CSS pixels and drawn at the device pixel ratio (at most 2). */
export function makeChartCanvas(
  doc: Document,
  width: number,
  height: number,
  className: string,
): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = doc.createElement('canvas');
  canvas.className = className;
  const ratio = Math.min(globalThis.devicePixelRatio || 1, 2);
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  Object.assign(canvas.style, { width: `${width}px`, height: `${height}px`, display: 'block' });
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D canvas context');
  ctx.scale(ratio, ratio);
  return { canvas, ctx };
}
