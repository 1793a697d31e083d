/** .npy and .csv of the grid, and the model bundle: round trips and clear errors. */
import { describe, expect, it } from 'vitest';
import { bundleToJson, parseBundle } from '../../src/io/bundle';
import { parseCsvSurface, surfaceToCsv } from '../../src/io/csv';
import { detectFormat, importFile } from '../../src/io/importFile';
import { float32Npy, parseNpy, parseNpySurface, surfaceToNpy } from '../../src/io/npy';
import { makeBundle, makeSurface } from './fixtures';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('npy', () => {
  it('writes a v1.0 header, <f4, C order, shape (ny, nx), 64-byte aligned', () => {
    const bytes = surfaceToNpy(makeSurface(6, 3));
    const headerLength = (bytes[8] ?? 0) | ((bytes[9] ?? 0) << 8);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect([bytes[6], bytes[7]]).toEqual([1, 0]);
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 6\), \} *\n$/);
    expect((10 + headerLength) % 64).toBe(0);
    expect(bytes.length).toBe(10 + headerLength + 6 * 3 * 4);
  });

  it('round-trips the grid, NaN cells included', () => {
    const surface = makeSurface(6, 3, { holes: true });
    const r = parseNpySurface(surfaceToNpy(surface));
    if (!r.ok) throw new Error(r.error);
    expect([r.value.nx, r.value.ny]).toEqual([6, 3]);
    expect(Array.from(r.value.loss)).toEqual(Array.from(surface.loss));
    expect(r.value.unfilled).toBe(1);
  });

  it('reads big-endian float64 and Fortran order', () => {
    const header = "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 3), }";
    const padded = header.padEnd(128 - 10 - 1, ' ') + '\n';
    const out = new Uint8Array(128 + 6 * 8);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
    out.set(utf8(padded), 10);
    // Fortran order: column-major of [[0, 1, 2], [3, 4, 5]] is 0 3 1 4 2 5.
    [0, 3, 1, 4, 2, 5].forEach((v, i) => new DataView(out.buffer).setFloat64(128 + i * 8, v, false));
    const r = parseNpy(out);
    if (!r.ok) throw new Error(r.error);
    expect(Array.from(r.value.values)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('names what is wrong', () => {
    const good = float32Npy(new Float32Array(12), [3, 4]);
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, good.length - 1), /truncated/],
      [float32Npy(new Float32Array(4), [4]), /2-D/],
      [utf8('hello world'), /magic/],
      [float32Npy(new Float32Array(0), [4097, 0]), /limit of 4096/],
    ];
    for (const [bytes, pattern] of cases) {
      const r = parseNpySurface(bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(pattern);
    }
  });
});

describe('csv', () => {
  it('writes ix, iy, alpha, beta, loss, accuracy in grid index order and reads it back', () => {
    const surface = makeSurface(4, 3, { accuracy: true, holes: true });
    const text = surfaceToCsv(surface);
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('ix,iy,alpha,beta,loss,accuracy');
    expect(lines).toHaveLength(13);
    expect(lines[2]?.startsWith('1,0,')).toBe(true);
    const r = parseCsvSurface(utf8(text));
    if (!r.ok) throw new Error(r.error);
    expect([r.value.nx, r.value.ny]).toEqual([4, 3]);
    expect(Array.from(r.value.loss)).toEqual(Array.from(surface.loss));
    expect(Array.from(r.value.accuracy ?? [])).toEqual(Array.from(surface.accuracy ?? []));
    expect(Array.from(r.value.betas)).toEqual(Array.from(surface.betas));
  });

  it('names what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['a,b\n1,2\n', /header/],
      ['ix,iy,alpha,beta,loss\n0,0,0,0,1\n1,0,1,0,1\n0,1,0,1,1\n', /3 rows.*2 × 2/],
      ['ix,iy,alpha,beta,loss\n0,0,0,0,1\n0,0,0,0,1\n1,0,1,0,1\n1,1,1,1,1\n', /twice|4 rows/],
      ['ix,iy,alpha,beta,loss\n0,0,0,0,x\n', /not a number/],
      ['ix,iy,alpha,beta,loss\n0,0,0,0\n', /fields/],
    ];
    for (const [text, pattern] of cases) {
      const r = parseCsvSurface(utf8(text));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(pattern);
    }
  });
});

