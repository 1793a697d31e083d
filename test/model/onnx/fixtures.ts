/**
 * Small ONNX models built here with the protobuf schema (known weights, seeded), and a plain CPU
 * forward pass of each, written out by hand, to check the runtime path against.
 */
import onnxProto from 'onnx-proto';
import { zipSync } from 'fflate';
import { Rng } from '../../../src/model/rng';

const { onnx } = onnxProto;
const FLOAT = 1;

export interface Fixture {
  readonly bytes: Uint8Array;
  /** Parameters in initializer order, with their names and shapes. */
  readonly params: { name: string; shape: number[]; values: Float32Array }[];
  readonly inputShape: number[];
  /** Output per sample for parameters `p` (same order as params) on one sample x. */
  forward(p: readonly Float32Array[], x: Float32Array): Float64Array;
}

export interface GraphParts {
  nodes: InstanceType<typeof onnx.NodeProto>[];
  inits: InstanceType<typeof onnx.TensorProto>[];
  inputs?: InstanceType<typeof onnx.ValueInfoProto>[];
  inputShape: (number | string)[];
  outputShape: (number | string)[];
  opset?: number;
}

export const tensor = (
  name: string,
  dims: number[],
  values: ArrayLike<number>,
  dataType = FLOAT,
): InstanceType<typeof onnx.TensorProto> => {
  const raw = new Uint8Array(new Float32Array(Array.from(values)).buffer);
  return onnx.TensorProto.create({ name, dims, dataType, rawData: raw });
};

export const valueInfo = (name: string, dims: (number | string)[], elemType = FLOAT): InstanceType<typeof onnx.ValueInfoProto> =>
  onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  });

export const node = (
  opType: string,
  input: string[],
  output: string[],
  attrs: Record<string, number | number[]> = {},
  name = '',
): InstanceType<typeof onnx.NodeProto> =>
  onnx.NodeProto.create({
    opType,
    name: name || `${opType}_${output[0] ?? ''}`,
    input,
    output,
    attribute: Object.entries(attrs).map(([k, v]) =>
      Array.isArray(v)
        ? { name: k, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
        : Number.isInteger(v)
          ? { name: k, type: onnx.AttributeProto.AttributeType.INT, i: v }
          : { name: k, type: onnx.AttributeProto.AttributeType.FLOAT, f: v },
    ),
  });

export function encodeModel(g: GraphParts): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'fixture',
    node: g.nodes,
    initializer: g.inits,
    input: g.inputs ?? [valueInfo('x', g.inputShape)],
    output: [valueInfo('y', g.outputShape)],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: g.opset ?? 17 }], graph });
  // A plain copy: in Node the writer hands back a Buffer, whose slice() is a view, not a copy.
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

function randn(rng: Rng, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * scale;
  return out;
}

/** x → Gemm(W1ᵀ) → Relu → Gemm(W2ᵀ) → outputs: a 2-layer perceptron as PyTorch exports nn.Linear. */
export function mlpFixture(inputs: number, hidden: number, outputs: number, seed: number, batch: number | string = 'N'): Fixture {
  const rng = new Rng(seed);
  const params = [
    { name: 'fc1.weight', shape: [hidden, inputs], values: randn(rng, hidden * inputs, 0.6) },
    { name: 'fc1.bias', shape: [hidden], values: randn(rng, hidden, 0.2) },
    { name: 'fc2.weight', shape: [outputs, hidden], values: randn(rng, outputs * hidden, 0.6) },
    { name: 'fc2.bias', shape: [outputs], values: randn(rng, outputs, 0.2) },
  ];
  const bytes = encodeModel({
    nodes: [
      node('Gemm', ['x', 'fc1.weight', 'fc1.bias'], ['h'], { transB: 1 }),
      node('Relu', ['h'], ['r']),
      node('Gemm', ['r', 'fc2.weight', 'fc2.bias'], ['y'], { transB: 1 }),
    ],
    inits: params.map((p) => tensor(p.name, p.shape, p.values)),
    inputShape: [batch, inputs],
    outputShape: [batch, outputs],
  });
  return {
    bytes,
    params,
    inputShape: [inputs],
    forward: ([w1, b1, w2, b2], x) => {
      const h = new Float64Array(hidden);
      for (let j = 0; j < hidden; j++) {
        let s = b1?.[j] ?? 0;
        for (let i = 0; i < inputs; i++) s += (w1?.[j * inputs + i] ?? 0) * (x[i] ?? 0);
        h[j] = Math.max(0, s);
      }
      const out = new Float64Array(outputs);
      for (let k = 0; k < outputs; k++) {
        let s = b2?.[k] ?? 0;
        for (let j = 0; j < hidden; j++) s += (w2?.[k * hidden + j] ?? 0) * (h[j] ?? 0);
        out[k] = s;
      }
      return out;
    },
  };
}

/**
 * A small residual CNN on [1, S, S] images: conv(1→C, 3×3, pad 1) → BatchNorm → Relu = a;
 * conv(C→C, 3×3, pad 1, no bias) → Relu → Add a (the skip) → GlobalAveragePool → Flatten → Gemm → outputs.
 */
