/**
 * The built app in real headless Chromium (WebGPU and WebGL on SwiftShader): the default page
 * trains, computes its surface on the GPU and draws it; the numbers match the CPU reference.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { evaluate } from '../../src/model/network';
import type { MlpSpec } from '../../src/model/spec';
import { collectConsole, REPO_ROOT } from './harness';
import { useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

/** Count pixels unlike the background and distinct colours in the view's canvas. */
async function canvasStats(page: Page): Promise<{ foreground: number; colours: number; total: number }> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('#view canvas');
    if (!canvas) throw new Error('no canvas in #view');
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    ctx.drawImage(canvas, 0, 0);
    const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
    let foreground = 0;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i] ?? 0,
        g = data[i + 1] ?? 0,
        b = data[i + 2] ?? 0;
      if (Math.abs(r - 0x10) + Math.abs(g - 0x13) + Math.abs(b - 0x18) > 24) foreground++;
      colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
    }
    return { foreground, colours: colours.size, total: data.length / 4 };
  });
}

describe('the app in headless Chromium', () => {
  it('draws the default surface from WebGPU, matching the CPU reference at θ₀', async () => {
    const page = await browser.open();
    const log = collectConsole(page);
    const surface = await page.evaluate(() => {
      const s = window.landscape.surface();
      return {
        device: s.device,
        adapter: s.adapter,
        centerLoss: s.centerLoss,
        gridSize: s.gridSize,
        n: s.loss.length,
        min: s.min,
        max: s.max,
      };
    });
    expect(surface.device).toBe('webgpu');
    expect(surface.gridSize).toBeGreaterThanOrEqual(129);
    expect(surface.n).toBe(surface.gridSize ** 2);
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
    const reference = evaluate(spec, Float32Array.from(model.theta), {
      m: model.m,
      inputs: model.inputs,
      x: Float32Array.from(model.x),
      y: Float32Array.from(model.y),
    }).loss;
    expect(Math.abs(surface.centerLoss - reference) / reference).toBeLessThan(1e-4);
    // θ₀ was trained: the centre is well below the edges of the plane.
    expect(surface.min).toBeLessThanOrEqual(surface.centerLoss * 1.0001);
    expect(surface.max).toBeGreaterThan(surface.centerLoss * 2);

    const stats = await canvasStats(page);
    // The surface, its axes and labels (no water plane by default): a blank canvas would be 0.
    expect(stats.foreground / stats.total).toBeGreaterThan(0.07);
    expect(stats.colours).toBeGreaterThan(50);
    const status = await page.locator('.status-adapter').textContent();
    expect(status).toContain('WebGPU');
    mkdirSync(join(REPO_ROOT, 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, 'artifacts', 'default.png') });
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('a residual network (res=1) trains and draws on WebGPU, matching the CPU reference at θ₀', async () => {
    const page = await browser.open('#grid=17&steps=60&m=64&hidden=8,8,8&res=1');
    const log = collectConsole(page);
    const result = await page.evaluate(() => {
      const s = window.landscape.surface();
      const m = window.landscape.model();
      return {
        device: s.device,
        centerLoss: s.centerLoss,
        n: s.loss.length,
        notices: window.landscape.notices(),
        link: window.landscape.link(),
        spec: m.spec,
        theta: Array.from(m.theta),
        x: Array.from(m.data.x),
        y: Array.from(m.data.y),
        m: m.data.m,
        inputs: m.data.inputs,
      };
    });
    expect(result.device).toBe('webgpu');
    expect(result.n).toBe(17 * 17);
    expect(result.spec.residual).toBe(true);
    expect(result.link).toContain('res=1');
    expect(result.notices.join(' ')).not.toMatch(/GPU kernel failed|GPU training failed/);
    const spec: MlpSpec = {
      ...result.spec,
      activation: result.spec.activation as MlpSpec['activation'],
      loss: result.spec.loss as MlpSpec['loss'],
    };
    const samples = { m: result.m, inputs: result.inputs, x: Float32Array.from(result.x), y: Float32Array.from(result.y) };
    const reference = evaluate(spec, Float32Array.from(result.theta), samples).loss;
    expect(Math.abs(result.centerLoss - reference) / reference).toBeLessThan(1e-4);
    // The same weights without the skips give another loss: the page evaluated the residual net.
    expect(Math.abs(evaluate({ ...spec, residual: false }, Float32Array.from(result.theta), samples).loss - reference)).toBeGreaterThan(
      1e-3 * reference,
    );
    // The panel has the checkbox, ticked; unticking it turns the skips off.
    const checkbox = page.locator('.lil-controller', { hasText: 'residual (skip) connections' }).locator('input[type=checkbox]');
    expect(await checkbox.isChecked()).toBe(true);
    await checkbox.uncheck();
    await page.waitForFunction(() => !window.landscape.state.model.residual, null, { timeout: 10_000 });
    await page.evaluate(() => window.landscape.ready());
    expect(await page.evaluate(() => [window.landscape.model().spec.residual, window.landscape.link().includes('res=0')])).toEqual([
      false,
      true,
    ]);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('clamps bad values with a visible notice and keeps drawing overflowing points', async () => {
    const page = await browser.open('#grid=17&steps=50&m=64&hidden=8');
    await page.evaluate(() => window.landscape.set({ plane: { gridSize: -5 }, model: { activation: 'nope' } }));
    const state = await page.evaluate(() => window.landscape.state);
    expect(state.plane.gridSize).toBe(3);
    expect(state.model.activation).toBe('tanh');
    const notice = await page.locator('.notice').textContent();
    expect(notice).toMatch(/gridSize/);
    expect(notice).toMatch(/activation/);
    // Back to a small grid at a huge span: far from θ₀ the loss overflows in places, and still draws.
    await page.evaluate(() =>
      window.landscape.set({ plane: { gridSize: 17, span: 1e4 }, model: { activation: 'identity', hidden: [8, 8, 8] } }),
    );
    const s = await page.evaluate(() => {
      const s = window.landscape.surface();
      return { n: s.loss.length, nonFinite: s.nonFinite, max: s.max };
    });
    expect(s.n).toBe(17 * 17);
    expect(Number.isFinite(s.max)).toBe(true);
    const stats = await canvasStats(page);
    expect(stats.foreground / stats.total).toBeGreaterThan(0.07);
    await page.screenshot({ path: join(REPO_ROOT, 'artifacts', 'huge-span.png') });
    await page.close();
  });

  it('falls back to the CPU reference in a worker without WebGPU, and says so', async () => {
    const page = await browser.open({
      hash: '#grid=17&steps=40&m=64&hidden=8',
      init: 'Object.defineProperty(navigator, "gpu", { value: undefined });',
    });
    const surface = await page.evaluate(() => {
      const s = window.landscape.surface();
      return { device: s.device, n: s.loss.length, centerLoss: s.centerLoss };
    });
    expect(surface.device).toBe('cpu');
    expect(surface.n).toBe(17 * 17);
    expect(Number.isFinite(surface.centerLoss)).toBe(true);
    expect(await page.locator('.status-adapter').textContent()).toMatch(/CPU fallback/);
    const stats = await canvasStats(page);
    expect(stats.foreground / stats.total).toBeGreaterThan(0.07);
    await page.close();
  });

  it('a GPU kernel that fails validation falls back to the CPU reference with a notice, never silent zeros', async () => {
    // Break the grid shader the way a stricter driver compiler would: the module fails to compile.
    const breakShader = `(() => {
      const original = GPUDevice.prototype.createShaderModule;
      GPUDevice.prototype.createShaderModule = function (descriptor) {
        if (String(descriptor.label).startsWith('LossGridKernel.grid')) descriptor = { ...descriptor, code: descriptor.code + '\\nfn broken( {' };
        return original.call(this, descriptor);
      };
    })();`;
    const page = await browser.open({ hash: '#grid=9&steps=20&m=32&hidden=4', init: breakShader });
    const result = await page.evaluate(() => {
      const s = window.landscape.surface();
      return { device: s.device, min: s.min, max: s.max, notices: window.landscape.notices() };
    });
    expect(result.device).toBe('cpu');
    expect(result.max).toBeGreaterThan(result.min);
    // Either the page's calibration met the broken kernel first (src/engine/calibrate.ts: said, never used), or
    // (a calibration kept from an earlier page of this browser) the job did: handed to the CPU with a notice.
    expect(result.notices.join(' ')).toMatch(
      /GPU kernel failed \(WebGPU validation error|WebGPU register tiles kernel on .* failed its calibration \(WebGPU validation error/,
    );
    expect(await page.locator('.notice').textContent()).toMatch(/CPU reference|never used on this device/);
    await page.close();
  });
});
