/**
 * The shipped "own model" example, public/models/cnn-digits (written by tools/make-onnx-example.py with
 * PyTorch): its files agree with each other and with expected.json, so tests of the ONNX path can compare
 * with PyTorch's own numbers without Python. This reads the files only; it does not evaluate the graph.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import h5wasm from 'h5wasm';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/io/npy';
import { parseDigits } from '../../src/data/digits';
import { digitsBytes } from '../data/digitsFile';

const { onnx } = onnxProto;
const FOLDER = join(resolve(import.meta.dirname, '..', '..'), 'public', 'models', 'cnn-digits');
const CHECKPOINTS = ['model.onnx', 'model-b.onnx', 'model-c.onnx'] as const;

interface TensorEntry {
  readonly name: string;
  readonly shape: number[];
}
interface Parameter extends TensorEntry {
  readonly kind: 'weight' | 'bias' | 'norm';
  readonly direction: 'filter-normalised' | 'zero';
}
interface Checkpoint {
  readonly seed: number;
  readonly centre_loss_f32: number;
  readonly centre_loss_f64: number;
  readonly centre_accuracy: number;
}
interface Expected {
  readonly torch: string;
  readonly architecture: { readonly channels: number; readonly side: number; readonly classes: number };
  readonly parameter_count: number;
  readonly export: { readonly opset_version: number; readonly do_constant_folding: boolean; readonly input_names: string[] };
  readonly data: {
    readonly file: string;
    readonly samples: number;
    readonly x: { readonly shape: number[] };
    readonly y: { readonly shape: number[] };
    readonly rows: number[];
  };
  readonly parameters: Parameter[];
  readonly buffers: TensorEntry[];
  readonly checkpoints: Record<(typeof CHECKPOINTS)[number], Checkpoint>;
  readonly directions: { readonly file: string };
  readonly grid: {
    readonly alphas: number[];
    readonly betas: number[];
    readonly loss_f32: number[];
    readonly loss_f64: number[];
    readonly accuracy: number[];
  };
  readonly line: { readonly t: number[]; readonly loss_f32: number[]; readonly loss_f64: number[] };
}

const expected = JSON.parse(readFileSync(join(FOLDER, 'expected.json'), 'utf8')) as Expected;
const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const relative = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** The float32 initializers of an ONNX file, by name, with their dims. */
function initializers(file: string): Map<string, { dims: number[]; values: Float32Array }> {
  const model = onnx.ModelProto.decode(readFileSync(join(FOLDER, file)));
  const out = new Map<string, { dims: number[]; values: Float32Array }>();
  for (const t of model.graph?.initializer ?? []) {
    expect(t.dataType, `${t.name} is float32`).toBe(onnx.TensorProto.DataType.FLOAT);
    const name = t.name ?? '';
    const raw = t.rawData ?? new Uint8Array(0);
    const dims = (t.dims ?? []).map(Number);
    const values = new Float32Array(product(dims));
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    expect(raw.byteLength, `${name} raw bytes`).toBe(values.length * 4);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
    out.set(name, { dims, values });
  }
  return out;
}

function npyDescr(bytes: Uint8Array): string {
  const headerLength = (bytes[8] ?? 0) | ((bytes[9] ?? 0) << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  return /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1] ?? '';
}

function member(files: Record<string, Uint8Array>, name: string): Uint8Array {
  const bytes = files[name];
  if (bytes === undefined) throw new Error(`data.npz has no ${name}`);
  return bytes;
}

