import type { Rgb } from './colormaps';

/**
 * Colours for connected components: a categorical palette unlike every colormap here (those run
 * dark → bright through one hue path; these jump around the hue circle at even lightness).
 * The first ten are picked by hand (the first one water-blue, for the global minimum's basin) for contrast on the dark background and with each other;
 * after them the hue steps by the golden angle, so neighbours in the sequence never look alike.
 */
const FIRST: readonly string[] = [
  '4dabf7', // water blue: the deepest basin, the component most often seen
  'ff6b6b', // coral red
  'ffd43b', // sun yellow
  '69db7c', // leaf green
  'da77f2', // orchid
  'ff922b', // orange
  '20c997', // teal
  'f783ac', // pink
  'a9e34b', // lime
  '9775fa', // violet
];

function parseHex(hex: string): Rgb {
  const n = Number.parseInt(hex, 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

const FIRST_RGB = FIRST.map(parseHex);
const GOLDEN_ANGLE_DEG = 137.50776405;

/** sRGB colour (channels 0..1) of component colour `index` (any integer ≥ 0; negatives read as 0). */
export function componentColor(index: number): Rgb {
  const i = Number.isInteger(index) && index > 0 ? index : 0;
  const fixed = FIRST_RGB[i];
  if (fixed !== undefined) return fixed;
  const hue = (i * GOLDEN_ANGLE_DEG) % 360;
  return hslToRgb(hue, 0.72, 0.62);
}

/** HSL (hue in degrees, saturation and lightness 0..1) → sRGB 0..1. */
export function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const c = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const h = (((hue % 360) + 360) % 360) / 60;
  const x = c * (1 - Math.abs((h % 2) - 1));
  const m = lightness - c / 2;
  const [r, g, b] = h < 1 ? [c, x, 0] : h < 2 ? [x, c, 0] : h < 3 ? [0, c, x] : h < 4 ? [0, x, c] : h < 5 ? [x, 0, c] : [c, 0, x];
  return [r + m, g + m, b + m];
}
