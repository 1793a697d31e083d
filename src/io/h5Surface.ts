/**
 * loss-landscape (Li et al. 2018) surface files. Layout, as that tool writes it: 1-D float64
 * `xcoordinates` (nx) and `ycoordinates` (ny); 2-D float64 `train_loss`, `train_acc` (percent),
 * optional `test_loss`, `test_acc`, declared (nx, ny) but filled in meshgrid(x, y) order, so
 * value(ix, iy) = flat[iy·nx + ix] (the app's own order); unfilled cells hold −1.
 * This app adds a `/landscape` group with what it takes to recompute the surface.
 */
import type { Surface } from '../landscape/surface';
import type { GridData, SurfaceRecipe } from './gridData';
import { readH5, writeH5, type H5Api, type H5File } from './h5module';
import { parseSpec } from './specJson';
import { MAX_GRID_CELLS, MAX_GRID_SIDE, checkFileSize, checkGridShape, fail, ok, type ParseResult } from './result';

export const H5_RECIPE_GROUP = 'landscape';
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Write a surface (and, when known, how to recompute it) as a loss-landscape `.h5` file. */
export async function surfaceToH5(surface: Surface, recipe?: SurfaceRecipe): Promise<Uint8Array> {
  return writeH5(null, (_h5, file, path) => {
    const nx = surface.alphas.length;
    const ny = surface.betas.length;
    file.create_dataset({ name: 'xcoordinates', data: Float64Array.from(surface.alphas) });
    file.create_dataset({ name: 'ycoordinates', data: Float64Array.from(surface.betas) });
    const loss = new Float64Array(nx * ny);
    const acc = new Float64Array(nx * ny).fill(-1);
    for (let i = 0; i < nx * ny; i++) {
      const v = surface.loss[i] ?? NaN;
      // NaN cannot be told from "not computed" by loss-landscape's readers; Inf is written as is.
      loss[i] = Number.isNaN(v) ? -1 : v;
      const a = surface.accuracy?.[i];
      if (a !== undefined && Number.isFinite(a)) acc[i] = a * 100;
    }
    file.create_dataset({ name: 'train_loss', data: loss, shape: [nx, ny] });
    file.create_dataset({ name: 'train_acc', data: acc, shape: [nx, ny] });
    if (recipe !== undefined) {
      file.create_dataset({ name: 'dir_file', data: `${path.slice(1)}#/${H5_RECIPE_GROUP}` });
      const group = file.create_group(H5_RECIPE_GROUP);
      group.create_attribute('format', 'loss-landscape-explorer surface v1');
      group.create_attribute('spec', JSON.stringify(recipe.spec));
      group.create_attribute('seed', recipe.seed);
      group.create_attribute('state_hash', recipe.stateHash === '' ? '-' : recipe.stateHash);
      group.create_dataset({ name: 'theta', data: recipe.theta });
      group.create_dataset({ name: 'direction_x', data: recipe.directionX });
      group.create_dataset({ name: 'direction_y', data: recipe.directionY });
      const inputs = recipe.spec.inputs;
      const m = inputs > 0 ? Math.floor(recipe.x.length / inputs) : 0;
      group.create_dataset({ name: 'data_x', data: recipe.x, shape: [m, inputs] });
      group.create_dataset({ name: 'data_y', data: recipe.y });
    }
  });
}

/** Read a loss-landscape surface `.h5`; never throws. */
export async function parseH5Surface(bytes: Uint8Array): Promise<ParseResult<GridData>> {
  const sizeError = checkFileSize(bytes, 'h5');
  if (sizeError !== null) return fail(sizeError);
  if (!hasSignature(bytes)) return fail('h5: not an HDF5 file (no HDF5 signature at offset 0, 512, 1024, …)');
  return readH5(bytes, 'h5', readSurface);
}

function hasSignature(bytes: Uint8Array): boolean {
  for (let offset = 0; offset + 8 <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b)) return true;
  }
  return false;
}

