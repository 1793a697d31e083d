/** Shared checks for the malformed-input tests: never throw, a clear error, or a consistent value. */
import { expect } from 'vitest';
import type { ParseResult } from '../../src/io/result';

export interface FuzzTally {
  errors: number;
  accepted: number;
}

/** A result is either a named error (prefix + some words) or a value that passes `consistent`. */
export function checkResult<T>(r: ParseResult<T>, prefix: string, consistent: (value: T) => boolean, tally: FuzzTally): void {
  expect(typeof r.ok).toBe('boolean');
  if (r.ok) {
    tally.accepted++;
    expect(consistent(r.value)).toBe(true);
    return;
  }
  tally.errors++;
  expect(r.error.startsWith(prefix)).toBe(true);
  expect(r.error.length).toBeGreaterThan(prefix.length + 8);
}

/** Replace a byte range of `bytes` with `patch` (the mutation fast-check draws). */
export function mutate(bytes: Uint8Array, at: number, patch: Uint8Array, cut: number): Uint8Array {
  const out = bytes.slice(0, Math.max(0, cut));
  const start = Math.min(at, out.length);
  out.set(patch.subarray(0, Math.max(0, out.length - start)), start);
  return out;
}
