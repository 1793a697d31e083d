/** The shipped digits file, read from public/ the way Node code hands it to the app (setDigitsTable). */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DIGITS_FILE, parseDigits, setDigitsTable, type DigitsTable } from '../../src/data/digits';

export const DIGITS_PATH = join(resolve(import.meta.dirname, '..', '..'), 'public', DIGITS_FILE);

export function digitsBytes(): Uint8Array {
  return new Uint8Array(readFileSync(DIGITS_PATH));
}

/** Parse public/data/digits-8x8.bin and install it, so makeDataset('digits') runs in Node. */
export function installShippedDigits(): DigitsTable {
  const table = parseDigits(digitsBytes());
  setDigitsTable(table);
  return table;
}