type H5Group = InstanceType<H5Api['Group']>;

/** A numeric dataset's values as float64, after checking its rank and size. */
function readNumeric(
  h5: H5Api,
  group: H5Group,
  name: string,
  rank: number,
  maxCount: number,
): ParseResult<{ shape: number[]; values: Float64Array }> | null {
  if (!group.keys().includes(name)) return null;
  const entity = group.get(name);
  if (!(entity instanceof h5.Dataset)) return fail(`h5: "${name}" is not a dataset`);
  const shape = entity.shape;
  if (shape === null || shape.length !== rank) {
    return fail(`h5: "${name}" should be ${rank}-D, it has shape ${shape === null ? 'null' : `(${shape.join(', ')})`}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > maxCount) return fail(`h5: "${name}" has ${count} values, more than the limit of ${maxCount}`);
  const type = entity.metadata.type;
  // H5T classes: 0 integer, 1 float.
  if (type !== 0 && type !== 1) return fail(`h5: "${name}" should hold numbers, it has HDF5 type class ${type}`);
  const value = entity.value;
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return fail(`h5: "${name}" could not be read as numbers`);
  const values = new Float64Array(count);
  const source = value as unknown as ArrayLike<number | bigint>;
  if (source.length !== count) return fail(`h5: "${name}" holds ${source.length} values, its shape says ${count}`);
  for (let i = 0; i < count; i++) values[i] = Number(source[i] ?? NaN);
  return ok({ shape, values });
}

function readSurface(h5: H5Api, file: H5File): ParseResult<GridData> {
  const xs = readNumeric(h5, file, 'xcoordinates', 1, MAX_GRID_SIDE);
  if (xs === null) return fail('h5: no "xcoordinates" dataset: this is not a loss-landscape surface file');
  if (!xs.ok) return xs;
  const ys = readNumeric(h5, file, 'ycoordinates', 1, MAX_GRID_SIDE);
  if (ys === null)
    return fail('h5: no "ycoordinates" dataset: a 1-D loss-landscape file (a line, not a surface) cannot be drawn as a surface');
  if (!ys.ok) return ys;
  const nx = xs.value.values.length;
  const ny = ys.value.values.length;
  const shapeError = checkGridShape(nx, ny, 'h5');
  if (shapeError !== null) return fail(shapeError);
  for (const [name, coords] of [
    ['xcoordinates', xs.value.values],
    ['ycoordinates', ys.value.values],
  ] as const) {
    if (!coords.every(Number.isFinite)) return fail(`h5: "${name}" holds a value that is not finite`);
    if (!strictlyMonotonic(coords)) return fail(`h5: "${name}" is not strictly increasing or decreasing`);
  }
  const grids = new Map<string, Float64Array>();
  const valueNames = file.keys().filter((k) => k === 'train_loss' || k === 'train_acc' || /^(test|val|valid|eval)_(loss|acc)$/.test(k));
  if (!valueNames.includes('train_loss')) return fail('h5: no "train_loss" dataset: nothing to draw');
  for (const name of valueNames) {
    const r = readNumeric(h5, file, name, 2, MAX_GRID_CELLS);
    if (r === null) continue;
    if (!r.ok) return r;
    const [a, b] = r.value.shape;
    // Declared (nx, ny) by loss-landscape, (ny, nx) by a C-order writer: the flat order is the same.
    if (!((a === nx && b === ny) || (a === ny && b === nx))) {
      return fail(`h5: "${name}" has shape (${a}, ${b}) but the coordinates give ${nx} × ${ny}`);
    }
    grids.set(name, r.value.values);
  }
  const flipX = (xs.value.values[0] ?? 0) > (xs.value.values[nx - 1] ?? 0);
  const flipY = (ys.value.values[0] ?? 0) > (ys.value.values[ny - 1] ?? 0);
  const reorder = (flat: Float64Array, scale: number): { values: Float32Array; unfilled: number } => {
    const out = new Float32Array(nx * ny);
    let unfilled = 0;
    for (let iy = 0; iy < ny; iy++) {
      const sy = flipY ? ny - 1 - iy : iy;
      for (let ix = 0; ix < nx; ix++) {
        const sx = flipX ? nx - 1 - ix : ix;
        const v = flat[sy * nx + sx] ?? NaN;
        const unset = v === -1 || Number.isNaN(v);
        if (unset) unfilled++;
        out[iy * nx + ix] = unset ? NaN : v * scale;
      }
    }
    return { values: out, unfilled };
  };
  const lossFlat = grids.get('train_loss');
  if (lossFlat === undefined) return fail('h5: no "train_loss" dataset: nothing to draw');
  const loss = reorder(lossFlat, 1);
  if (loss.unfilled === nx * ny) return fail(`h5: every one of the ${nx * ny} cells of "train_loss" is unfilled (−1)`);
  const extras: Record<string, Float32Array> = {};
  let accuracy: Float32Array | undefined;
  for (const [name, flat] of grids) {
    if (name === 'train_loss') continue;
    const isAcc = name.endsWith('_acc');
    const r = reorder(flat, isAcc ? 0.01 : 1);
    if (name === 'train_acc') {
      if (r.unfilled < nx * ny) accuracy = r.values;
    } else {
      extras[name] = r.values;
    }
  }
  const order = (coords: Float64Array, flip: boolean): Float64Array => (flip ? coords.slice().reverse() : coords);
  const recipe = readRecipe(h5, file);
  return ok({
    nx,
    ny,
    alphas: order(xs.value.values, flipX),
    betas: order(ys.value.values, flipY),
    loss: loss.values,
    ...(accuracy !== undefined ? { accuracy } : {}),
    extras,
    unfilled: loss.unfilled,
    ...(recipe !== null ? { recipe } : {}),
  });
}

function strictlyMonotonic(coords: Float64Array): boolean {
  if (coords.length < 2) return true;
  const up = (coords[1] ?? 0) > (coords[0] ?? 0);
  for (let i = 1; i < coords.length; i++) {
    const d = (coords[i] ?? 0) - (coords[i - 1] ?? 0);
    if (up ? !(d > 0) : !(d < 0)) return false;
  }
  return true;
}

/** The `/landscape` group of files this app wrote; null when absent or unusable. */
function readRecipe(h5: H5Api, file: H5File): SurfaceRecipe | null {
  if (!file.keys().includes(H5_RECIPE_GROUP)) return null;
  const group = file.get(H5_RECIPE_GROUP);
  if (!(group instanceof h5.Group)) return null;
  const attrs = group.attrs;
  const specText = 'spec' in attrs ? attrs['spec'].value : undefined;
  if (typeof specText !== 'string') return null;
  const spec = parseSpec(safeJson(specText));
  if (!spec.ok) return null;
  const seedValue = 'seed' in attrs ? attrs['seed'].value : undefined;
  const hashValue = 'state_hash' in attrs ? attrs['state_hash'].value : undefined;
  const vector = (name: string): Float32Array | null => {
    const r = readNumeric(h5, group, name, 1, 1 << 28);
    return r !== null && r.ok ? Float32Array.from(r.value.values) : null;
  };
  const theta = vector('theta');
  const directionX = vector('direction_x');
  const directionY = vector('direction_y');
  const dataX = readNumeric(h5, group, 'data_x', 2, 1 << 28);
  const y = vector('data_y');
  if (theta === null || directionX === null || directionY === null || dataX === null || !dataX.ok || y === null) return null;
  return {
    spec: spec.value,
    theta,
    directionX,
    directionY,
    x: Float32Array.from(dataX.value.values),
    y,
    seed: typeof seedValue === 'number' ? seedValue : Number(seedValue ?? 0),
    stateHash: typeof hashValue === 'string' && hashValue !== '-' ? hashValue : '',
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