export function cnnFixture(size: number, channels: number, outputs: number, seed: number): Fixture {
  const rng = new Rng(seed);
  const C = channels;
  const var0 = new Float32Array(C);
  for (let c = 0; c < C; c++) var0[c] = 0.5 + rng.uniform();
  const params = [
    { name: 'conv1.weight', shape: [C, 1, 3, 3], values: randn(rng, C * 9, 0.5) },
    { name: 'conv1.bias', shape: [C], values: randn(rng, C, 0.1) },
    { name: 'bn1.weight', shape: [C], values: Float32Array.from(randn(rng, C, 0.2), (v) => 1 + v) },
    { name: 'bn1.bias', shape: [C], values: randn(rng, C, 0.1) },
    { name: 'bn1.running_mean', shape: [C], values: randn(rng, C, 0.1) },
    { name: 'bn1.running_var', shape: [C], values: var0 },
    { name: 'conv2.weight', shape: [C, C, 3, 3], values: randn(rng, C * C * 9, 0.3) },
    { name: 'fc.weight', shape: [outputs, C], values: randn(rng, outputs * C, 0.8) },
    { name: 'fc.bias', shape: [outputs], values: randn(rng, outputs, 0.1) },
  ];
  const conv = { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] };
  const bytes = encodeModel({
    nodes: [
      node('Conv', ['x', 'conv1.weight', 'conv1.bias'], ['c1'], conv),
      node('BatchNormalization', ['c1', 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var'], ['b1'], { epsilon: 1e-5 }),
      node('Relu', ['b1'], ['a']),
      node('Conv', ['a', 'conv2.weight'], ['c2'], conv),
      node('Relu', ['c2'], ['r2']),
      node('Add', ['r2', 'a'], ['s']),
      node('GlobalAveragePool', ['s'], ['g']),
      node('Flatten', ['g'], ['f'], { axis: 1 }),
      node('Gemm', ['f', 'fc.weight', 'fc.bias'], ['y'], { transB: 1 }),
    ],
    inits: params.map((p) => tensor(p.name, p.shape, p.values)),
    inputShape: ['batch', 1, size, size],
    outputShape: ['batch', outputs],
  });
  const conv3 = (input: Float64Array, cin: number, w: Float32Array, b: Float32Array | null): Float64Array => {
    const out = new Float64Array(C * size * size);
    for (let co = 0; co < C; co++)
      for (let i = 0; i < size; i++)
        for (let j = 0; j < size; j++) {
          let s = b?.[co] ?? 0;
          for (let ci = 0; ci < cin; ci++)
            for (let di = -1; di <= 1; di++)
              for (let dj = -1; dj <= 1; dj++) {
                const ii = i + di;
                const jj = j + dj;
                if (ii < 0 || jj < 0 || ii >= size || jj >= size) continue;
                s += (w[((co * cin + ci) * 3 + di + 1) * 3 + dj + 1] ?? 0) * (input[(ci * size + ii) * size + jj] ?? 0);
              }
          out[(co * size + i) * size + j] = s;
        }
    return out;
  };
  return {
    bytes,
    params,
    inputShape: [1, size, size],
    forward: ([w1, b1, g, be, mu, v, w2, wf, bf], x) => {
      const a = conv3(Float64Array.from(x), 1, w1 as Float32Array, b1 as Float32Array);
      const px = size * size;
      for (let c = 0; c < C; c++)
        for (let k = 0; k < px; k++) {
          const z = ((a[c * px + k] ?? 0) - (mu?.[c] ?? 0)) / Math.sqrt((v?.[c] ?? 1) + 1e-5);
          a[c * px + k] = Math.max(0, (g?.[c] ?? 1) * z + (be?.[c] ?? 0));
        }
      const c2 = conv3(a, C, w2 as Float32Array, null);
      const pooled = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let k = 0; k < px; k++) s += Math.max(0, c2[c * px + k] ?? 0) + (a[c * px + k] ?? 0);
        pooled[c] = s / px;
      }
      const out = new Float64Array(outputs);
      for (let k = 0; k < outputs; k++) {
        let s = bf?.[k] ?? 0;
        for (let c = 0; c < C; c++) s += (wf?.[k * C + c] ?? 0) * (pooled[c] ?? 0);
        out[k] = s;
      }
      return out;
    },
  };
}

/** Random inputs: m samples of the fixture's input shape. */
export function randomInputs(fixture: Fixture, m: number, seed: number): Float32Array {
  const n = fixture.inputShape.reduce((a, b) => a * b, 1);
  return randn(new Rng(seed), m * n, 1);
}

/** A `.npy` v1.0 of float32 ('<f4') or int64 ('<i8') values. */
export function npyBytes(values: ArrayLike<number>, shape: readonly number[], descr: '<f4' | '<i8'): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0] ?? 0},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 11, ' ') + '\n';
  const size = descr === '<f4' ? 4 : 8;
  const out = new Uint8Array(total + values.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  const dv = new DataView(out.buffer);
  dv.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  for (let i = 0; i < values.length; i++) {
    if (descr === '<f4') dv.setFloat32(total + i * 4, values[i] ?? 0, true);
    else dv.setBigInt64(total + i * 8, BigInt(Math.round(values[i] ?? 0)), true);
  }
  return out;
}

/** An `.npz` as numpy.savez writes it (stored) or savez_compressed (deflated). */
export function npzBytes(arrays: Record<string, Uint8Array>, compressed = false): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [name, bytes] of Object.entries(arrays)) files[`${name}.npy`] = [bytes, { level: compressed ? 6 : 0 }];
  return zipSync(files);
}
