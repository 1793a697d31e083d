/**
 * The digits data in the built app: fetched from dist/data/, trained and drawn like any data set, the
 * same arrays as Node builds from public/; a failing fetch says so and keeps the view.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeDataset } from '../../src/data/generators';
import { evaluate } from '../../src/model/network';
import type { MlpSpec } from '../../src/model/spec';
import { installShippedDigits } from '../data/digitsFile';
import { collectConsole, type ConsoleLog } from './harness';
import { useAppBrowser } from './appBrowser';

const browser = useAppBrowser();
const LINK = '#seed=3&data=digits&m=256&noise=0&hidden=16&act=tanh&loss=cross_entropy&steps=100&lr=0.02&grid=17';

/** Answers the digits file with a 404, as a server without it would. */
async function block404(page: Page): Promise<void> {
  await page.route('**/digits-8x8.bin', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'gone' }));
}

/** Errors other than the browser's own line about the refused request. */
function realErrors(errors: readonly string[]): string[] {
  return errors.filter((e) => !/Failed to load resource.*404/.test(e));
}

describe('the digits data in headless Chromium', () => {
  it('loads the file, trains a 64-16-10 network and matches the CPU loss at θ₀ on the same data', async () => {
    const page = await browser.open({ hash: LINK, ready: false });
    const log = collectConsole(page);
    await page.evaluate(() => window.landscape.ready());
    const out = await page.evaluate(() => {
      const s = window.landscape.surface();
      const m = window.landscape.model();
      return {
        surface: {
          device: s.device,
          n: s.loss.length,
          gridSize: s.gridSize,
          centerLoss: s.centerLoss,
          min: s.min,
          max: s.max,
          nonFinite: s.nonFinite,
        },
        spec: m.spec,
        theta: Array.from(m.theta),
        x: Array.from(m.data.x),
        y: Array.from(m.data.y),
        m: m.data.m,
        inputs: m.data.inputs,
        notices: window.landscape.notices(),
        job: document.querySelector('.status-job')?.textContent ?? '',
      };
    });
    expect(out.notices).toEqual([]);
    expect(out.surface.device).toBe('webgpu');
    expect(out.surface.gridSize).toBe(17);
    expect(out.surface.n).toBe(17 * 17);
    expect(out.surface.nonFinite).toBe(0);
    expect(out.spec.inputs).toBe(64);
    expect(out.spec.outputs).toBe(10);
    expect(out.spec.widths).toEqual([64, 16, 10]);
    expect(out.job).toMatch(/64-16-10/);
    expect(out.job).toMatch(/m=256/);

    // Node builds the same data from public/data/digits-8x8.bin.
    installShippedDigits();
    const data = makeDataset('digits', { samples: 256, classes: 2, noise: 0, seed: 3 }, 'cross_entropy');
    expect(out.m).toBe(256);
    expect(out.inputs).toBe(64);
    expect(out.x).toEqual(Array.from(data.x));
    expect(out.y).toEqual(Array.from(data.y));
    const spec: MlpSpec = { ...out.spec, activation: out.spec.activation as MlpSpec['activation'], loss: out.spec.loss as MlpSpec['loss'] };
    const reference = evaluate(spec, Float32Array.from(out.theta), data).loss;
    expect(Math.abs(out.surface.centerLoss - reference) / reference).toBeLessThan(1e-4);
    // 100 Adam steps leave θ₀ well below the initial loss of ln 10 and below the plane's edges.
    expect(reference).toBeLessThan(Math.log(10));
    expect(out.surface.min).toBeLessThanOrEqual(out.surface.centerLoss * 1.0001);
    expect(out.surface.max).toBeGreaterThan(out.surface.centerLoss);

    // More samples than images: clamped with a notice, every image used.
    await page.evaluate(() => window.landscape.set({ data: { samples: 5000 } }));
    const clamped = await page.evaluate(() => ({ m: window.landscape.model().data.m, notices: window.landscape.notices() }));
    expect(clamped.m).toBe(1797);
    expect(clamped.notices.join(' ')).toMatch(/clamped to 1797/);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('a missing file: a clear message in the status line, the previous surface kept, a retry loads it', async () => {
    const page = await browser.open({ hash: '#seed=2&data=moons&m=64&hidden=8&steps=40&grid=9', ready: false, beforeLoad: block404 });
    const log = collectConsole(page);
    await page.evaluate(() => window.landscape.ready());
    const before = await page.evaluate(() => ({
      inputs: window.landscape.model().spec.inputs,
      loss: Array.from(window.landscape.surface().loss),
    }));
    expect(before.inputs).toBe(2);

    const failure = await page.evaluate(() =>
      window.landscape.set({ data: { kind: 'digits' } }).then(
        () => 'resolved',
        (e: unknown) => String(e),
      ),
    );
    expect(failure).toMatch(/could not load the digits data \(data\/digits-8x8\.bin\): the server answered 404/);
    expect(await page.locator('.notice').textContent()).toMatch(/could not load the digits data .*404/);
    expect(await page.locator('.notice').getAttribute('class')).toMatch(/error/);
    expect(await page.locator('.status-job').textContent()).toMatch(/stopped: the view shows the last good surface/);
    const kept = await page.evaluate(() => ({
      inputs: window.landscape.model().spec.inputs,
      loss: Array.from(window.landscape.surface().loss),
    }));
    expect(kept).toEqual(before);

    // The file is back: asking again loads it, and the status line says so meanwhile (the file is
    // held back until the test has seen that line).
    await page.unroute('**/digits-8x8.bin');
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/digits-8x8.bin', async (route) => {
      await released;
      await route.continue();
    });
    const retry = page.evaluate(() => window.landscape.set({ data: { samples: 32 }, plane: { gridSize: 5 } }));
    try {
      await page.waitForFunction(() => /loading the digits data…/.test(document.querySelector('.status-job')?.textContent ?? ''), null, {
        timeout: 10_000,
      });
    } finally {
      release();
    }
    await retry;
    const after = await page.evaluate(() => ({
      inputs: window.landscape.model().spec.inputs,
      m: window.landscape.model().data.m,
      notices: window.landscape.notices(),
    }));
    expect(after).toEqual({ inputs: 64, m: 32, notices: [] });
    expect(realErrors(log.errors)).toEqual([]);
    await page.close();
  });

  it('a link straight to digits with the file missing says why and nothing crashes', async () => {
    const logs: ConsoleLog[] = [];
    const page = await browser.open({
      hash: LINK,
      ready: false,
      beforeLoad: async (p) => {
        logs.push(collectConsole(p));
        await block404(p);
      },
    });
    const ready = await page.evaluate(() =>
      window.landscape.ready().then(
        () => 'resolved',
        (e: unknown) => String(e),
      ),
    );
    expect(ready).toMatch(/could not load the digits data/);
    expect(await page.locator('.notice').textContent()).toMatch(/could not load the digits data .*404/);
    expect(await page.evaluate(() => window.landscape.state.data.kind)).toBe('digits');
    expect(realErrors(logs.flatMap((log) => log.errors))).toEqual([]);
    await page.close();
  });
});
