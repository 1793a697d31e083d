/**
 * One served build and one headless Chromium per browser test file: registers the vitest hooks
 * that start and stop them, and hands out the preview URL and the browser context.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, REPO_ROOT, startPreview, type ChromiumSession, type PreviewServer } from './harness';

/** Screenshots and downloads kept for people to look at (git-ignored). */
export const ARTIFACTS = join(REPO_ROOT, 'artifacts');

export interface AppBrowser {
  /** Base URL of the served dist/, ending in '/'. */
  readonly url: string;
  readonly context: BrowserContext;
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
  return {
    get url(): string {
      if (!preview) throw new Error('the preview server is not running (used outside a test?)');
      return preview.url;
    },
    get context(): BrowserContext {
      if (!session) throw new Error('Chromium is not running (used outside a test?)');
      return session.context;
    },
  };
}
