/**
 * The h5 surface parser fed over a thousand malformed files (fast-check): random bytes, files cut
 * short, bytes overwritten inside a valid file. None throws; each error names the format.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GridData } from '../../src/io/gridData';
import { checkResult, mutate, type FuzzTally } from './fuzzCheck';
import { makeRecipe, makeSurface } from './fixtures';

type H5Io = typeof import('../../src/io/h5Surface');
let io: H5Io;

beforeAll(async () => {
  // libhdf5 prints a diagnostic stack for every corrupt file it is handed; Emscripten binds
  // console.error when the module loads, so filter it before the first import of h5wasm.
  const original = console.error.bind(console);
  console.error = (...args: unknown[]): void => {
    const first = args[0];
    const text = typeof first === 'string' ? first : '';
    if (/HDF5-DIAG|^\s+#\d{3}:|^\s+(major|minor):/.test(text)) return;
    original(...args);
  };
  io = await import('../../src/io/h5Surface');
});

const RUNS = 1100;
const consistentGrid = (g: GridData): boolean =>
  g.loss.length === g.nx * g.ny && g.alphas.length === g.nx && g.betas.length === g.ny && g.nx >= 2 && g.ny >= 2;

describe('h5 parser on malformed input', () => {
  it(`never throws and names the problem (${RUNS} inputs)`, async () => {
    const valid = await io.surfaceToH5(makeSurface(6, 5, { accuracy: true }), makeRecipe());
    const tally: FuzzTally = { errors: 0, accepted: 0 };
    const signature = valid.slice(0, 8);
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      // The HDF5 signature followed by garbage.
      fc.uint8Array({ maxLength: 600 }).map((tail) => {
        const out = new Uint8Array(8 + tail.length);
        out.set(signature);
        out.set(tail, 8);
        return out;
      }),
      // A valid file cut short.
      fc.integer({ min: 0, max: valid.length - 1 }).map((cut) => valid.slice(0, cut)),
      // A valid file with bytes overwritten in its superblock and object headers.
      fc
        .tuple(fc.integer({ min: 8, max: Math.min(valid.length - 1, 2048) }), fc.uint8Array({ minLength: 4, maxLength: 64 }))
        .map(([at, patch]) => mutate(valid, at, patch, valid.length)),
    );
    await fc.assert(
      fc.asyncProperty(arb, async (bytes) => checkResult(await io.parseH5Surface(bytes), 'h5:', consistentGrid, tally)),
      { numRuns: RUNS },
    );
    expect(tally.errors).toBeGreaterThanOrEqual(1000);
    // The reader still works after all that.
    const again = await io.parseH5Surface(valid);
    expect(again.ok).toBe(true);
  });
});
