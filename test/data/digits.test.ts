/**
 * The 8×8 digits: the shipped file (public/data/digits-8x8.bin), its reader on good and malformed bytes,
 * the once-only loader, and makeDataset('digits').
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DIGITS_ROWS, digitsLoaded, digitsTable, loadDigits, parseDigits, setDigitsTable, type DigitsTable } from '../../src/data/digits';
import { datasetSummary, ensureDataLoaded, makeDataset, needsLoading } from '../../src/data/generators';
import { outputsFor, type Dataset } from '../../src/data/dataset';
import { Rng } from '../../src/model/rng';
import { DIGITS_SAMPLES } from '../../src/state/appState';
import { digitsBytes, installShippedDigits } from './digitsFile';

/** The first line of sklearn's digits.csv.gz: 64 pixels, then the label 0. */
const FIRST_ROW = [
  0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0, 0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11,
  0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0,
];
const CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];
const PREFIX = 'not a usable digits file: ';

function counts(labels: ArrayLike<number>, classes = 10): number[] {
  const out = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) out[labels[i] ?? 0] = (out[labels[i] ?? 0] ?? 0) + 1;
  return out;
}

function distinctRowCount(d: Dataset): number {
  const keys = new Set<string>();
  for (let i = 0; i < d.m; i++) keys.add(Array.from(d.x.subarray(i * d.inputs, (i + 1) * d.inputs)).join(','));
  return keys.size;
}

/** A valid file with `rows` images, all pixels `pixel` and labels r mod 10 (for targeted corruption). */
function smallFile(rows: number, pixel = 3): Uint8Array {
  const b = new Uint8Array(16 + rows * 65);
  b.set([0x89, 0x44, 0x49, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 8, 10, 16]);
  new DataView(b.buffer).setUint32(12, rows, true);
  b.fill(pixel, 16, 16 + rows * 64);
  for (let r = 0; r < rows; r++) b[16 + rows * 64 + r] = r % 10;
  return b;
}

function consistent(t: DigitsTable): boolean {
  return (
    t.rows >= 1 &&
    t.inputs === 64 &&
    t.side === 8 &&
    t.classes === 10 &&
    t.maxPixel === 16 &&
    t.pixels.length === t.rows * 64 &&
    t.labels.length === t.rows &&
    t.pixels.every((v) => v <= 16) &&
    t.labels.every((v) => v <= 9)
  );
}

describe('the shipped digits file', () => {
  const table = parseDigits(digitsBytes());

  it('holds the 1,797 images of the UCI test set, 64 pixels of 0..16 each', () => {
    expect(table.rows).toBe(1797);
    expect(table.inputs).toBe(64);
    expect(table.side).toBe(8);
    expect(table.classes).toBe(10);
    expect(table.pixels.length).toBe(1797 * 64);
    expect(Math.max(...table.pixels)).toBe(16);
    expect(Math.min(...table.pixels)).toBe(0);
    expect(counts(table.labels)).toEqual(CLASS_COUNTS);
    expect(digitsBytes().length).toBe(16 + 1797 * 65);
  });

  it('starts with the first line of the CSV', () => {
    expect(Array.from(table.pixels.subarray(0, 64))).toEqual(FIRST_ROW);
    expect(table.labels[0]).toBe(0);
  });

  it('has no two equal images, and its size is mirrored by the state', () => {
    const keys = new Set<string>();
    for (let r = 0; r < table.rows; r++) keys.add(table.pixels.subarray(r * 64, (r + 1) * 64).join(','));
    expect(keys.size).toBe(1797);
    expect(DIGITS_ROWS).toBe(table.rows);
    expect(DIGITS_SAMPLES).toBe(table.rows);
  });
});

