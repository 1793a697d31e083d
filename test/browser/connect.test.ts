/**
 * Mode connectivity in the built page (headless Chromium, WebGPU on SwiftShader): connect() trains
 * two minima and a Bezier curve between them, the curve's barrier is far below the straight
 * line's, the chart draws both paths, surface() is the plane through A, θ_b and B (A at (0, 0),
 * B at (1, 0)) and the paths are drawn onto it; an engine change brings the random plane back.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { collectConsole } from './harness';
import { ARTIFACTS, useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

/** The half-size mode-connectivity preset: moons, 64 samples, 2-16-2 tanh, cross-entropy. */
const SMALL_MOONS = '#data=moons&m=64&noise=0.1&hidden=16&act=tanh&loss=cross_entropy&grid=17&steps=60';

/** Pixels of the 3-D view's canvas close to a colour. */
async function viewPixels(
  page: Page,
  rgb: readonly [number, number, number],
  selector = '#view canvas',
): Promise<{ matching: number; hash: number }> {
  await page.evaluate(() => window.landscape.redraw());
  return page.evaluate(
    ([[r0, g0, b0], sel]) => {
      const source = document.querySelector<HTMLCanvasElement>(sel);
      if (!source) throw new Error(`no canvas ${sel}`);
      const copy = document.createElement('canvas');
      copy.width = source.width;
      copy.height = source.height;
      const ctx = copy.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      ctx.drawImage(source, 0, 0);
      const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
      let matching = 0;
      let hash = 0;
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i] ?? 0,
          g = data[i + 1] ?? 0,
          b = data[i + 2] ?? 0;
        if (Math.abs(r - r0) + Math.abs(g - g0) + Math.abs(b - b0) < 40) matching++;
        hash = (hash * 31 + r + 7 * g + 13 * b) >>> 0;
      }
      return { matching, hash };
    },
    [rgb, selector] as const,
  );
}

