/**
 * Links, pictures and videos in the built app (headless Chromium, WebGL on SwiftShader, WebCodecs):
 * the PNG download has the requested size and real pixels, the WebM download parses with the
 * expected frame count, duration and size, a link with a camera reproduces state and camera, orbiting
 * writes the camera into the link without recomputing, and a junk link still draws with a notice.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readPngSize } from '../../src/io/png';
import { decodeState } from '../../src/state/urlCodec';
import { decodePng } from '../io/pngDecode';
import { parseWebm } from '../io/ebml';
import { collectConsole } from './harness';
import { ARTIFACTS, useAppBrowser } from './appBrowser';

const browser = useAppBrowser();
const SMALL = 'grid=33&steps=60&m=64&hidden=8';

/** Runs `action` in the page and returns the bytes of the download it starts. */
async function downloadOf(page: Page, action: () => Promise<unknown>): Promise<{ bytes: Uint8Array; name: string; result: unknown }> {
  const [download, result] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), action()]);
  const path = await download.path();
  return { bytes: new Uint8Array(readFileSync(path)), name: download.suggestedFilename(), result };
}

/** Pixels unlike the page background, and distinct colours (5 bits per channel). */
function pixelStats(rgba: Uint8Array): { foreground: number; colours: number; transparent: number; total: number } {
  let foreground = 0;
  let transparent = 0;
  const colours = new Set<number>();
  for (let i = 0; i < rgba.length; i += 4) {
    const r = rgba[i] ?? 0,
      g = rgba[i + 1] ?? 0,
      b = rgba[i + 2] ?? 0,
      a = rgba[i + 3] ?? 0;
    if (a === 0) {
      transparent++;
      continue;
    }
    if (Math.abs(r - 0x10) + Math.abs(g - 0x13) + Math.abs(b - 0x18) > 24) foreground++;
    colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
  }
  return { foreground, colours: colours.size, transparent, total: rgba.length / 4 };
}

describe('pictures', () => {
  it('saves a PNG at 2× the canvas size with colour bar and caption, without touching the view on screen', async () => {
    const page = await browser.open(`#${SMALL}&cam=120,40,6`);
    const log = collectConsole(page);
    const before = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#view canvas');
      if (!c) throw new Error('no canvas');
      return { css: [c.clientWidth, c.clientHeight], buffer: [c.width, c.height], camera: window.landscape.camera() };
    });
    const { bytes, name } = await downloadOf(page, () => page.evaluate(() => window.landscape.exportPng({ scale: 2 })));
    expect(name).toMatch(/^landscape-spiral-2-8-1-tanh-seed1\.png$/);
    expect(readPngSize(bytes)).toEqual({ width: (before.css[0] ?? 0) * 2, height: (before.css[1] ?? 0) * 2 });
    const png = decodePng(bytes);
    const stats = pixelStats(png.rgba);
    expect(stats.transparent).toBe(0);
    expect(stats.foreground / stats.total).toBeGreaterThan(0.15);
    expect(stats.colours).toBeGreaterThan(100);
    writeFileSync(join(ARTIFACTS, 'export-2x.png'), bytes);
    const after = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#view canvas');
      if (!c) throw new Error('no canvas');
      return { css: [c.clientWidth, c.clientHeight], buffer: [c.width, c.height], camera: window.landscape.camera() };
    });
    expect(after).toEqual(before);
    expect(log.errors).toEqual([]);
    await page.close();
  });

  it('saves a PNG with a transparent background at 1×', async () => {
    const page = await browser.open(`#${SMALL}`);
    const { bytes } = await downloadOf(page, () =>
      page.evaluate(() => window.landscape.exportPng({ scale: 1, transparent: true, caption: false })),
    );
    const size = readPngSize(bytes);
    const css = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#view canvas');
      return [c?.clientWidth ?? 0, c?.clientHeight ?? 0];
    });
    expect(size).toEqual({ width: css[0], height: css[1] });
    const stats = pixelStats(decodePng(bytes).rgba);
    // The background is see-through, the surface is not.
    expect(stats.transparent / stats.total).toBeGreaterThan(0.2);
    expect(stats.total - stats.transparent).toBeGreaterThan(stats.total * 0.1);
    writeFileSync(join(ARTIFACTS, 'export-transparent.png'), bytes);
    await page.close();
  });
});

