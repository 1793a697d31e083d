#!/usr/bin/env node
// Converts scikit-learn's copy of the 8×8 handwritten digits (the test set of the UCI "Optical
// Recognition of Handwritten Digits" data) into the compact binary file the app loads,
// public/data/digits-8x8.bin. Run once; the output is committed with its licence note
// (public/data/digits-8x8.LICENSE.txt, written by hand, see docs/file-formats.md, "Digits data").
//
// Getting the input (Debian, no Python needed):
//   mkdir /tmp/skl && cd /tmp/skl
//   apt-get download python3-sklearn          # python3-sklearn_1.2.1+dfsg-1_all.deb (bookworm)
//   dpkg-deb -x python3-sklearn_*.deb x
// Running it (from the repository root):
//   node tools/convert-digits.mjs /tmp/skl/x/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
// An optional second argument names the output file (default public/data/digits-8x8.bin).
//
// Input: gzip'd CSV, 1797 lines, each 64 pixel counts (0..16, row-major 8×8) then the digit (0..9).
// The script refuses anything else (another row count, a short row, a non-integer, a value out of range).
//
// Output format ("digits-8x8", version 1), all integers little-endian, 16 + 65·rows bytes:
//   offset  size        field
//   0       8           magic: 0x89 'D' 'I' 'G' 0x0D 0x0A 0x1A 0x0A
//                       (a non-ASCII first byte, then CR LF, ^Z and LF, so text-mode mangling shows)
//   8       1 (uint8)   version = 1
//   9       1 (uint8)   side = 8: each image is side × side pixels, inputs = side² = 64
//   10      1 (uint8)   classes = 10 (labels are 0 .. classes − 1)
//   11      1 (uint8)   maxPixel = 16 (pixels are 0 .. maxPixel)
//   12      4 (uint32)  rows = 1797
//   16      rows·64     pixels, uint8, row-major: image r, pixel (i, j) at 16 + 64·r + 8·i + j
//   16+64·rows  rows    labels, uint8, one per image, in the same order
// Nothing follows the labels. Rows keep the order of the CSV. The app's reader is src/data/digits.ts.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

const ROWS = 1797;
const SIDE = 8;
const INPUTS = SIDE * SIDE;
const CLASSES = 10;
const MAX_PIXEL = 16;
const MAGIC = [0x89, 0x44, 0x49, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const HEADER = 16;
/** Label counts of the UCI test set (0..9), checked so a different file is never shipped by mistake. */
const EXPECTED_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];

function fail(message) {
  console.error(`convert-digits: ${message}`);
  process.exit(1);
}

const [input, output = 'public/data/digits-8x8.bin'] = process.argv.slice(2);
if (!input) fail('usage: node tools/convert-digits.mjs <path to digits.csv.gz> [output.bin]');

let text;
try {
  text = gunzipSync(readFileSync(input)).toString('utf8');
} catch (err) {
  fail(`cannot read ${input} as gzip: ${err instanceof Error ? err.message : String(err)}`);
}
const lines = text.split('\n').filter((line, i, all) => !(line === '' && i === all.length - 1));
if (lines.length !== ROWS) fail(`expected ${ROWS} rows, found ${lines.length}`);

const out = new Uint8Array(HEADER + ROWS * (INPUTS + 1));
out.set(MAGIC, 0);
out[8] = 1;
out[9] = SIDE;
out[10] = CLASSES;
out[11] = MAX_PIXEL;
new DataView(out.buffer).setUint32(12, ROWS, true);
const labelsAt = HEADER + ROWS * INPUTS;
const counts = new Array(CLASSES).fill(0);

lines.forEach((line, r) => {
  const cells = line.trim().split(',');
  if (cells.length !== INPUTS + 1) fail(`row ${r + 1}: expected ${INPUTS + 1} columns, found ${cells.length}`);
  cells.forEach((cell, c) => {
    if (!/^\d+(\.0*)?$/.test(cell.trim())) fail(`row ${r + 1}, column ${c + 1}: ${JSON.stringify(cell)} is not a non-negative integer`);
    const v = Number(cell);
    const max = c < INPUTS ? MAX_PIXEL : CLASSES - 1;
    if (v > max) fail(`row ${r + 1}, column ${c + 1}: ${v} is above ${max}`);
    if (c < INPUTS) out[HEADER + r * INPUTS + c] = v;
    else {
      out[labelsAt + r] = v;
      counts[v]++;
    }
  });
});
if (counts.some((n, c) => n !== EXPECTED_COUNTS[c])) {
  fail(`label counts ${counts.join('/')} differ from the UCI test set's ${EXPECTED_COUNTS.join('/')}`);
}

const target = resolve(output);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, out);
console.log(`wrote ${target}: ${ROWS} images of ${SIDE}×${SIDE}, ${out.length} bytes; labels per class ${counts.join('/')}`);
