/**
 * NumPy `.npy` (format 1.0 written; 1.0–3.0 read) of the loss grid: '<f4', C order, shape
 * (ny, nx), so row iy holds loss[iy·nx + ix] — `np.load(f)[iy, ix]`.
 */
import type { Surface } from '../landscape/surface';
import type { GridData } from './gridData';
import { MAX_GRID_CELLS, checkFileSize, checkGridShape, fail, ok, type ParseResult } from './result';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export function surfaceToNpy(surface: Surface): Uint8Array {
  const nx = surface.alphas.length;
  const ny = surface.betas.length;
  return float32Npy(surface.loss.subarray(0, nx * ny), [ny, nx]);
}

/** A float32 array as `.npy` v1.0 ('<f4', C order). */
export function float32Npy(values: Float32Array, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0] ?? 0},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + values.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, total);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] ?? NaN, true);
  return out;
}

export interface NpyArray {
  readonly shape: number[];
  readonly values: Float64Array;
  /** The element type as the header names it, e.g. '<f4', '<i8'. */
  readonly descr: string;
}

/** A numeric `.npy` array; never throws. */
export function parseNpy(bytes: Uint8Array): ParseResult<NpyArray> {
  const sizeError = checkFileSize(bytes, 'npy');
  if (sizeError !== null) return fail(sizeError);
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) return fail('npy: not a NumPy .npy file (no \\x93NUMPY magic)');
  const major = bytes[6] ?? 0;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = dv.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) return fail('npy: truncated before the header length');
    headerLength = dv.getUint32(8, true);
    start = 12;
  } else {
    return fail(`npy: unknown format version ${major}.${bytes[7] ?? 0} (1.0–3.0 are read)`);
  }
  if (start + headerLength > bytes.length)
    return fail(`npy: truncated inside the header (${headerLength} header bytes announced, ${bytes.length - start} present)`);
  let header = '';
  for (let i = 0; i < headerLength; i++) header += String.fromCharCode(bytes[start + i] ?? 0);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    return fail('npy: the header lacks descr, fortran_order or shape');
  const shape: number[] = [];
  for (const part of shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    if (!/^\d{1,10}$/.test(part)) return fail(`npy: bad shape entry "${part}"`);
    shape.push(Number(part));
  }
  const reader = elementReader(descr, dv);
  if (reader === null) return fail(`npy: element type "${descr}" is not supported (float16/32/64 or int8–64 are)`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > MAX_GRID_CELLS) return fail(`npy: the array has ${count} values, more than the limit of ${MAX_GRID_CELLS} (4096²)`);
  const dataStart = start + headerLength;
  const need = count * reader.size;
  if (bytes.length - dataStart < need)
    return fail(`npy: truncated: shape (${shape.join(', ')}) needs ${need} data bytes, the file has ${bytes.length - dataStart}`);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) values[i] = reader.read(dataStart + i * reader.size);
  if (fortran === 'True' && shape.length === 2) {
    const [rows, cols] = shape as [number, number];
    const c = new Float64Array(count);
    for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) c[r * cols + k] = values[k * rows + r] ?? NaN;
    return ok({ shape, values: c, descr });
  }
  if (fortran === 'True' && shape.length > 2) return fail('npy: Fortran-order arrays of more than 2 dimensions are not supported');
  return ok({ shape, values, descr });
}

function elementReader(descr: string, dv: DataView): { size: number; read(offset: number): number } | null {
  const m = /^([<>|=])([fiu])(\d)$/.exec(descr);
  if (m === null) return null;
  const little = m[1] !== '>';
  const kind = m[2];
  const size = Number(m[3]);
  if (kind === 'f' && size === 4) return { size, read: (o) => dv.getFloat32(o, little) };
  if (kind === 'f' && size === 8) return { size, read: (o) => dv.getFloat64(o, little) };
  if (kind === 'f' && size === 2) return { size, read: (o) => halfToFloat(dv.getUint16(o, little)) };
  if (kind === 'i' && size === 1) return { size, read: (o) => dv.getInt8(o) };
  if (kind === 'u' && size === 1) return { size, read: (o) => dv.getUint8(o) };
  if (kind === 'i' && size === 2) return { size, read: (o) => dv.getInt16(o, little) };
  if (kind === 'i' && size === 4) return { size, read: (o) => dv.getInt32(o, little) };
  if (kind === 'i' && size === 8) return { size, read: (o) => Number(dv.getBigInt64(o, little)) };
  return null;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * A 2-D `.npy` loss grid, shape (ny, nx), as a surface. The file has no coordinates: α and β are
 * taken evenly over [−1, 1] (loss-landscape's default). −1 and NaN cells are unfilled.
 */
export function parseNpySurface(bytes: Uint8Array): ParseResult<GridData> {
  const r = parseNpy(bytes);
  if (!r.ok) return r;
  const { shape, values } = r.value;
  if (shape.length !== 2) return fail(`npy: a surface is a 2-D array (ny, nx); this one has shape (${shape.join(', ')})`);
  const [ny, nx] = shape as [number, number];
  const shapeError = checkGridShape(nx, ny, 'npy');
  if (shapeError !== null) return fail(shapeError);
  const loss = new Float32Array(nx * ny);
  let unfilled = 0;
  for (let i = 0; i < loss.length; i++) {
    const v = values[i] ?? NaN;
    const unset = v === -1 || Number.isNaN(v);
    if (unset) unfilled++;
    loss[i] = unset ? NaN : v;
  }
  if (unfilled === loss.length) return fail('npy: every cell is unfilled (−1 or NaN)');
  return ok({ nx, ny, alphas: linspace(nx), betas: linspace(ny), loss, extras: {}, unfilled });
}

export function linspace(n: number, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? 0 : lo + ((hi - lo) * i) / (n - 1);
  return out;
}
