/**
 * Screenshots of compare mode at three window sizes, to look at (not a test): serves the build in
 * APP_DIST (or dist/), opens a compare link in headless Chromium and writes OUT_PREFIX-<w>x<h>.png
 * (default /tmp/views-…). Usage: `APP_DIST=/tmp/dist node --import tsx tools/compareScreenshots.ts [hash]`.
 */
import { collectConsole, launchChromium, startPreview } from '../test/browser/harness';

const SIZES = [
  [1920, 1080],
  [1280, 800],
  [1024, 768],
] as const;
const HASH = process.argv[2] ?? '#data=moons&m=128&hidden=16,16&steps=300&grid=33&span=1&cmp=dirs:hessian';
const PREFIX = process.env.OUT_PREFIX ?? '/tmp/views';

async function main(): Promise<void> {
  const preview = await startPreview();
  const session = await launchChromium();
  try {
    for (const [width, height] of SIZES) {
      const page = await session.context.newPage();
      await page.setViewportSize({ width, height });
      await page.addInitScript(() => localStorage.setItem('landscape.gallery.seen', '1'));
      const log = collectConsole(page);
      page.setDefaultTimeout(300_000);
      await page.goto(`${preview.url}index.html${HASH}`);
      await page.waitForFunction(() => typeof window.landscape !== 'undefined');
      await page.evaluate(() => window.landscape.ready());
      await page.waitForTimeout(500);
      const summary = await page.evaluate(() => {
        window.landscape.redraw();
        return JSON.stringify(window.landscape.compareView());
      });
      const file = `${PREFIX}-${width}x${height}.png`;
      await page.screenshot({ path: file });
      console.log(file, summary, log.errors.join(' | '));
      await page.close();
    }
  } finally {
    await session.close();
    await preview.close();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