describe('parseDigits on malformed input', () => {
  it('names each problem', () => {
    const good = smallFile(3);
    expect(consistent(parseDigits(good))).toBe(true);
    expect(consistent(parseDigits(good.buffer as ArrayBuffer))).toBe(true);
    const cases: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
      ['empty', () => new Uint8Array(0), /0 bytes, shorter than the 16-byte header/],
      ['short header', (b) => b.slice(0, 15), /shorter than the 16-byte header/],
      ['magic', (b) => ((b[1] = 0x45), b), /magic/],
      ['text file', () => new TextEncoder().encode('0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0'), /magic/],
      ['version', (b) => ((b[8] = 2), b), /version 2, this reader knows version 1/],
      ['side', (b) => ((b[9] = 7), b), /image side 7, expected 8/],
      ['classes', (b) => ((b[10] = 9), b), /9 classes, expected 10/],
      ['max pixel', (b) => ((b[11] = 15), b), /largest pixel value 15, expected 16/],
      ['no rows', (b) => (b.set([0, 0, 0, 0], 12), b), /0 rows, expected 1 to/],
      ['huge count', (b) => (b.set([0xff, 0xff, 0xff, 0xff], 12), b), /4294967295 rows/],
      ['truncated', (b) => b.slice(0, b.length - 1), /truncated: 210 bytes, 3 rows need 211/],
      ['extra byte', (b) => Uint8Array.from([...b, 0]), /1 unexpected bytes after the 3 labels/],
      ['pixel 17', (b) => ((b[16 + 64 + 5] = 17), b), /image 1, pixel 5 is 17, above 16/],
      ['pixel 255', (b) => ((b[16] = 255), b), /image 0, pixel 0 is 255/],
      ['label 10', (b) => ((b[16 + 3 * 64 + 2] = 10), b), /image 2 has label 10, expected 0 to 9/],
    ];
    for (const [name, corrupt, message] of cases) {
      let caught: unknown = null;
      try {
        parseDigits(corrupt(smallFile(3)));
      } catch (err) {
        caught = err;
      }
      expect(caught, name).toBeInstanceOf(Error);
      expect((caught as Error).message, name).toMatch(message);
      expect((caught as Error).message.startsWith(PREFIX), name).toBe(true);
    }
  });

  it('1,500 random, truncated and bit-flipped inputs each give a valid table or an Error with a message', () => {
    const real = digitsBytes();
    const rng = new Rng(20240607);
    const tally = { ok: 0, errors: 0 };
    const messages = new Set<string>();
    const check = (bytes: Uint8Array): void => {
      let table: DigitsTable;
      try {
        table = parseDigits(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
        const text = (err as Error).message;
        expect(text.startsWith(PREFIX)).toBe(true);
        expect(text.length).toBeGreaterThan(PREFIX.length + 8);
        messages.add(text.slice(PREFIX.length, PREFIX.length + 12));
        tally.errors++;
        return;
      }
      expect(consistent(table)).toBe(true);
      tally.ok++;
    };
    for (let i = 0; i < 300; i++) {
      // Random bytes, half of them behind a valid header (so the count and body checks are reached).
      const n = rng.int(i < 150 ? 64 : 4000);
      const b = new Uint8Array(n);
      for (let k = 0; k < n; k++) b[k] = rng.int(256);
      if (i % 2 === 0 && n >= 16) b.set(smallFile(1).subarray(0, 12));
      check(b);
    }
    for (let i = 0; i < 300; i++) check(real.slice(0, rng.int(real.length + 1)));
    for (let i = 0; i < 700; i++) {
      const b = real.slice();
      const flips = 1 + rng.int(8);
      // Most flips land in the header or near it, where they change the meaning of everything after.
      for (let f = 0; f < flips; f++) {
        const at = i % 2 === 0 ? rng.int(16) : rng.int(b.length);
        b[at] = (b[at] ?? 0) ^ (1 << rng.int(8));
      }
      check(b);
    }
    for (let i = 0; i < 200; i++) {
      // A consistent small file with one random byte replaced, or cut, or lengthened.
      const b = smallFile(1 + rng.int(20), rng.int(17));
      const at = rng.int(b.length);
      b[at] = rng.int(256);
      check(i % 3 === 0 ? b.slice(0, rng.int(b.length + 1)) : i % 3 === 1 ? Uint8Array.from([...b, rng.int(256)]) : b);
    }
    expect(tally.ok + tally.errors).toBe(1500);
    expect(tally.ok).toBeGreaterThan(50);
    expect(tally.errors).toBeGreaterThan(500);
    expect(messages.size).toBeGreaterThan(6);
  });
});

