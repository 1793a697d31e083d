/**
 * Jobs in the page: surfaces drawn coarse to fine, changes that do not alter a result never touch the
 * running job, Cancel keeps what is on screen, and the plane moved with the mouse.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

/** A grid slow enough on the software adapter to act on while it runs (levels 17², 33², 65², 129²). */
const SLOW = 'data=spiral&m=256&hidden=24,24&steps=40&grid=129&water=0';

async function firstPicture(page: Page): Promise<void> {
  await page.waitForFunction(() => window.landscape.timeline().length >= 1 && window.landscape.surface().refining !== undefined, null, {
    timeout: 120_000,
  });
}

describe('jobs in the page', () => {
  it('draws 17², 33², 65², 129² as they finish; a colormap change and a refused value never restart the grid', async () => {
    const page = await browser.open({ hash: `#${SLOW}`, ready: false });
    await firstPicture(page);
    // The view says which level it shows.
    await expect.poll(() => page.locator('.level-badge').textContent()).toMatch(/^17² of 129²/);
    await page.evaluate(() => {
      void window.landscape.set({ view: { colormap: 'magma' } });
      void window.landscape.set({ model: { hidden: 'kept 32,32' } });
    });
    expect(await page.evaluate(() => window.landscape.notices().join(' '))).toMatch(/hidden/);
    await page.evaluate(() => window.landscape.ready());
    const timeline = await page.evaluate(() => window.landscape.timeline().map((t) => t.gridSize));
    // One job from the start: a restarted job would begin with the level it resumed at (33² or more).
    expect(timeline).toEqual([17, 33, 65, 129]);
    const state = await page.evaluate(() => ({ cmap: window.landscape.state.view.colormap, hidden: window.landscape.state.model.hidden }));
    expect(state).toEqual({ cmap: 'magma', hidden: [24, 24] });
    expect(await page.locator('.level-badge').isHidden()).toBe(true);
    await page.close();
  });

  it('Cancel stops the running grid and keeps the surface on screen', async () => {
    const page = await browser.open(`#${SLOW.replace('grid=129', 'grid=17')}`);
    const before = await page.evaluate(() => Array.from(window.landscape.surface().loss));
    await page.evaluate(() => void window.landscape.set({ plane: { gridSize: 257, span: 2 } }));
    await page.locator('.status-cancel').click();
    await page.evaluate(() => window.landscape.ready());
    const after = await page.evaluate(() => ({
      loss: Array.from(window.landscape.surface().loss),
      finalSize: window.landscape.surface().refining?.finalSize,
      status: document.querySelector('.status-job')?.textContent,
    }));
    // Either the old 17² surface or a coarse level of the stopped job stays (which one depends on how far it
    // got before the click); never a blank view.
    expect(after.loss.length === before.length || after.finalSize === 257).toBe(true);
    expect(after.loss.length).toBeLessThan(257 * 257);
    expect(after.status).toMatch(/cancelled/);
    expect(await page.evaluate(() => window.landscape.cancel())).toBe(false);
    await page.close();
  });

  it('a shift-drag moves the centre to the point under the pointer; shift-scroll zooms; back to θ₀ returns', async () => {
    const page = await browser.open('#data=moons&m=64&hidden=8&steps=60&grid=33&water=0&cam=0,89.9,5');
    const box = await page.locator('#view canvas').first().boundingBox();
    if (box === null) throw new Error('no canvas');
    const x = box.x + box.width * 0.6;
    const y = box.y + box.height * 0.45;
    const picked = await page.evaluate(
      ([px, py]) => {
        const s = window.landscape.surface();
        const hit = document.elementFromPoint(px, py);
        return {
          tag: hit?.tagName ?? '',
          loss: Array.from(s.loss),
          alphas: Array.from(s.alphas),
          betas: Array.from(s.betas),
          n: s.gridSize,
        };
      },
      [x, y] as const,
    );
    expect(picked.tag).toBe('CANVAS');
    await page.keyboard.down('Shift');
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await page.waitForFunction(() => window.landscape.state.plane.centerAlpha !== 0 || window.landscape.state.plane.centerBeta !== 0);
    await page.evaluate(() => window.landscape.ready());
    const moved = await page.evaluate(() => ({
      plane: window.landscape.state.plane,
      centerLoss: window.landscape.surface().centerLoss,
      hash: location.hash,
      camera: window.landscape.camera(),
    }));
    // The new centre is a grid point of the old surface, and its loss is the old surface's value there.
    const ix = picked.alphas.findIndex((a) => Math.abs(a - moved.plane.centerAlpha) < 1e-5);
    const iy = picked.betas.findIndex((b) => Math.abs(b - moved.plane.centerBeta) < 1e-5);
    expect(ix).toBeGreaterThanOrEqual(0);
    expect(iy).toBeGreaterThanOrEqual(0);
    const old = picked.loss[iy * picked.n + ix] ?? NaN;
    expect(Math.abs(moved.centerLoss - old)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(old)));
    expect(moved.hash).toMatch(/&ca=[-0-9.e]+&cb=[-0-9.e]+&/);
    // The drag did not orbit the camera.
    expect(moved.camera.elevation).toBeGreaterThan(80);
    await expect.poll(() => page.locator('.back-to-center').isVisible()).toBe(true);
    // Shift-scroll zooms the span.
    await page.keyboard.down('Shift');
    await page.mouse.wheel(0, 300);
    await page.keyboard.up('Shift');
    await page.waitForFunction(() => window.landscape.state.plane.span > 1.2);
    await page.locator('.back-to-center').click();
    await page.waitForFunction(() => window.landscape.state.plane.centerAlpha === 0 && window.landscape.state.plane.centerBeta === 0);
    expect(await page.locator('.back-to-center').isHidden()).toBe(true);
    await page.close();
  });

  it('a device lost in the middle of a grid: the surface is finished on the CPU, a new device is made, the next job runs on WebGPU', async () => {
    // Keep every device the app makes, so the test can destroy the one in use.
    const keepDevices = `(() => {
      const original = GPUAdapter.prototype.requestDevice;
      window.__devices = [];
      GPUAdapter.prototype.requestDevice = async function (descriptor) {
        const device = await original.call(this, descriptor);
        window.__devices.push(device);
        return device;
      };
    })();`;
    const page = await browser.open({ hash: `#${SLOW.replace('grid=129', 'grid=65')}`, init: keepDevices, ready: false });
    await firstPicture(page);
    await page.evaluate(() => {
      (window as unknown as { __devices: GPUDevice[] }).__devices[0]?.destroy();
    });
    await page.evaluate(() => window.landscape.ready());
    const mixed = await page.evaluate(() => ({
      loss: Array.from(window.landscape.surface().loss),
      device: window.landscape.surface().device,
      notices: window.landscape.notices().join(' '),
    }));
    expect(mixed.loss).toHaveLength(65 * 65);
    expect(mixed.loss.every((v) => Number.isFinite(v))).toBe(true);
    expect(mixed.device).toBe('cpu');
    expect(mixed.notices).toMatch(/GPU kernel failed/);
    // The next job (another span, then the same one again) runs on a new device.
    await page.evaluate(() => window.landscape.set({ plane: { span: 1.5 } }));
    const next = await page.evaluate(() => ({
      device: window.landscape.surface().device,
      devices: (window as unknown as { __devices: GPUDevice[] }).__devices.length,
      notices: window.landscape.notices().join(' '),
    }));
    expect(next.device).toBe('webgpu');
    expect(next.devices).toBeGreaterThanOrEqual(2);
    expect(next.notices).toMatch(/new device/);
    // The surface finished after the loss is right: the new device computes the same values.
    await page.evaluate(() => window.landscape.set({ plane: { span: 1 } }));
    const again = await page.evaluate(() => ({
      loss: Array.from(window.landscape.surface().loss),
      device: window.landscape.surface().device,
    }));
    expect(again.device).toBe('webgpu');
    again.loss.forEach((v, i) => {
      expect(Math.abs(v - (mixed.loss[i] ?? NaN))).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(v)));
    });
    await page.close();
  });
});
