/**
 * Training in the built page (headless Chromium, WebGPU on SwiftShader): θ₀ is trained on the
 * GPU (with the CPU worker as fallback), train() returns K finite and reproducible losses, the
 * width sweep runs at a small size and draws its plot, and a kept network can become θ₀.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { collectConsole } from './harness';
import { ARTIFACTS, useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

const SMALL = '#grid=17&steps=60&m=64&hidden=8';

/** Pixels unlike the chart background, and how many are close to a colour. */
async function chartPixels(
  page: Page,
  selector: string,
  rgb: [number, number, number],
): Promise<{ foreground: number; matching: number; total: number }> {
  return page.evaluate(
    ([sel, [r0, g0, b0]]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(sel);
      if (!canvas) throw new Error(`no ${sel}`);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let foreground = 0;
      let matching = 0;
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i] ?? 0,
          g = data[i + 1] ?? 0,
          b = data[i + 2] ?? 0;
        if (Math.abs(r - 0x12) + Math.abs(g - 0x16) + Math.abs(b - 0x1d) > 30) foreground++;
        if (Math.abs(r - r0) + Math.abs(g - g0) + Math.abs(b - b0) < 30) matching++;
      }
      return { foreground, matching, total: data.length / 4 };
    },
    [selector, rgb] as const,
  );
}

