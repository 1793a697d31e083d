/**
 * The example model of one's own (a CNN on digits, shipped in public/models/cnn-digits/): its link
 * `#own=cnn-digits` and its gallery card open the ONNX file with its data and direction file; the
 * surface is drawn and its centre is the loss PyTorch computed (expected.json, float32).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { collectConsole, REPO_ROOT } from './harness';
import { ARTIFACTS, useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

const expected = JSON.parse(readFileSync(join(REPO_ROOT, 'public/models/cnn-digits/expected.json'), 'utf8')) as {
  checkpoints: Record<string, { centre_loss_f32: number }>;
};
const pytorchCentre = expected.checkpoints['model.onnx']?.centre_loss_f32 ?? NaN;

async function flowDone(page: Page): Promise<string> {
  await page.waitForFunction(
    () => {
      const flow = document.querySelector<HTMLElement>('#preset-info')?.dataset.flow;
      return flow === 'done' || flow === 'failed';
    },
    undefined,
    { timeout: 180_000 },
  );
  return page.evaluate(() => document.querySelector<HTMLElement>('#preset-info')?.dataset.flow ?? '');
}

async function seen(page: Page) {
  return page.evaluate(() => {
    const own = window.landscape.ownModel();
    const s = window.landscape.surface();
    return {
      kind: own?.spec.kind,
      files: own?.spec.files,
      params: own?.theta.length,
      center: s.centerLoss,
      grid: s.gridSize,
      finite: s.loss.every((v) => Number.isFinite(v)),
      status: document.querySelector('.status-job')?.textContent ?? '',
      note: document.querySelector('#preset-info')?.textContent ?? '',
    };
  });
}

describe('the example model: a CNN on digits', () => {
  it('#own=cnn-digits opens the ONNX example on the plane of its direction file; the centre is PyTorch’s loss', async () => {
    const page = await browser.open('#own=cnn-digits&grid=9');
    const log = collectConsole(page);
    expect(await flowDone(page)).toBe('done');
    const s = await seen(page);
    expect(s.kind).toBe('onnx');
    expect(s.files).toEqual(['model.onnx']);
    expect(s.params).toBe(5810 + 32); // parameters and BatchNorm's running statistics
    expect(s.grid).toBe(9);
    expect(s.finite).toBe(true);
    expect(Math.abs(s.center - pytorchCentre)).toBeLessThanOrEqual(1e-4 * pytorchCentre);
    expect(s.status).toContain('directions from the file');
    expect(s.note).toContain('Your own model: a CNN on digits');
    expect(s.note).toContain('#own=cnn-digits');
    expect(log.errors).toEqual([]);
    for (const [w, h] of [
      [1280, 800],
      [1024, 768],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(ARTIFACTS, `own-${w}x${h}.png`) });
    }
  });

  it('its gallery card opens it; an unknown example is named and the default view stays', async () => {
    const page = await browser.open({ hash: '#own=nope&grid=9', ready: false });
    const notices = await page.evaluate(() => window.landscape.notices());
    expect(notices.join(' ')).toContain('unknown example model "nope"');
    await page.evaluate(() => window.landscape.ready());
    expect(await page.evaluate(() => window.landscape.ownModel())).toBeNull();
    await page.click('#gallery-button');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('.gallery-card[data-own="cnn-digits"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'own-gallery-1280x800.png') });
    await page.click('.gallery-card[data-own="cnn-digits"]');
    expect(await flowDone(page)).toBe('done');
    const s = await seen(page);
    expect(s.files).toEqual(['model.onnx']);
    expect(Math.abs(s.center - pytorchCentre)).toBeLessThanOrEqual(1e-4 * pytorchCentre);
  });
});
