/** loss-landscape `.h5` surfaces: round trip, the reference tool's exact layout, orientation. */
import h5wasm from 'h5wasm';
import { describe, expect, it } from 'vitest';
import { parseH5Surface, surfaceToH5 } from '../../src/io/h5Surface';
import { makeRecipe, makeSurface } from './fixtures';

async function writeH5(build: (f: InstanceType<typeof h5wasm.File>) => void): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const path = `/test-${Math.random().toString(36).slice(2)}.h5`;
  const f = new h5wasm.File(path, 'w');
  build(f);
  f.close();
  const bytes = FS.readFile(path);
  FS.unlink(path);
  return bytes;
}

async function readBack(bytes: Uint8Array): Promise<InstanceType<typeof h5wasm.File>> {
  const { FS } = await h5wasm.ready;
  const path = `/read-${Math.random().toString(36).slice(2)}.h5`;
  FS.writeFile(path, bytes);
  return new h5wasm.File(path, 'r');
}

describe('h5 surface export', () => {
  it('writes loss-landscape datasets: float64 coordinates, (nx, ny) values in meshgrid order, acc in percent', async () => {
    const surface = makeSurface(7, 4, { accuracy: true, holes: true });
    const f = await readBack(await surfaceToH5(surface, makeRecipe()));
    const x = f.get('xcoordinates');
    const loss = f.get('train_loss');
    const acc = f.get('train_acc');
    if (!(x instanceof h5wasm.Dataset) || !(loss instanceof h5wasm.Dataset) || !(acc instanceof h5wasm.Dataset))
      throw new Error('missing datasets');
    expect(x.dtype).toBe('<d');
    expect(x.shape).toEqual([7]);
    expect(loss.dtype).toBe('<d');
    expect(loss.shape).toEqual([7, 4]);
    const flat = loss.value as Float64Array;
    // value(ix=3, iy=2) = flat[iy·nx + ix]
    expect(flat[2 * 7 + 3]).toBeCloseTo(surface.loss[2 * 7 + 3] ?? NaN, 6);
    expect(flat[1]).toBe(-1);
    expect((acc.value as Float64Array)[5]).toBeCloseTo((surface.accuracy?.[5] ?? 0) * 100, 4);
    const group = f.get('landscape');
    if (!(group instanceof h5wasm.Group)) throw new Error('no landscape group');
    const specText = group.attrs['spec']?.value;
    if (typeof specText !== 'string') throw new Error('no spec attribute');
    expect(JSON.parse(specText)).toMatchObject({ inputs: 2, hidden: [3], activation: 'tanh' });
    expect(group.keys().sort()).toEqual(['data_x', 'data_y', 'direction_x', 'direction_y', 'theta']);
    f.close();
  });

  it('round-trips: export then import gives the same values, coordinates and recipe', async () => {
    const surface = makeSurface(9, 5, { accuracy: true, holes: true });
    const recipe = makeRecipe();
    const r = await parseH5Surface(await surfaceToH5(surface, recipe));
    if (!r.ok) throw new Error(r.error);
    const g = r.value;
    expect([g.nx, g.ny]).toEqual([9, 5]);
    expect(Array.from(g.alphas)).toEqual(Array.from(surface.alphas));
    expect(Array.from(g.betas)).toEqual(Array.from(surface.betas));
    expect(Number.isNaN(g.loss[1])).toBe(true);
    expect(g.unfilled).toBe(1);
    for (let i = 0; i < g.loss.length; i++) if (i !== 1) expect(g.loss[i]).toBe(surface.loss[i]);
    for (let i = 0; i < g.loss.length; i++) expect(g.accuracy?.[i]).toBeCloseTo(surface.accuracy?.[i] ?? NaN, 6);
    expect(g.recipe?.spec).toEqual(recipe.spec);
    expect(Array.from(g.recipe?.theta ?? [])).toEqual(Array.from(recipe.theta));
    expect(Array.from(g.recipe?.directionY ?? [])).toEqual(Array.from(recipe.directionY));
    expect(Array.from(g.recipe?.x ?? [])).toEqual(Array.from(recipe.x));
    expect(g.recipe?.seed).toBe(7);
    expect(g.recipe?.stateHash).toBe('seed=7&grid=5');
  });

  it("keeps residual in the recipe's spec", async () => {
    const base = makeRecipe();
    const spec = { ...base.spec, hidden: [3, 3], residual: true };
    const theta = Float32Array.from({ length: 3 * 2 + 3 + 3 * 3 + 3 + 3 + 1 }, (_, i) => Math.sin(i));
    const recipe = { ...base, spec, theta, directionX: theta, directionY: theta };
    const r = await parseH5Surface(await surfaceToH5(makeSurface(4, 4), recipe));
    if (!r.ok) throw new Error(r.error);
    expect(r.value.recipe?.spec).toEqual(spec);
  });
});