describe('training in headless Chromium', () => {
  it('trains θ₀ on the GPU; train() gives K finite losses, the same twice, and keeps the networks', async () => {
    const page = await browser.open(SMALL);
    const log = collectConsole(page);
    expect(await page.locator('.status-job').textContent()).toMatch(/θ₀ loss \S+ · trained on the GPU/);
    const trainedCentre = await page.evaluate(() => window.landscape.surface().centerLoss);
    expect(await page.evaluate(() => window.landscape.notices())).toEqual([]);
    const run = () => page.evaluate(() => window.landscape.train({ seeds: 6, steps: 80, optimizer: 'adam', lr: 0.02 }));
    const a = await run();
    const b = await run();
    expect(a.device).toBe('webgpu');
    expect(a.finalLosses).toHaveLength(6);
    expect(a.finalLosses.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    a.finalLosses.forEach((f, k) => expect(f).toBeLessThan(a.initialLosses[k] ?? 0));
    // Same seeds, same adapter: bitwise the same final losses.
    expect(b.finalLosses).toEqual(a.finalLosses);
    const minima = await page.evaluate(() =>
      window.landscape
        .minima()
        .map((m) => ({ id: m.id, seed: m.seed, loss: m.finalLoss, n: m.theta.length, snaps: m.snapshots.length, matches: m.matchesPage })),
    );
    expect(minima).toHaveLength(12);
    expect(minima[0]?.seed).toBe(1);
    expect(minima[0]?.n).toBe(2 * 8 + 8 + 8 + 1);
    expect(minima[0]?.snaps).toBeGreaterThan(0);
    expect(minima.every((m) => m.matches)).toBe(true);

    // Bad input: clamped, with a visible message.
    const clamped = await page.evaluate(() => window.landscape.train({ seeds: 0, steps: 5.5, lr: -1 }));
    expect(clamped.finalLosses).toHaveLength(1);
    expect(clamped.notices.join(' ')).toMatch(/seeds K: 0 → 1/);
    expect(clamped.notices.join(' ')).toMatch(/learning rate/);
    expect(await page.locator('#training .training-notice').first().textContent()).toMatch(/seeds K/);

    // A kept network as θ₀: the plane is centred on it.
    const pick = minima[2];
    if (!pick) throw new Error('no kept network');
    await page.evaluate((id) => window.landscape.useMinimum(id), pick.id);
    const centre = await page.evaluate(() => ({
      c: window.landscape.surface().centerLoss,
      status: document.querySelector('.status-job')?.textContent ?? '',
    }));
    expect(Math.abs(centre.c - pick.loss) / pick.loss).toBeLessThan(1e-3);
    expect(centre.status).toMatch(/kept "run 1 · seed 3"/);
    // Diverging seeds (SGD at a huge rate) are marked, never successes, and the others still finish.
    const wild = await page.evaluate(() => window.landscape.train({ seeds: 16, steps: 60, optimizer: 'sgd', lr: 8 }));
    expect(wild.diverged.some(Boolean)).toBe(true);
    wild.diverged.forEach((d, k) => {
      if (d) expect(wild.success[k]).toBe(false);
      if (d) expect(Number.isNaN(wild.finalLosses[k] ?? 0)).toBe(true);
    });
    expect(await page.locator('#training .training-status').first().textContent()).toMatch(/done/);
    const red = await chartPixels(page, '#training canvas.loss-dots', [0xff, 0x6b, 0x6b]);
    expect(red.matching).toBeGreaterThan(20);
    await page.screenshot({ path: join(ARTIFACTS, 'training-diverged.png') });
    await page.evaluate(() => window.landscape.train({ seeds: 16, steps: 120 }));
    await page.evaluate(() => window.landscape.redraw());
    const dots = await chartPixels(page, '#training canvas.loss-dots', [0x5f, 0xd3, 0x9b]);
    expect(dots.foreground).toBeGreaterThan(2000);
    await page.screenshot({ path: join(ARTIFACTS, 'training-seeds.png') });
    // Back to the trained θ₀: set aside, not retrained.
    await page.evaluate(() => window.landscape.useMinimum(null));
    expect(await page.locator('.status-job').textContent()).not.toMatch(/kept/);
    const back = await page.evaluate(() => ({
      c: window.landscape.surface().centerLoss,
      trainMs: window.landscape.surface().timings.trainMs,
    }));
    expect(back.c).toBe(trainedCentre);
    expect(back.trainMs).toBe(0);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('runs the width sweep at a small size and draws its plot: success at n₁ ≥ m, not at n₁ = 1', async () => {
    const page = await browser.open(SMALL);
    const log = collectConsole(page);
    const r = await page.evaluate(() => window.landscape.widthSweep({ samples: 8, widths: [1, 8, 10], seeds: 8, steps: 1500 }));
    expect(r.device).toBe('webgpu');
    expect(r.m).toBe(8);
    expect(r.points.map((p) => p.width)).toEqual([1, 8, 10]);
    const [one, atM, above] = r.points;
    if (!one || !atM || !above) throw new Error('missing widths');
    expect(atM.fraction).toBe(1);
    expect(above.fraction).toBe(1);
    expect(one.fraction).toBeLessThan(1);
    expect(one.medianFinal).toBeGreaterThan(atM.medianFinal * 100);
    for (const p of r.points) expect(p.finalLosses.every(Number.isFinite)).toBe(true);
    const bars = await chartPixels(page, '#training canvas.sweep-chart', [0x5f, 0xb8, 0xd3]);
    expect(bars.foreground / bars.total).toBeGreaterThan(0.05);
    expect(bars.matching).toBeGreaterThan(1000);
    expect(await page.locator('#training .training-theorem').textContent()).toMatch(/n₁ ≥ m/);
    await page.screenshot({ path: join(ARTIFACTS, 'training-sweep.png') });
    // Out-of-range widths are clamped with a message.
    const bad = await page.evaluate(() => window.landscape.widthSweep({ samples: 4, widths: [0, 2], seeds: 2, steps: 10 }));
    expect(bad.widths).toEqual([1, 2]);
    expect(bad.notices.join(' ')).toMatch(/width n₁: 0 → 1/);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('the Many seeds card takes its steps and learning rate from the open preset, follows the panel, and keeps typed values (narrow tanh, grid 9)', async () => {
    const page = await browser.open('#preset=narrow-tanh&grid=9');
    const fields = (): Promise<{ steps: string; lr: string }> =>
      page.evaluate(() => ({
        steps: document.querySelector<HTMLInputElement>('#training input[name="t.steps"]')?.value ?? '',
        lr: document.querySelector<HTMLInputElement>('#training input[name="t.lr"]')?.value ?? '',
      }));
    // The preset trains θ₀ with 2000 Adam steps at 0.05, not the card's old 600 at 0.02.
    expect(await page.evaluate(() => window.landscape.state.train)).toEqual({ steps: 2000, learningRate: 0.05 });
    expect(await fields()).toEqual({ steps: '2000', lr: '0.05' });
    // A run that names no steps or rate uses them too: the card shows the request that ran, and its
    // losses are bitwise those of a run that names 2000 steps at 0.05 (training is deterministic).
    const run = await page.evaluate(() => window.landscape.train({ seeds: 2 }));
    expect(await fields()).toEqual({ steps: '2000', lr: '0.05' });
    const named = await page.evaluate(() => window.landscape.train({ seeds: 2, steps: 2000, lr: 0.05 }));
    expect(run.finalLosses).toEqual(named.finalLosses);
    // The page's training settings change: the untouched fields follow.
    await page.evaluate(() => window.landscape.set({ train: { steps: 300, learningRate: 0.03 } }));
    expect(await fields()).toEqual({ steps: '300', lr: '0.03' });
    // A value typed into the card stays when the page's settings change again.
    await page.locator('#training input[name="t.steps"]').fill('123');
    await page.evaluate(() => window.landscape.set({ train: { steps: 400 } }));
    expect(await fields()).toEqual({ steps: '123', lr: '0.03' });
    await page.close();
  });

  it('without WebGPU, θ₀ and train() run on the CPU twin in a worker', async () => {
    const page = await browser.open({ hash: SMALL, init: 'Object.defineProperty(navigator, "gpu", { value: undefined });' });
    // The status line says where θ₀ was trained: the same link gives another θ₀ on a GPU (other float32 sums).
    expect(await page.locator('.status-job').textContent()).toMatch(/θ₀ loss \S+ · trained on the CPU$/);
    const r = await page.evaluate(() => window.landscape.train({ seeds: 3, steps: 30 }));
    expect(r.device).toBe('cpu');
    expect(r.finalLosses.every((v) => Number.isFinite(v))).toBe(true);
    await page.close();
  });

  it('a gradient kernel that fails on the GPU falls back to the CPU worker for θ₀, with a notice', async () => {
    const breakShader = `(() => {
      const original = GPUDevice.prototype.createShaderModule;
      GPUDevice.prototype.createShaderModule = function (descriptor) {
        if (String(descriptor.label).startsWith('GradientKernel')) descriptor = { ...descriptor, code: descriptor.code + '\\nfn broken( {' };
        return original.call(this, descriptor);
      };
    })();`;
    const page = await browser.open({ hash: SMALL, init: breakShader });
    const s = await page.evaluate(() => ({
      centre: window.landscape.surface().centerLoss,
      device: window.landscape.surface().device,
      notices: window.landscape.notices(),
    }));
    expect(s.device).toBe('webgpu');
    expect(Number.isFinite(s.centre)).toBe(true);
    expect(s.notices.join(' ')).toMatch(/GPU training failed/);
    expect(await page.locator('.status-job').textContent()).toMatch(/trained on the CPU$/);
    await page.close();
  });
});
