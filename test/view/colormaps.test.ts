import { describe, expect, it } from 'vitest';
import { COLORMAPS } from '../../src/state/appState';
import type { ColormapName } from '../../src/state/appState';
import { colormap, colormapCss, nonFiniteColor } from '../../src/view/colormaps';

/** Published endpoints: matplotlib's _cm_listed tables, Google's turbo, ColorBrewer Greys (reversed). */
const ENDPOINTS: Record<ColormapName, [[number, number, number], [number, number, number]]> = {
  viridis: [
    [0.267004, 0.004874, 0.329415],
    [0.993248, 0.906157, 0.143936],
  ],
  magma: [
    [0.001462, 0.000466, 0.013866],
    [0.987053, 0.991438, 0.749504],
  ],
  inferno: [
    [0.001462, 0.000466, 0.013866],
    [0.988362, 0.998364, 0.644924],
  ],
  turbo: [
    [0.18995, 0.07176, 0.23217],
    [0.4796, 0.01583, 0.01055],
  ],
  greys: [
    [0, 0, 0],
    [1, 1, 1],
  ],
};

function luminance([r, g, b]: readonly [number, number, number]): number {
  const lin = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

describe('colormap', () => {
  for (const name of COLORMAPS) {
    it(`${name} starts and ends at the published colours`, () => {
      const [low, high] = ENDPOINTS[name];
      const at0 = colormap(name, 0);
      const at1 = colormap(name, 1);
      low.forEach((v, c) => expect(Math.abs((at0[c] ?? NaN) - v)).toBeLessThan(0.02));
      high.forEach((v, c) => expect(Math.abs((at1[c] ?? NaN) - v)).toBeLessThan(0.02));
    });

    it(`${name} stays in [0, 1] and clamps t outside it`, () => {
      for (let i = -10; i <= 110; i++) {
        for (const v of colormap(name, i / 100)) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }
      expect(colormap(name, -3)).toEqual(colormap(name, 0));
      expect(colormap(name, 7)).toEqual(colormap(name, 1));
      expect(colormap(name, NaN)).toEqual(colormap(name, 0));
    });
  }

  for (const name of ['viridis', 'magma', 'inferno', 'greys'] as const) {
    it(`${name} gets brighter all the way up`, () => {
      let previous = -1;
      for (let i = 0; i <= 200; i++) {
        const y = luminance(colormap(name, i / 200));
        expect(y).toBeGreaterThan(previous);
        previous = y;
      }
    });
  }

  it('viridis passes through its published midpoint (#21918c)', () => {
    const [r, g, b] = colormap('viridis', 0.5);
    expect(Math.abs(r - 0x21 / 255)).toBeLessThan(0.02);
    expect(Math.abs(g - 0x91 / 255)).toBeLessThan(0.02);
    expect(Math.abs(b - 0x8c / 255)).toBeLessThan(0.02);
  });

  it('marks non-finite values with a colour far from every colour of the map', () => {
    for (const name of COLORMAPS) {
      const mark = nonFiniteColor(name);
      let nearest = Infinity;
      for (let i = 0; i <= 100; i++) {
        const c = colormap(name, i / 100);
        nearest = Math.min(nearest, Math.hypot(c[0] - mark[0], c[1] - mark[1], c[2] - mark[2]));
      }
      expect(nearest, name).toBeGreaterThan(0.15);
    }
  });
});

describe('colormapCss', () => {
  it('writes a gradient from the low colour to the high colour', () => {
    const css = colormapCss('greys', 5);
    expect(css.startsWith('linear-gradient(to top, rgb(0, 0, 0) 0.0%')).toBe(true);
    expect(css.endsWith('rgb(255, 255, 255) 100.0%)')).toBe(true);
    expect(css.match(/rgb\(/g)).toHaveLength(5);
  });
});