describe('the shipped ONNX example (public/models/cnn-digits)', () => {
  it('expected.json is whole: parameters add up, the grid is 5 × 5, float32 and float64 agree', () => {
    expect(expected.parameters.map((p) => p.name)).toEqual([
      'conv1.weight',
      'bn1.weight',
      'bn1.bias',
      'conv2.weight',
      'bn2.weight',
      'bn2.bias',
      'fc.weight',
      'fc.bias',
    ]);
    expect(expected.parameters.reduce((n, p) => n + product(p.shape), 0)).toBe(expected.parameter_count);
    for (const p of expected.parameters) expect(p.direction).toBe(p.shape.length > 1 ? 'filter-normalised' : 'zero');
    expect(expected.export.do_constant_folding).toBe(false);
    expect(expected.grid.alphas).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(expected.grid.betas).toEqual([-1, -0.5, 0, 0.5, 1]);
    for (const values of [expected.grid.loss_f32, expected.grid.loss_f64, expected.grid.accuracy]) {
      expect(values).toHaveLength(25);
      for (const v of values) expect(Number.isFinite(v) && v >= 0).toBe(true);
    }
    expected.grid.loss_f32.forEach((v, i) => expect(relative(v, expected.grid.loss_f64[i] ?? NaN)).toBeLessThan(1e-4));
    // The grid's centre (ix = iy = 2) is model.onnx itself; the line runs from model.onnx to model-b.onnx.
    const a = expected.checkpoints['model.onnx'];
    const b = expected.checkpoints['model-b.onnx'];
    expect(expected.grid.loss_f64[2 * 5 + 2]).toBeCloseTo(a.centre_loss_f64, 12);
    expect(expected.grid.accuracy[2 * 5 + 2]).toBe(a.centre_accuracy);
    expect(expected.line.t).toHaveLength(11);
    expect(expected.line.loss_f64[0]).toBeCloseTo(a.centre_loss_f64, 12);
    expect(relative(expected.line.loss_f64[10] ?? NaN, b.centre_loss_f64)).toBeLessThan(1e-9);
    // A trained centre, a rising bowl around it, and a barrier on the straight line between two seeds.
    for (const v of expected.grid.loss_f64) expect(v).toBeGreaterThanOrEqual(a.centre_loss_f64);
    expect(Math.max(...expected.line.loss_f64)).toBeGreaterThan(10 * Math.max(a.centre_loss_f64, b.centre_loss_f64));
  });

  it('data.npz holds x float32 [N,1,8,8] = pixel / 16 and y int64 labels of the listed digits rows', () => {
    const files = unzipSync(new Uint8Array(readFileSync(join(FOLDER, expected.data.file))));
    expect(Object.keys(files).sort()).toEqual(['x.npy', 'y.npy']);
    const xBytes = member(files, 'x.npy');
    const yBytes = member(files, 'y.npy');
    expect(npyDescr(xBytes)).toBe('<f4');
    expect(npyDescr(yBytes)).toBe('<i8');
    const x = parseNpy(xBytes);
    const y = parseNpy(yBytes);
    if (!x.ok || !y.ok) throw new Error('data.npz members do not parse');
    const n = expected.data.samples;
    expect(x.value.shape).toEqual([n, 1, 8, 8]);
    expect(y.value.shape).toEqual([n]);
    expect(expected.data.x.shape).toEqual([n, 1, 8, 8]);
    expect(expected.data.rows).toHaveLength(n);
    expect(new Set(expected.data.rows).size).toBe(n);
    const digits = parseDigits(digitsBytes());
    expected.data.rows.forEach((row, i) => {
      expect(y.value.values[i]).toBe(digits.labels[row]);
      for (let j = 0; j < 64; j++) {
        if (x.value.values[i * 64 + j] !== (digits.pixels[row * 64 + j] ?? NaN) / 16) {
          throw new Error(`x[${i}] pixel ${j} is not digits row ${row} / 16`);
        }
      }
    });
  });

  it('the three checkpoints keep the names, BatchNorm and the skip connection; one input x with a free batch size', () => {
    const named = [...expected.parameters, ...expected.buffers];
    const weights = CHECKPOINTS.map((file) => {
      const model = onnx.ModelProto.decode(readFileSync(join(FOLDER, file)));
      const graph = model.graph;
      if (!graph) throw new Error(`${file} has no graph`);
      expect(model.opsetImport.map((o) => Number(o.version))).toContain(expected.export.opset_version);
      const nodes = graph.node ?? [];
      const inputs = graph.input ?? [];
      const ops = nodes.map((n) => n.opType);
      expect(ops.filter((op) => op === 'BatchNormalization')).toHaveLength(2);
      expect(ops.filter((op) => op === 'Conv')).toHaveLength(2);
      expect(ops).toContain('Add');
      expect(inputs.map((i) => i.name)).toEqual(['x']);
      const dims = inputs[0]?.type?.tensorType?.shape?.dim ?? [];
      expect(dims.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 1, 8, 8]);
      expect((graph.output ?? []).map((o) => o.name)).toEqual(['logits']);
      const inits = initializers(file);
      expect([...inits.keys()].sort()).toEqual(named.map((t) => t.name).sort());
      for (const t of named) expect(inits.get(t.name)?.dims, t.name).toEqual(t.shape);
      return inits;
    });
    // Three seeds: same architecture, different weights.
    const fc = weights.map((w) => w.get('fc.weight')?.values[0]);
    expect(new Set(fc).size).toBe(3);
  });

  it("directions.h5 is loss-landscape's layout: one float32 dataset per parameter, filter-normalised to model.onnx", async () => {
    const { FS } = await h5wasm.ready;
    const path = `/onnx-example-${Date.now()}.h5`;
    FS.writeFile(path, new Uint8Array(readFileSync(join(FOLDER, expected.directions.file))));
    const file = new h5wasm.File(path, 'r');
    try {
      expect(file.keys().sort()).toEqual(['xdirection', 'ydirection']);
      const weights = initializers('model.onnx');
      const firsts: number[] = [];
      for (const groupName of ['xdirection', 'ydirection']) {
        const group = file.get(groupName);
        if (!(group instanceof h5wasm.Group)) throw new Error(`${groupName} is not a group`);
        expect(group.keys().sort((a, b) => Number(a) - Number(b))).toEqual(expected.parameters.map((_, i) => String(i)));
        expected.parameters.forEach((p, i) => {
          const ds = group.get(String(i));
          if (!(ds instanceof h5wasm.Dataset)) throw new Error(`${groupName}/${i} is not a dataset`);
          expect(ds.dtype, `${groupName}/${i}`).toBe('<f');
          expect(ds.shape, `${groupName}/${i} (${p.name})`).toEqual(p.shape);
          const d = ds.value as Float32Array;
          if (p.shape.length <= 1) {
            expect(d.every((v) => v === 0)).toBe(true);
            return;
          }
          const w = weights.get(p.name)?.values ?? new Float32Array(0);
          const rows = p.shape[0] ?? 0;
          const per = d.length / rows;
          for (let r = 0; r < rows; r++) {
            let dn = 0;
            let wn = 0;
            for (let k = r * per; k < (r + 1) * per; k++) {
              dn += (d[k] ?? 0) ** 2;
              wn += (w[k] ?? 0) ** 2;
            }
            expect(relative(Math.sqrt(dn), Math.sqrt(wn)), `${p.name} filter ${r}`).toBeLessThan(1e-5);
          }
          if (i === 0) firsts.push(d[0] ?? NaN);
        });
      }
      expect(firsts[0]).not.toBe(firsts[1]);
    } finally {
      file.close();
      FS.unlink(path);
    }
  });

  it('the folder stays small (well under 1 MB) and holds only the listed files', () => {
    const names = readdirSync(FOLDER).sort();
    expect(names).toEqual(['data.npz', 'directions.h5', 'expected.json', 'model-b.onnx', 'model-c.onnx', 'model-state.npz', 'model.onnx']);
    const total = names.reduce((n, f) => n + statSync(join(FOLDER, f)).size, 0);
    expect(total).toBeLessThan(512 * 1024);
  });
});
