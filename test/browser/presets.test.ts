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
    const page = await browser.open('');
    const log = collectConsole(page);
    expect(await page.locator('#gallery').isVisible()).toBe(true);
    expect(await page.locator('.gallery-card[data-preset]').count()).toBe(PRESETS.length);
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
    const parts = await page.evaluate(
      (c) => [window.landscape.sublevel().components, window.landscape.sublevel(c * 1.05).components],
      g.centerLoss,
    );
    expect(parts).toEqual([2, 1]);
    // The note's numbers: the loss at the saddle is c = mean(x²) ≈ 0.33 (L = c·(uv − 1)²), and the Hessian
    // there, by central differences on the grid (exact for this quartic), is [[0, −2c], [−2c, 0]]: ±2c ≈ ±0.66.
    const h = (2 * 2) / (g.n - 1); // the preset's span 2: u and v run from −2 to 2
    const huv = (at(c + 1, c + 1) - at(c + 1, c - 1) - at(c - 1, c + 1) + at(c - 1, c - 1)) / (4 * h * h);
    const huu = (at(c + 1, c) - 2 * at(c, c) + at(c - 1, c)) / (h * h);
    console.log('uvx saddle', g.centerLoss, huv, huu);
    expect(g.centerLoss.toFixed(2)).toBe('0.33');
    expect(huv / (-2 * g.centerLoss)).toBeCloseTo(1, 3);
    expect(Math.abs(huu)).toBeLessThan(1e-3);
    expect((2 * g.centerLoss).toFixed(2)).toBe('0.66');
    const note = (await page.locator('.preset-info-text').textContent()) ?? '';
    expect(note).toContain('±2c ≈ ±0.66');
    expect(note).toContain('c = mean(x²) ≈ 0.33');
    // Two valleys: two resolved minima (not the ~64 grid artefacts along uv = 1), two components just above the floor.
    const minima = await page.evaluate(
      (low) => ({ count: window.landscape.sliceMinima().length, low: window.landscape.sublevel(low).components }),
      g.min + 1e-4 * (g.max - g.min),
    );
    expect(minima).toEqual({ count: 2, low: 2 });
    await expect(page.locator('.persistence-rule').textContent()).resolves.toMatch(/half the loss step to a neighbouring grid point/);
    await expect(page.locator('.persistence-caption').first().textContent()).resolves.toMatch(/^2 resolved local minima/);
    // The panel shows the network in use, fixed by u·v·x: 1-1-1 identity, no bias, mse, greyed, with the reason.
    const panel = await page.evaluate(() => {
      const rows = Array.from(document.querySelectorAll<HTMLElement>('#panel .lil-controller'));
      const row = (name: string): HTMLElement | undefined => rows.find((r) => r.querySelector('.lil-name')?.textContent === name);
      const input = (name: string): HTMLInputElement | HTMLSelectElement | null =>
        row(name)?.querySelector<HTMLInputElement | HTMLSelectElement>('input, select') ?? null;
      const box = (name: string): HTMLInputElement | null => row(name)?.querySelector<HTMLInputElement>('input[type="checkbox"]') ?? null;
      return {
        network: input('network in use')?.value,
        hidden: input('hidden widths')?.value,
        activation: input('activation')?.value,
        loss: input('loss')?.value,
        bias: box('biases')?.checked,
        disabled: ['hidden widths', 'activation', 'loss', 'biases', 'residual (skip) connections'].map((n) =>
          row(n)?.classList.contains('lil-disabled'),
        ),
        note: document.querySelector('.panel-fixed-note')?.textContent,
      };
    });
    expect(panel).toEqual({
      network: '1-1-1 identity · mse · no bias',
      hidden: '1',
      activation: 'identity',
      loss: 'mse',
      bias: false,
      disabled: [true, true, true, true, true],
      note: expect.stringContaining('fixed by u·v·x') as unknown,
    });
    // The water level is the preset's point, so it is on, and the colour bar says what is greyed.
    expect(await page.evaluate(() => window.landscape.state.sublevel.water)).toBe(true);
    // The thumbnail was cached from the real view: reopening the gallery shows it as an image.
    await page.locator('#gallery-button').click();
    await page.locator('.gallery-card[data-preset="uvx"] img').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'preset-gallery-thumb.png') });
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('while the gallery is open, previews of the presets are made on the GPU and fill the cards (33² grids)', async () => {
    const page = await browser.open('');
    // The first test closed the gallery in this browser profile, so it does not greet again: open it.
    if (!(await page.locator('#gallery').isVisible())) await page.locator('#gallery-button').click();
    expect(await page.locator('.gallery-thumb-note').first().textContent()).toContain('computing the preview');
    // The cheap presets come first in the list; wait for three pictures.
    await page.waitForFunction(() => document.querySelectorAll('.gallery-card img.gallery-thumb').length >= 3, null, { timeout: 120_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'preset-gallery-previews.png') });
    const stats = await page.evaluate(async () => {
      const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('.gallery-card img.gallery-thumb'));
      return Promise.all(
        imgs.map(async (img) => {
          await img.decode();
          const c = document.createElement('canvas');
          c.width = img.naturalWidth;
          c.height = img.naturalHeight;
          const ctx = c.getContext('2d');
          if (!ctx) return { w: 0, h: 0, distinct: 0 };
          ctx.drawImage(img, 0, 0);
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          const seen = new Set<number>();
          for (let i = 0; i < d.length; i += 4 * 97)
            seen.add(((d[i] ?? 0) >> 4) * 256 + ((d[i + 1] ?? 0) >> 4) * 16 + ((d[i + 2] ?? 0) >> 4));
          return { w: c.width, h: c.height, distinct: seen.size, id: img.closest<HTMLElement>('.gallery-card')?.dataset.preset };
        }),
      );
    });
    console.log('previews', stats);
    for (const s of stats) {
      expect([s.w, s.h]).toEqual([320, 200]);
      expect(s.distinct).toBeGreaterThan(12); // a landscape, not a flat fill
    }
    // Closing the gallery stops the previews; the cached ones are there when it opens again.
    await page.locator('.gallery-close').click();
    const cached = stats.length;
    await page.locator('#gallery-button').click();
    expect(await page.locator('.gallery-card img.gallery-thumb').count()).toBeGreaterThanOrEqual(cached);
    await page.close();
  });

  it('without WebGPU the gallery cards get real previews, computed on the CPU in a worker (33² grids)', async () => {
    // No WebGPU, and no thumbnails cached by the tests before this one.
    const init =
      'Object.defineProperty(navigator, "gpu", { value: undefined });' +
      'for (const k of Object.keys(localStorage)) if (k.startsWith("landscape.thumb")) localStorage.removeItem(k);';
    const page = await browser.open({ hash: '#grid=9&steps=10&m=16&hidden=4', init });
    expect(await page.evaluate(() => window.landscape.surface().device)).toBe('cpu');
    await page.locator('#gallery-button').click();
    // Cards without a picture yet are in their loading state (read at once: pictures replace them as they come).
    const waiting = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.gallery-card[data-preset] .gallery-thumb-wrap'), (w) => ({
        state: w.dataset.state,
        note: w.querySelector('.gallery-thumb-note')?.textContent,
      })),
    );
    expect(waiting.length).toBeGreaterThan(0);
    for (const w of waiting) expect(w).toEqual({ state: 'loading', note: 'computing the preview…' });
    await page.waitForFunction(() => document.querySelectorAll('.gallery-card img.gallery-thumb').length >= 2, null, { timeout: 120_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'preset-gallery-cpu-previews.png') });
    const distinct = await page.evaluate(async () => {
      const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('.gallery-card img.gallery-thumb'));
      return Promise.all(
        imgs.map(async (img) => {
          await img.decode();
          const c = document.createElement('canvas');
          c.width = img.naturalWidth;
          c.height = img.naturalHeight;
          const ctx = c.getContext('2d');
          if (!ctx) return 0;
          ctx.drawImage(img, 0, 0);
          const d = ctx.getImageData(0, 0, c.width, c.height).data;
          const seen = new Set<number>();
          for (let i = 0; i < d.length; i += 4 * 97)
            seen.add(((d[i] ?? 0) >> 4) * 256 + ((d[i + 1] ?? 0) >> 4) * 16 + ((d[i + 2] ?? 0) >> 4));
          return seen.size;
        }),
      );
    });
    console.log('cpu previews', distinct);
    for (const d of distinct) expect(d).toBeGreaterThan(12);
    // The two pictures are two landscapes, not one placeholder twice.
    const sources = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLImageElement>('.gallery-card img.gallery-thumb'), (i) => i.src),
    );
    expect(new Set(sources).size).toBe(sources.length);
    await page.locator('.gallery-close').click();
    await page.close();
  });

  it('an unknown preset opens the default state with a notice; a preset typed into the address bar opens (grid 9)', async () => {
    const page = await browser.open({ hash: '#preset=nope&grid=9&steps=10&m=16&hidden=4', ready: false });
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

  it('presenting (key P): the panels hide, the view starts right of the note, the note’s text grows; P again restores (grid 17)', async () => {
    const page = await browser.open('#preset=uvx&grid=17');
    const before = await page.locator('.preset-info-text').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    await page.keyboard.press('p');
    expect(await page.evaluate(() => document.body.classList.contains('presenting'))).toBe(true);
    expect(await page.locator('#panel').isVisible()).toBe(false);
    expect(await page.locator('#sublevel-column').isVisible()).toBe(false);
    const layout = await page.evaluate(() => ({
      view: document.querySelector('#view')?.getBoundingClientRect().left ?? 0,
      note: document.querySelector('#preset-info')?.getBoundingClientRect().right ?? Infinity,
      font: parseFloat(getComputedStyle(document.querySelector('.preset-info-text') as Element).fontSize),
    }));
    expect(layout.view).toBeGreaterThanOrEqual(layout.note);
    expect(layout.font).toBeGreaterThan(before);
    await page.evaluate(() => window.landscape.redraw());
    await page.screenshot({ path: join(ARTIFACTS, 'preset-presenting.png') });
    await page.keyboard.press('p');
    expect(await page.locator('#panel').isVisible()).toBe(true);
    expect(await page.locator('#present-button').textContent()).toBe('Present');
    await page.close();
  });

  it('deep linear (grid 17, 8 seeds × 600 steps): every seed ends at the same loss', async () => {
    const page = await browser.open('#preset=deep-linear&grid=17');
    await shot(page, 'deep-linear');
    // The README's network: 1-4-4-1 (one input, the sine's x), three identity layers.
    expect(await page.evaluate(() => window.landscape.model().spec.widths)).toEqual([1, 4, 4, 1]);
    const r = await page.evaluate(() => window.landscape.train({ seeds: 8, steps: 600 }));
    const lo = Math.min(...r.finalLosses);
    const hi = Math.max(...r.finalLosses);
    console.log('deep-linear', r.finalLosses, r.ms);
    expect((hi - lo) / lo).toBeLessThan(0.02);
    await page.close();
  });

  it('wide tanh vs narrow (widthSweep m = 8, widths 2 and 10, 8 seeds × 2000 steps; narrow page: 16 seeds with the card’s defaults, the preset’s 2000 steps at 0.05, grid 17)', async () => {
    const page = await browser.open('#preset=wide-tanh&grid=17');
    await shot(page, 'wide-tanh');
    expect(await page.evaluate(() => window.landscape.model().spec.hidden)).toEqual([10]);
    const sweep = await page.evaluate(() => window.landscape.widthSweep({ widths: [2, 10], seeds: 8 }));
    const [narrowWidth, wideWidth] = sweep.points;
    console.log(
      'sweep',
      sweep.points.map((p) => [p.width, p.successes, p.medianFinal]),
      sweep.totalMs,
    );
    // n₁ = 10 ≥ m = 8: every seed below ε. n₁ = 2: at least one seed stays above.
    expect(wideWidth?.width).toBe(10);
    expect(wideWidth?.successes).toBe(8);
    expect(narrowWidth?.width).toBe(2);
    expect(narrowWidth?.successes ?? 8).toBeLessThan(8);
    await page.close();
    const narrowPage = await browser.open('#preset=narrow-tanh&grid=17');
    await shot(narrowPage, 'narrow-tanh');
    // The note's "train 16 seeds", as the card does it: its defaults are the preset's 2000 steps at 0.05.
    const narrow = await narrowPage.evaluate(() => window.landscape.train({ seeds: 16 }));
    console.log('narrow', narrow.finalLosses, narrow.epsilon, narrow.ms);
    // None near zero, and at least two loss levels (gaps of more than 2 % between sorted losses).
    expect(narrow.finalLosses.every((l) => l > 100 * narrow.epsilon)).toBe(true);
    const sorted = [...narrow.finalLosses].sort((a, b) => a - b);
    const levels = 1 + sorted.slice(1).filter((l, i) => l > 1.02 * (sorted[i] ?? Infinity)).length;
    expect(levels).toBeGreaterThanOrEqual(2);
    await narrowPage.close();
  });

  it('ReLU vs tanh at the same width (grid 17; 8 seeds × 2000 steps each): ReLU seeds stall above ε, and dead units leave exactly flat directions', async () => {
    const page = await browser.open('#preset=relu&grid=17');
    await shot(page, 'relu');
    // 8 seeds of the preset's network on its 8 points (Adam, lr 0.05, 2000 steps), then the same with tanh.
    const relu = await page.evaluate(() => window.landscape.train({ seeds: 8, steps: 2000, lr: 0.05 }));
    const tanh = await page.evaluate(async () => {
      await window.landscape.set({ model: { activation: 'tanh' } });
      return window.landscape.train({ seeds: 8, steps: 2000, lr: 0.05 });
    });
    const median = (v: number[]): number => [...v].sort((p, q) => p - q)[v.length >> 1] ?? NaN;
    console.log('relu', relu.finalLosses, relu.epsilon, 'tanh', tanh.finalLosses, tanh.epsilon);
    expect(relu.finalLosses.every(Number.isFinite)).toBe(true);
    // tanh, n₁ = 10 ≥ m = 8: (nearly) every seed reaches ε within these steps. ReLU, same width: the
    // seeds stall, far above.
    expect(tanh.finalLosses.filter((l) => l < tanh.epsilon).length).toBeGreaterThanOrEqual(5);
    expect(relu.finalLosses.filter((l) => l < relu.epsilon).length).toBeLessThanOrEqual(1);
    expect(median(relu.finalLosses)).toBeGreaterThan(100 * median(tanh.finalLosses));
    // Back to ReLU θ₀: a unit whose pre-activation is negative on every input is dead; moving its
    // incoming weights a little changes nothing at all (an exactly flat direction).
    const model = await page.evaluate(async () => {
      await window.landscape.set({ model: { activation: 'relu' } });
      const m = window.landscape.model();
      return {
        spec: m.spec,
        theta: Array.from(m.theta),
        x: Array.from(m.data.x),
        y: Array.from(m.data.y),
        m: m.data.m,
        inputs: m.data.inputs,
      };
    });
    const spec: MlpSpec = {
      ...model.spec,
      activation: model.spec.activation as MlpSpec['activation'],
      loss: model.spec.loss as MlpSpec['loss'],
    };
    expect(spec.activation).toBe('relu');
    const data = { m: model.m, inputs: model.inputs, x: Float32Array.from(model.x), y: Float32Array.from(model.y) };
    const n1 = spec.hidden[0] ?? 0;
    const theta = Float32Array.from(model.theta);
    const pre = (j: number, s: number): number => (theta[j] ?? 0) * (data.x[s] ?? 0) + (theta[n1 + j] ?? 0);
    const dead = Array.from({ length: n1 }, (_, j) => j).filter((j) =>
      Array.from({ length: data.m }, (_, s) => pre(j, s)).every((z) => z < 0),
    );
    console.log('relu dead units at θ₀', dead);
    expect(dead.length).toBeGreaterThanOrEqual(1);
    const base = evaluate(spec, theta, data).loss;
    for (const j of dead) {
      const margin = -Math.max(...Array.from({ length: data.m }, (_, s) => pre(j, s)));
      const moved = theta.slice();
      moved[j] = (moved[j] ?? 0) + 0.25 * margin; // 0.25·margin on w, with |x| ≤ 1.5: still negative
      moved[n1 + j] = (moved[n1 + j] ?? 0) + 0.25 * margin;
      expect(evaluate(spec, moved, data).loss).toBe(base);
    }
    // A live unit's weights do move the loss.
    const live = Array.from({ length: n1 }, (_, j) => j).find((j) => !dead.includes(j)) ?? 0;
    const movedLive = theta.slice();
    movedLive[n1 + live] = (movedLive[n1 + live] ?? 0) + 0.1;
    expect(evaluate(spec, movedLive, data).loss).not.toBe(base);
    await page.close();
  });

  it('width m and m + 1 (grid 33; two seeds × 2000 steps and a Bezier curve of 600 steps each): components are counted, and at m + 1 a curve joins two minima at no barrier', async () => {
    const results: Record<string, { line: number; curve: number; ends: number }> = {};
    for (const [id, extra] of [
      ['width-m', 0],
      ['width-m1', 1],
    ] as const) {
      const page = await browser.open(`#preset=${id}&grid=33`);
      await shot(page, id);
      const info = await page.evaluate(() => {
        const sub = window.landscape.sublevel();
        return {
          hidden: window.landscape.model().spec.hidden,
          m: window.landscape.model().data.m,
          level: sub.level,
          count: sub.components,
          below: sub.labels.filter((l) => l >= 0).length / sub.labels.length,
          water: window.landscape.state.sublevel.water,
        };
      });
      console.log(id, info);
      expect(info.hidden).toEqual([info.m + extra]);
      // The note: at the preset's level the coloured regions are there (water on, a visible part of the grid
      // below E) and there are two of them in this slice.
      expect(info.level).toBe(id === 'width-m' ? 2.5 : 0.7);
      expect(info.water).toBe(true);
      expect(info.below).toBeGreaterThan(0.01);
      expect(info.count).toBe(2);
      const c = await page.evaluate(() =>
        window.landscape.connect({ kind: 'bezier', steps: 600, firstSeed: 1, minimaSteps: 2000, minimaLr: 0.05 }),
      );
      const ends = Math.max(c.curveLoss[0] ?? NaN, c.curveLoss.at(-1) ?? NaN);
      results[id] = { line: c.lineBarrier, curve: c.curveBarrier, ends };
      await shot(page, `${id}-connect`);
      await page.close();
    }
    console.log('width m / m + 1 barriers', results);
    // Width m + 1 (Nguyen): every sublevel set is connected, so the two minima are joined inside
    // {L < max(L(A), L(B)) + δ}; the trained curve finds such a path where the straight line climbs.
    const wide = results['width-m1'];
    expect(wide?.line ?? 0).toBeGreaterThan(0);
    expect(wide?.curve ?? Infinity).toBeLessThan(0.05 * (wide?.line ?? 0) + 1e-4);
  });

  it('XOR with 3 sigmoid units (grid 17): θ₀ reaches ~0 loss', async () => {
    const page = await browser.open('#preset=xor-3-sigmoid&grid=17');
    await shot(page, 'xor-3-sigmoid');
    const g = await gridLoss(page);
    console.log('xor', g.centerLoss, g.max);
    expect(g.centerLoss).toBeLessThan(1e-3);
    await page.close();
  });

  it('cross-entropy on separable data (grid 17): the loss falls strictly along the ray t·θ₀ and stays above 0', async () => {
    const page = await browser.open('#preset=ce-ray&grid=17');
    await shot(page, 'ce-ray');
    // The note: far out in the valley float32 on the GPU rounds the loss to exactly 0 (the CPU's float64 does not).
    const floor = await page.evaluate(() => ({ min: window.landscape.surface().min, device: window.landscape.surface().device }));
    console.log('ce floor', floor);
    if (floor.device === 'webgpu') expect(floor.min).toBe(0);
    const model = await page.evaluate(() => {
      const m = window.landscape.model();
      return {
        spec: m.spec,
        theta: Array.from(m.theta),
        x: Array.from(m.data.x),
        y: Array.from(m.data.y),
        m: m.data.m,
        inputs: m.data.inputs,
      };
    });
    const spec: MlpSpec = {
      ...model.spec,
      activation: model.spec.activation as MlpSpec['activation'],
      loss: model.spec.loss as MlpSpec['loss'],
    };
    const data = { m: model.m, inputs: model.inputs, x: Float32Array.from(model.x), y: Float32Array.from(model.y) };
    const along = [0.5, 1, 1.5, 2, 2.5, 3].map((t) =>
      evaluate(
        spec,
        Float32Array.from(model.theta, (v) => v * t),
        data,
      ),
    );
    console.log(
      'ce',
      along.map((a) => a.loss),
    );
    expect(along[1]?.accuracy).toBe(1);
    for (let i = 1; i < along.length; i++) {
      expect(along[i]?.loss ?? NaN).toBeLessThan(along[i - 1]?.loss ?? NaN);
      expect(along[i]?.loss ?? 0).toBeGreaterThan(0);
    }
    await page.close();
  });

  it('filter normalisation on vs off (grid 17): same θ₀, raw directions are longer and the surface rises faster', async () => {
    const on = await browser.open('#preset=fnorm-on&grid=17');
    await shot(on, 'fnorm-on');
    const a = await gridLoss(on);
    const thetaOn = await on.evaluate(() => Array.from(window.landscape.model().theta));
    const normOn = await on.evaluate(() => Math.hypot(...window.landscape.plane().directionX));
    await on.close();
    const off = await browser.open('#preset=fnorm-off&grid=17');
    await shot(off, 'fnorm-off');
    const b = await gridLoss(off);
    const thetaOff = await off.evaluate(() => Array.from(window.landscape.model().theta));
    const normOff = await off.evaluate(() => Math.hypot(...window.landscape.plane().directionX));
    await off.close();
    // Near θ₀ (an eighth of the span out along ±α and ±β) the loss rises with ‖d‖²: raw directions are longer.
    const rise = (g: typeof a): number => {
      const c = (g.n - 1) / 2;
      const k = (g.n - 1) / 16;
      const cells = [
        [c + k, c],
        [c - k, c],
        [c, c + k],
        [c, c - k],
      ];
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

  it('plain vs residual deep MLP (the presets’ 65² grid; 8 seeds × 1000 steps each): the plain slice holds more resolved minima, and skips make every seed train', async () => {
    const result: Record<string, { minima: number; residual: boolean; losses: number[] }> = {};
    for (const id of ['plain-deep', 'residual']) {
      const page = await browser.open(`#preset=${id}`);
      await shot(page, id);
      // Minima whose persistence is at least 1 % of their own depth: real pits, not float noise.
      const minima = await page.evaluate(() => window.landscape.sliceMinima(8).filter((m) => m.persistence > 0.01 * m.birth).length);
      const residual = await page.evaluate(() => window.landscape.model().spec.residual);
      const run = await page.evaluate(() => window.landscape.train({ seeds: 8, steps: 1000, lr: 0.01 }));
      result[id] = { minima, residual, losses: [...run.finalLosses].sort((a, b) => a - b) };
      await page.close();
    }
    console.log('skip connections', result);
    const plain = result['plain-deep'];
    const skip = result.residual;
    if (!plain || !skip) throw new Error('both presets must open');
    expect([plain.residual, skip.residual]).toEqual([false, true]);
    // "Several more" resolved minima than θ₀'s basin alone, and more than with skips.
    expect(plain.minima).toBeGreaterThanOrEqual(3);
    expect(plain.minima).toBeGreaterThan(skip.minima);
    const median = (v: number[]): number => v[v.length >> 1] ?? NaN;
    const worst = (v: number[]): number => v[v.length - 1] ?? NaN;
    expect(median(skip.losses)).toBeLessThan(median(plain.losses) / 3);
    expect(worst(skip.losses)).toBeLessThan(worst(plain.losses) / 3);
  });

  it('8×8 digits (all 1,797 images, grid 17): θ₀ classifies the training set, the loss on screen is the CPU loss of the real data, and θ₀ sits in one basin', async () => {
    const page = await browser.open('#preset=digits&grid=17');
    await shot(page, 'digits');
    const model = await page.evaluate(() => {
      const m = window.landscape.model();
      return {
        spec: m.spec,
        theta: Array.from(m.theta),
        x: Array.from(m.data.x),
        y: Array.from(m.data.y),
        m: m.data.m,
        inputs: m.data.inputs,
      };
    });
    expect([model.spec.inputs, model.spec.outputs, model.m]).toEqual([64, 10, 1797]);
    // The panel shows the network in use: 64 inputs and 10 classes come from the data, the class count is greyed.
    const panel = await page.evaluate(() => {
      const rows = Array.from(document.querySelectorAll<HTMLElement>('#panel .lil-controller'));
      const row = (name: string): HTMLElement | undefined => rows.find((r) => r.querySelector('.lil-name')?.textContent === name);
      return {
        network: row('network in use')?.querySelector('input')?.value,
        classes: row('classes / arms')?.querySelector('input')?.value,
        classesDisabled: row('classes / arms')?.classList.contains('lil-disabled'),
      };
    });
    expect(panel).toEqual({ network: '64-32-10 tanh · cross_entropy · biases', classes: '10', classesDisabled: true });
    const spec: MlpSpec = {
      ...model.spec,
      activation: model.spec.activation as MlpSpec['activation'],
      loss: model.spec.loss as MlpSpec['loss'],
    };
    const data = { m: model.m, inputs: model.inputs, x: Float32Array.from(model.x), y: Float32Array.from(model.y) };
    const cpu = evaluate(spec, Float32Array.from(model.theta), data);
    const g = await gridLoss(page);
    console.log('digits', cpu, g.centerLoss, g.min, g.max);
    expect(cpu.accuracy).toBeGreaterThan(0.95);
    expect(Math.abs(g.centerLoss - cpu.loss)).toBeLessThan(1e-4 * Math.max(1, cpu.loss) + 1e-5);
    // θ₀ is the lowest point of the slice, and {L < E} is one component at every level up to the edge.
    const c = (g.n - 1) / 2;
    expect(g.loss[c * g.n + c]).toBeCloseTo(g.min, 6);
    const counts = await page.evaluate(
      (levels) => levels.map((e) => window.landscape.sublevel(e).components),
      [0.25, 0.5, 0.75].map((f) => g.min + f * (g.max - g.min)),
    );
    expect(counts).toEqual([1, 1, 1]);
    await page.close();
  });

  it('mode connectivity (grid 17; the flow trains two minima and a curve with its defaults): the curve barrier is below the line barrier', async () => {
    const page = await browser.open('#preset=mode-connectivity&grid=17');
    await page.locator('#preset-info[data-flow="done"], #preset-info[data-flow="failed"]').waitFor({ timeout: 100_000 });
    await shot(page, 'mode-connectivity');
    const barriers = await page.locator('#preset-info').evaluate((el) => Object.fromEntries(Object.entries(el.dataset)));
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
