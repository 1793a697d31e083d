/**
 * The page's layout at 1920 × 1080, 1280 × 800 and 1024 × 768, normal and presenting (key P): the preset's
 * note, the colour bar, the projected loss box, the panel, the training card and the left column never
 * overlap; the colour bar is what the page finds at its centre; the box fills the view; no text on the page
 * and no 3-D label is under 12 px, and no two 3-D labels collide; hover shows a tooltip at the pointer and
 * marks the point in the 3-D view and the top view. Screenshots go to artifacts/layout-*.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 800 },
  { width: 1024, height: 768 },
] as const;

interface Rect {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

interface Measured {
  /** Named boxes on the page that must not overlap one another (only the visible ones). */
  readonly boxes: Record<string, Rect>;
  readonly canvas: Rect;
  readonly box: Rect;
  readonly labels: { text: string; fontPx: number; left: number; top: number; right: number; bottom: number }[];
  /** Whether elementFromPoint at the colour bar's centre lands in the colour bar. */
  readonly colourBarOnTop: boolean;
  /** Visible text under 12 px: "size px: text". */
  readonly smallText: string[];
}

/** Wait until the view has followed a change of the window's size and drawn a frame. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
      }),
  );
  await page.waitForFunction(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('#view canvas');
    return canvas !== null && canvas.width > 1 && Math.abs(canvas.width / canvas.clientWidth - devicePixelRatio) < 0.01;
  });
  await page.evaluate(() => window.landscape.redraw());
}

async function measure(page: Page): Promise<Measured> {
  return page.evaluate(() => {
    const rectOf = (el: Element | null): Rect | null => {
      if (!(el instanceof HTMLElement) || !el.checkVisibility()) return null;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 ? { left: r.left, top: r.top, right: r.right, bottom: r.bottom } : null;
    };
    const boxes: Record<string, Rect> = {};
    for (const [name, selector] of [
      ['note', '#preset-info'],
      ['colour bar', '.surface-colorbar'],
      ['panel', '#panel'],
      ['training card', '#training'],
      ['left column', '#sublevel-column'],
      ['notices', '#notices'],
    ] as const) {
      const r = rectOf(document.querySelector(selector));
      if (r !== null) boxes[name] = r;
    }
    const layout = window.landscape.viewLayout();
    boxes['projected box'] = layout.box;
    const bar = boxes['colour bar'];
    const hit = bar ? document.elementFromPoint((bar.left + bar.right) / 2, (bar.top + bar.bottom) / 2) : null;
    const smallText: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const text = (node.textContent ?? '').trim();
      const parent = node.parentElement;
      if (text === '' || parent === null || !parent.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      if (parent.closest('script, style') !== null) continue;
      const size = parseFloat(getComputedStyle(parent).fontSize);
      if (size < 12) smallText.push(`${size}px: ${text.slice(0, 40)}`);
    }
    return {
      boxes,
      canvas: layout.canvas,
      box: layout.box,
      labels: layout.labels.map((l) => ({ ...l })),
      colourBarOnTop: hit !== null && document.querySelector('.surface-colorbar')?.contains(hit) === true,
      smallText,
    };
  });
}

const intersects = (a: Rect, b: Rect): boolean =>
  a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;

function checkLayout(m: Measured, where: string): void {
  const names = Object.keys(m.boxes);
  const overlapping: string[] = [];
  for (let i = 0; i < names.length; i++)
    for (let j = i + 1; j < names.length; j++) {
      const a = m.boxes[names[i] ?? ''];
      const b = m.boxes[names[j] ?? ''];
      if (a && b && intersects(a, b)) overlapping.push(`${names[i]} × ${names[j]}`);
    }
  expect(overlapping, `${where}: overlapping boxes`).toEqual([]);
  expect(m.boxes['colour bar'], `${where}: colour bar shown`).toBeDefined();
  expect(m.colourBarOnTop, `${where}: the colour bar is what the page shows at its centre`).toBe(true);
  // The box lies in the canvas and fills it in one direction at least (the other is bound by the view's shape).
  expect(m.box.left).toBeGreaterThanOrEqual(m.canvas.left);
  expect(m.box.right).toBeLessThanOrEqual(m.canvas.right);
  expect(m.box.top).toBeGreaterThanOrEqual(m.canvas.top);
  expect(m.box.bottom).toBeLessThanOrEqual(m.canvas.bottom);
  // The box is framed left of the colour bar or below it: in that part of the canvas it spans most of its width or height.
  const bar = m.boxes['colour bar'];
  const boxWidth = m.box.right - m.box.left;
  const boxHeight = m.box.bottom - m.box.top;
  const canvasWidth = m.canvas.right - m.canvas.left;
  const canvasHeight = m.canvas.bottom - m.canvas.top;
  const fill = bar
    ? Math.max(
        Math.max(boxWidth / (bar.left - m.canvas.left), boxHeight / canvasHeight),
        Math.max(boxWidth / canvasWidth, boxHeight / (m.canvas.bottom - bar.bottom)),
      )
    : 0;
  // The fit leaves room for the axis labels around the box: seen 0.69 (u·v·x at 1280×800) to 0.9.
  expect(fill, `${where}: share of the view the box fills`).toBeGreaterThan(0.65);
  const outside = m.labels.filter(
    (l) => l.left < m.canvas.left || l.right > m.canvas.right || l.top < m.canvas.top || l.bottom > m.canvas.bottom,
  );
  expect(
    outside.map((l) => l.text),
    `${where}: 3-D labels cut by the view's edge`,
  ).toEqual([]);
  expect(m.smallText, `${where}: text under 12 px`).toEqual([]);
  expect(m.labels.length, `${where}: 3-D labels shown`).toBeGreaterThan(6);
  for (const label of m.labels) expect(label.fontPx, `${where}: 3-D label "${label.text}"`).toBeGreaterThanOrEqual(12);
  const collisions: string[] = [];
  m.labels.forEach((a, i) =>
    m.labels.slice(i + 1).forEach((b) => {
      if (intersects(a, b)) collisions.push(`"${a.text}" × "${b.text}"`);
    }),
  );
  expect(collisions, `${where}: colliding 3-D labels`).toEqual([]);
}

/** Each size, normal and presenting: measure, check, take a screenshot. */
async function checkSizes(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await settle(page);
    const where = `${name} at ${size.width}×${size.height}`;
    await page.screenshot({ path: join(ARTIFACTS, `layout-${name}-${size.width}x${size.height}.png`) });
    checkLayout(await measure(page), where);
    await page.keyboard.press('p');
    await page.waitForFunction(() => document.body.classList.contains('presenting'));
    await settle(page);
    await page.screenshot({ path: join(ARTIFACTS, `layout-${name}-${size.width}x${size.height}-presenting.png`) });
    checkLayout(await measure(page), `${where}, presenting`);
    await page.keyboard.press('p');
    await page.waitForFunction(() => !document.body.classList.contains('presenting'));
  }
}

