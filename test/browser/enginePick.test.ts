/**
 * Picking the grid engine in the page: it calibrates at first use (kept in localStorage for the adapter),
 * `eng=cpu` and `eng=gpu` in the link are honoured (the status line and `landscape.engine()` say which
 * engine computed the surface), and the surface is the same either way (relative 1e-4).
 */
import { describe, expect, it } from 'vitest';
import { useAppBrowser } from './appBrowser';

const browser = useAppBrowser();
const LINK = 'grid=17&steps=40&m=64&hidden=8';

describe('the grid engine of the page', () => {
  it('calibrates once per adapter, honours eng=cpu and eng=gpu, and both give the same surface', async () => {
    const first = await browser.open({ hash: `#${LINK}`, engine: 'auto' });
    const auto = await first.evaluate(() => {
      const e = window.landscape.engine();
      return {
        e,
        device: window.landscape.surface().device,
        keys: Object.keys(localStorage).filter((k) => k.startsWith('landscape.calibration/')),
      };
    });
    expect(auto.e.choice).toBe('auto');
    expect(auto.e.calibration).not.toBeNull();
    const engines = new Set(auto.e.calibration?.measured.map((m) => m.engine));
    // The workgroup-per-point variant is measured only where the network fits its workgroup memory.
    expect(engines).toEqual(new Set(['cpu', 'gpu-tiles', 'gpu-workgroup']));
    expect(auto.e.calibration?.failed).toEqual([]);
    expect(auto.keys).toHaveLength(1);
    expect(auto.keys[0]).toContain(auto.e.calibration?.device);
    // The engine that ran is the one said, on the status line too.
    expect(auto.device).toBe(auto.e.kind);
    const status = await first.locator('.status-adapter').textContent();
    expect(status).toContain(auto.e.label ?? '?');
    expect(status).toMatch(/chosen: \d+\.\d× faster than the /);
    await first.close();

    const surfaceOf = async (
      eng: string,
    ): Promise<{
      loss: number[];
      device: string;
      used: string | null;
      why: string | null;
      status: string;
      hash: string;
      calibrated: number;
    }> => {
      const page = await browser.open({ hash: `#${LINK}&eng=${eng}` });
      const got = await page.evaluate(() => {
        const e = window.landscape.engine();
        const s = window.landscape.surface();
        return {
          loss: Array.from(s.loss),
          device: s.device,
          used: e.used,
          why: e.why,
          hash: location.hash,
          calibrated: e.calibration?.at ?? -1,
        };
      });
      const status = (await page.locator('.status-adapter').textContent()) ?? '';
      await page.close();
      return { ...got, status };
    };
    const cpu = await surfaceOf('cpu');
    expect(cpu.device).toBe('cpu');
    expect(cpu.used).toBe('cpu');
    expect(cpu.why).toBe('as asked (eng=cpu)');
    expect(cpu.status).toMatch(/^SIMD CPU engine \(WebAssembly, all cores\) in a Web Worker · as asked \(eng=cpu\)$/);
    expect(cpu.hash).toMatch(/&eng=cpu$/);
    // The second page took the kept calibration: same measurement time.
    expect(cpu.calibrated).toBe(auto.e.calibration?.at);

    const gpu = await surfaceOf('gpu');
    expect(gpu.device).toBe('webgpu');
    expect(gpu.used).toBe('gpu-tiles');
    expect(gpu.status).toMatch(/^WebGPU register tiles kernel on .+ · as asked \(eng=gpu\)$/);

    expect(cpu.loss).toHaveLength(17 * 17);
    cpu.loss.forEach((v, i) => {
      const w = gpu.loss[i] ?? Number.NaN;
      expect(Math.abs(v - w) / Math.max(Math.abs(w), 1e-6), `point ${i}: cpu ${v} gpu ${w}`).toBeLessThanOrEqual(1e-4);
    });
  });

  it('?eng=cpu in the query is the viewer’s own setting: honoured, never written into the hash or a copied link', async () => {
    const page = await browser.open({ hash: `#${LINK}`, engine: 'cpu' });
    const got = await page.evaluate(() => ({
      device: window.landscape.surface().device,
      e: window.landscape.engine(),
      hash: location.hash,
      link: window.landscape.link(),
    }));
    expect(got.device).toBe('cpu');
    expect(got.e).toMatchObject({ choice: 'cpu', used: 'cpu' });
    expect(got.hash).not.toContain('eng=');
    expect(got.link).not.toContain('eng=');
    await page.close();
  });

  it('the panel and landscape.engine(choice) switch and recompute; an unknown choice is refused', async () => {
    const page = await browser.open({ hash: `#${LINK}&eng=gpu` });
    // The panel's Engine folder: choosing cpu recomputes the surface on the CPU engine.
    const select = page.locator('.lil-controller').filter({ hasText: 'grid engine' }).locator('select');
    expect(await select.locator('option').allTextContents()).toEqual(['auto', 'gpu', 'gpu-tiles', 'gpu-workgroup', 'cpu']);
    await select.selectOption('cpu');
    await page.waitForFunction(() => window.landscape.engine().choice === 'cpu');
    await page.evaluate(() => window.landscape.ready());
    expect(await page.evaluate(() => window.landscape.surface().device)).toBe('cpu');
    await page.evaluate(() => window.landscape.engine('gpu'));
    expect(await select.inputValue()).toBe('gpu');
    const switched = await page.evaluate(async () => {
      const r = await window.landscape.engine('cpu');
      return { r, device: window.landscape.surface().device, hash: location.hash };
    });
    expect(switched.r).toMatchObject({ choice: 'cpu', used: 'cpu', kind: 'cpu' });
    expect(switched.device).toBe('cpu');
    expect(switched.hash).toMatch(/&eng=cpu$/);
    const refused = await page.evaluate(() =>
      window.landscape.engine('quantum').then(
        () => 'accepted',
        (err: unknown) => String(err),
      ),
    );
    expect(refused).toMatch(/use one of auto, gpu, gpu-tiles, gpu-workgroup, cpu/);
    const back = await page.evaluate(async () => (await window.landscape.engine('auto')).choice);
    expect(back).toBe('auto');
    expect(await page.evaluate(() => location.hash)).not.toContain('eng=');
    await page.close();
  });
});
