import type { ColormapName } from '../state/appState';

/** An sRGB colour, each channel in 0..1. */
export type Rgb = readonly [number, number, number];

/**
 * Evenly spaced control points (sRGB hex) sampled from the published definitions: viridis, magma
 * and inferno from matplotlib (van der Walt & Smith, 2015), turbo from Google (Mikhailov, 2019).
 * Linear interpolation between them stays within about 0.02 per channel of the full 256-entry
 * tables, which is below what a lit surface lets anyone see.
 *
 * `greys` is ColorBrewer's Greys run dark → light (matplotlib's `Greys_r`), so that in every map
 * here low loss is dark and high loss is bright.
 */
const CONTROL_POINTS: Record<ColormapName, readonly string[]> = {
  viridis: ['440154', '482878', '3e4989', '31688e', '26828e', '1f9e89', '35b779', '6ece58', 'b5de2b', 'fde725'],
  magma: ['000004', '180f3d', '440f76', '721f81', '9e2f7f', 'cd4071', 'f1605d', 'fd9668', 'feca8d', 'fcfdbf'],
  inferno: ['000004', '1b0c41', '4a0c6b', '781c6d', 'a52c60', 'cf4446', 'ed6925', 'fb9b06', 'f7d13d', 'fcffa4'],
  turbo: [
    '30123b',
    '4145ab',
    '4675ed',
    '39a2fc',
    '1bcfd4',
    '24eca6',
    '61fc6c',
    'a4fc3b',
    'd1e834',
    'f3c63a',
    'fe9b2d',
    'f36315',
    'd93806',
    'b11901',
    '7a0402',
  ],
  greys: ['000000', '252525', '525252', '737373', '969696', 'bdbdbd', 'd9d9d9', 'f0f0f0', 'ffffff'],
};

function parseHex(hex: string): Rgb {
  const n = Number.parseInt(hex, 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

const TABLES: Record<ColormapName, readonly Rgb[]> = {
  viridis: CONTROL_POINTS.viridis.map(parseHex),
  magma: CONTROL_POINTS.magma.map(parseHex),
  inferno: CONTROL_POINTS.inferno.map(parseHex),
  turbo: CONTROL_POINTS.turbo.map(parseHex),
  greys: CONTROL_POINTS.greys.map(parseHex),
};

const BLACK: Rgb = [0, 0, 0];

/** The colour of `name` at `t` (clamped to [0, 1]; NaN reads as 0), sRGB channels in 0..1. */
export function colormap(name: ColormapName, t: number): Rgb {
  const table = TABLES[name];
  const clamped = Number.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
  const position = clamped * (table.length - 1);
  const i = Math.min(table.length - 2, Math.floor(position));
  const f = position - i;
  const a = table[i] ?? BLACK;
  const b = table[i + 1] ?? a;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/**
 * A colour that no part of `name` uses, for grid points whose loss is not finite (Inf/NaN).
 * Light grey against the coloured maps, red against the grey one.
 */
export function nonFiniteColor(name: ColormapName): Rgb {
  return name === 'greys' ? [0.9, 0.16, 0.14] : [0.86, 0.87, 0.9];
}

/** `rgb(…)` CSS text for an sRGB colour in 0..1. */
export function rgbCss(color: Rgb): string {
  const byte = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 255);
  return `rgb(${byte(color[0])}, ${byte(color[1])}, ${byte(color[2])})`;
}

/**
 * A CSS `linear-gradient` of `name` with `steps` stops (at least 2), low values at the bottom
 * (`to top`) unless `direction` says otherwise.
 */
export function colormapCss(name: ColormapName, steps = 16, direction = 'to top'): string {
  const count = Math.max(2, Math.round(steps));
  const stops: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = i / (count - 1);
    stops.push(`${rgbCss(colormap(name, t))} ${(t * 100).toFixed(1)}%`);
  }
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}