describe('videos', () => {
  it('renders a 1 s turntable at 10 fps, 320×240, as WebM with 10 frames and a 1 s duration', async () => {
    const page = await browser.open(`#${SMALL}`);
    const { bytes, name, result } = await downloadOf(page, () =>
      page.evaluate(() => window.landscape.exportVideo({ kind: 'turntable', width: 320, height: 240, fps: 10, durationS: 1 })),
    );
    expect(name).toMatch(/-turntable\.webm$/);
    expect(result).toMatchObject({ encoder: 'webcodecs', frames: 10, width: 320, height: 240, fps: 10, durationS: 1 });
    const webm = parseWebm(bytes);
    expect(webm.docType).toBe('webm');
    expect(webm.codecId).toMatch(/^V_VP[89]$/);
    expect([webm.width, webm.height]).toEqual([320, 240]);
    expect(webm.blockTimes).toHaveLength(10);
    webm.blockTimes.forEach((t, i) => expect(t).toBeCloseTo(i / 10, 3));
    expect(webm.keyFrames).toBeGreaterThanOrEqual(1);
    expect(webm.durationS).toBeCloseTo(1, 2);
    writeFileSync(join(ARTIFACTS, 'export-turntable.webm'), bytes);
    await page.close();
  });

  it('renders a water-level sweep and a camera path; 720p reaches the file; cancel stops an export', async () => {
    const page = await browser.open(`#${SMALL}`);
    const levelBefore = await page.evaluate(() => window.landscape.sublevel().level);
    const water = await downloadOf(page, () =>
      page.evaluate(() => window.landscape.exportVideo({ kind: 'water', width: 160, height: 120, fps: 5, durationS: 1 })),
    );
    expect(parseWebm(water.bytes).blockTimes).toHaveLength(5);
    // The sweep moved the level on screen while recording and put it back.
    expect(await page.evaluate(() => window.landscape.sublevel().level)).toBe(levelBefore);
    const path = await downloadOf(page, () =>
      page.evaluate(() =>
        window.landscape.exportVideo({
          kind: 'path',
          width: 160,
          height: 120,
          fps: 4,
          durationS: 1,
          path: [
            { azimuth: 0, elevation: 20, distance: 6 },
            { azimuth: 90, elevation: 60, distance: 4 },
          ],
        }),
      ),
    );
    expect(parseWebm(path.bytes).blockTimes).toHaveLength(4);
    const hd = await downloadOf(page, () =>
      page.evaluate(() => window.landscape.exportVideo({ resolution: '720p', fps: 10, durationS: 0.2, codec: 'vp8' })),
    );
    const hdWebm = parseWebm(hd.bytes);
    expect([hdWebm.width, hdWebm.height, hdWebm.blockTimes.length, hdWebm.codecId]).toEqual([1280, 720, 2, 'V_VP8']);

    // Without WebCodecs, MediaRecorder records the same frames in real time (its block count follows the clock).
    const recorded = await downloadOf(page, () =>
      page.evaluate(() => window.landscape.exportVideo({ width: 160, height: 120, fps: 10, durationS: 0.5, forceMediaRecorder: true })),
    );
    expect(recorded.result).toMatchObject({ encoder: 'mediarecorder', frames: 5 });
    const recordedWebm = parseWebm(recorded.bytes);
    expect(recordedWebm.codecId).toMatch(/^V_VP[89]$/);
    expect(recordedWebm.blockTimes.length).toBeGreaterThanOrEqual(1);

    // A 60 s video runs until cancelled: cancel it once the export panel shows frames encoded.
    const running = page.evaluate(() =>
      window.landscape.exportVideo({ width: 160, height: 120, fps: 30, durationS: 60, download: false }).then(
        () => 'none',
        (err: unknown) => (err instanceof Error ? err.name : String(err)),
      ),
    );
    await page.waitForFunction(
      () => {
        const progress = [...document.querySelectorAll('.lil-controller')].find(
          (c) => c.querySelector('.lil-name')?.textContent === 'progress',
        );
        return /^frame [1-9]\d*\/1800\b/.test(progress?.querySelector('input')?.value ?? '');
      },
      null,
      { timeout: 60_000 },
    );
    const accepted = await page.evaluate(() => window.landscape.cancelExport());
    const cancelled = { accepted, error: await running };
    expect(cancelled).toEqual({ accepted: true, error: 'AbortError' });
    expect(await page.locator('.notice').textContent()).toMatch(/cancelled/);
    await page.close();
  });
});