describe('loadDigits', () => {
  beforeEach(() => setDigitsTable(null));

  it('before loading, the accessor and makeDataset say the data is not loaded', () => {
    expect(digitsLoaded()).toBe(false);
    expect(needsLoading('digits')).toBe(true);
    expect(needsLoading('spiral')).toBe(false);
    expect(() => digitsTable()).toThrow(/digits data is not loaded yet/);
    expect(() => makeDataset('digits', { samples: 10, classes: 2, noise: 0, seed: 1 }, 'cross_entropy')).toThrow(/not loaded yet/);
  });

  it('fetches once for concurrent callers and installs the table', async () => {
    let calls = 0;
    const fetcher = async (): Promise<Uint8Array> => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return digitsBytes();
    };
    const [a, b] = await Promise.all([loadDigits(fetcher), loadDigits(fetcher)]);
    expect(calls).toBe(1);
    expect(a).toBe(b);
    expect(digitsTable()).toBe(a);
    await loadDigits(fetcher);
    expect(calls).toBe(1);
    expect(needsLoading('digits')).toBe(false);
  });

  it('a failure gives a clear message and the next call tries again', async () => {
    let calls = 0;
    const failing = (): Promise<Uint8Array> => {
      calls++;
      return Promise.reject(new Error('the server answered 404 Not Found for ./data/digits-8x8.bin'));
    };
    await expect(loadDigits(failing)).rejects.toThrow(/could not load the digits data \(data\/digits-8x8\.bin\): the server answered 404/);
    expect(digitsLoaded()).toBe(false);
    await expect(loadDigits(() => Promise.resolve(new Uint8Array(10)))).rejects.toThrow(
      /could not load the digits data.*shorter than the 16-byte header/,
    );
    expect(digitsLoaded()).toBe(false);
    await loadDigits(() => Promise.resolve(digitsBytes()));
    expect(digitsLoaded()).toBe(true);
    expect(calls).toBe(1);
  });

  it('the default loader fetches the file under the base URL', async () => {
    const real = globalThis.fetch;
    const urls: string[] = [];
    globalThis.fetch = ((url: string) => {
      urls.push(url);
      return Promise.resolve(new Response(new Uint8Array(digitsBytes()), { status: 200 }));
    }) as typeof fetch;
    try {
      await ensureDataLoaded('spiral');
      expect(urls).toEqual([]);
      await ensureDataLoaded('digits');
      expect(urls).toHaveLength(1);
      expect(urls[0]).toMatch(/data\/digits-8x8\.bin$/);
      expect(digitsTable().rows).toBe(1797);
      setDigitsTable(null);
      globalThis.fetch = () => Promise.resolve(new Response('missing', { status: 404, statusText: 'Not Found' }));
      await expect(ensureDataLoaded('digits')).rejects.toThrow(/could not load the digits data .*404 Not Found/);
    } finally {
      globalThis.fetch = real;
    }
  });
});

