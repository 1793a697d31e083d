/**
 * Sublevel sets in the built app (headless Chromium, WebGPU and WebGL on SwiftShader): the water
 * level moves through the console API without recomputing the grid, the component count on
 * screen matches `landscape.sublevel(E)`, merge levels match a brute force in Node, and the
 * picture changes with the level.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { labelSublevel } from '../../src/landscape/sublevel';
import { collectConsole } from './harness';
import { ARTIFACTS, useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

/** Sum of all RGB values of the #view canvas, read back through a 2-D canvas. */
async function pixelSum(page: Page): Promise<number> {
  return page.evaluate(() => {
    window.landscape.redraw();
    const canvas = document.querySelector<HTMLCanvasElement>('#view canvas');
    if (!canvas) throw new Error('no canvas in #view');
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.drawImage(canvas, 0, 0);
    const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += (data[i] ?? 0) + (data[i + 1] ?? 0) + (data[i + 2] ?? 0);
    return sum;
  });
}

/** Sets the water level through the API and returns the count the overlay shows. */
async function setLevel(page: Page, level: number): Promise<{ shown: number; api: number }> {
  return page.evaluate(async (e) => {
    await window.landscape.set({ sublevel: { level: e } });
    window.landscape.redraw();
    const shown = Number(document.querySelector<HTMLElement>('#sublevel-count')?.dataset.count ?? NaN);
    return { shown, api: window.landscape.sublevel(e).components };
  }, level);
}

/** Least grid value E with a and b in one component of {v ≤ E}: binary search over sorted values. */
function bruteMergeLevel(values: Float32Array, n: number, a: number, b: number, connectivity: 4 | 8): number {
  const sorted = Array.from(values)
    .filter(Number.isFinite)
    .sort((x, y) => x - y);
  const joined = (e: number): boolean => {
    // Just above e in float64, below the next float32 value: {v < level} = {v ≤ e}.
    const { labels } = labelSublevel(values, n, n, e + Math.abs(e) * 2 ** -40 + Number.MIN_VALUE, connectivity);
    return (labels[a] ?? -1) >= 0 && labels[a] === labels[b];
  };
  let lo = 0;
  let hi = sorted.length - 1;
  if (!joined(sorted[hi] ?? Infinity)) return Infinity;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (joined(sorted[mid] ?? Infinity)) hi = mid;
    else lo = mid + 1;
  }
  return sorted[lo] ?? Infinity;
}

describe('sublevel sets in the app', () => {
  it('follows the water level through the API without recomputing, and counts what it shows', async () => {
    const page = await browser.open('#grid=33&steps=100&m=64&hidden=8&water=1');
    const log = collectConsole(page);
    const surface = await page.evaluate(() => {
      const s = window.landscape.surface();
      (window as unknown as { firstSurface: unknown }).firstSurface = s;
      return { loss: Array.from(s.loss), min: s.min, max: s.max, n: s.gridSize, nonFinite: s.nonFinite };
    });
    expect(surface.n).toBe(33);
    const loss = Float32Array.from(surface.loss);
    const minCell = loss.indexOf(surface.min);
    const finite = loss.filter(Number.isFinite).length;

    // Just above the minimum: at least one component, and the minimum is in one.
    const low = surface.min + (surface.max - surface.min) * 1e-4;
    const atLow = await setLevel(page, low);
    expect(atLow.shown).toBe(atLow.api);
    expect(atLow.api).toBeGreaterThanOrEqual(1);
    const lowLabels = await page.evaluate((e) => Array.from(window.landscape.sublevel(e).labels), low);
    expect(lowLabels[minCell]).toBeGreaterThanOrEqual(0);
    const lowPixels = await pixelSum(page);
    await page.screenshot({ path: join(ARTIFACTS, 'sublevel-low.png') });

    // A middle level, for the eye.
    const mid = Math.sqrt(Math.max(surface.min, 1e-12) * surface.max);
    const atMid = await setLevel(page, mid);
    expect(atMid.shown).toBe(atMid.api);
    await page.screenshot({ path: join(ARTIFACTS, 'sublevel-mid.png') });

    // Above the maximum: one component holding every finite cell.
    const high = surface.max * 1.01 + 1e-6;
    const atHigh = await setLevel(page, high);
    expect(atHigh).toEqual({ shown: 1, api: 1 });
    const highResult = await page.evaluate((e) => {
      const r = window.landscape.sublevel(e);
      return { sizes: Array.from(r.sizes), level: r.level };
    }, high);
    expect(highResult.sizes).toEqual([finite]);
    const highPixels = await pixelSum(page);
    expect(highPixels).not.toBe(lowPixels);
    await page.screenshot({ path: join(ARTIFACTS, 'sublevel-high.png') });

    // None of this retrained or recomputed the grid.
    const same = await page.evaluate(() => window.landscape.surface() === (window as unknown as { firstSurface: unknown }).firstSurface);
    expect(same).toBe(true);
    const state = await page.evaluate(() => window.landscape.state.sublevel);
    expect(state.level).toBe(high);
    expect(page.url()).toContain(`lvl=${high}`);

    // Merge level θ₀ (centre) ↔ global minimum, in every accepted point form, equals the brute force.
    for (const connectivity of [4, 8] as const) {
      const centre = 16 * 33 + 16;
      const expected = bruteMergeLevel(loss, 33, centre, minCell, connectivity);
      const got = await page.evaluate(
        ([c, m, conn]) => [
          window.landscape.mergeLevel(c, m, conn),
          window.landscape.mergeLevel({ ix: 16, iy: 16 }, { ix: m % 33, iy: Math.floor(m / 33) }, conn),
          window.landscape.mergeLevel({ alpha: 0, beta: 0 }, m, conn),
        ],
        [centre, minCell, connectivity] as const,
      );
      expect(got).toEqual([expected, expected, expected]);
    }
    // The read-out shows the same merge level for the connectivity on screen (4 by default).
    const shownMerge = await page.locator('.sublevel-merge').first().getAttribute('data-level');
    const expected4 = bruteMergeLevel(loss, 33, 16 * 33 + 16, minCell, 4);
    if (Number.isFinite(expected4) && 16 * 33 + 16 !== minCell) expect(Number(shownMerge)).toBe(expected4);
    await expect(page.locator('#sublevel-caveat').textContent()).resolves.toMatch(
      /disconnected in this 2-D slice can be connected in the full weight space/,
    );
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('draws the default-sized surface with water, components, isolines and both views', async () => {
    const page = await browser.open('#grid=65&steps=300&m=128&hidden=6&lvl=0&conn=8&water=1');
    const before = await pixelSum(page);
    await page.evaluate(() => window.landscape.set({ sublevel: { colourComponents: false } }));
    expect(await pixelSum(page)).not.toBe(before);
    await page.evaluate(() => window.landscape.set({ sublevel: { colourComponents: true } }));
    // Hover over the 2-D map marks the point in the read-out with its component.
    const box = await page.locator('.heatmap-canvas').boundingBox();
    expect(box).not.toBeNull();
    if (box) await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.45);
    await expect(page.locator('#hover').textContent()).resolves.toMatch(/α .* β .* loss .*(component \d+|above E)/);
    await page.evaluate(() => window.landscape.redraw());
    await page.screenshot({ path: join(ARTIFACTS, 'sublevel-default.png') });
    await page.close();
  });
});
