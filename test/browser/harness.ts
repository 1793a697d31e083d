/**
 * Browser test and benchmark harness: serve the built `dist/` with vite's preview server on
 * 127.0.0.1 (a secure context, unlike file://) and drive Debian's headless Chromium, whose
 * SwiftShader gives WebGPU and WebGL without a GPU (see /work/shared/TESTING.md).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { preview } from 'vite';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../../src/wasm/vitePlugin';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that give headless Chromium WebGPU (compute and canvas) and WebGL on SwiftShader. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The repository root (this file lives in test/browser/). */
export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export interface PreviewServer {
  /** Base URL ending in '/', e.g. http://127.0.0.1:41234/ */
  readonly url: string;
  close(): Promise<void>;
}

export interface PreviewOptions {
  /** Built output to serve; default `<repo>/dist`. */
  readonly outDir?: string;
}

/**
 * Serve an already built output folder (default `dist/`) with vite's preview server on
 * 127.0.0.1 and a free port. Throws when the folder is missing: run `vite build` first.
 */
export async function startPreview(opts: PreviewOptions = {}): Promise<PreviewServer> {
  const outDir = resolve(opts.outDir ?? process.env.APP_DIST ?? join(REPO_ROOT, 'dist'));
  if (!existsSync(join(outDir, 'index.html')) && !existsSync(join(outDir, 'bench.html'))) {
    throw new Error(`nothing built in ${outDir}: run \`npx vite build\` first`);
  }
  const server = await preview({
    root: REPO_ROOT,
    configFile: false,
    logLevel: 'silent',
    base: './',
    build: { outDir },
    // The headers `npm run preview` sends (vite.config.ts): the page is cross-origin isolated, as users get it.
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false, headers: CROSS_ORIGIN_ISOLATION_HEADERS },
  });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') {
    await server.close();
    throw new Error(`vite preview did not listen on a TCP port (address: ${String(address)})`);
  }
  const port = address.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => server.close(),
  };
}

export interface ChromiumSession {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Debian Chromium with WebGPU on SwiftShader, in a fresh profile folder that is
 * removed on close. Never skips: a missing browser is an error that says how to install it.
 */
export async function launchChromium(): Promise<ChromiumSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: install Debian's chromium: apt-get install -y chromium`);
  }
  const profile = await mkdtemp(join(tmpdir(), 'landscape-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      headless: true,
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_FLAGS],
      viewport: { width: 1280, height: 800 },
    });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  let closed = false;
  return {
    context,
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        await rm(profile, { recursive: true, force: true });
      }
    },
  };
}

export interface ConsoleLog {
  /** Every console message and page error, as "type: text", in order. */
  readonly messages: string[];
  /** Console errors and uncaught page errors only. */
  readonly errors: string[];
  /** Stop listening. */
  dispose(): void;
}

/**
 * Record a page's console output and uncaught errors. `echo` also forwards each message
 * (e.g. to process.stdout) as it arrives.
 */
export function collectConsole(page: Page, echo?: (line: string) => void): ConsoleLog {
  const messages: string[] = [];
  const errors: string[] = [];
  const onConsole = (msg: ConsoleMessage): void => {
    const line = `${msg.type()}: ${msg.text()}`;
    messages.push(line);
    if (msg.type() === 'error') errors.push(msg.text());
    echo?.(line);
  };
  const onPageError = (err: Error): void => {
    const line = `pageerror: ${err.message}`;
    messages.push(line);
    errors.push(err.message);
    echo?.(line);
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  return {
    messages,
    errors,
    dispose: () => {
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
    },
  };
}
