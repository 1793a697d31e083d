/**
 * The Hessian in the built app (headless Chromium, WebGPU on SwiftShader): the curvature plane of u·v·x
 * at the origin is the plane of (1, −1)/√2 and (1, 1)/√2, the read-out names both eigenvalues ±2·mean(x²)
 * and calls the origin a saddle, the link with dirs=hessian reproduces it, and the spectrum card draws.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

async function readout(page: Page): Promise<{ hidden: boolean; text: string; saddle: string }> {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('.spectrum-readout');
    return {
      hidden: el?.hidden ?? true,
      text: el?.textContent ?? '',
      saddle: document.querySelector<HTMLElement>('.spectrum-saddle')?.textContent ?? '',
    };
  });
}

/** mean(x²) of the page's data (the u·v·x samples). */
async function meanSquare(page: Page): Promise<number> {
  return page.evaluate(() => {
    const { x } = window.landscape.model().data;
    return Array.from(x).reduce((s, v) => s + v * v, 0) / x.length;
  });
}

describe('Hessian: curvature planes and the spectrum card', () => {
  it('u·v·x: the curvature plane at the origin is called a saddle, names ±2·mean(x²), and its link reproduces it', async () => {
    const page = await browser.open('#preset=uvx&dirs=hessian&grid=33');
    const c = await meanSquare(page);
    const plane = await page.evaluate(() => {
      const p = window.landscape.plane();
      return { x: Array.from(p.directionX), y: Array.from(p.directionY) };
    });
    const s = Math.SQRT1_2;
    expect(plane.x.map(Math.abs)).toEqual([expect.closeTo(s, 4), expect.closeTo(s, 4)]);
    expect((plane.x[0] ?? 0) * (plane.x[1] ?? 0)).toBeLessThan(0);
    expect((plane.y[0] ?? 0) * (plane.y[1] ?? 0)).toBeGreaterThan(0);
    const shown = await readout(page);
    expect(shown.hidden).toBe(false);
    expect(shown.saddle).toContain('θ₀ is a saddle');
    const values = [...shown.text.matchAll(/λ = (−?-?[\d.]+)/g)].map((m) => Number((m[1] ?? '').replace('−', '-')));
    expect(values).toHaveLength(2);
    expect(values[0]).toBeCloseTo(2 * c, 2);
    expect(values[1]).toBeCloseTo(-2 * c, 2);
    await page.screenshot({ path: join(ARTIFACTS, 'hessian-uvx-saddle.png') });

    const link = await page.evaluate(() => window.landscape.link());
    expect(link).toContain('dirs=hessian');
    const loss = await page.evaluate(() => Array.from(window.landscape.surface().loss));
    const again = await browser.open(link.slice(link.indexOf('#')));
    expect(await page.evaluate(() => window.landscape.state.plane.directions)).toBe('hessian');
    expect(await again.evaluate(() => Array.from(window.landscape.surface().loss))).toEqual(loss);
    expect((await readout(again)).saddle).toContain('θ₀ is a saddle');

    // Back to the random plane: the read-out goes away.
    await again.evaluate(() => window.landscape.set({ plane: { directions: 'random' } }));
    expect((await readout(again)).hidden).toBe(true);
    await again.close();
    await page.close();
  });

  it('hessian() on u·v·x: eigenvalues ±2·mean(x²), Hutchinson probes of ±4·mean(x²), and the spectrum card draws its chart', async () => {
    const page = await browser.open('#preset=uvx&grid=17');
    const c = await meanSquare(page);
    const r = await page.evaluate(() => window.landscape.hessian({ top: 1, bottom: 1, probes: 4, directions: 16 }));
    expect(r.eigenvalues[0]).toBeCloseTo(2 * c, 3);
    expect(r.eigenvalues[1]).toBeCloseTo(-2 * c, 3);
    // Each Rademacher probe gives zᵀHz = −4c·z₁z₂ = ±4c, so 4 probes average to a multiple of c in [−4c, 4c].
    expect(Math.abs(r.trace)).toBeLessThanOrEqual(4 * c * (1 + 1e-3));
    expect(Math.abs(r.trace / c - Math.round(r.trace / c))).toBeLessThan(1e-3);
    expect(r.device).not.toBe('');
    const card = await page.evaluate(() => {
      const chart = document.querySelector<HTMLCanvasElement>('.spectrum-chart');
      if (!chart || chart.hidden) return { drawn: 0, top: '' };
      const ctx = chart.getContext('2d');
      if (!ctx) return { drawn: 0, top: '' };
      const { data } = ctx.getImageData(0, 0, chart.width, chart.height);
      let drawn = 0;
      // Pixels brighter than the chart's background (#12161d).
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0) > 150) drawn++;
      return { drawn, top: document.querySelector('.spectrum-top')?.textContent ?? '' };
    });
    expect(card.drawn).toBeGreaterThan(200);
    expect(card.top).toContain((2 * c).toPrecision(3));
    await page.close();
  });

  it('a small MLP: the spectrum card with its SLQ density, and the (v_max, v_min) plane (screenshots)', async () => {
    const page = await browser.open('#data=moons&m=64&hidden=8,8&steps=300&grid=33&span=2');
    const r = await page.evaluate(() => window.landscape.hessian({}));
    expect(r.eigenvalues[0]).toBeGreaterThan(0);
    expect(r.density).not.toBeNull();
    const dx = (r.density?.x[1] ?? 0) - (r.density?.x[0] ?? 0);
    const integral = (r.density?.density ?? []).reduce((a, b) => a + b, 0) * dx;
    expect(integral).toBeGreaterThan(0.99);
    expect(integral).toBeLessThan(1.01);
    await page.screenshot({ path: join(ARTIFACTS, 'hessian-spectrum-card.png') });
    await page.evaluate(() => window.landscape.set({ plane: { directions: 'hessian' } }));
    const shown = await readout(page);
    expect(shown.hidden).toBe(false);
    expect(shown.text).toContain('v_max');
    await page.screenshot({ path: join(ARTIFACTS, 'hessian-mlp-plane.png') });
    await page.close();
  });
});
