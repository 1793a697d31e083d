/**
 * The barrier matrix and honest trajectories in the built page (headless Chromium, WebGPU on
 * SwiftShader), on the width-m + 1 preset (8 samples, 1-9-1 tanh, small sizes): curve barriers near
 * zero, line barriers not; the matrix is symmetric with a zero diagonal and its entries are the pairs'
 * own connect() barriers; a click on a cell opens the pair's curve plane; a trajectory's true losses,
 * off-plane distances and plane read-off come back and are drawn.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useAppBrowser } from './appBrowser';

const browser = useAppBrowser();
const SHOTS = process.env.BARRIER_SHOTS ?? '';

const CURVE = { kind: 'bezier', steps: 500, points: 21, gridSize: 9 } as const;

describe('barrier matrix in headless Chromium', () => {
  it('width-m + 1: curves join every pair near zero, lines do not; entries are each pair’s own connect()', async () => {
    const page = await browser.open('#preset=width-m1&grid=17');
    const t0 = Date.now();
    const r = await page.evaluate((curve) => window.landscape.barrierMatrix({ seeds: 4, minimaSteps: 1500, ...curve }), CURVE);
    console.log(
      `barrier matrix of 4 minima: ${((Date.now() - t0) / 1000).toFixed(1)} s (${r.device}, ${r.ms.perPair.toFixed(0)} ms/pair) · ` +
        `line ${JSON.stringify(r.line.map((row) => row.map((v) => +v.toFixed(3))))} · curve ${JSON.stringify(r.curve.map((row) => row.map((v) => +v.toFixed(4))))}`,
    );
    expect(r.device).toBe('webgpu');
    expect(r.batched).toBe(true);
    expect(r.ids).toHaveLength(4);
    expect([...r.order].sort()).toEqual([0, 1, 2, 3]);
    const off: { line: number; curve: number }[] = [];
    for (let i = 0; i < 4; i++) {
      expect(r.line[i]?.[i]).toBe(0);
      expect(r.curve[i]?.[i]).toBe(0);
      for (let j = 0; j < 4; j++) {
        expect(r.line[i]?.[j]).toBe(r.line[j]?.[i]);
        expect(r.curve[i]?.[j]).toBe(r.curve[j]?.[i]);
        if (j > i) off.push({ line: r.line[i]?.[j] ?? Number.NaN, curve: r.curve[i]?.[j] ?? Number.NaN });
      }
    }
    for (const p of off) {
      expect(p.curve).toBeLessThan(0.15);
      expect(p.curve).toBeLessThan(p.line / 10);
    }
    const lines = off.map((p) => p.line).sort((a, b) => a - b);
    expect(lines[Math.floor(lines.length / 2)]).toBeGreaterThan(0.5);

    // Every entry of one row is that pair's own connect() with the same options (float tolerance).
    const [idA, , , idD] = r.ids;
    for (const [i, j] of [
      [0, 3],
      [0, 1],
    ] as const) {
      const a = r.ids[i];
      const b = r.ids[j];
      const own = await page.evaluate(([a, b, curve]) => window.landscape.connect({ a, b, ...curve }), [a, b, CURVE] as const);
      expect(own.ids).toEqual([a, b]);
      expect(Math.abs(own.lineBarrier - (r.line[i]?.[j] ?? Number.NaN))).toBeLessThan(1e-5);
      expect(Math.abs(own.curveBarrier - (r.curve[i]?.[j] ?? Number.NaN))).toBeLessThan(1e-5);
      // Honest connect(): a Bezier curve and the line lie in their plane.
      for (const d of [...own.curveOffPlane, ...own.lineOffPlane]) expect(d).toBeLessThan(1e-3);
    }
    expect(idA).toBeDefined();
    expect(idD).toBeDefined();

    // The card: drawn, and a click on a cell of the curve matrix opens that pair's plane.
    const card = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.barrier-chart');
      return { hidden: canvas?.hidden ?? true, text: document.querySelector('.barrier-pair')?.textContent ?? '' };
    });
    expect(card.hidden).toBe(false);
    expect(card.text).toMatch(/group\(s\) joined by curves/);
    // The card sits below the main read-outs in the scrolling left column.
    await page.locator('canvas.barrier-chart').scrollIntoViewIfNeeded();
    const box = await page.locator('canvas.barrier-chart').boundingBox();
    if (box === null) throw new Error('no barrier chart box');
    // Row 0, column 1 of the curve heat map (left 142, top 34, 112 px for 4 cells, in the chart's own
    // 256-px-wide units; the column may draw it narrower).
    const unit = box.width / 256;
    await page.mouse.click(box.x + (142 + 28 * 1.5) * unit, box.y + (34 + 28 * 0.5) * unit);
    const picked = await page.evaluate(() => document.querySelector('.barrier-pair')?.textContent ?? '');
    // The cell in row 0, column 1 is the pair (order[0], order[1]); its numbers are the matrix's.
    const [o0, o1] = r.order;
    if (o0 === undefined || o1 === undefined) throw new Error('no order');
    const fmt = (v: number): string => Number(v.toPrecision(3)).toString();
    expect(picked).toContain(`#${r.ids[o0] ?? '?'} – #${r.ids[o1] ?? '?'}: line barrier ${fmt(r.line[o0]?.[o1] ?? Number.NaN)}`);
    expect(picked).toContain(`merge level ${fmt(r.merge[o0]?.[o1] ?? Number.NaN)} through curves`);
    await page.waitForFunction(() => window.landscape.pathOverlayCount() === 2 && window.landscape.surface().gridSize === 9);
    await page.evaluate(() => window.landscape.ready());
    if (SHOTS !== '') {
      mkdirSync(SHOTS, { recursive: true });
      await page.evaluate(() => window.landscape.redraw());
      await page.screenshot({ path: join(SHOTS, 'barriers.png') });
    }
  });

  it('honest trajectory: true loss, plane read-off and off-plane distances are returned and drawn', async () => {
    const page = await browser.open('#preset=width-m1&grid=17');
    const t = await page.evaluate(() => window.landscape.trajectory({ seed: 3, steps: 400, snapshots: 9, gridSize: 17 }));
    console.log(
      `trajectory: plane holds ${(100 * (t.explained[0] + t.explained[1])).toFixed(1)} % · off-plane ${JSON.stringify(t.offPlane.map((v) => +v.toFixed(3)))} · ` +
        `true ${JSON.stringify(t.trueLoss.map((v) => +v.toFixed(3)))} · read off ${JSON.stringify(t.planeLoss.map((v) => +v.toFixed(3)))}`,
    );
    expect(t.trueLoss).toEqual(t.loss);
    expect(t.offPlane).toHaveLength(9);
    expect(t.planeLoss).toHaveLength(9);
    for (const d of t.offPlane) expect(d).toBeGreaterThanOrEqual(0);
    expect(t.offPlane[8]).toBe(0);
    expect(Math.abs((t.planeLoss[8] ?? Number.NaN) - (t.trueLoss[8] ?? Number.NaN))).toBeLessThan(1e-4 * Math.max(1, t.trueLoss[8] ?? 0));
    // The chart carries the legend of the honest curves.
    const purple = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.path-chart');
      const ctx = c?.getContext('2d');
      if (!c || !ctx || c.hidden) return -1;
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (Math.abs((data[i] ?? 0) - 0xc9) + Math.abs((data[i + 1] ?? 0) - 0xa4) + Math.abs((data[i + 2] ?? 0) - 0xff) < 60) n++;
      return n;
    });
    expect(purple).toBeGreaterThan(20);
    if (SHOTS !== '') {
      mkdirSync(SHOTS, { recursive: true });
      await page.evaluate(() => window.landscape.redraw());
      await page.screenshot({ path: join(SHOTS, 'trajectory.png') });
    }
  });
});
