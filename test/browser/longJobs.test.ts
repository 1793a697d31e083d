/**
 * Long jobs ask first: a big grid pauses after its first level with an estimate from this device's measured
 * rate; Stop keeps the level drawn (and Refine resumes there), Continue goes on without recomputing; a long
 * training asks while it runs. Pages open with long jobs asking (`askLong`), unlike the other browser tests.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useAppBrowser } from './appBrowser';

const browser = useAppBrowser();

/** 513² on the software adapter: minutes of work; its first level (17²) takes well under a second or two. */
const BIG = 'data=spiral&m=256&hidden=24,24&steps=40&grid=513&water=0';

interface Question {
  job: string;
  text: string;
  estimateS: number;
  continueLabel: string;
  stopLabel: string;
}

/** The next question of `job`; a θ₀ training that turns out long on a loaded machine may ask first: it goes on. */
async function waitForQuestion(page: Page, job: 'grid' | 'training' = 'grid'): Promise<Question> {
  await page.waitForFunction(
    (wanted) => {
      const q = window.landscape.question();
      if (q?.text.startsWith('Training θ₀') === true) {
        window.landscape.answer('continue');
        return false;
      }
      return q !== null && q.job === wanted;
    },
    job,
    { timeout: 120_000, polling: 100 },
  );
  const q = await page.evaluate(() => window.landscape.question());
  if (q === null) throw new Error('the question went away');
  return q;
}

describe('long jobs ask first', () => {
  it('a 513² link asks after 17² with a plausible estimate; Stop (Escape) keeps a coarse level; Refine resumes there', async () => {
    const page = await browser.open({ hash: `#${BIG}`, ready: false, askLong: true });
    const q = await waitForQuestion(page);
    expect(q.job).toBe('grid');
    expect(q.text).toMatch(/^The full 513² grid will take about .+ more on this device \(SwiftShader, a software GPU\)\./);
    // The estimate is the measured 17² level's rate applied to the ≈ 900× more points ahead (training excluded).
    const first = await page.evaluate(() => window.landscape.timeline().map((t) => ({ size: t.gridSize, ms: t.ms })));
    expect(first.map((t) => t.size)).toEqual([17]);
    expect(q.estimateS).toBeGreaterThan(10);
    const perPoint = (first[0]?.ms ?? NaN) / 1000 / (17 * 17);
    expect(q.estimateS).toBeLessThan(3 * perPoint * 513 * 513);
    expect(q.estimateS).toBeGreaterThan(0.05 * perPoint * 513 * 513);
    // In the view, beside the level badge, and the Continue button has the keyboard focus.
    const card = page.locator('.long-job');
    await expect.poll(() => card.isVisible()).toBe(true);
    expect(await card.textContent()).toContain(q.stopLabel);
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('long-job-continue');
    expect(await page.locator('.status-job').textContent()).toMatch(/waiting for your answer · the rest takes about/);
    // The card stands in the level badge's place and says the level drawn.
    expect(await card.textContent()).toContain('The 17² level is drawn');
    expect(await page.locator('.level-badge').isHidden()).toBe(true);
    await page.keyboard.press('Escape');
    await page.evaluate(() => window.landscape.ready());
    const stopSize = Number(/Stop at (\d+)²/.exec(q.stopLabel)?.[1]);
    const stopped = await page.evaluate(() => ({
      size: window.landscape.surface().gridSize,
      final: window.landscape.surface().refining?.finalSize,
      status: document.querySelector('.status-job')?.textContent ?? '',
      badge: document.querySelector('.level-badge')?.textContent ?? '',
      question: window.landscape.question(),
      timeline: window.landscape.timeline().map((t) => t.gridSize),
    }));
    expect(stopped.size).toBe(stopSize);
    expect(stopped.final).toBe(513);
    expect(stopped.status).toMatch(new RegExp(`^stopped at ${stopSize}² of 513² as chosen`));
    expect(stopped.badge).toMatch(new RegExp(`stopped at ${stopSize}² of 513² as chosen.*Refine to 513²`));
    expect(stopped.question).toBeNull();
    expect(await card.isHidden()).toBe(true);
    expect(await page.evaluate(() => window.landscape.cancel())).toBe(false);
    // A view change redraws the coarse level and the badge still says it stopped.
    await page.evaluate(() => window.landscape.set({ view: { colormap: 'magma' } }));
    expect(await page.locator('.level-badge').textContent()).toMatch(
      new RegExp(`stopped at ${stopSize}² of 513² as chosen.*Refine to 513²`),
    );
    // Refine goes on from the stopped level: it is drawn again at once, nothing before it is recomputed.
    await page.locator('.level-badge button').click();
    await page.waitForFunction((n) => window.landscape.timeline().length >= 2 && window.landscape.surface().gridSize > n, stopSize, {
      timeout: 240_000,
    });
    const resumed = await page.evaluate(() => window.landscape.timeline().map((t) => t.gridSize));
    expect(resumed[0]).toBe(stopSize);
    expect(resumed[1]).toBe(2 * stopSize - 1);
    expect(await page.evaluate(() => window.landscape.question())).toBeNull();
    expect(await page.evaluate(() => window.landscape.cancel())).toBe(true);
    await page.close();
  });

  it('Continue goes on in the same job (no level computed twice); the status line shows the time left', async () => {
    const page = await browser.open({ hash: `#${BIG}`, ready: false, askLong: true });
    await waitForQuestion(page);
    await page.screenshot({ path: '/tmp/ask-1280x800.png' });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.screenshot({ path: '/tmp/ask-1024x768.png' });
    expect(await page.evaluate(() => window.landscape.answer('continue'))).toBe(true);
    expect(await page.evaluate(() => window.landscape.answer('continue'))).toBe(false);
    await page.waitForFunction(() => window.landscape.timeline().length >= 2, null, { timeout: 120_000 });
    expect(await page.evaluate(() => window.landscape.timeline().map((t) => t.gridSize))).toEqual([17, 33]);
    await expect.poll(() => page.locator('.status-job').textContent(), { timeout: 60_000 }).toMatch(/loss grid 513² \d+% · about .+ left/);
    expect(await page.evaluate(() => window.landscape.cancel())).toBe(true);
    await page.close();
  });

  it('a long training asks while it runs; Stop ends it; asking can be turned off', async () => {
    const page = await browser.open({ hash: '#data=moons&m=64&hidden=8&steps=60&grid=17&water=0', askLong: true });
    const run = page.evaluate(() =>
      window.landscape.train({ seeds: 4, steps: 20000 }).then(
        () => 'finished',
        (err: unknown) => (err instanceof Error ? err.name : 'error'),
      ),
    );
    const q = await waitForQuestion(page, 'training');
    expect(q.job).toBe('training');
    expect(q.text).toMatch(/^Training 4 seeds for 20000 steps will take about .+ more on this device/);
    expect(await page.evaluate(() => window.landscape.answer('stop'))).toBe(true);
    expect(await run).toBe('AbortError');
    expect(await page.evaluate(() => window.landscape.longJobs({ ask: false }))).toEqual({ ask: false, thresholdS: 10 });
    await page.close();
  });
});
