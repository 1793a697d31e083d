import { describe, expect, it } from 'vitest';
import { lossGridCpu } from '../../src/gpu/lossGrid.cpu';
import type { MlpSpec } from '../../src/model/spec';
import { useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

describe('SIMD CPU engine in the page', () => {
  it('the page is cross-origin isolated, and without WebGPU its grid matches the float64 twin (relative 1e-4)', async () => {
    const page = await browser.open({
      hash: '#grid=17&steps=40&m=64&hidden=8',
      init: 'Object.defineProperty(navigator, "gpu", { value: undefined });',
    });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.locator('.status-adapter').textContent()).toMatch(/SIMD CPU engine \(WebAssembly, all cores\)/);
    const got = await page.evaluate(() => {
      const s = window.landscape.surface();
      const m = window.landscape.model();
      const p = window.landscape.plane();
      return {
        device: s.device,
        loss: Array.from(s.loss),
        alphas: Array.from(s.alphas),
        betas: Array.from(s.betas),
        spec: { ...m.spec, segments: undefined, widths: undefined },
        data: { m: m.data.m, inputs: m.data.inputs, x: Array.from(m.data.x), y: Array.from(m.data.y) },
        plane: { center: Array.from(p.center), directionX: Array.from(p.directionX), directionY: Array.from(p.directionY) },
      };
    });
    expect(got.device).toBe('cpu');
    const spec = got.spec as unknown as MlpSpec;
    const gridSize = got.alphas.length;
    const want = lossGridCpu({
      spec,
      samples: { m: got.data.m, inputs: got.data.inputs, x: Float32Array.from(got.data.x), y: Float32Array.from(got.data.y) },
      center: Float32Array.from(got.plane.center),
      directionX: Float32Array.from(got.plane.directionX),
      directionY: Float32Array.from(got.plane.directionY),
      gridSize,
      alphaStart: got.alphas[0] ?? 0,
      alphaStep: (got.alphas[1] ?? 0) - (got.alphas[0] ?? 0),
      betaStart: got.betas[0] ?? 0,
      betaStep: (got.betas[1] ?? 0) - (got.betas[0] ?? 0),
    });
    expect(got.loss.length).toBe(17 * 17);
    got.loss.forEach((v, i) => {
      const w = want.loss[i] ?? Number.NaN;
      expect(Math.abs(v - w) / Math.max(Math.abs(w), 1e-6), `point ${i}: page ${v} float64 ${w}`).toBeLessThanOrEqual(1e-4);
    });
    // float32 sums differ from the float64 twin in the last bits somewhere: equal everywhere would
    // mean the page fell back to the twin instead of running the SIMD engine.
    expect(got.loss.some((v, i) => v !== Math.fround(want.loss[i] ?? Number.NaN))).toBe(true);
    await page.close();
  });
});