describe("makeDataset('digits')", () => {
  beforeEach(() => {
    installShippedDigits();
  });
  const opts = { samples: 256, classes: 3, noise: 0, seed: 5 };

  it('is deterministic per seed, and another seed picks other images', () => {
    const a = makeDataset('digits', opts, 'cross_entropy');
    const b = makeDataset('digits', { ...opts }, 'cross_entropy');
    const c = makeDataset('digits', { ...opts, seed: 6 }, 'cross_entropy');
    expect(b.x).toEqual(a.x);
    expect(b.y).toEqual(a.y);
    expect(c.x).not.toEqual(a.x);
  });

  it('takes whole images scaled to [0, 1], stratified over the 10 classes; `classes` is ignored', () => {
    const d = makeDataset('digits', opts, 'cross_entropy');
    expect(d.m).toBe(256);
    expect(d.inputs).toBe(64);
    expect(d.classes).toBe(10);
    expect(d.x.every((v) => v >= 0 && v <= 1 && Number.isInteger(v * 16))).toBe(true);
    expect(distinctRowCount(d)).toBe(256);
    const perClass = counts(d.y);
    expect(Math.max(...perClass) - Math.min(...perClass)).toBeLessThanOrEqual(1);
    expect(perClass.reduce((s, v) => s + v, 0)).toBe(256);
    // Every row is an image of the file with its own label.
    const table = digitsTable();
    const byImage = new Map<string, number>();
    for (let r = 0; r < table.rows; r++) byImage.set(table.pixels.subarray(r * 64, (r + 1) * 64).join(','), table.labels[r] ?? -1);
    for (let i = 0; i < d.m; i++) {
      const key = Array.from(d.x.subarray(i * 64, (i + 1) * 64), (v) => Math.round(v * 16)).join(',');
      expect(byImage.get(key)).toBe(d.y[i]);
    }
    expect(
      makeDataset('digits', { ...opts, samples: 10 }, 'cross_entropy')
        .y.slice()
        .sort(),
    ).toEqual(Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(makeDataset('digits', { ...opts, classes: 7 }, 'cross_entropy').x).toEqual(d.x);
  });

  it("clamps m to the 1,797 images; all of them keep the file's class counts", () => {
    for (const samples of [1797, 1798, 20000]) {
      const d = makeDataset('digits', { ...opts, samples }, 'cross_entropy');
      expect(d.m).toBe(1797);
      expect(d.x.length).toBe(1797 * 64);
      expect(counts(d.y)).toEqual(CLASS_COUNTS);
      expect(distinctRowCount(d)).toBe(1797);
    }
    expect(makeDataset('digits', { ...opts, samples: 1 }, 'cross_entropy').m).toBe(1);
    expect(() => makeDataset('digits', { ...opts, samples: 0 }, 'cross_entropy')).toThrow(/samples/);
    // Near the top some classes run out; the rest fill up.
    const most = makeDataset('digits', { ...opts, samples: 1790 }, 'cross_entropy');
    expect(counts(most.y).every((n, c) => n <= (CLASS_COUNTS[c] ?? 0))).toBe(true);
  });

  it('noise adds gaussian noise to the scaled pixels, rows stay distinct', () => {
    const clean = makeDataset('digits', opts, 'cross_entropy');
    const noisy = makeDataset('digits', { ...opts, noise: 0.1 }, 'cross_entropy');
    expect(noisy.y).toEqual(clean.y);
    let sq = 0;
    clean.x.forEach((v, i) => (sq += ((noisy.x[i] ?? 0) - v) ** 2));
    const std = Math.sqrt(sq / clean.x.length);
    expect(std).toBeGreaterThan(0.095);
    expect(std).toBeLessThan(0.105);
    expect(distinctRowCount(noisy)).toBe(256);
  });

  it('encodes targets per loss: class index, one-hot, class 0 vs rest', () => {
    const ce = makeDataset('digits', opts, 'cross_entropy');
    const mse = makeDataset('digits', opts, 'mse');
    const bce = makeDataset('digits', opts, 'bce');
    expect(mse.x).toEqual(ce.x);
    expect(ce.targetWidth).toBe(1);
    expect(outputsFor(ce, 'cross_entropy')).toBe(10);
    expect(ce.y.every((v) => Number.isInteger(v) && v >= 0 && v <= 9)).toBe(true);
    expect(mse.targetWidth).toBe(10);
    expect(outputsFor(mse, 'mse')).toBe(10);
    expect(mse.y.length).toBe(256 * 10);
    for (let i = 0; i < 256; i++) {
      const row = Array.from(mse.y.subarray(i * 10, (i + 1) * 10));
      expect(row.reduce((s, v) => s + v, 0)).toBe(1);
      expect(row[ce.y[i] ?? -1]).toBe(1);
    }
    expect(bce.name).toBe('digits (class 0 vs rest)');
    expect(bce.classes).toBe(2);
    expect(Array.from(bce.y)).toEqual(Array.from(ce.y, (c) => (c === 0 ? 0 : 1)));
  });

  it('reads well in the summary', () => {
    const s = datasetSummary(makeDataset('digits', { ...opts, samples: 100 }, 'cross_entropy'));
    expect(s).toBe('digits: m=100, 64 inputs, 10 classes (10/10/10/10/10/10/10/10/10/10), y 1 wide in [0, 9], x in [0, 1]');
  });
});
