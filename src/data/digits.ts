/**
 * The 8×8 handwritten digits (the UCI "Optical Recognition of Handwritten Digits" test set, as shipped
 * by scikit-learn): 1,797 images of 64 pixels (0..16) with labels 0..9, read from
 * `public/data/digits-8x8.bin` (written by tools/convert-digits.mjs, which documents the format).
 *
 * The table is fetched once per page (`loadDigits`), then read synchronously by the data generator
 * (`digitsTable`). Node code (tests, scripts) reads the file itself and hands it over with
 * `setDigitsTable(parseDigits(bytes))`, or passes its own byte loader to `loadDigits`.
 */

import { errorMessage } from '../model/errors';

/** Rows in the shipped file; the URL decoder mirrors it (DIGITS_SAMPLES in src/state/urlCodec.ts). */
export const DIGITS_ROWS = 1797;
/** Path of the file relative to the app's base URL (and to public/ in the repository). */
export const DIGITS_FILE = 'data/digits-8x8.bin';

export interface DigitsTable {
  /** Number of images. */
  readonly rows: number;
  /** Image side in pixels (8); inputs = side². */
  readonly side: number;
  readonly inputs: number;
  readonly classes: number;
  /** Largest pixel value (16); the generator scales pixels by 1 / maxPixel. */
  readonly maxPixel: number;
  /** rows × inputs, row-major, each 0..maxPixel. */
  readonly pixels: Uint8Array;
  /** One label per row, each 0..classes − 1. */
  readonly labels: Uint8Array;
}

const MAGIC = [0x89, 0x44, 0x49, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const HEADER = 16;
const VERSION = 1;
/** More rows than this is not a digits file (a corrupt count would otherwise ask for gigabytes). */
const MAX_ROWS = 1 << 20;

/**
 * Reads a digits-8x8 file (format: tools/convert-digits.mjs). Throws an Error naming the first problem
 * (not a digits file, an unknown version, a count out of range, a wrong length, a pixel or label out of
 * range); never any other exception. The table's arrays are copies, independent of `bytes`.
 */
export function parseDigits(bytes: ArrayBuffer | Uint8Array): DigitsTable {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const bad = (why: string): Error => new Error(`not a usable digits file: ${why}`);
  if (b.length < HEADER) throw bad(`${b.length} bytes, shorter than the ${HEADER}-byte header`);
  if (MAGIC.some((v, i) => b[i] !== v)) throw bad('the first 8 bytes are not the digits-8x8 magic (\\x89DIG\\r\\n\\x1a\\n)');
  const version = b[8] ?? 0;
  if (version !== VERSION) throw bad(`version ${version}, this reader knows version ${VERSION}`);
  const side = b[9] ?? 0;
  const classes = b[10] ?? 0;
  const maxPixel = b[11] ?? 0;
  if (side !== 8) throw bad(`image side ${side}, expected 8`);
  if (classes !== 10) throw bad(`${classes} classes, expected 10`);
  if (maxPixel !== 16) throw bad(`largest pixel value ${maxPixel}, expected 16`);
  const rows = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(8 + 4, true);
  if (rows < 1 || rows > MAX_ROWS) throw bad(`${rows} rows, expected 1 to ${MAX_ROWS}`);
  const inputs = side * side;
  const expected = HEADER + rows * (inputs + 1);
  if (b.length < expected) throw bad(`truncated: ${b.length} bytes, ${rows} rows need ${expected}`);
  if (b.length > expected) throw bad(`${b.length - expected} unexpected bytes after the ${rows} labels`);
  const pixels = b.slice(HEADER, HEADER + rows * inputs);
  const labels = b.slice(HEADER + rows * inputs, expected);
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] ?? 0;
    if (v > maxPixel) throw bad(`image ${Math.floor(i / inputs)}, pixel ${i % inputs} is ${v}, above ${maxPixel}`);
  }
  for (let r = 0; r < rows; r++) {
    const v = labels[r] ?? 0;
    if (v >= classes) throw bad(`image ${r} has label ${v}, expected 0 to ${classes - 1}`);
  }
  return { rows, side, inputs, classes, maxPixel, pixels, labels };
}

let table: DigitsTable | null = null;
let pending: Promise<DigitsTable> | null = null;

/** The loaded table; throws a clear Error before `loadDigits` (or `setDigitsTable`) has finished. */
export function digitsTable(): DigitsTable {
  if (table === null) {
    throw new Error('the digits data is not loaded yet: await loadDigits() (the engine does this before computing)');
  }
  return table;
}

export function digitsLoaded(): boolean {
  return table !== null;
}

/** Install a table (Node tests and scripts read the file themselves); null forgets it. */
export function setDigitsTable(t: DigitsTable | null): void {
  table = t;
  pending = null;
}

/** Fetches the file's bytes; the default reads `${BASE_URL}data/digits-8x8.bin` with fetch(). */
export type DigitsFetcher = () => Promise<ArrayBuffer | Uint8Array>;

/**
 * Loads the table once: concurrent and later calls share one promise. A failure (network, HTTP status,
 * a bad file) rejects with a message saying what went wrong and forgets the promise, so the next call
 * tries again.
 */
export function loadDigits(fetcher: DigitsFetcher = fetchDigitsFile): Promise<DigitsTable> {
  if (table !== null) return Promise.resolve(table);
  if (pending !== null) return pending;
  const attempt = (async () => {
    let bytes: ArrayBuffer | Uint8Array;
    try {
      bytes = await fetcher();
    } catch (err) {
      throw new Error(`could not load the digits data (${DIGITS_FILE}): ${errorMessage(err)}`, { cause: err });
    }
    let parsed: DigitsTable;
    try {
      parsed = parseDigits(bytes);
    } catch (err) {
      throw new Error(`could not load the digits data (${DIGITS_FILE}): ${errorMessage(err)}`, { cause: err });
    }
    return parsed;
  })();
  pending = attempt;
  attempt.then(
    (t) => {
      if (pending === attempt) {
        table = t;
        pending = null;
      }
    },
    () => {
      if (pending === attempt) pending = null;
    },
  );
  // The table is installed before any caller's continuation runs (this reaction was registered first).
  return attempt;
}

async function fetchDigitsFile(): Promise<ArrayBuffer> {
  if (typeof fetch !== 'function') throw new Error('fetch() is not available here; use setDigitsTable() in Node');
  const url = `${baseUrl()}${DIGITS_FILE}`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    throw new Error(`network error fetching ${url} (${errorMessage(err)})`, { cause: err });
  }
  if (!res.ok) throw new Error(`the server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''} for ${url}`);
  return res.arrayBuffer();
}

/** Vite's base URL ('./' in this app); plain Node (tsx scripts) has no import.meta.env. */
function baseUrl(): string {
  const env = (import.meta as { env?: { BASE_URL?: string } }).env;
  return env?.BASE_URL ?? './';
}
