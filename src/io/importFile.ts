/** Which importer reads a dropped or picked file: by its first bytes, then by its name. */
import { errorMessage } from '../model/errors';
import { parseBundle, type ModelBundle } from './bundle';
import { parseCsvSurface } from './csv';
import type { GridData } from './gridData';
import { parseH5Surface } from './h5Surface';
import { parseNpySurface } from './npy';
import { checkFileSize, fail, ok, type ParseResult } from './result';

export type ImportFormat = 'h5' | 'npy' | 'csv' | 'bundle';

export type ImportedFile =
  | { readonly kind: 'surface'; readonly format: Exclude<ImportFormat, 'bundle'>; readonly name: string; readonly grid: GridData }
  | { readonly kind: 'bundle'; readonly format: 'bundle'; readonly name: string; readonly bundle: ModelBundle };

export const IMPORT_ACCEPT = '.h5,.hdf5,.npy,.csv,.json';

export function detectFormat(bytes: Uint8Array, name: string): ImportFormat | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x48 && bytes[2] === 0x44 && bytes[3] === 0x46) return 'h5';
  if (bytes[0] === 0x93 && bytes[1] === 0x4e && bytes[2] === 0x55 && bytes[3] === 0x4d) return 'npy';
  const lower = name.toLowerCase();
  if (lower.endsWith('.h5') || lower.endsWith('.hdf5')) return 'h5';
  if (lower.endsWith('.npy')) return 'npy';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.json')) return 'bundle';
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first === 0x7b) return 'bundle';
  return null;
}

/** Read any supported file; never throws. */
export async function importFile(bytes: Uint8Array, name: string): Promise<ParseResult<ImportedFile>> {
  try {
    const sizeError = checkFileSize(bytes, name || 'file');
    if (sizeError !== null) return fail(sizeError);
    const format = detectFormat(bytes, name);
    if (format === null)
      return fail(`${name}: unknown file type (expected a loss-landscape .h5 surface, a .npy or .csv grid, or a .json model bundle)`);
    if (format === 'bundle') {
      const r = parseBundle(bytes);
      return r.ok ? ok({ kind: 'bundle', format, name, bundle: r.value }) : r;
    }
    const r = format === 'h5' ? await parseH5Surface(bytes) : format === 'npy' ? parseNpySurface(bytes) : parseCsvSurface(bytes);
    return r.ok ? ok({ kind: 'surface', format, name, grid: r.value }) : r;
  } catch (err) {
    return fail(`${name}: could not be read (${errorMessage(err)})`);
  }
}
