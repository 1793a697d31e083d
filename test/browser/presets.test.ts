/**
 * Presets in the built page (headless Chromium, WebGPU on SwiftShader): the gallery greets a first-time
 * visitor and opens a preset, and every implemented preset's link opens and its claim is checked with
 * numbers from the console API. The software adapter is slow, so most presets open at a reduced grid
 * (`&grid=…` after the preset in the link) and train fewer seeds than a person would; each test's name
 * says the size it uses. The claims do not depend on the grid size.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { evaluate } from '../../src/model/network';
import type { MlpSpec } from '../../src/model/spec';
import { PRESETS } from '../../src/state/presets';
import { collectConsole } from './harness';
import { ARTIFACTS, useAppBrowser } from './appBrowser';

const browser = useAppBrowser();
const preview = browser;

async function openApp(hash: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${preview.url}index.html${hash}`);
  await page.waitForFunction(() => typeof window.landscape !== 'undefined', null, { timeout: 60_000 });
  await page.evaluate(() => window.landscape.ready());
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.landscape.redraw());
  await page.screenshot({ path: join(ARTIFACTS, `preset-${name}.png`) });
}

/** Loss at grid cell (ix, iy), index iy·gridSize + ix. */
async function gridLoss(page: Page): Promise<{ n: number; loss: number[]; min: number; max: number; centerLoss: number }> {
  return page.evaluate(() => {
    const s = window.landscape.surface();
    return { n: s.gridSize, loss: Array.from(s.loss), min: s.min, max: s.max, centerLoss: s.centerLoss };
  });
}

