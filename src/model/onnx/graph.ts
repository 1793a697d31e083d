/**
 * A researcher's ONNX model as the landscape sees it: its float initializers become the parameter
 * vector θ (one named segment each, in the file's order), and the graph is rewritten so that each of
 * them is a graph input, fed θ₀ + α·d₁ + β·d₂ at every point. Parsing and re-encoding use the
 * generated protobuf schema of `onnx-proto`; nothing here touches a runtime.
 */
import onnxProto from 'onnx-proto';
import { elementCount, type ModelLayout, type ParamSegment, type SegmentKind } from '../layout';

const { onnx } = onnxProto;
type Model = ReturnType<typeof onnx.ModelProto.decode>;
type Tensor = onnxProto.onnx.ITensorProto;
type Node = onnxProto.onnx.INodeProto;
type ValueInfo = onnxProto.onnx.IValueInfoProto;
type Long = number | { toNumber(): number };

/** Largest .onnx file opened (weights are held several times: the file, θ, the rewritten graph). */
export const MAX_ONNX_BYTES = 256 * 1024 * 1024;

/** The operators tested here (test/model/onnx): anything else is refused by name before a session is made. */
export const SUPPORTED_OPS: ReadonlySet<string> = new Set([
  'Gemm',
  'MatMul',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Relu',
  'LeakyRelu',
  'Tanh',
  'Sigmoid',
  'Conv',
  'BatchNormalization',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Flatten',
  'Reshape',
  'Identity',
  'Dropout',
  'Constant',
  // Shape arithmetic of PyTorch's exports (x.view(x.size(0), -1) becomes Shape → Gather → Unsqueeze → Concat → Reshape).
  'Shape',
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Slice',
  'Transpose',
  'Cast',
  // Attention blocks and transformer layers.
  'Softmax',
  'LogSoftmax',
  'LayerNormalization',
  'ReduceMean',
  'Pow',
  'Sqrt',
  'Erf',
  'Clip',
]);

/** Element types of ONNX tensors (TensorProto.DataType) named in messages. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  16: 'bfloat16',
};
const FLOAT = 1;
const QUANTISED_OPS = /^(QuantizeLinear|DequantizeLinear|QLinear\w+|\w+Integer|MatMulNBits)$/;

/** A named error: every problem with a model file is one of these, its message starting "onnx: ". */
export class OnnxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(`onnx: ${message}`, options);
    this.name = 'OnnxError';
  }
}

/** A dimension: a number, or the name of a free one (the batch). */
export type Dim = number | string;

export interface OnnxGraph {
  /** The rewritten model: every float initializer is a graph input of the same name. */
  readonly bytes: Uint8Array;
  readonly inputName: string;
  /** The data input's shape, first axis the batch (a name when free, a number when fixed). */
  readonly inputShape: readonly Dim[];
  readonly outputName: string;
  readonly outputShape: readonly Dim[];
  /** One segment per float initializer, in the file's order, with the initializers' own names. */
  readonly layout: ModelLayout;
  /** The file's own weights, laid out as `layout`. */
  readonly theta: Float32Array;
  /** The operators the graph uses, sorted. */
  readonly ops: readonly string[];
}

const toNumber = (v: Long | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());
const list = <T>(v: T[] | null | undefined): T[] => v ?? [];
const text = (v: string | null | undefined): string => v ?? '';

