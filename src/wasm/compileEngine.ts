/**
 * Builds the SIMD CPU engine (src/wasm/assembly/engine.ts, AssemblyScript) into WebAssembly, in Node:
 * the vite plugin (vite.config.ts) calls it for the page, and the Node side (tests, the command line,
 * the bench) calls `engineBinaryNode`, which keeps the result in the system's temporary folder keyed
 * by a hash of the source, the compiler's version and the flags, so a fresh clone needs no extra step.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** 'shared': memory imported as shared (worker threads); 'single': a plain imported memory. */
export type EngineVariant = 'shared' | 'single';

export const ENGINE_SOURCE = fileURLToPath(new URL('./assembly/engine.ts', import.meta.url));

/** The wasm32 limit in 64 KiB pages; a shared memory must declare its maximum. */
const MAX_PAGES = 65536;

function compilerOptions(variant: EngineVariant): Record<string, unknown> {
  return {
    optimizeLevel: 3,
    shrinkLevel: 0,
    runtime: 'stub',
    noAssert: true,
    enable: ['simd', 'threads'],
    importMemory: true,
    noExportMemory: true,
    initialMemory: 1,
    maximumMemory: MAX_PAGES,
    sharedMemory: variant === 'shared',
  };
}

/** The part of the AssemblyScript compiler's API used here. */
interface AscApi {
  compileString(
    sources: Record<string, string>,
    options: Record<string, unknown>,
  ): Promise<{ error: Error | null; binary: Uint8Array | null; stderr: object }>;
}

/**
 * The compiler, imported through a specifier the type checker does not follow: its declaration files
 * declare global types of their own (e.g. `Array.prototype.at` returning `T`, never undefined) that would
 * otherwise leak into the whole project's type checking.
 */
async function loadAsc(): Promise<AscApi> {
  const specifier = 'assemblyscript/asc';
  return ((await import(/* @vite-ignore */ specifier)) as { default: AscApi }).default;
}

/** Compiles the engine; throws with the compiler's messages when it fails. */
export async function compileEngine(variant: EngineVariant): Promise<Uint8Array> {
  const asc = await loadAsc();
  const source = readFileSync(ENGINE_SOURCE, 'utf8');
  const result = await asc.compileString({ 'engine.ts': source }, compilerOptions(variant));
  if (result.error || !result.binary) {
    // compileString collects the diagnostics in a memory stream, which prints as text.
    const diagnostics = 'toString' in result.stderr ? (result.stderr as { toString(): string }).toString() : '';
    throw new Error(`the SIMD CPU engine did not compile: ${result.error?.message ?? ''}\n${diagnostics}`);
  }
  return result.binary;
}

function compilerVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = JSON.parse(readFileSync(require.resolve('assemblyscript/package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** The engine's bytes, compiled once per source, compiler and flags and then read from the cache. */
export async function engineBinaryNode(variant: EngineVariant): Promise<Uint8Array> {
  const key = createHash('sha256')
    .update(readFileSync(ENGINE_SOURCE))
    .update(compilerVersion())
    .update(JSON.stringify(compilerOptions(variant)))
    .digest('hex')
    .slice(0, 16);
  const dir = join(tmpdir(), 'loss-landscape-cpu-engine');
  const file = join(dir, `engine-${variant}-${key}.wasm`);
  try {
    return new Uint8Array(readFileSync(file));
  } catch {
    const bytes = await compileEngine(variant);
    mkdirSync(dir, { recursive: true });
    // Write then rename, so parallel test processes never read half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, file);
    return bytes;
  }
}
