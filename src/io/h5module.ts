/** h5wasm, loaded on first use (it carries a 4 MB WebAssembly build of libhdf5). */
import type h5wasmDefault from 'h5wasm';
import { errorMessage } from '../model/errors';
import { fail, type ParseResult } from './result';

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

export type H5File = InstanceType<H5Api['File']>;

/**
 * Read `bytes` as an HDF5 file with `read`; never throws. Loading the library, holding the file in memory,
 * opening it and any throw inside `read` become a message starting with `what`; the memory copy is removed.
 */
export async function readH5<T>(
  bytes: Uint8Array,
  what: string,
  read: (h5: H5Api, file: H5File) => ParseResult<T>,
): Promise<ParseResult<T>> {
  let api: Awaited<ReturnType<typeof loadH5>>;
  try {
    api = await loadH5();
  } catch (err) {
    return fail(`${what}: the HDF5 reader failed to load (${errorMessage(err)})`);
  }
  const path = scratchPath();
  try {
    api.fs.writeFile(path, bytes);
  } catch (err) {
    return fail(`${what}: could not hold the file in memory (${errorMessage(err)})`);
  }
  let file: H5File | null = null;
  try {
    file = new api.h5.File(path, 'r');
    if (!(file.file_id >= 0n)) return fail(`${what}: the HDF5 library could not open the file (truncated or corrupt)`);
    return read(api.h5, file);
  } catch (err) {
    return fail(`${what}: the file is truncated or corrupt (${errorMessage(err)})`);
  } finally {
    try {
      if (file !== null && file.file_id >= 0n) file.close();
    } catch {
      // A corrupt file may fail to close; the memory copy is removed below either way.
    }
    try {
      api.fs.unlink(path);
    } catch {
      // Already gone.
    }
  }
}

/** The bytes of an HDF5 file that `write` fills: a new file, or `base` opened to add to. */
export async function writeH5(base: Uint8Array | null, write: (h5: H5Api, file: H5File, path: string) => void): Promise<Uint8Array> {
  const { h5, fs } = await loadH5();
  const path = scratchPath();
  if (base !== null) fs.writeFile(path, base);
  try {
    const file = new h5.File(path, base === null ? 'w' : 'a');
    try {
      write(h5, file, path);
    } finally {
      file.close();
    }
    return fs.readFile(path).slice();
  } finally {
    fs.unlink(path);
  }
}