describe('layout', () => {
  for (const [name, hash] of [
    ['default', '#grid=33&steps=200'],
    ['uvx', '#preset=uvx&grid=33'],
    ['digits', '#preset=digits&grid=17'],
    ['plain-deep', '#preset=plain-deep&grid=33'],
  ] as const) {
    it(`${name}: nothing overlaps the view at three sizes, normal and presenting`, async () => {
      const page = await browser.open(hash);
      await checkSizes(page, name);
      await page.close();
    }, 300_000);
  }

  it('mode-connectivity: the same once its curve is drawn', async () => {
    const page = await browser.open('#preset=mode-connectivity&grid=33');
    await page.locator('#preset-info[data-flow="done"], #preset-info[data-flow="failed"]').waitFor({ timeout: 200_000 });
    expect(await page.locator('#preset-info').getAttribute('data-flow')).toBe('done');
    await page.evaluate(() => window.landscape.ready());
    // The advanced card comes after the main read-outs.
    const order = await page.evaluate(() => {
      const top = (selector: string): number => document.querySelector(selector)?.getBoundingClientRect().top ?? NaN;
      return { sublevel: top('#sublevel'), connect: top('.connect-card') };
    });
    expect(order.connect).toBeGreaterThan(order.sublevel);
    await checkSizes(page, 'mode-connectivity');
    await page.close();
  }, 400_000);

  it('hover: a tooltip at the pointer, a marker on the surface and in the top view', async () => {
    const page = await browser.open('#grid=33&steps=100&m=64&hidden=8');
    await page.setViewportSize({ width: 1280, height: 800 });
    await settle(page);
    const tooltip = page.locator('#hover');
    expect(await tooltip.isVisible()).toBe(false);
    const heatmapBefore = await page.evaluate(() => document.querySelector<HTMLCanvasElement>('.heatmap-canvas')?.toDataURL() ?? '');

    // Over the 3-D view: two points inside the projected box, the tooltip follows, the marker sits under the pointer.
    const { box } = await page.evaluate(() => window.landscape.viewLayout());
    const seen: { x: number; y: number; tip: Rect; marker: { x: number; y: number } | null }[] = [];
    for (const [fx, fy] of [
      [0.45, 0.55],
      [0.6, 0.45],
    ] as const) {
      const x = box.left + fx * (box.right - box.left);
      const y = box.top + fy * (box.bottom - box.top);
      await page.mouse.move(x, y);
      await tooltip.waitFor({ state: 'visible' });
      await page.waitForFunction(
        ([px, py]) => {
          const r = document.querySelector('#hover')?.getBoundingClientRect();
          return r !== undefined && Math.hypot(r.left - px, r.top - py) < 40;
        },
        [x, y] as const,
      );
      await page.evaluate(() => window.landscape.redraw());
      const tip = await page.evaluate(() => {
        const r = document.querySelector('#hover')?.getBoundingClientRect();
        return r ? { left: r.left, top: r.top, right: r.right, bottom: r.bottom } : { left: NaN, top: NaN, right: NaN, bottom: NaN };
      });
      const marker = await page.evaluate(() => window.landscape.viewLayout().hover);
      seen.push({ x, y, tip, marker });
    }
    for (const s of seen) {
      expect(s.tip.left).toBeGreaterThan(s.x);
      expect(s.tip.left - s.x).toBeLessThan(30);
      expect(s.tip.top - s.y).toBeLessThan(30);
      expect(s.marker).not.toBeNull();
      if (s.marker) expect(Math.hypot(s.marker.x - s.x, s.marker.y - s.y)).toBeLessThan(30);
    }
    expect(await tooltip.textContent()).toMatch(/α .* β .* loss .*(component \d+|above E)/);
    const heatmapAfter = await page.evaluate(() => document.querySelector<HTMLCanvasElement>('.heatmap-canvas')?.toDataURL() ?? '');
    expect(heatmapAfter).not.toBe(heatmapBefore);
    await page.screenshot({ path: join(ARTIFACTS, 'layout-hover-surface.png') });

    // Over the top view: the tooltip comes along and the 3-D view marks the same point.
    const map = await page.locator('.heatmap-canvas').boundingBox();
    expect(map).not.toBeNull();
    if (map) {
      const x = map.x + map.width * 0.6;
      const y = map.y + map.height * 0.4;
      await page.mouse.move(x, y);
      await page.waitForFunction(
        ([px, py]) => {
          const r = document.querySelector('#hover')?.getBoundingClientRect();
          return r !== undefined && Math.hypot(r.left - px, r.top - py) < 40;
        },
        [x, y] as const,
      );
      const marker = await page.evaluate(() => window.landscape.viewLayout().hover);
      expect(marker).not.toBeNull();
    }
    // Leaving the views hides the tooltip and the marker.
    await page.mouse.move(5, 5);
    await tooltip.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => window.landscape.viewLayout().hover)).toBeNull();
    await page.close();
  }, 200_000);
});
