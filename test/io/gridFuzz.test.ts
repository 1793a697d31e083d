/**
 * npy, csv and bundle parsers fed thousands of malformed inputs (fast-check): none throws, each
 * malformed input gets an error that names the format and what is wrong.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundleToJson, parseBundle } from '../../src/io/bundle';
import { parseCsvSurface, surfaceToCsv } from '../../src/io/csv';
import type { GridData } from '../../src/io/gridData';
import { parseNpySurface, surfaceToNpy } from '../../src/io/npy';
import { checkResult, mutate, type FuzzTally } from './fuzzCheck';
import { makeBundle, makeSurface } from './fixtures';

const RUNS = 1200;
const consistentGrid = (g: GridData): boolean =>
  g.loss.length === g.nx * g.ny && g.alphas.length === g.nx && g.betas.length === g.ny && g.nx >= 2 && g.ny >= 2;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('npy parser on malformed input', () => {
  it(`never throws and names the problem (${RUNS} inputs)`, () => {
    const valid = surfaceToNpy(makeSurface(5, 4));
    const tally: FuzzTally = { errors: 0, accepted: 0 };
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      // Truncated anywhere before the end.
      fc.integer({ min: 0, max: valid.length - 1 }).map((cut) => valid.slice(0, cut)),
      // Header bytes overwritten (magic, version, length, dict).
      fc
        .tuple(fc.integer({ min: 0, max: 127 }), fc.uint8Array({ minLength: 1, maxLength: 8 }))
        .map(([at, patch]) => mutate(valid, at, patch, valid.length)),
      // A header dict with hostile text.
      fc.string({ maxLength: 80 }).map((s) => {
        const header = `{'descr': ${s}, 'fortran_order': False, 'shape': (${s}), }`.padEnd(118, ' ') + '\n';
        const out = new Uint8Array(128 + 16);
        out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
        out.set(utf8(header).subarray(0, 118), 10);
        return out;
      }),
    );
    fc.assert(
      fc.property(arb, (bytes) => checkResult(parseNpySurface(bytes), 'npy:', consistentGrid, tally)),
      { numRuns: RUNS },
    );
    expect(tally.errors).toBeGreaterThanOrEqual(1000);
  });
});

describe('csv parser on malformed input', () => {
  it(`never throws and names the problem (${RUNS} inputs)`, () => {
    const valid = surfaceToCsv(makeSurface(4, 3, { accuracy: true }));
    const tally: FuzzTally = { errors: 0, accepted: 0 };
    const lines = valid.trim().split('\n');
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ maxLength: 200 }).map(utf8),
      // Drop one data line: the grid is then incomplete.
      fc.integer({ min: 1, max: lines.length - 1 }).map((k) => utf8(lines.filter((_, i) => i !== k).join('\n'))),
      // Replace one field of one data line with junk.
      fc
        .tuple(
          fc.integer({ min: 1, max: lines.length - 1 }),
          fc.integer({ min: 0, max: 3 }),
          fc.constantFrom('x', '-3', '1.5', '', '1e9', 'NaN', ',,'),
        )
        .map(([k, f, junk]) =>
          utf8(
            lines
              .map((l, i) =>
                i === k
                  ? l
                      .split(',')
                      .map((c, j) => (j === f ? junk : c))
                      .join(',')
                  : l,
              )
              .join('\n'),
          ),
        ),
    );
    fc.assert(
      fc.property(arb, (bytes) => checkResult(parseCsvSurface(bytes), 'csv:', consistentGrid, tally)),
      { numRuns: RUNS },
    );
    expect(tally.errors).toBeGreaterThanOrEqual(1000);
  });
});

describe('bundle parser on malformed input', () => {
  it(`never throws and names the problem (${RUNS} inputs)`, () => {
    const valid = bundleToJson(makeBundle());
    const good = JSON.parse(valid) as Record<string, unknown>;
    const tally: FuzzTally = { errors: 0, accepted: 0 };
    const keys = Object.keys(good);
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 0, max: valid.length - 1 }).map((cut) => utf8(valid.slice(0, cut))),
      fc.jsonValue().map((v) => utf8(JSON.stringify(v))),
      // One top-level field replaced by any JSON value.
      fc.tuple(fc.constantFrom(...keys), fc.jsonValue()).map(([k, v]) => utf8(JSON.stringify({ ...good, [k]: v }))),
      // One spec field replaced.
      fc
        .tuple(fc.constantFrom('inputs', 'hidden', 'outputs', 'activation', 'loss', 'bias'), fc.jsonValue())
        .map(([k, v]) => utf8(JSON.stringify({ ...good, spec: { ...(good['spec'] as object), [k]: v } }))),
    );
    fc.assert(
      fc.property(arb, (bytes) =>
        checkResult(parseBundle(bytes), 'bundle', (b) => b.x.length === b.m * b.spec.inputs && b.theta.length > 0, tally),
      ),
      { numRuns: RUNS },
    );
    expect(tally.errors).toBeGreaterThanOrEqual(1000);
  });
});
