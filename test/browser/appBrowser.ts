/**
 * One served build and one headless Chromium per browser test file: registers the vitest hooks
 * that start and stop them, hands out the preview URL and the browser context, and opens the app
 * (`open`) the one way every browser test does.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, REPO_ROOT, startPreview, type ChromiumSession, type PreviewServer } from './harness';

/** Screenshots and downloads kept for people to look at (git-ignored). */
export const ARTIFACTS = join(REPO_ROOT, 'artifacts');

/** How long the page may take to load the app and expose `window.landscape`. */
const API_TIMEOUT_MS = 60_000;

export interface OpenAppOptions {
  /** The URL hash, '' or starting with '#' (default ''). */
  readonly hash?: string;
  /** Script run in the page before the app's own code (`page.addInitScript`). */
  readonly init?: string;
  /**
   * Called with the new page before it navigates: install routes, start collecting console
   * output from the first message on.
   */
  readonly beforeLoad?: (page: Page) => void | Promise<void>;
  /**
   * Wait for `landscape.ready()` (the first surface) before returning (default true). false: return
   * as soon as the console API exists, for tests that look at the loading itself or expect
   * ready() to reject.
   */
  readonly ready?: boolean;
  /**
   * Let long jobs ask before they go on (default false: the page opens with `?ask=never`, so a test's
   * ready() is never left waiting for an answer; docs/jobs.md).
   */
  readonly askLong?: boolean;
  /**
   * The grid engine, as `?eng=` (default 'gpu': the tests exercise the WGSL kernels even where calibration
   * would pick the CPU engine, as on SwiftShader; 'auto': no `?eng=`, the page picks; docs/url-keys.md).
   * A hash's own `eng=` wins over it.
   */
  readonly engine?: 'auto' | 'gpu' | 'cpu';
}

export interface AppBrowser {
  /** Base URL of the served build, ending in '/'. */
  readonly url: string;
  readonly context: BrowserContext;
  /** A new page on the app: navigates, waits for `window.landscape`, then (by default) for ready(). */
  open(options?: OpenAppOptions | string): Promise<Page>;
}

export function useAppBrowser(): AppBrowser {
  let preview: PreviewServer | null = null;
  let session: ChromiumSession | null = null;
  beforeAll(async () => {
    preview = await startPreview();
    session = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await session?.close();
    await preview?.close();
  });
  const browser: AppBrowser = {
    get url(): string {
      if (!preview) throw new Error('the preview server is not running (used outside a test?)');
      return preview.url;
    },
    get context(): BrowserContext {
      if (!session) throw new Error('Chromium is not running (used outside a test?)');
      return session.context;
    },
    open: (options = {}) => openApp(browser, typeof options === 'string' ? { hash: options } : options),
  };
  return browser;
}

async function openApp(browser: AppBrowser, options: OpenAppOptions): Promise<Page> {
  const page = await browser.context.newPage();
  if (options.init !== undefined) await page.addInitScript(options.init);
  await options.beforeLoad?.(page);
  const query = new URLSearchParams();
  if (options.askLong !== true) query.set('ask', 'never');
  if (options.engine !== 'auto') query.set('eng', options.engine ?? 'gpu');
  await page.goto(`${browser.url}index.html?${query.toString()}${options.hash ?? ''}`);
  await page.waitForFunction(() => typeof window.landscape !== 'undefined', null, { timeout: API_TIMEOUT_MS });
  if (options.ready ?? true) await page.evaluate(() => window.landscape.ready());
  return page;
}