describe("h5 surface import in loss-landscape's exact layout", () => {
  it('reads a non-square grid with −1 cells and test_loss in the right orientation', async () => {
    const nx = 5;
    const ny = 3;
    const xs = new Float64Array([-1, -0.5, 0, 0.5, 1]);
    const ys = new Float64Array([-2, 0, 2]);
    // As loss-landscape fills it: losses.ravel()[ind] with (x, y) = meshgrid(x, y).ravel()[ind].
    const truth = (x: number, y: number): number => 10 * x + y * y + 13;
    const flat = new Float64Array(nx * ny).fill(-1);
    const acc = new Float64Array(nx * ny).fill(-1);
    const test = new Float64Array(nx * ny).fill(-1);
    for (let ind = 0; ind < nx * ny - 2; ind++) {
      const x = xs[ind % nx] ?? NaN;
      const y = ys[Math.floor(ind / nx)] ?? NaN;
      flat[ind] = truth(x, y);
      acc[ind] = 50 + x;
      test[ind] = truth(x, y) + 1;
    }
    const bytes = await writeH5((f) => {
      f.create_dataset({ name: 'dir_file', data: 'model.pt_weights_xignore=biasbn_xnorm=filter.h5' });
      f.create_dataset({ name: 'xcoordinates', data: xs });
      f.create_dataset({ name: 'ycoordinates', data: ys });
      f.create_dataset({ name: 'train_loss', data: flat, shape: [nx, ny] });
      f.create_dataset({ name: 'train_acc', data: acc, shape: [nx, ny] });
      f.create_dataset({ name: 'test_loss', data: test, shape: [nx, ny] });
    });
    const r = await parseH5Surface(bytes);
    if (!r.ok) throw new Error(r.error);
    const g = r.value;
    expect([g.nx, g.ny]).toEqual([5, 3]);
    expect(g.unfilled).toBe(2);
    for (let iy = 0; iy < ny; iy++) {
      for (let ix = 0; ix < nx; ix++) {
        const v = g.loss[iy * nx + ix] ?? NaN;
        const filled = iy * nx + ix < nx * ny - 2;
        if (!filled) {
          expect(Number.isNaN(v)).toBe(true);
          continue;
        }
        expect(v).toBeCloseTo(truth(xs[ix] ?? NaN, ys[iy] ?? NaN), 5);
        expect(g.accuracy?.[iy * nx + ix]).toBeCloseTo((50 + (xs[ix] ?? 0)) / 100, 6);
        expect(g.extras['test_loss']?.[iy * nx + ix]).toBeCloseTo(truth(xs[ix] ?? NaN, ys[iy] ?? NaN) + 1, 5);
      }
    }
    expect(g.recipe).toBeUndefined();
  });

  it('flips decreasing coordinates so that α and β increase with the index', async () => {
    const bytes = await writeH5((f) => {
      f.create_dataset({ name: 'xcoordinates', data: new Float64Array([1, 0, -1]) });
      f.create_dataset({ name: 'ycoordinates', data: new Float64Array([0, 1]) });
      f.create_dataset({ name: 'train_loss', data: new Float64Array([1, 2, 3, 4, 5, 6]), shape: [3, 2] });
    });
    const r = await parseH5Surface(bytes);
    if (!r.ok) throw new Error(r.error);
    expect(Array.from(r.value.alphas)).toEqual([-1, 0, 1]);
    expect(Array.from(r.value.loss)).toEqual([3, 2, 1, 6, 5, 4]);
  });

  it('names what is wrong: missing datasets, inconsistent shapes, wrong type, 1-D files', async () => {
    const cases: [string, (f: InstanceType<typeof h5wasm.File>) => void, RegExp][] = [
      ['no x', (f) => f.create_dataset({ name: 'other', data: new Float64Array([1]) }), /xcoordinates/],
      [
        '1-D',
        (f) => {
          f.create_dataset({ name: 'xcoordinates', data: new Float64Array([0, 1]) });
          f.create_dataset({ name: 'train_loss', data: new Float64Array([0, 1]) });
        },
        /1-D/,
      ],
      [
        'shape',
        (f) => {
          f.create_dataset({ name: 'xcoordinates', data: new Float64Array([0, 1, 2]) });
          f.create_dataset({ name: 'ycoordinates', data: new Float64Array([0, 1]) });
          f.create_dataset({ name: 'train_loss', data: new Float64Array(4), shape: [2, 2] });
        },
        /shape \(2, 2\).*3 × 2/,
      ],
      [
        'type',
        (f) => {
          f.create_dataset({ name: 'xcoordinates', data: ['a', 'b'] });
          f.create_dataset({ name: 'ycoordinates', data: new Float64Array([0, 1]) });
        },
        /numbers/,
      ],
      [
        'all unfilled',
        (f) => {
          f.create_dataset({ name: 'xcoordinates', data: new Float64Array([0, 1]) });
          f.create_dataset({ name: 'ycoordinates', data: new Float64Array([0, 1]) });
          f.create_dataset({ name: 'train_loss', data: new Float64Array([-1, -1, -1, -1]), shape: [2, 2] });
        },
        /unfilled/,
      ],
    ];
    for (const [, build, pattern] of cases) {
      const r = await parseH5Surface(await writeH5(build));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(pattern);
    }
    const good = await surfaceToH5(makeSurface(4, 4));
    const truncated = await parseH5Surface(good.subarray(0, good.length >> 1));
    expect(truncated).toMatchObject({ ok: false });
  });
});