describe('links', () => {
  it('a link with a camera and a non-default state reproduces both, and orbiting rewrites only the camera', async () => {
    const hash = `#${SMALL}&seed=7&cmap=magma&log=0&iso=4&conn=8&cam=-60,55,7.5`;
    const page = await browser.open(hash);
    const state = await page.evaluate(() => window.landscape.state);
    expect(state).toEqual(decodeState(hash).state);
    const camera = await page.evaluate(() => window.landscape.camera());
    expect(camera.azimuth).toBeCloseTo(-60, 6);
    expect(camera.elevation).toBeCloseTo(55, 6);
    expect(camera.distance).toBeCloseTo(7.5, 6);
    const link = await page.evaluate(() => window.landscape.link());
    expect(link).toBe(`${browser.url}index.html${await page.evaluate(() => location.hash)}`);
    expect(decodeState(new URL(link).hash).state).toEqual(state);

    // Orbit with the mouse: after it settles the hash holds the new camera; the surface is the same object.
    await page.evaluate(() => {
      (window as unknown as { before: unknown }).before = window.landscape.surface();
    });
    // Drag from a point where the canvas itself is on top (panels and buttons may cover its middle).
    const from = await page.evaluate(() => {
      const canvas = document.querySelector('#view canvas');
      if (!canvas) throw new Error('no canvas');
      const r = canvas.getBoundingClientRect();
      // OrbitControls captures the pointer, so only the starting point has to be on the canvas.
      for (let fy = 0.5; fy > 0.05; fy -= 0.05) {
        for (let fx = 0.5; fx > 0.05; fx -= 0.05) {
          const x = r.left + r.width * fx,
            y = r.top + r.height * fy;
          if (document.elementFromPoint(x, y) === canvas) return { x, y };
        }
      }
      throw new Error('no free spot on the canvas to drag from');
    });
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 160, from.y + 40, { steps: 8 });
    await page.mouse.up();
    // The hash is rewritten once orbiting stops; damping may still turn the camera a little after the
    // first rewrite on a loaded machine, so wait until the link holds the camera the view settled at.
    await page.waitForFunction(
      () => {
        const cam = /(?:^|[#&])cam=([^&]*)/.exec(location.hash)?.[1]?.split(',').map(Number) ?? [];
        const live = window.landscape.camera();
        const [azimuth = NaN, elevation = NaN] = cam;
        return (
          !location.hash.includes('cam=-60,55,7.5') && Math.abs(azimuth - live.azimuth) < 0.2 && Math.abs(elevation - live.elevation) < 0.2
        );
      },
      null,
      { timeout: 20_000 },
    );
    const moved = await page.evaluate(() => ({
      hash: location.hash,
      camera: window.landscape.camera(),
      same: (window as unknown as { before: unknown }).before === window.landscape.surface(),
    }));
    expect(moved.same).toBe(true);
    const written = decodeState(moved.hash);
    expect(written.ignored).toEqual([]);
    expect(written.state.camera.azimuth).not.toBeCloseTo(-60, 0);
    expect(written.state.camera.azimuth).toBeCloseTo(moved.camera.azimuth, 0);
    expect(written.state.camera.elevation).toBeCloseTo(moved.camera.elevation, 0);
    expect({ ...written.state, camera: null }).toEqual({ ...decodeState(hash).state, camera: null });

    // The rewritten link opens the same surface from the same place.
    const surface = await page.evaluate(() => ({ centerLoss: window.landscape.surface().centerLoss, max: window.landscape.surface().max }));
    const again = await browser.open(moved.hash);
    const camera2 = await again.evaluate(() => window.landscape.camera());
    expect(camera2.azimuth).toBeCloseTo(written.state.camera.azimuth, 6);
    expect(camera2.elevation).toBeCloseTo(written.state.camera.elevation, 6);
    expect(camera2.distance).toBeCloseTo(written.state.camera.distance, 6);
    const surface2 = await again.evaluate(() => ({
      centerLoss: window.landscape.surface().centerLoss,
      max: window.landscape.surface().max,
    }));
    expect(surface2).toEqual(surface);
    await again.screenshot({ path: join(ARTIFACTS, 'link-camera.png') });
    await again.close();
    await page.close();
  });

  it('a link with junk shows a notice naming it and still draws', async () => {
    const page = await browser.open(`#${SMALL}&cam=abc&foo=1&seed=zz&grid=0`);
    const notice = (await page.locator('.notice').textContent()) ?? '';
    expect(notice).toMatch(/camera "abc"/);
    expect(notice).toMatch(/unknown key "foo"/);
    expect(notice).toMatch(/seed "zz"/);
    const state = await page.evaluate(() => window.landscape.state);
    expect(state.camera).toEqual({ azimuth: 35, elevation: 30, distance: 5.6 });
    expect(state.plane.gridSize).toBe(3);
    await page.evaluate(() => window.landscape.set({ plane: { gridSize: 17 } }));
    const { bytes } = await downloadOf(page, () => page.evaluate(() => window.landscape.exportPng({ scale: 1 })));
    expect(pixelStats(decodePng(bytes).rgba).foreground).toBeGreaterThan(1000);
    await page.close();
  });

  it('the copy-link button copies the link and says so; where the clipboard is refused the link is selected in a field', async () => {
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: browser.url.replace(/\/$/, '') });
    const page = await browser.open(`#${SMALL}&cam=10,20,4`);
    await page.getByText('copy link to this view').click();
    await page.waitForFunction(() => document.querySelector('.notice')?.textContent.includes('link copied') === true, null, {
      timeout: 5000,
    });
    const link = await page.evaluate(() => window.landscape.link());
    expect(link).toContain('cam=10,20,4');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await page.close();

    const refused = await browser.open({
      hash: `#${SMALL}`,
      init: 'navigator.clipboard.writeText = () => Promise.reject(new DOMException("denied", "NotAllowedError"));',
    });
    const outcome = await refused.evaluate(() => window.landscape.copyLink());
    expect(['copied', 'selected']).toContain(outcome);
    const field = await refused.evaluate(() => {
      const input = document.querySelector<HTMLInputElement>('#link-box input');
      return { value: input?.value, selected: input ? input.value.slice(input.selectionStart ?? 0, input.selectionEnd ?? 0) : '' };
    });
    expect(field.value).toBe(await refused.evaluate(() => window.landscape.link()));
    expect(field.selected).toBe(field.value);
    await refused.close();
  });
});