describe('model bundle', () => {
  it('round-trips spec, weights, data and directions', () => {
    const bundle = makeBundle();
    const r = parseBundle(utf8(bundleToJson(bundle)));
    if (!r.ok) throw new Error(r.error);
    expect(r.value.spec).toEqual(bundle.spec);
    expect(r.value.m).toBe(bundle.m);
    expect(Array.from(r.value.theta)).toEqual(Array.from(bundle.theta));
    expect(Array.from(r.value.x)).toEqual(Array.from(bundle.x));
    expect(Array.from(r.value.y)).toEqual(Array.from(bundle.y));
    expect(Array.from(r.value.directionX ?? [])).toEqual(Array.from(bundle.directionX ?? []));
  });

  it("reads what the README's PyTorch snippet writes (named_parameters of Linear layers, nested x)", () => {
    const json = {
      format: 'loss-landscape-explorer/model-bundle',
      version: 1,
      spec: { inputs: 2, hidden: [2], outputs: 3, activation: 'relu', loss: 'cross_entropy', bias: true },
      parameters: [
        {
          name: '0.weight',
          shape: [2, 2],
          data: [
            [1, 2],
            [3, 4],
          ],
        },
        { name: '0.bias', shape: [2], data: [0.5, -0.5] },
        {
          name: '2.weight',
          shape: [3, 2],
          data: [
            [1, 0],
            [0, 1],
            [1, 1],
          ],
        },
        { name: '2.bias', shape: [3], data: [0, 0, 0] },
      ],
      data: {
        x: [
          [0, 1],
          [1, 0],
        ],
        y: [2, 0],
      },
    };
    const r = parseBundle(utf8(JSON.stringify(json)));
    if (!r.ok) throw new Error(r.error);
    expect(Array.from(r.value.theta.subarray(0, 6))).toEqual([1, 2, 3, 4, 0.5, -0.5]);
    expect(r.value.m).toBe(2);
  });

  it('carries residual: round trip, written out as false for a plain net, missing reads as off', () => {
    const plain = JSON.parse(bundleToJson(makeBundle())) as { spec: Record<string, unknown> };
    expect(plain.spec['residual']).toBe(false);
    const back = parseBundle(utf8(JSON.stringify(plain)));
    if (!back.ok) throw new Error(back.error);
    expect(back.value.spec.residual ?? false).toBe(false);
    delete plain.spec['residual'];
    const old = parseBundle(utf8(JSON.stringify(plain)));
    if (!old.ok) throw new Error(old.error);
    expect(old.value.spec.residual ?? false).toBe(false);

    const base = makeBundle();
    const spec = { ...base.spec, hidden: [3, 3], residual: true };
    const theta = Float32Array.from({ length: 3 * 2 + 3 + 3 * 3 + 3 + 3 + 1 }, (_, i) => Math.cos(i));
    const bundle = { ...base, spec, theta, directionX: theta.map((v) => 0.5 * v), directionY: theta.map((v) => -v) };
    const text = bundleToJson(bundle);
    expect((JSON.parse(text) as { spec: { residual: unknown } }).spec.residual).toBe(true);
    const r = parseBundle(utf8(text));
    if (!r.ok) throw new Error(r.error);
    expect(r.value.spec).toEqual(spec);
    expect(Array.from(r.value.theta)).toEqual(Array.from(theta));
  });

  it('reads what the README\'s residual PyTorch module writes (layers.i.* names, "residual": true)', () => {
    const json = {
      format: 'loss-landscape-explorer/model-bundle',
      version: 1,
      spec: { inputs: 1, hidden: [2, 2], outputs: 1, activation: 'tanh', loss: 'mse', bias: true, residual: true },
      parameters: [
        { name: 'layers.0.weight', shape: [2, 1], data: [[1], [2]] },
        { name: 'layers.0.bias', shape: [2], data: [0, 0] },
        {
          name: 'layers.1.weight',
          shape: [2, 2],
          data: [
            [0.5, 0],
            [0, -1],
          ],
        },
        { name: 'layers.1.bias', shape: [2], data: [0.1, 0.2] },
        { name: 'layers.2.weight', shape: [1, 2], data: [[1, 1]] },
        { name: 'layers.2.bias', shape: [1], data: [0] },
      ],
      data: { x: [[0.5]], y: [0] },
    };
    const r = parseBundle(utf8(JSON.stringify(json)));
    if (!r.ok) throw new Error(r.error);
    expect(r.value.spec.residual).toBe(true);
    expect(Array.from(r.value.theta)).toEqual([1, 2, 0, 0, 0.5, 0, 0, -1, 0.1, 0.2, 1, 1, 0].map(Math.fround));
  });

  it('names what is wrong', () => {
    const good = JSON.parse(bundleToJson(makeBundle())) as Record<string, unknown>;
    const cases: [unknown, RegExp][] = [
      [{ ...good, format: 'x' }, /format/],
      [{ ...good, spec: { ...(good['spec'] as object), activation: 'swish' } }, /activation/],
      [{ ...good, spec: { ...(good['spec'] as object), residual: 'yes' } }, /spec\.residual should be true or false, got "yes"/],
      [{ ...good, spec: { ...(good['spec'] as object), residual: 1 } }, /residual should be true or false/],
      [{ ...good, parameters: (good['parameters'] as unknown[]).slice(1) }, /3 parameter tensors, the spec has 4/],
      [{ ...good, data: { x: [[1, 2]], y: [1, 2] } }, /data\.y has 2 values/],
      [{ ...good, data: { x: [[1, 2, 3]], y: [1] } }, /multiple of inputs/],
      [{ ...good, directions: { x: [1], y: [2] } }, /directions/],
    ];
    for (const [value, pattern] of cases) {
      const r = parseBundle(utf8(JSON.stringify(value)));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(pattern);
    }
    const text = bundleToJson(makeBundle());
    const truncated = parseBundle(utf8(text.slice(0, text.length - 10)));
    expect(truncated.ok ? '' : truncated.error).toMatch(/truncated/);
  });
});

describe('format detection', () => {
  it('goes by magic bytes first, then the name', async () => {
    expect(detectFormat(surfaceToNpy(makeSurface(3, 3)), 'grid.bin')).toBe('npy');
    expect(detectFormat(utf8('{"a":1}'), 'noext')).toBe('bundle');
    expect(detectFormat(utf8('ix,iy'), 'x.csv')).toBe('csv');
    const r = await importFile(utf8('garbage'), 'x.txt');
    expect(r.ok ? '' : r.error).toMatch(/unknown file type/);
    const empty = await importFile(new Uint8Array(0), 'x.h5');
    expect(empty.ok ? '' : empty.error).toMatch(/empty/);
  });
});
