/** h5wasm, loaded on first use (it carries a 4 MB WebAssembly build of libhdf5). */
import type h5wasmDefault from 'h5wasm';

export type H5Api = typeof h5wasmDefault;

let loading: Promise<{ h5: H5Api; fs: H5Fs }> | null = null;

/** The part of Emscripten's in-memory file system the importers and exporters use. */
export interface H5Fs {
  writeFile(path: string, data: Uint8Array): void;
  readFile(path: string): Uint8Array;
  unlink(path: string): void;
}

export function loadH5(): Promise<{ h5: H5Api; fs: H5Fs }> {
  loading ??= import('h5wasm').then(async (mod) => {
    const h5 = mod.default;
    const module = await h5.ready;
    return { h5, fs: module.FS as unknown as H5Fs };
  });
  return loading;
}

let counter = 0;

/** A fresh path in the in-memory file system. */
export function scratchPath(): string {
  counter += 1;
  return `/landscape-io-${counter}.h5`;
}
