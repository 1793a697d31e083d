/**
 * `npm run screenshot`: the picture at the top of the README, made from the built app.
 * Builds dist/ when it is missing or older than the sources, serves it with vite preview on
 * 127.0.0.1, opens the default page at 1280 × 800 in headless Chromium (WebGPU on SwiftShader on
 * machines without a GPU), waits until the surface is drawn and writes docs/screenshot.png.
 *
 * The page is opened as a returning visitor (the gallery already seen), so it shows the default
 * surface rather than the presets gallery that greets a first visit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../src/model/errors';
import { collectConsole, launchChromium, REPO_ROOT, startPreview } from '../test/browser/harness';

const OUT_FILE = join(REPO_ROOT, 'docs', 'screenshot.png');
const VIEWPORT = { width: 1280, height: 800 } as const;
const SOURCES = ['src', 'shaders', 'public', 'index.html', 'vite.config.ts'];
/** Key the gallery writes when it is closed (src/ui/gallery.ts). */
const GALLERY_SEEN_KEY = 'landscape.gallery.seen';
const TIMEOUT_MS = 10 * 60_000;

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function buildIfNeeded(): void {
  const built = join(REPO_ROOT, 'dist', 'index.html');
  const sourcesTime = Math.max(
    ...SOURCES.map((p) => join(REPO_ROOT, p))
      .filter(existsSync)
      .map(newestMtime),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sourcesTime) return;
  console.log('building dist/ (vite build)…');
  execFileSync('npx', ['vite', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
}

async function main(): Promise<void> {
  buildIfNeeded();
  const preview = await startPreview();
  const session = await launchChromium();
  try {
    const page = await session.context.newPage();
    await page.setViewportSize(VIEWPORT);
    await page.addInitScript((key: string) => localStorage.setItem(key, '1'), GALLERY_SEEN_KEY);
    const log = collectConsole(page);
    page.setDefaultTimeout(TIMEOUT_MS);
    // ?ask=never: a long grid never stops to ask (src/app/longJobs.ts).
    await page.goto(`${preview.url}index.html?ask=never`);
    await page.waitForFunction(() => typeof window.landscape !== 'undefined');
    await page.evaluate(() => window.landscape.ready());
    const surface = await page.evaluate(() => {
      window.landscape.redraw();
      const s = window.landscape.surface();
      return { device: s.device, adapter: s.adapter, gridSize: s.gridSize, min: s.min, max: s.max };
    });
    if (log.errors.length > 0) throw new Error(`the page logged errors:\n${log.errors.join('\n')}`);
    await page.screenshot({ path: OUT_FILE });
    const kib = (statSync(OUT_FILE).size / 1024).toFixed(0);
    console.log(
      `wrote ${OUT_FILE} (${VIEWPORT.width}×${VIEWPORT.height}, ${kib} KiB): ${surface.gridSize}² grid on ` +
        `${surface.device} (${surface.adapter}), loss ${surface.min.toPrecision(3)}…${surface.max.toPrecision(3)}`,
    );
  } finally {
    await session.close();
    await preview.close();
  }
}

main().catch((err: unknown) => {
  console.error(errorMessage(err));
  process.exit(1);
});
