/**
 * What every parser in src/io returns: a value or a message naming what is wrong. Parsers never
 * throw; the limits below are stated in their messages.
 */

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const fail = <T>(error: string): ParseResult<T> => ({ ok: false, error });

/** Largest file any importer reads. */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Largest grid side (nx or ny) and cell count an imported surface may have. */
export const MAX_GRID_SIDE = 4096;
export const MAX_GRID_CELLS = MAX_GRID_SIDE * MAX_GRID_SIDE;

export function describeBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** The size check every importer makes first. */
export function checkFileSize(bytes: Uint8Array, what: string): string | null {
  if (bytes.length === 0) return `${what}: the file is empty`;
  if (bytes.length > MAX_FILE_BYTES) {
    return `${what}: the file is ${describeBytes(bytes.length)}, more than the limit of ${describeBytes(MAX_FILE_BYTES)}`;
  }
  return null;
}

/** Grid shape check shared by the surface importers. */
export function checkGridShape(nx: number, ny: number, what: string): string | null {
  if (nx > MAX_GRID_SIDE || ny > MAX_GRID_SIDE) {
    return `${what}: the grid is ${nx} × ${ny}, more than the limit of ${MAX_GRID_SIDE} points per side`;
  }
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 2 || ny < 2) {
    return `${what}: a surface needs at least 2 × 2 points, got ${nx} × ${ny}`;
  }
  return null;
}

/** JSON.stringify as it behaves at run time: undefined for undefined, a function or a symbol, which its declared type omits. */
export function jsonText(value: unknown): string | undefined {
  return JSON.stringify(value);
}
