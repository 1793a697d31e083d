/**
 * Compare mode in the built app (headless Chromium, WebGPU on SwiftShader): a link with `cmp=dirs:hessian`
 * draws two different surfaces in two canvases, both against one range that is exactly [min over both,
 * max over both]; dragging, zooming or panning either view moves the other the same way; the hover
 * read-out works on the second view; turning compare mode on never recomputes the first surface, and a
 * view-only change recomputes neither.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ARTIFACTS, useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

const SMALL = '#data=moons&m=64&hidden=8,8&steps=200&grid=17&span=1';

/** The middle of an element on the page (client pixels). */
async function centreOf(page: Page, selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.locator(selector).boundingBox();
  if (box === null) throw new Error(`${selector} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2, width: box.width, height: box.height };
}

/** Both canvases' pixels as data URLs (the views keep their drawing buffers), drawn now. */
async function pictures(page: Page): Promise<{ first: string; second: string }> {
  return page.evaluate(() => {
    window.landscape.redraw();
    const first = document.querySelector<HTMLCanvasElement>('#view > canvas');
    const second = document.querySelector<HTMLCanvasElement>('#view-compare > canvas');
    return { first: first?.toDataURL() ?? '', second: second?.toDataURL() ?? '' };
  });
}

/**
 * Waits until the camera has stopped and the link holds the pose it stopped at (written 0.4 s after the
 * last movement; orbit damping runs on for seconds on a software GPU).
 */
async function settle(page: Page): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await page.waitForTimeout(250);
    const settled = await page.evaluate(() => {
      const shown = window.landscape.camera();
      const written = window.landscape.state.camera;
      return (
        Math.abs(shown.azimuth - written.azimuth) < 0.06 &&
        Math.abs(shown.elevation - written.elevation) < 0.06 &&
        Math.abs(shown.distance - written.distance) < 0.006
      );
    });
    if (settled) break;
    if (i === 199) throw new Error('the camera did not settle, or the link did not get its pose');
  }
  // Orbit damping can still move a camera by a hair after the pose is written; the link has followed once
  // both cameras rest on one pose (the assertions after this check they do).
  for (let i = 0; i < 40; i++) {
    const agree = await page.evaluate(() => {
      const { left, right } = window.landscape.compareView();
      return (
        Math.abs(left.camera.azimuth - right.camera.azimuth) < 1e-7 &&
        Math.abs(left.camera.elevation - right.camera.elevation) < 1e-7 &&
        Math.abs(left.camera.distance - right.camera.distance) < 1e-7
      );
    });
    if (agree) return;
    await page.waitForTimeout(250);
  }
}

describe('compare mode: two planes side by side', () => {
  it('a link with cmp=dirs:hessian: two different surfaces, one shared scale, linked cameras, hover on both', async () => {
    const page = await browser.open(`${SMALL}&cmp=dirs:hessian`);
    await page.setViewportSize({ width: 1920, height: 1080 });
    const c = await page.evaluate(() => window.landscape.compareView());
    expect(c.left.label).toBe('random plane, filter-normalised');
    expect(c.right.label).toMatch(/^Hessian plane: λ_max = [\d.]+, λ_min = −?[\d.e+-]+$/);
    expect(c.left.gridSize).toBe(17);
    expect(c.right.gridSize).toBe(17);
    const own = await page.evaluate(() => ({ min: window.landscape.surface().min, max: window.landscape.surface().max }));
    expect([c.left.min, c.left.max]).toEqual([own.min, own.max]);
    expect(c.right.min === c.left.min && c.right.max === c.left.max).toBe(false);
    expect(c.scale).toEqual({ min: Math.min(c.left.min, c.right.min), max: Math.max(c.left.max, c.right.max) });
    // Both meshes drew their colours and heights against that one range.
    expect(c.left.drawn).toEqual({ bottom: c.scale.min, top: c.scale.max });
    expect(c.right.drawn).toEqual({ bottom: c.scale.min, top: c.scale.max });

    // Two canvases on screen, side by side, with different pictures; one colour bar, which says it is shared.
    const first = await centreOf(page, '#view > canvas');
    const second = await centreOf(page, '#view-compare > canvas');
    expect(second.x).toBeGreaterThan(first.x + first.width / 2);
    expect(Math.min(first.width, second.width)).toBeGreaterThan(300);
    const shown = await pictures(page);
    expect(shown.first.length).toBeGreaterThan(1000);
    expect(shown.second.length).toBeGreaterThan(1000);
    expect(shown.second).not.toBe(shown.first);
    const bars = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.surface-colorbar')]
        .filter((b) => b.getBoundingClientRect().width > 0)
        .map((b) => b.textContent),
    );
    expect(bars).toHaveLength(1);
    expect(bars[0]).toContain('one scale for both views');
    const titles = await page.evaluate(() => [...document.querySelectorAll('.compare-title')].map((t) => t.textContent));
    expect(titles).toEqual([`left · ${c.left.label}`, `right · ${c.right.label}`]);
    await page.screenshot({ path: join(ARTIFACTS, 'compare-hessian.png') });

    // Orbit the second view: the first follows exactly.
    await page.mouse.move(second.x, second.y);
    await page.mouse.down();
    await page.mouse.move(second.x + 120, second.y + 40, { steps: 6 });
    await page.mouse.up();
    await settle(page);
    const orbited = await page.evaluate(() => window.landscape.compareView());
    expect(Math.abs(orbited.right.camera.azimuth - c.right.camera.azimuth)).toBeGreaterThan(5);
    // Within 0.05°: the last damped frames of the drag may reach the other view one frame late (seen under load).
    expect(Math.abs(orbited.left.camera.azimuth - orbited.right.camera.azimuth)).toBeLessThan(0.05);
    expect(Math.abs(orbited.left.camera.elevation - orbited.right.camera.elevation)).toBeLessThan(0.05);
    // Zoom the first view: the second follows.
    await page.mouse.move(first.x, first.y);
    await page.mouse.wheel(0, -400);
    await settle(page);
    const zoomed = await page.evaluate(() => window.landscape.compareView());
    expect(zoomed.left.camera.distance).toBeLessThan(orbited.left.camera.distance - 0.1);
    expect(zoomed.right.camera.distance).toBeCloseTo(zoomed.left.camera.distance, 6);

    // Pan the second view (right-button drag): the first's orbit target moves the same way.
    await page.mouse.move(second.x, second.y);
    await page.mouse.down({ button: 'right' });
    await page.mouse.move(second.x + 60, second.y - 30, { steps: 5 });
    await page.mouse.up({ button: 'right' });
    await settle(page);
    const panned = await page.evaluate(() => window.landscape.compareView());
    expect(Math.hypot(...panned.right.pan)).toBeGreaterThan(0.01);
    panned.left.pan.forEach((v, i) => expect(v).toBeCloseTo(panned.right.pan[i] ?? NaN, 6));

    // Hover over the second view's surface: its own read-out and marker.
    const hovered = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('#view-compare > canvas');
      if (canvas === null) return null;
      const r = canvas.getBoundingClientRect();
      // Scan for a point over the mesh (the box is not centred exactly).
      for (let fy = 0.3; fy <= 0.8; fy += 0.05) {
        for (let fx = 0.3; fx <= 0.7; fx += 0.05) {
          const init = { clientX: r.left + fx * r.width, clientY: r.top + fy * r.height, bubbles: true };
          canvas.dispatchEvent(new PointerEvent('pointermove', init));
          const hover = document.querySelector<HTMLElement>('#hover');
          if (hover && !hover.hidden) return hover.textContent;
        }
      }
      return null;
    });
    expect(hovered).toMatch(/^right view {2}α -?[\d.]+ {2}β -?[\d.]+ {2}loss /);

    const link = await page.evaluate(() => window.landscape.link());
    expect(link).toContain('cmp=dirs:hessian');
    await page.close();
  });

  it('turning compare mode on never recomputes the first surface; a view change recomputes neither', async () => {
    const page = await browser.open(SMALL);
    expect(await page.locator('#view-compare').isVisible()).toBe(false);
    await expect(page.evaluate(() => window.landscape.compareView())).rejects.toThrow(/compare mode is off/);
    const loss = await page.evaluate(() => Array.from(window.landscape.surface().loss));
    await page.evaluate(() => window.landscape.set({ view: { compare: 'fnorm' } }));
    const on = await page.evaluate(() => window.landscape.compareView());
    expect(on.left.label).toBe('random plane, filter-normalised');
    expect(on.right.label).toBe('random plane, not filter-normalised');
    expect(on.runs.first).toEqual({ data: 1, train: 1, plane: 1, surface: 1 });
    expect(on.runs.second).toEqual({ train: 0, plane: 1, surface: 1 });
    expect(await page.evaluate(() => Array.from(window.landscape.surface().loss))).toEqual(loss);
    expect(on.scale).toEqual({ min: Math.min(on.left.min, on.right.min), max: Math.max(on.left.max, on.right.max) });

    // At 1024 × 768 the views stack; the shared bar stays inside the first view, clear of both titles.
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(500);
    const rects = await page.evaluate(() => {
      const rect = (el: Element | null): { left: number; top: number; right: number; bottom: number } | null => {
        if (el === null) return null;
        const r = el.getBoundingClientRect();
        return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      };
      return {
        view: rect(document.querySelector('#view')),
        bar: rect(document.querySelector('#view > .surface-colorbar')),
        titles: [...document.querySelectorAll('.compare-title')].map(rect),
        second: rect(document.querySelector('#view-compare > canvas')),
      };
    });
    const { view, bar, second } = rects;
    if (view === null || bar === null || second === null) throw new Error('a part of compare mode is missing');
    expect(bar.bottom).toBeLessThanOrEqual(view.bottom);
    for (const t of rects.titles) {
      if (t === null) throw new Error('no title');
      expect(t.bottom <= bar.top || t.top >= bar.bottom || t.right <= bar.left).toBe(true);
    }
    expect(second.bottom - second.top).toBeGreaterThan(250);
    expect(second.right - second.left).toBeGreaterThan(400);

    await page.evaluate(() => window.landscape.set({ view: { colormap: 'magma', logScale: false }, camera: { azimuth: 80 } }));
    const viewed = await page.evaluate(() => window.landscape.compareView());
    expect(viewed.runs).toEqual(on.runs);
    expect(viewed.right.camera.azimuth).toBeCloseTo(80, 6);
    expect(viewed.left.drawn).toEqual({ bottom: on.scale.min, top: on.scale.max });

    // Another training seed: θ₀ trains again for the second view only.
    await page.evaluate(() => window.landscape.set({ view: { compare: { kind: 'trainSeed', seed: 7 } } }));
    const seeded = await page.evaluate(() => window.landscape.compareView());
    expect(seeded.right.label).toBe('random plane, filter-normalised · θ₀ trained from seed 7');
    expect(seeded.left.label).toBe('random plane, filter-normalised · θ₀ trained from seed 1');
    expect(seeded.runs.first).toEqual(on.runs.first);
    expect(seeded.runs.second.train).toBe(1);

    // A malformed value keeps the setting, with a notice; off hides the second view.
    await page.evaluate(() => window.landscape.set({ view: { compare: 'tseed:x' } }));
    expect((await page.evaluate(() => window.landscape.notices())).join(' ')).toContain('compare');
    expect(await page.evaluate(() => window.landscape.state.view.compare)).toEqual({ kind: 'trainSeed', seed: 7 });
    await page.evaluate(() => window.landscape.set({ view: { compare: 'off' } }));
    expect(await page.locator('#view-compare').isVisible()).toBe(false);
    await page.close();
  });
});