describe('mode connectivity in headless Chromium', () => {
  it('connect() trains A, B and a curve, charts both paths and shows the plane through A, θ_b, B', async () => {
    const page = await browser.open(SMALL_MOONS);
    const log = collectConsole(page);
    const t0 = Date.now();
    const r = await page.evaluate(() => window.landscape.connect({ kind: 'bezier', steps: 100, minimaSteps: 500, gridSize: 21 }));
    const seconds = (Date.now() - t0) / 1000;
    console.log(
      `connect: ${seconds.toFixed(1)} s · line barrier ${r.lineBarrier.toFixed(3)} · curve ${r.curveBarrier.toFixed(4)} · ` +
        `curve ${r.ms.curve.toFixed(0)} ms, evaluation ${r.ms.evaluation.toFixed(0)} ms, grid ${r.ms.grid.toFixed(0)} ms (${r.device})`,
    );
    expect(r.device).toBe('webgpu');
    expect(r.t).toHaveLength(61);
    expect(r.lineLoss).toHaveLength(61);
    expect(r.curveLoss).toHaveLength(61);
    expect(r.lineBarrier).toBeGreaterThan(0.3);
    expect(r.curveBarrier).toBeLessThan(r.lineBarrier / 4);
    expect(r.ids.every((id) => typeof id === 'number')).toBe(true);
    const marked = await page.evaluate(() =>
      window.landscape
        .minima()
        .filter((m) => m.endpoint)
        .map((m) => m.id),
    );
    expect(marked).toEqual(r.ids);

    // The chart: a visible canvas with both paths drawn in their colours.
    const chart = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.path-chart');
      if (!canvas || canvas.hidden) return null;
      const ctx = canvas.getContext('2d');
      if (!ctx) return null;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let line = 0;
      let curve = 0;
      for (let i = 0; i < data.length; i += 4) {
        const px = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0] as const;
        if (Math.abs(px[0] - 0xff) + Math.abs(px[1] - 0xb4) + Math.abs(px[2] - 0x54) < 40) line++;
        if (Math.abs(px[0] - 0x5c) + Math.abs(px[1] - 0xe1) + Math.abs(px[2] - 0xff) < 40) curve++;
      }
      return { line, curve };
    });
    expect(chart).not.toBeNull();
    expect(chart?.line ?? 0).toBeGreaterThan(100);
    expect(chart?.curve ?? 0).toBeGreaterThan(100);

    // surface() is the 3-point plane: grid points at A = (0, 0) and B = (1, 0) carry the endpoint losses.
    const s = await page.evaluate(() => {
      const surface = window.landscape.surface();
      const at = (alpha: number, beta: number): number => {
        const ix = surface.alphas.findIndex((v) => Math.abs(v - alpha) < 1e-4);
        const iy = surface.betas.findIndex((v) => Math.abs(v - beta) < 1e-4);
        return ix < 0 || iy < 0 ? Number.NaN : (surface.loss[iy * surface.gridSize + ix] ?? Number.NaN);
      };
      return { gridSize: surface.gridSize, lossA: at(0, 0), lossB: at(1, 0), min: surface.min, max: surface.max };
    });
    expect(s.gridSize).toBe(21);
    const close = (got: number, want: number): void => expect(Math.abs(got - want)).toBeLessThan(1e-3 * Math.max(1, Math.abs(want)) + 1e-5);
    close(s.lossA, r.lineLoss[0] ?? Number.NaN);
    close(s.lossB, r.lineLoss[60] ?? Number.NaN);
    expect(s.max).toBeGreaterThan(r.lineBarrier);
    expect(r.plane.bends[0]?.y ?? 0).toBeGreaterThan(0);

    // The paths on the surface: two polylines in the scene, the curve's colour on screen, and the
    // travelling marker changes the picture.
    expect(await page.evaluate(() => window.landscape.pathOverlayCount())).toBe(2);
    const cyan = await viewPixels(page, [0x5c, 0xe1, 0xff]);
    expect(cyan.matching).toBeGreaterThan(30);
    // The top view draws both paths too: the curve's cyan and the line's orange are there, and gone
    // again on another surface (below).
    const mapCyan = await viewPixels(page, [0x5c, 0xe1, 0xff], '.heatmap-canvas');
    const mapOrange = await viewPixels(page, [0xff, 0xb4, 0x54], '.heatmap-canvas');
    expect(mapCyan.matching).toBeGreaterThan(20);
    expect(mapOrange.matching).toBeGreaterThan(20);
    await page.evaluate(() => window.landscape.travelAlongCurve(0.5));
    const moved = await viewPixels(page, [0xff, 0x4f, 0x6a]);
    expect(moved.hash).not.toBe(cyan.hash);
    // The training card opened for A and B; fold it so the screenshot shows the surface.
    await page.evaluate(() => document.querySelector('section.training')?.classList.add('collapsed'));
    await page.evaluate(() => window.landscape.redraw());
    await page.screenshot({ path: join(ARTIFACTS, 'connect.png') });
    await page.evaluate(() => window.landscape.set({ sublevel: { water: false }, camera: { azimuth: 10, elevation: 60, distance: 5 } }));
    await page.evaluate(() => window.landscape.redraw());
    await page.screenshot({ path: join(ARTIFACTS, 'connect-paths.png') });

    // A view-only change keeps the curve plane; an engine change brings back the random plane.
    await page.evaluate(() => window.landscape.set({ view: { colormap: 'magma' } }));
    expect(await page.evaluate(() => window.landscape.surface().gridSize)).toBe(21);
    expect(await page.evaluate(() => window.landscape.pathOverlayCount())).toBe(2);
    await page.evaluate(() => window.landscape.set({ plane: { gridSize: 19 } }));
    expect(await page.evaluate(() => window.landscape.surface().gridSize)).toBe(19);
    expect(await page.evaluate(() => window.landscape.pathOverlayCount())).toBe(0);
    expect((await viewPixels(page, [0x5c, 0xe1, 0xff], '.heatmap-canvas')).matching).toBeLessThan(mapCyan.matching / 4);
    expect(log.errors).toEqual([]);
    log.dispose();
    await page.close();
  });

  it('trajectory() trains a seed with snapshots and shows its PCA plane with the path on it (grid 17, 200 steps, 20 snapshots)', async () => {
    const page = await browser.open(SMALL_MOONS);
    const log = collectConsole(page);
    const r = await page.evaluate(() => window.landscape.trajectory({ steps: 200, snapshots: 20, gridSize: 17 }));
    console.log('trajectory', r.explained, r.loss[0], r.loss.at(-1), r.coords.length, r.ms);
    expect(r.coords.length).toBe(r.loss.length);
    expect(r.coords.length).toBeGreaterThanOrEqual(20);
    expect(r.steps[0]).toBe(0);
    expect(r.steps.at(-1)).toBe(200);
    expect(r.coords.at(-1)).toEqual({ x: 0, y: 0 });
    // Training lowers the loss; the line start → end starts and ends where the path does.
    expect(r.loss.at(-1) ?? Infinity).toBeLessThan(0.5 * (r.loss[0] ?? 0));
    expect(r.lineLoss[0]).toBeCloseTo(r.loss[0] ?? NaN, 5);
    expect(r.lineLoss.at(-1)).toBeCloseTo(r.loss.at(-1) ?? NaN, 5);
    const [e1, e2] = r.explained;
    expect(e1).toBeGreaterThanOrEqual(e2);
    expect(e1 + e2).toBeGreaterThan(0.5);
    expect(e1 + e2).toBeLessThanOrEqual(1 + 1e-9);
    // The plane's centre cell is the end point: its grid loss is the end's loss.
    const s = await page.evaluate(() => {
      const x = window.landscape.surface();
      return { n: x.gridSize, span: x.span, centre: x.loss[(x.gridSize * x.gridSize - 1) / 2] ?? NaN };
    });
    expect(s.n).toBe(17);
    expect(Math.abs(s.centre - (r.loss.at(-1) ?? NaN))).toBeLessThan(1e-4 * Math.max(1, r.loss.at(-1) ?? 1));
    expect(s.span).toBeGreaterThanOrEqual(Math.max(...r.coords.map((p) => Math.max(Math.abs(p.x), Math.abs(p.y)))));
    expect(await page.evaluate(() => window.landscape.pathOverlayCount())).toBe(2);
    expect((await viewPixels(page, [0x5c, 0xe1, 0xff], '.heatmap-canvas')).matching).toBeGreaterThan(20);
    await page.evaluate(() => document.querySelector('section.training')?.classList.add('collapsed'));
    await page.evaluate(() => window.landscape.redraw());
    await page.screenshot({ path: join(ARTIFACTS, 'trajectory.png') });
    // A kept network's stored snapshots give its path without training again; a link cannot replay that.
    const run = await page.evaluate(() => window.landscape.train({ seeds: 2, steps: 100, snapshotEvery: 10 }));
    const kept = await page.evaluate((id) => window.landscape.trajectory({ id }), run.ids[1] ?? -1);
    expect(kept.steps).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(kept.loss.at(-1)).toBeCloseTo(run.finalLosses[1] ?? NaN, 4);
    expect(await page.evaluate(() => window.landscape.state.flow)).toBe('');
    await expect(page.evaluate(() => window.landscape.trajectory({ id: 9999 }))).rejects.toThrow(/no kept network with id 9999/);
    // The kept list offers "path" for networks with snapshots.
    const pathButtons = await page
      .locator('.training-list-row button', { hasText: 'path' })
      .evaluateAll((bs) => bs.map((b) => (b as HTMLButtonElement).disabled));
    expect(pathButtons.filter((d) => !d).length).toBeGreaterThanOrEqual(2);
    // The card's button runs it with the defaults.
    await page.getByRole('button', { name: 'training path' }).click();
    await page.waitForFunction(() => document.querySelector('#statusline')?.textContent.includes('trajectory plane'), null, {
      timeout: 60_000,
    });
    expect(log.errors).toEqual([]);
    log.dispose();
    await page.close();
  });

  it('a link replays the curve plane and the trajectory; an engine change drops the flow from the link (grid 17)', async () => {
    const page = await browser.open(SMALL_MOONS);
    const r = await page.evaluate(() => window.landscape.connect({ kind: 'bezier', steps: 60, minimaSteps: 200 }));
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toMatch(/flow=connect:[^&]*kind=bezier/);
    const original = await page.evaluate(() => Array.from(window.landscape.surface().loss));
    // A fresh page from that link trains the same minima and curve and shows the same plane.
    const replay = await browser.open(hash);
    expect(await replay.evaluate(() => window.landscape.pathOverlayCount())).toBe(2);
    const replayed = await replay.evaluate(() => Array.from(window.landscape.surface().loss));
    expect(replayed.length).toBe(original.length);
    replayed.forEach((v, i) => expect(Math.abs(v - (original[i] ?? NaN))).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(v))));
    expect(await replay.evaluate(() => window.landscape.state.flow)).toBe(await page.evaluate(() => window.landscape.state.flow));
    console.log('replayed connect', r.lineBarrier, r.curveBarrier);
    // A view change keeps the flow; a model change drops it (and the curve plane).
    await replay.evaluate(() => window.landscape.set({ view: { colormap: 'magma' } }));
    expect(await replay.evaluate(() => location.hash)).toMatch(/flow=connect:/);
    await replay.evaluate(() => window.landscape.set({ model: { hidden: [8] } }));
    await replay.evaluate(() => window.landscape.ready());
    expect(await replay.evaluate(() => location.hash)).toMatch(/flow=(&|$)/);
    expect(await replay.evaluate(() => window.landscape.pathOverlayCount())).toBe(0);
    await replay.close();

    // The trajectory likewise.
    const t = await page.evaluate(() => window.landscape.trajectory({ steps: 100, snapshots: 10, gridSize: 17 }));
    const tHash = await page.evaluate(() => location.hash);
    expect(tHash).toMatch(/flow=trajectory:[^&]*snapshots=10/);
    const again = await browser.open(tHash);
    expect(await again.evaluate(() => window.landscape.pathOverlayCount())).toBe(2);
    const centre = await again.evaluate(() => {
      const x = window.landscape.surface();
      return x.loss[(x.gridSize * x.gridSize - 1) / 2] ?? NaN;
    });
    expect(Math.abs(centre - (t.loss.at(-1) ?? NaN))).toBeLessThan(1e-4 * Math.max(1, t.loss.at(-1) ?? 1));
    await again.close();
    // A malformed flow in a link is a notice, and the page still draws.
    const bad = await browser.open('#flow=neb:steps=3&grid=9&steps=10');
    expect((await bad.evaluate(() => window.landscape.notices())).join(' ')).toContain('flow "neb"');
    expect(await bad.evaluate(() => window.landscape.surface().gridSize)).toBe(9);
    await bad.close();
    // Choosing a kept network as θ₀ replaces the path view, and the link no longer replays it.
    await page.evaluate((id) => window.landscape.useMinimum(id), r.ids[0] ?? -1);
    expect(await page.evaluate(() => window.landscape.state.flow)).toBe('');
    expect(await page.evaluate(() => window.landscape.pathOverlayCount())).toBe(0);
    await page.close();
  });

  it('a video travels along the connected curve (and a training path), and is refused with a message before there is one', async () => {
    const page = await browser.open(SMALL_MOONS);
    const early = await page.evaluate(() =>
      window.landscape.exportVideo({ kind: 'curve', width: 160, height: 120, fps: 5, durationS: 1, download: false }).then(
        () => 'exported',
        (e: unknown) => String(e),
      ),
    );
    expect(early).toMatch(/needs a curve on screen/);
    await page.evaluate(() => window.landscape.connect({ kind: 'bezier', steps: 60, minimaSteps: 300, gridSize: 17 }));
    const video = await page.evaluate(async () => {
      const r = await window.landscape.exportVideo({ kind: 'curve', width: 160, height: 120, fps: 5, durationS: 1, download: false });
      return { frames: r.frames, bytes: r.bytes };
    });
    expect(video.frames).toBe(5);
    expect(video.bytes).toBeGreaterThan(500);
    // A training path travels the same way.
    await page.evaluate(() => window.landscape.trajectory({ steps: 60, snapshots: 8, gridSize: 13 }));
    const along = await page.evaluate(async () => {
      const r = await window.landscape.exportVideo({ kind: 'curve', width: 160, height: 120, fps: 5, durationS: 1, download: false });
      return r.frames;
    });
    expect(along).toBe(5);
    await page.close();
  });

  it('connects two kept networks by id with a 2-bend chain and reports off-plane distances', async () => {
    const page = await browser.open(SMALL_MOONS);
    const run = await page.evaluate(() => window.landscape.train({ seeds: 2, firstSeed: 3, steps: 400, lr: 0.03 }));
    const [a, b] = run.ids;
    const r = await page.evaluate(
      ([ia, ib]) => window.landscape.connect({ a: ia, b: ib, kind: 'chain', bends: 2, steps: 60, gridSize: 15 }),
      [a, b] as const,
    );
    expect(r.ids).toEqual([a, b]);
    expect(r.plane.bends).toHaveLength(2);
    expect(r.plane.bends[0]?.offPlane ?? 1).toBeLessThan(1e-3);
    expect(Number.isFinite(r.plane.bends[1]?.offPlane ?? Number.NaN)).toBe(true);
    expect(r.curveBarrier).toBeLessThan(r.lineBarrier + 1e-6);
    // Bad options: clamped, with notices; an unknown id is an error.
    const bad = await page.evaluate(() =>
      window.landscape.connect({ a: 999, kind: 'spline' }).then(
        () => 'resolved',
        (e: unknown) => String(e),
      ),
    );
    expect(bad).toMatch(/no kept network with id 999/);
    await page.close();
  });

  it('without WebGPU the CPU twins train and evaluate the curve and the worker computes the plane', async () => {
    const page = await browser.open({ hash: SMALL_MOONS, init: 'Object.defineProperty(navigator, "gpu", { value: undefined });' });
    const r = await page.evaluate(() => window.landscape.connect({ kind: 'bezier', steps: 60, minimaSteps: 300, gridSize: 11 }));
    expect(r.device).toBe('cpu');
    expect(r.curveBarrier).toBeLessThan(r.lineBarrier);
    const s = await page.evaluate(() => ({ device: window.landscape.surface().device, gridSize: window.landscape.surface().gridSize }));
    expect(s).toEqual({ device: 'cpu', gridSize: 11 });
    expect(await page.evaluate(() => window.landscape.pathOverlayCount())).toBe(2);
    await page.close();
  });
});
