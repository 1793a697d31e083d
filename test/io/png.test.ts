import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkPngOptions, defaultPngOptions, pngSize, readPngSize } from '../../src/io/png';
import { decodePng } from './pngDecode';

/** A PNG made by hand (RGBA, every row with a different filter), to check the test decoder itself. */
function makePng(width: number, height: number, rgba: Uint8Array, filters: number[]): Uint8Array {
  const chunk = (type: string, data: Uint8Array): Buffer => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    Buffer.from(data).copy(out, 8);
    return out; // CRC left 0: readers here do not check it.
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const stride = width * 4;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length] ?? 0;
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const v = rgba[y * stride + x] ?? 0;
      const a = x >= 4 ? (rgba[y * stride + x - 4] ?? 0) : 0;
      const b = y > 0 ? (rgba[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= 4 && y > 0 ? (rgba[(y - 1) * stride + x - 4] ?? 0) : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      raw[y * (stride + 1) + 1 + x] = (v - predictor) & 0xff;
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]));
}

describe('PNG helpers', () => {
  it('the test decoder undoes all five filters', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
        (w, h, filters) => {
          const rgba = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 37 + w * 11 + h) & 0xff);
          const png = makePng(w, h, rgba, filters);
          expect(readPngSize(png)).toEqual({ width: w, height: h });
          const decoded = decodePng(png);
          expect([decoded.width, decoded.height]).toEqual([w, h]);
          expect(Array.from(decoded.rgba)).toEqual(Array.from(rgba));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('readPngSize says null for what is not a PNG', () => {
    expect(readPngSize(new Uint8Array(0))).toBeNull();
    expect(readPngSize(new TextEncoder().encode('not a png at all, really not'))).toBeNull();
  });

  it('sizes are whole multiples of the canvas', () => {
    expect(pngSize(964, 766, 1)).toEqual({ width: 964, height: 766 });
    expect(pngSize(964, 766, 2)).toEqual({ width: 1928, height: 1532 });
    expect(pngSize(964.4, 765.6, 4)).toEqual({ width: 3856, height: 3064 });
    expect(pngSize(0, 0, 4)).toEqual({ width: 4, height: 4 });
  });

  it('options: defaults, accepted values, reported junk, never throws', () => {
    expect(checkPngOptions(undefined)).toEqual({ options: defaultPngOptions(), ignored: [] });
    expect(checkPngOptions({ scale: 4, transparent: true, colorBar: false, caption: false, download: false }).options).toEqual({
      scale: 4,
      transparent: true,
      colorBar: false,
      caption: false,
    });
    expect(checkPngOptions({ scale: '1' }).options.scale).toBe(1);
    const bad = checkPngOptions({ scale: 3, transparent: 'yes', size: 9 });
    expect(bad.options).toEqual(defaultPngOptions());
    expect(bad.ignored).toEqual([
      'PNG scale 3 is not 1, 2 or 4; kept 2',
      'PNG transparent must be true or false; kept false',
      'unknown PNG option "size"',
    ]);
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const { options } = checkPngOptions(input);
        expect([1, 2, 4]).toContain(options.scale);
      }),
      { numRuns: 1000 },
    );
  });
});