describe('presets in headless Chromium', () => {
  it('the gallery greets a first visit, opens u·v·x, and its note and thumbnail appear (full 129² grid: two weights are cheap)', async () => {
    const page = await openApp('');
    const log = collectConsole(page);
    expect(await page.locator('#gallery').isVisible()).toBe(true);
    expect(await page.locator('.gallery-card').count()).toBe(PRESETS.length);
    expect(await page.locator('.gallery-card .gallery-badge').count()).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: join(ARTIFACTS, 'preset-gallery.png') });
    await page.locator('.gallery-card[data-preset="uvx"]').click();
    expect(await page.locator('#gallery').isVisible()).toBe(false);
    await page.evaluate(() => window.landscape.ready());
    await page.waitForFunction(() => window.landscape.state.data.kind === 'uvx');
    await page.evaluate(() => window.landscape.ready());
    expect(await page.locator('#preset-info h2').textContent()).toContain('u·v·x');
    const fontSize = await page.locator('.preset-info-text').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(15);
    await shot(page, 'uvx');
    // The saddle: along the diagonal u = v the loss falls from the centre, along u = −v it rises.
    const g = await gridLoss(page);
    expect(g.n).toBe(129);
    const c = (g.n - 1) / 2;
    const at = (ix: number, iy: number): number => g.loss[iy * g.n + ix] ?? NaN;
    for (const k of [8, 16, 24]) {
      expect(at(c + k, c + k)).toBeLessThan(g.centerLoss);
      expect(at(c - k, c - k)).toBeLessThan(g.centerLoss);
      expect(at(c + k, c - k)).toBeGreaterThan(g.centerLoss);
      expect(at(c - k, c + k)).toBeGreaterThan(g.centerLoss);
    }
    // The preset's water level sits just below the saddle: two components (the two branches of uv = 1);
    // just above the saddle they are one.
    const parts = await page.evaluate((c) => [window.landscape.sublevel().components, window.landscape.sublevel(c * 1.05).components], g.centerLoss);
    expect(parts).toEqual([2, 1]);
    // The thumbnail was cached from the real view: reopening the gallery shows it as an image.
    await page.locator('#gallery-button').click();
    await page.locator('.gallery-card[data-preset="uvx"] img').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'preset-gallery-thumb.png') });
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('an unknown preset opens the default state with a notice; a preset typed into the address bar opens (grid 9)', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${preview.url}index.html#preset=nope&grid=9&steps=10&m=16&hidden=4`);
    await page.waitForFunction(() => typeof window.landscape !== 'undefined', null, { timeout: 60_000 });
    const notices = await page.evaluate(() => window.landscape.notices());
    expect(notices.join(' ')).toContain('unknown preset "nope"');
    expect(await page.evaluate(() => window.landscape.state.data.kind)).toBe('spiral');
    // A preset link typed into the address bar of an open page opens it (grid 9), and orbiting folds its note.
    await page.evaluate(() => (location.hash = '#preset=xor-3-sigmoid&grid=9'));
    await page.waitForFunction(() => window.landscape.state.data.kind === 'xor');
    await page.evaluate(() => window.landscape.ready());
    expect(await page.locator('#preset-info h2').textContent()).toContain('XOR');
    expect(await page.evaluate(() => window.landscape.state.plane.gridSize)).toBe(9);
    await page.locator('#view canvas').dispatchEvent('pointerdown');
    expect(await page.locator('#preset-info').getAttribute('class')).toContain('folded');
    expect(await page.locator('.preset-info-text').isVisible()).toBe(false);
    await page.close();
  });

  it('deep linear (grid 17, 8 seeds × 600 steps): every seed ends at the same loss', async () => {
    const page = await openApp('#preset=deep-linear&grid=17');
    await shot(page, 'deep-linear');
    const r = await page.evaluate(() => window.landscape.train({ seeds: 8, steps: 600 }));
    const lo = Math.min(...r.finalLosses);
    const hi = Math.max(...r.finalLosses);
    console.log('deep-linear', r.finalLosses, r.ms);
    expect((hi - lo) / lo).toBeLessThan(0.02);
    await page.close();
  });

  it('wide tanh vs narrow (widthSweep m = 8, widths 2 and 10, 8 seeds × 2000 steps; narrow page: 8 seeds × 2000 steps, grid 17)', async () => {
    const page = await openApp('#preset=wide-tanh&grid=17');
    await shot(page, 'wide-tanh');
    expect(await page.evaluate(() => window.landscape.model().spec.hidden)).toEqual([10]);
    const sweep = await page.evaluate(() => window.landscape.widthSweep({ widths: [2, 10], seeds: 8 }));
    const [narrowWidth, wideWidth] = sweep.points;
    console.log('sweep', sweep.points.map((p) => [p.width, p.successes, p.medianFinal]), sweep.totalMs);
    // n₁ = 10 ≥ m = 8: every seed below ε. n₁ = 2: at least one seed stays above.
    expect(wideWidth?.width).toBe(10);
    expect(wideWidth?.successes).toBe(8);
    expect(narrowWidth?.width).toBe(2);
    expect(narrowWidth?.successes ?? 8).toBeLessThan(8);
    await page.close();
    const narrowPage = await openApp('#preset=narrow-tanh&grid=17');
    await shot(narrowPage, 'narrow-tanh');
    const narrow = await narrowPage.evaluate(() => window.landscape.train({ seeds: 8, steps: 2000, lr: 0.05 }));
    console.log('narrow', narrow.finalLosses, narrow.epsilon, narrow.ms);
    expect(narrow.finalLosses.some((l) => l > narrow.epsilon)).toBe(true);
    await narrowPage.close();
  });

  it('ReLU (grid 17, 8 seeds × 2000 steps): draws, and reports its fraction below ε', async () => {
    const page = await openApp('#preset=relu&grid=17');
    await shot(page, 'relu');
    const r = await page.evaluate(() => window.landscape.train({ seeds: 8, steps: 2000, lr: 0.02 }));
    console.log('relu', r.finalLosses, r.epsilon, r.ms);
    expect(r.finalLosses.every(Number.isFinite)).toBe(true);
    await page.close();
  });

  it('width m and m + 1 (grid 33): hidden widths are m and m + 1, and the components of {L < E} are counted', async () => {
    for (const [id, extra] of [['width-m', 0], ['width-m1', 1]] as const) {
      const page = await openApp(`#preset=${id}&grid=33`);
      await shot(page, id);
      const info = await page.evaluate(() => ({ hidden: window.landscape.model().spec.hidden, m: window.landscape.model().data.m, count: window.landscape.sublevel().components }));
      console.log(id, info);
      expect(info.hidden).toEqual([info.m + extra]);
      expect(info.count).toBeGreaterThanOrEqual(1);
      await page.close();
    }
  });

  it('XOR with 3 sigmoid units (grid 17): θ₀ reaches ~0 loss', async () => {
    const page = await openApp('#preset=xor-3-sigmoid&grid=17');
    await shot(page, 'xor-3-sigmoid');
    const g = await gridLoss(page);
    console.log('xor', g.centerLoss, g.max);
    expect(g.centerLoss).toBeLessThan(1e-3);
    await page.close();
  });

  it('cross-entropy on separable data (grid 17): the loss falls strictly along the ray t·θ₀ and stays above 0', async () => {
    const page = await openApp('#preset=ce-ray&grid=17');
    await shot(page, 'ce-ray');
    const model = await page.evaluate(() => {
      const m = window.landscape.model();
      return { spec: m.spec, theta: Array.from(m.theta), x: Array.from(m.data.x), y: Array.from(m.data.y), m: m.data.m, inputs: m.data.inputs };
    });
    const spec: MlpSpec = { ...model.spec, activation: model.spec.activation as MlpSpec['activation'], loss: model.spec.loss as MlpSpec['loss'] };
    const data = { m: model.m, inputs: model.inputs, x: Float32Array.from(model.x), y: Float32Array.from(model.y) };
    const along = [0.5, 1, 1.5, 2, 2.5, 3].map((t) => evaluate(spec, Float32Array.from(model.theta, (v) => v * t), data));
    console.log('ce', along.map((a) => a.loss));
    expect(along[1]?.accuracy).toBe(1);
    for (let i = 1; i < along.length; i++) {
      expect(along[i]?.loss ?? NaN).toBeLessThan(along[i - 1]?.loss ?? NaN);
      expect(along[i]?.loss ?? 0).toBeGreaterThan(0);
    }
    await page.close();
  });

  it('filter normalisation on vs off (grid 17): same θ₀, raw directions are longer and the surface rises faster', async () => {
    const on = await openApp('#preset=fnorm-on&grid=17');
    await shot(on, 'fnorm-on');
    const a = await gridLoss(on);
    const thetaOn = await on.evaluate(() => Array.from(window.landscape.model().theta));
    const normOn = await on.evaluate(() => Math.hypot(...window.landscape.plane().directionX));
    await on.close();
    const off = await openApp('#preset=fnorm-off&grid=17');
    await shot(off, 'fnorm-off');
    const b = await gridLoss(off);
    const thetaOff = await off.evaluate(() => Array.from(window.landscape.model().theta));
    const normOff = await off.evaluate(() => Math.hypot(...window.landscape.plane().directionX));
    await off.close();
    // Near θ₀ (an eighth of the span out along ±α and ±β) the loss rises with ‖d‖²: raw directions are longer.
    const rise = (g: typeof a): number => {
      const c = (g.n - 1) / 2;
      const k = (g.n - 1) / 16;
      const cells = [[c + k, c], [c - k, c], [c, c + k], [c, c - k]];
      return cells.reduce((sum, [ix = 0, iy = 0]) => sum + (g.loss[iy * g.n + ix] ?? NaN) - g.centerLoss, 0) / cells.length;
    };
    console.log('fnorm', a.centerLoss, rise(a), rise(b), normOn, normOff);
    // Raw N(0, 1) filters have norm ≈ √fan-in = 8 in the 64-wide layers, more than the trained ones.
    expect(normOff).toBeGreaterThan(1.5 * normOn);
    expect(thetaOff).toEqual(thetaOn);
    expect(b.centerLoss).toBeCloseTo(a.centerLoss, 6);
    // The rise grows with the direction's length (about quadratically near a minimum; less where tanh saturates).
    expect(rise(b)).toBeGreaterThan(1.5 * rise(a));
    expect(rise(b) / rise(a)).toBeLessThan(1.5 * (normOff / normOn) ** 2);
  });

  it('mode connectivity (grid 17; the flow trains two minima and a curve with its defaults): the curve barrier is below the line barrier', async () => {
    const page = await openApp('#preset=mode-connectivity&grid=17');
    await page.locator('#preset-info[data-flow="done"], #preset-info[data-flow="failed"]').waitFor({ timeout: 100_000 });
    await shot(page, 'mode-connectivity');
    const barriers = await page.locator('#preset-info').evaluate((el) => ({ ...el.dataset }));
    console.log('connect', barriers);
    expect(barriers.flow).toBe('done');
    const line = Number(barriers.lineBarrier);
    const curve = Number(barriers.curveBarrier);
    expect(line).toBeGreaterThan(0);
    expect(curve).toBeLessThan(line);
    expect(await page.evaluate(() => window.landscape.pathOverlayCount())).toBe(2);
    await page.close();
  });
});
