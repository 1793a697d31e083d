/**
 * The `.h5` files of a model of one's own. Read: loss-landscape's direction files (groups `xdirection`
 * and `ydirection`, one dataset per parameter named "0", "1", … in PyTorch `parameters()` order).
 * Write: a surface in loss-landscape's layout (src/io/h5Surface.ts) plus a `/landscape` group naming
 * the model file(s) and their SHA-256, the loss, θ₀ and the plane's directions. Never throws on input.
 */
import type { Surface } from '../landscape/surface';
import { surfaceToH5 } from './h5Surface';
import { readH5, writeH5 } from './h5module';
import { checkFileSize, fail, ok, type ParseResult } from './result';

export interface DirectionTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** A direction file's two directions, tensor by tensor in the file's order. */
export interface DirectionFile {
  readonly x: readonly DirectionTensor[];
  readonly y: readonly DirectionTensor[];
}

const MAX_DIRECTION_VALUES = 2 ** 28;

export async function parseDirectionsH5(bytes: Uint8Array): Promise<ParseResult<DirectionFile>> {
  const sizeError = checkFileSize(bytes, 'directions');
  if (sizeError !== null) return fail(sizeError);
  if (bytes.length < 8 || bytes[0] !== 0x89 || bytes[1] !== 0x48 || bytes[2] !== 0x44 || bytes[3] !== 0x46)
    return fail('directions: not an HDF5 file (a loss-landscape direction file is .h5)');
  return readH5(bytes, 'directions', (h5, open) => {
    const read = (groupName: string): ParseResult<DirectionTensor[]> => {
      if (!open.keys().includes(groupName)) return fail(`directions: no "${groupName}" group (not a loss-landscape direction file)`);
      const group = open.get(groupName);
      if (!(group instanceof h5.Group)) return fail(`directions: "${groupName}" is not a group`);
      const names = group.keys();
      if (names.length === 0) return fail(`directions: "${groupName}" holds no tensors`);
      const out: DirectionTensor[] = [];
      let total = 0;
      for (let i = 0; i < names.length; i++) {
        if (!names.includes(String(i)))
          return fail(`directions: "${groupName}" has no dataset "${i}" (expected "0" … "${names.length - 1}")`);
        const ds = group.get(String(i));
        if (!(ds instanceof h5.Dataset)) return fail(`directions: "${groupName}/${i}" is not a dataset`);
        const shape = ds.shape ?? [];
        const type = ds.metadata.type;
        if (type !== 0 && type !== 1) return fail(`directions: "${groupName}/${i}" does not hold numbers`);
        const count = shape.reduce((a, b) => a * b, 1);
        total += count;
        if (total > MAX_DIRECTION_VALUES) return fail(`directions: more than ${MAX_DIRECTION_VALUES} values in "${groupName}"`);
        const value = ds.value;
        if (!ArrayBuffer.isView(value) || value instanceof DataView)
          return fail(`directions: "${groupName}/${i}" could not be read as numbers`);
        const source = value as unknown as ArrayLike<number | bigint>;
        if (source.length !== count) return fail(`directions: "${groupName}/${i}" holds ${source.length} values, its shape says ${count}`);
        out.push({ shape, values: Float32Array.from({ length: count }, (_, k) => Number(source[k] ?? NaN)) });
      }
      return ok(out);
    };
    const x = read('xdirection');
    if (!x.ok) return x;
    const y = read('ydirection');
    if (!y.ok) return y;
    return ok({ x: x.value, y: y.value });
  });
}

/** What the `/landscape` group of an own model's surface file records. */
export interface OnnxSurfaceRecipe {
  readonly files: readonly { readonly name: string; readonly sha256: string }[];
  readonly dataName: string;
  readonly loss: string;
  readonly samples: number;
  readonly theta: Float32Array;
  readonly directionX: Float32Array;
  readonly directionY: Float32Array;
  readonly segments: readonly {
    readonly name: string;
    readonly kind: string;
    readonly shape: readonly number[];
    readonly offset: number;
  }[];
}

/** loss-landscape's surface layout plus the recipe naming the model file(s) and their hashes. */
export async function onnxSurfaceToH5(surface: Surface, recipe: OnnxSurfaceRecipe): Promise<Uint8Array> {
  return writeH5(await surfaceToH5(surface), (_h5, file) => {
    const group = file.create_group('landscape');
    group.create_attribute('format', 'loss-landscape-explorer surface v1 (onnx)');
    group.create_attribute('model_files', recipe.files.map((f) => f.name).join('\n'));
    group.create_attribute('model_sha256', recipe.files.map((f) => f.sha256).join('\n'));
    group.create_attribute('data_file', recipe.dataName);
    group.create_attribute('loss', recipe.loss);
    group.create_attribute('samples', recipe.samples);
    group.create_attribute('segments', JSON.stringify(recipe.segments));
    group.create_dataset({ name: 'theta', data: recipe.theta });
    group.create_dataset({ name: 'direction_x', data: recipe.directionX });
    group.create_dataset({ name: 'direction_y', data: recipe.directionY });
  });
}
