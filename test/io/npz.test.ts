/**
 * `.npz` data: files numpy itself wrote (numpy.savez and savez_compressed), and over a thousand
 * malformed ones (truncated, bit flips, wrong fields) that each give an error starting "npz: ".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNpz, type NpzData } from '../../src/io/npz';
import { npyBytes, npzBytes } from '../model/onnx/fixtures';
import { checkResult, mutate, type FuzzTally } from './fuzzCheck';

const here = (name: string): Uint8Array => new Uint8Array(readFileSync(join(__dirname, 'npz', name)));

describe('npz', () => {
  it('reads what numpy.savez and numpy.savez_compressed wrote', () => {
    for (const name of ['savez.npz', 'savez_compressed.npz']) {
      const r = parseNpz(here(name));
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.value.m).toBe(3);
      expect(r.value.xShape).toEqual([3, 2]);
      expect(Array.from(r.value.x)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(Array.from(r.value.y)).toEqual([0, 1, 1]);
      expect(r.value.yInteger).toBe(true);
    }
  });

  it('names what is missing or does not fit', () => {
    const x = npyBytes([1, 2, 3, 4], [2, 2], '<f4');
    expect(parseNpz(npzBytes({ x }))).toMatchObject({ ok: false, error: expect.stringContaining('missing: y') as unknown });
    expect(parseNpz(npzBytes({ x, y: npyBytes([0, 1, 0], [3], '<i8') }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('it needs 2 rows') as unknown,
    });
    expect(parseNpz(new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false, error: expect.stringMatching(/^npz: not a NumPy/) as unknown });
    const ok = parseNpz(npzBytes({ x, y: npyBytes([0.5, 1.5, 2, 3], [2, 2], '<f4') }, true));
    expect(ok).toMatchObject({ ok: true, value: { m: 2, yShape: [2, 2], yInteger: false } });
  });

  const RUNS = 1500;
  it(`never throws on malformed files and names the problem (${RUNS} inputs)`, () => {
    const valid = here('savez.npz');
    const compressed = here('savez_compressed.npz');
    const tally: FuzzTally = { errors: 0, accepted: 0 };
    const consistent = (d: NpzData): boolean => d.x.length % d.m === 0 && d.y.length % d.m === 0 && d.xShape[0] === d.m;
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 0, max: valid.length - 1 }).map((cut) => valid.slice(0, cut)),
      fc.integer({ min: 0, max: compressed.length - 1 }).map((cut) => compressed.slice(0, cut)),
      fc
        .tuple(fc.boolean(), fc.integer({ min: 0, max: 520 }), fc.uint8Array({ minLength: 1, maxLength: 16 }))
        .map(([c, at, patch]) => mutate(c ? compressed : valid, at, patch, (c ? compressed : valid).length)),
      fc.tuple(fc.boolean(), fc.nat(), fc.integer({ min: 1, max: 6 })).map(([c, bit, count]) => {
        const out = (c ? compressed : valid).slice();
        for (let k = 0; k < count; k++) {
          const b = (bit + k * 131) % (out.length * 8);
          out[b >> 3] = (out[b >> 3] ?? 0) ^ (1 << (b & 7));
        }
        return out;
      }),
      // Wrong fields: the arrays' own headers and names.
      fc
        .tuple(fc.constantFrom("'<f4'", "'<c8'", "'|O'", '(3, 2)', '(0, 2)', '(3,)', "'fortran_order': True"), fc.nat())
        .map(([field, k]) => {
          const header =
            k % 2 === 0
              ? "{'descr': " + field + ", 'fortran_order': False, 'shape': (3, 2), }"
              : "{'descr': '<f4', 'fortran_order': False, 'shape': " + field + ', }';
          const npy = npyBytes([1, 2, 3, 4, 5, 6], [3, 2], '<f4');
          const text = new TextDecoder().decode(npy.slice(10, 10 + (npy[8] ?? 0)));
          const patched = text
            .replace(/\{.*\}/, header)
            .padEnd(text.length, ' ')
            .slice(0, text.length);
          npy.set(new TextEncoder().encode(patched), 10);
          return npzBytes({ [k % 3 === 0 ? 'x' : 'y']: npy, [k % 3 === 0 ? 'y' : 'x']: npyBytes([0, 1, 1], [3], '<i8') });
        }),
    );
    fc.assert(
      fc.property(arb, (bytes) => checkResult(parseNpz(bytes), 'npz:', consistent, tally)),
      { numRuns: RUNS },
    );
    expect(tally.errors).toBeGreaterThanOrEqual(1000);
  });
});
