/**
 * NumPy `.npz` data for a model of one's own: a zip archive (stored or deflated, as `numpy.savez` and
 * `numpy.savez_compressed` write it) of `.npy` arrays, of which `x` (the inputs, first axis the
 * samples) and `y` (class indices or targets, first axis the samples) are read. Never throws.
 */
import { unzipSync } from 'fflate';
import { parseNpy } from './npy';
import { checkFileSize, fail, ok, type ParseResult } from './result';

export interface NpzData {
  /** Samples (the first axis of x and y). */
  readonly m: number;
  /** Inputs, row-major, shape `xShape` = [m, …]. */
  readonly x: Float32Array;
  readonly xShape: readonly number[];
  /** Targets, row-major, shape `yShape` = [m] or [m, k]. */
  readonly y: Float32Array;
  readonly yShape: readonly number[];
  /** y was stored as integers (class indices). */
  readonly yInteger: boolean;
}

/** The `x` and `y` arrays of an `.npz` file. */
export function parseNpz(bytes: Uint8Array): ParseResult<NpzData> {
  const sizeError = checkFileSize(bytes, 'npz');
  if (sizeError !== null) return fail(sizeError);
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    return fail('npz: not a NumPy .npz file (no zip signature "PK"); save the data with numpy.savez(file, x=x, y=y)');
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => f.name === 'x.npy' || f.name === 'y.npy' });
  } catch (err) {
    return fail(`npz: the zip archive cannot be read (${err instanceof Error ? err.message : String(err)}); is the file complete?`);
  }
  const xBytes = files['x.npy'];
  const yBytes = files['y.npy'];
  if (xBytes === undefined || yBytes === undefined)
    return fail(
      `npz: the archive needs arrays named x and y (missing: ${[xBytes ? '' : 'x', yBytes ? '' : 'y'].filter((s) => s).join(', ')})`,
    );
  const x = parseNpy(xBytes);
  if (!x.ok) return fail(`npz: array x: ${x.error}`);
  const y = parseNpy(yBytes);
  if (!y.ok) return fail(`npz: array y: ${y.error}`);
  const xShape = x.value.shape;
  const yShape = y.value.shape;
  const m = xShape[0];
  if (m === undefined || xShape.length < 2)
    return fail(`npz: x has shape (${xShape.join(', ')}); it needs the samples first and at least one more axis`);
  if (m === 0) return fail('npz: x has no samples');
  if (yShape[0] !== m || yShape.length > 2)
    return fail(`npz: y has shape (${yShape.join(', ')}); it needs ${m} rows (one per sample of x) and at most 2 axes`);
  for (const v of x.value.values) if (!Number.isFinite(v)) return fail('npz: x holds NaN or infinite values');
  for (const v of y.value.values) if (!Number.isFinite(v)) return fail('npz: y holds NaN or infinite values');
  const yInteger = /^[<>|=]?[iu]\d$/.test(y.value.descr);
  return ok({
    m,
    x: Float32Array.from(x.value.values),
    xShape,
    y: Float32Array.from(y.value.values),
    yShape,
    yInteger,
  });
}