/** Parse, check and rewrite a model; throws OnnxError with a readable message on anything it cannot use. */
export function readOnnxGraph(bytes: Uint8Array, maxBytes = MAX_ONNX_BYTES): OnnxGraph {
  if (bytes.length === 0) throw new OnnxError('the file is empty');
  if (bytes.length > maxBytes)
    throw new OnnxError(`the file is ${describeSize(bytes.length)}, more than the limit of ${describeSize(maxBytes)}`);
  let model: Model;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new OnnxError(`not a readable ONNX model (${err instanceof Error ? err.message : String(err)}); is the file complete?`, {
      cause: err,
    });
  }
  const graph = model.graph;
  const nodes = list(graph?.node);
  if (graph === null || graph === undefined || nodes.length === 0)
    throw new OnnxError('the file has no graph (not an ONNX model, or cut short)');
  const defaultOpset = list(model.opsetImport).find((o) => text(o.domain) === '' || o.domain === 'ai.onnx');
  if (defaultOpset === undefined) throw new OnnxError('the model names no ONNX operator set (opset_import)');

  const ops = new Set<string>();
  for (const node of nodes) {
    const op = text(node.opType);
    const domain = text(node.domain);
    if (domain !== '' && domain !== 'ai.onnx') throw new OnnxError(`operator ${domain}.${op} of a custom domain is not supported`);
    if (QUANTISED_OPS.test(op)) throw new OnnxError(`quantised models are not supported (operator ${op}); export in float32`);
    if (!SUPPORTED_OPS.has(op))
      throw new OnnxError(
        `operator ${op || '(unnamed)'} (node "${text(node.name)}") is not supported; supported: ${[...SUPPORTED_OPS].sort().join(', ')}`,
      );
    if (op === 'BatchNormalization' && attrInt(node, 'training_mode') === 1)
      throw new OnnxError(`BatchNormalization "${text(node.name)}" is in training mode; export with model.eval()`);
    ops.add(op);
  }

  const initializers = list(graph.initializer);
  const initNames = new Set<string>();
  for (const t of initializers) {
    const name = text(t.name);
    const type = t.dataType ?? 0;
    if (name === '') throw new OnnxError('an initializer has no name');
    if (initNames.has(name)) throw new OnnxError(`two initializers are named "${name}"`);
    initNames.add(name);
    if (type === 10 || type === 16) throw new OnnxError(`initializer "${name}" is ${TYPE_NAMES[type] ?? ''}: export the model in float32`);
    if (type === 2 || type === 3)
      throw new OnnxError(`initializer "${name}" is ${TYPE_NAMES[type] ?? ''}: quantised models are not supported`);
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || list(t.externalData).length > 0)
      throw new OnnxError(
        `initializer "${name}" is stored in an external data file; export a single file (weights under 2 GB are kept inside)`,
      );
  }

  const dataInputs = list(graph.input).filter((i) => !initNames.has(text(i.name)));
  if (dataInputs.length !== 1)
    throw new OnnxError(
      `the model has ${dataInputs.length} graph inputs (${dataInputs.map((i) => text(i.name)).join(', ') || 'none'}); one data input is supported`,
    );
  const input = dataInputs[0] as ValueInfo;
  const inputShape = tensorShape(input, 'input');
  const outputs = list(graph.output);
  if (outputs.length !== 1)
    throw new OnnxError(
      `the model has ${outputs.length} outputs (${outputs.map((o) => text(o.name)).join(', ')}); one output (the logits or predictions) is supported`,
    );
  const output = outputs[0] as ValueInfo;
  const outputShape = tensorShape(output, 'output');

  const consumers = consumerRoles(nodes);
  const segments: ParamSegment[] = [];
  const params: Tensor[] = [];
  let offset = 0;
  for (const t of initializers) {
    if (t.dataType !== FLOAT) continue;
    const name = text(t.name);
    const shape = list(t.dims as Long[] | null | undefined).map(toNumber);
    if (shape.some((d) => !Number.isInteger(d) || d < 0 || d > 2 ** 31))
      throw new OnnxError(`initializer "${name}" has a bad shape [${shape.join(', ')}]`);
    const count = elementCount(shape);
    if (count > 2 ** 28) throw new OnnxError(`initializer "${name}" has ${count} values, more than the limit of ${2 ** 28}`);
    const role = consumers.get(name) ?? { kind: shape.length >= 2 ? 'weight' : 'bias' };
    const transposed = role.kind === 'weight' && role.outputAxis === 1 && shape.length === 2;
    segments.push({ name, kind: role.kind, shape, offset, ...(transposed ? { outputAxis: 1 as const } : {}) });
    params.push(t);
    offset += count;
  }
  if (params.length === 0) throw new OnnxError('the model has no float32 initializers (weights) to move');
  if (offset > 2 ** 28) throw new OnnxError(`the model has ${offset} parameters, more than the limit of ${2 ** 28}`);
  const theta = new Float32Array(offset);
  params.forEach((t, i) => readFloats(t, theta, segments[i] as ParamSegment));

  // The rewrite: float initializers leave the initializer list and become inputs (the data first).
  const paramNames = new Set(segments.map((seg) => seg.name));
  graph.initializer = initializers.filter((t) => !paramNames.has(text(t.name)));
  graph.input = [
    input,
    ...segments.map((seg) => ({
      name: seg.name,
      type: { tensorType: { elemType: FLOAT, shape: { dim: seg.shape.map((d) => ({ dimValue: d })) } } },
    })),
  ];
  let out: Uint8Array;
  try {
    out = onnx.ModelProto.encode(model).finish();
  } catch (err) {
    throw new OnnxError(`the model could not be re-encoded (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  return {
    bytes: out,
    inputName: text(input.name),
    inputShape,
    outputName: text(output.name),
    outputShape,
    layout: { segments, size: offset },
    theta,
    ops: [...ops].sort(),
  };
}

function describeSize(n: number): string {
  return n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${n} bytes`;
}

/**
 * What a parameter is from the slot that reads it: Conv/Gemm/MatMul weight or bias, BatchNorm or
 * LayerNorm scale/shift, BatchNorm running statistics. A MatMul's right operand (x·W) is stored
 * [inputs, outputs]: its output axis is 1; a Gemm's B with transB = 0 likewise.
 */
function consumerRoles(nodes: readonly Node[]): Map<string, { kind: SegmentKind; outputAxis?: 1 }> {
  const roles = new Map<string, { kind: SegmentKind; outputAxis?: 1 }>();
  for (const node of nodes) {
    const op = text(node.opType);
    list(node.input).forEach((name, slot) => {
      let kind: SegmentKind | null = null;
      let outputAxis: 1 | undefined;
      if (op === 'Conv') kind = slot === 1 ? 'weight' : slot === 2 ? 'bias' : null;
      else if (op === 'Gemm') {
        kind = slot === 1 ? 'weight' : slot === 2 ? 'bias' : null;
        if (slot === 1 && attrInt(node, 'transB') !== 1) outputAxis = 1;
      } else if (op === 'MatMul') {
        kind = 'weight';
        if (slot === 1) outputAxis = 1;
      } else if (op === 'BatchNormalization') kind = slot === 1 || slot === 2 ? 'norm' : slot >= 3 ? 'running-stat' : null;
      else if (op === 'LayerNormalization') kind = slot === 1 || slot === 2 ? 'norm' : null;
      else if (op === 'Add' || op === 'Sub') kind = 'bias';
      if (kind !== null && !roles.has(name)) roles.set(name, outputAxis === undefined ? { kind } : { kind, outputAxis });
    });
  }
  return roles;
}

function attrInt(node: Node, name: string): number | null {
  const a = list(node.attribute).find((x) => x.name === name);
  return a === undefined ? null : toNumber(a.i as Long | null | undefined);
}

function tensorShape(info: ValueInfo, what: string): Dim[] {
  const name = text(info.name);
  const tensor = info.type?.tensorType;
  if (tensor === null || tensor === undefined) throw new OnnxError(`the ${what} "${name}" is not a tensor`);
  const elem = tensor.elemType ?? 0;
  if (elem !== FLOAT)
    throw new OnnxError(
      elem === 10 || elem === 16
        ? `the ${what} "${name}" is ${TYPE_NAMES[elem] ?? ''}: export the model in float32`
        : `the ${what} "${name}" is ${TYPE_NAMES[elem] ?? `type ${elem}`}; float32 is supported`,
    );
  const dims = list(tensor.shape?.dim);
  if (dims.length === 0) throw new OnnxError(`the ${what} "${name}" has no shape; export with an example input`);
  return dims.map((d, i) => {
    const param = text(d.dimParam);
    if (param !== '') return param;
    const v = toNumber(d.dimValue as Long | null | undefined);
    if (v <= 0) return i === 0 ? 'N' : `d${i}`;
    return v;
  });
}

function readFloats(t: Tensor, theta: Float32Array, seg: ParamSegment): void {
  const count = elementCount(seg.shape);
  const raw = t.rawData;
  if (raw !== null && raw !== undefined && raw.length > 0) {
    if (raw.length !== count * 4)
      throw new OnnxError(`initializer "${seg.name}" holds ${raw.length} bytes, its shape [${seg.shape.join(', ')}] needs ${count * 4}`);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) theta[seg.offset + i] = dv.getFloat32(i * 4, true);
    return;
  }
  const floats = list(t.floatData);
  if (floats.length !== count)
    throw new OnnxError(`initializer "${seg.name}" holds ${floats.length} values, its shape [${seg.shape.join(', ')}] needs ${count}`);
  theta.set(floats, seg.offset);
}

/** The same architecture: the same parameter names, kinds and shapes in the same order. */
export function sameArchitecture(a: ModelLayout, b: ModelLayout): string | null {
  if (a.segments.length !== b.segments.length) return `${a.segments.length} weight tensors against ${b.segments.length}`;
  for (let i = 0; i < a.segments.length; i++) {
    const x = a.segments[i] as ParamSegment;
    const y = b.segments[i] as ParamSegment;
    if (x.name !== y.name || x.shape.join(',') !== y.shape.join(','))
      return `tensor ${i} is "${x.name}" [${x.shape.join(', ')}] in one and "${y.name}" [${y.shape.join(', ')}] in the other`;
  }
  return null;
}
