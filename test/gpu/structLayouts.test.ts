/**
 * Every WGSL struct the TypeScript side packs, checked against the shader source: field order,
 * field types (f32 fields written as floats, the others as integers) and byte size, by watching
 * the real packers of each kernel at work (packStruct for the uniform structs, the buffer writes
 * for the Layer tables the shaders read as arrays).
 */
import { describe, expect, it, vi } from 'vitest';
import fmaPeakWgsl from '../../shaders/fmaPeak.wgsl?raw';
import { makeDataset } from '../../src/data/generators';
import { CURVE_GRADIENT_SHADER_SOURCE, CURVE_PARAMS_FIELDS, CURVE_POINTS_SHADER_SOURCE } from '../../src/gpu/curveStep.gpu';
import { GRAD_LAYER_FIELDS, GRAD_PARAMS_FIELDS, GRADIENT_REDUCE_SHADER_SOURCE, GRADIENT_SHADER_SOURCE } from '../../src/gpu/gradient.gpu';
import {
  FIRST_LAYER_PARAMS_FIELDS,
  FIRST_LAYER_SHADER_SOURCE,
  GRID_LAYER_FIELDS,
  GRID_PARAMS_FIELDS,
  GRID_SHADER_SOURCE,
  LossGridKernel,
} from '../../src/gpu/lossGrid.gpu';
import { squareGrid } from '../../src/gpu/lossGrid.types';
import { DIVERGENCE_SHADER_SOURCE, OPTIMIZER_PARAMS_FIELDS, OPTIMIZER_SHADER_SOURCE } from '../../src/gpu/optimizer.gpu';
import { packStruct, wgslStructLayout, type WgslStructLayout } from '../../src/gpu/structLayout';
import { UNIFORM_SLOT_BYTES } from '../../src/gpu/uniformRing';
import {
  VECTOR_LOSS_LAYER_FIELDS,
  VECTOR_LOSS_PARAMS_FIELDS,
  VECTOR_LOSS_SHADER_SOURCE,
  VectorLossKernel,
} from '../../src/gpu/vectorLoss.gpu';
import { initParams } from '../../src/model/init';
import { isResidualLayer, paramLayout, type MlpSpec } from '../../src/model/spec';
import { trainCurve } from '../../src/train/curveTraining';
import { nodeGpu, withErrorScopes } from './nodeGpu';

interface PackCall {
  readonly fields: readonly string[];
  readonly values: Readonly<Record<string, number>>;
  readonly floatFields: ReadonlySet<string>;
  readonly buffer: ArrayBuffer;
}

/** Every packStruct call the kernels make, with what they passed and got back. */
const packed = vi.hoisted((): PackCall[] => []);

vi.mock('../../src/gpu/structLayout', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/gpu/structLayout')>();
  const recording: typeof original.packStruct = (fields, values, floatFields) => {
    const buffer = original.packStruct(fields, values, floatFields);
    packed.push({ fields: [...fields], values: { ...values }, floatFields: new Set(floatFields), buffer });
    return buffer;
  };
  return { ...original, packStruct: recording };
});

/** A device whose queue.writeBuffer also records what went into which (labelled) buffer. */
function recordingDevice(device: GPUDevice, writes: { label: string; bytes: Uint8Array }[]): GPUDevice {
  const bindTo = (target: object, value: unknown): unknown => (typeof value === 'function' ? value.bind(target) : value);
  const queue = new Proxy(device.queue, {
    get(target, prop) {
      if (prop === 'writeBuffer') {
        return (buffer: GPUBuffer, offset: number, data: BufferSource, dataOffset?: number, size?: number): void => {
          const view = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
          writes.push({ label: buffer.label, bytes: view.slice() });
          if (dataOffset === undefined) target.writeBuffer(buffer, offset, data);
          else target.writeBuffer(buffer, offset, data, dataOffset, size);
        };
      }
      return bindTo(target, Reflect.get(target, prop));
    },
  });
  return new Proxy(device, {
    get(target, prop) {
      return prop === 'queue' ? queue : bindTo(target, Reflect.get(target, prop));
    },
  });
}

/** The shader's struct matches the fields, float set and bytes of every call its packer made. */
function expectPackerMatches(layout: WgslStructLayout, fields: readonly string[], label: string, maxBytes: number): void {
  expect(
    layout.fields.map((f) => f.name),
    `${label}: field order`,
  ).toEqual([...fields]);
  const calls = packed.filter((c) => c.fields.length === fields.length && c.fields.every((f, i) => f === fields[i]));
  expect(calls.length, `${label}: the kernel packed it`).toBeGreaterThan(0);
  for (const call of calls) {
    expect(call.buffer.byteLength, `${label}: bytes written`).toBeGreaterThanOrEqual(layout.size);
    expect(call.buffer.byteLength % 16, `${label}: a uniform block is a multiple of 16 bytes`).toBe(0);
    expect(call.buffer.byteLength, `${label}: fits its buffer or uniform slot`).toBeLessThanOrEqual(maxBytes);
    const view = new DataView(call.buffer);
    for (const field of layout.fields) {
      const value = call.values[field.name];
      expect(call.floatFields.has(field.name), `${label}.${field.name}: written as ${field.type}`).toBe(field.type === 'f32');
      if (value === undefined) throw new Error(`${label}: the packer gave no value for ${field.name}`);
      const read =
        field.type === 'f32'
          ? view.getFloat32(field.offset, true)
          : field.type === 'i32'
            ? view.getInt32(field.offset, true)
            : view.getUint32(field.offset, true);
      const want = field.type === 'f32' ? Math.fround(value) : field.type === 'i32' ? value | 0 : value >>> 0;
      expect(Object.is(read, want) || read === want, `${label}.${field.name} at byte ${field.offset}`).toBe(true);
    }
  }
}

/** Rows of a Layer table as the shader reads them (stride = the struct's size), checked against paramLayout. */
function expectLayerTable(
  layout: WgslStructLayout,
  fields: readonly string[],
  bytes: Uint8Array | undefined,
  spec: MlpSpec,
  label: string,
): void {
  expect(
    layout.fields.map((f) => f.name),
    `${label}: field order`,
  ).toEqual([...fields]);
  for (const f of layout.fields) expect(f.type, `${label}.${f.name}`).toBe('u32');
  if (!bytes) throw new Error(`${label}: the kernel wrote no layer table`);
  const layers = paramLayout(spec);
  expect(bytes.byteLength, `${label}: one struct per layer`).toBe(layers.layers.length * layout.size);
  const table = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const column = (name: string): number => layout.fields.findIndex((f) => f.name === name);
  layers.layers.forEach((l, i) => {
    const row = (name: string): number | undefined => (column(name) < 0 ? undefined : table[(i * layout.size) / 4 + column(name)]);
    expect(row('inputs'), `${label} row ${i}.inputs`).toBe(l.inputs);
    expect(row('outputs'), `${label} row ${i}.outputs`).toBe(l.outputs);
    expect(row('addInput'), `${label} row ${i}.addInput`).toBe(isResidualLayer(spec, layers, i) ? 1 : 0);
    if (column('weightOffset') >= 0) expect(row('weightOffset'), `${label} row ${i}.weightOffset`).toBe(l.weightOffset);
    if (column('biasOffset') >= 0)
      expect(row('biasOffset'), `${label} row ${i}.biasOffset`).toBe(l.biasOffset < 0 ? 0xffffffff : l.biasOffset);
  });
}

// Residual (one skip), with biases: every column of every Layer table carries a value to check.
const spec: MlpSpec = { inputs: 2, hidden: [4, 4], outputs: 2, activation: 'tanh', loss: 'cross_entropy', bias: true, residual: true };
const data = makeDataset('moons', { samples: 12, classes: 2, noise: 0.1, seed: 5 }, 'cross_entropy');

describe('WGSL structs against their TypeScript packers', () => {
  it('lossGrid: GridParams, FirstLayerParams and the Layer table', async () => {
    const { device } = await nodeGpu();
    const writes: { label: string; bytes: Uint8Array }[] = [];
    packed.length = 0;
    const kernel = new LossGridKernel(recordingDevice(device, writes));
    try {
      const center = initParams(spec, 1);
      const request = squareGrid({ spec, samples: data, center, directionX: initParams(spec, 2), directionY: initParams(spec, 3) }, 3, 0.5);
      await withErrorScopes(device, () => kernel.run(request));
    } finally {
      kernel.dispose();
    }
    const gridBytes = Math.ceil((GRID_PARAMS_FIELDS.length * 4) / 16) * 16;
    expectPackerMatches(wgslStructLayout(GRID_SHADER_SOURCE, 'GridParams'), GRID_PARAMS_FIELDS, 'GridParams', gridBytes);
    expectPackerMatches(wgslStructLayout(FIRST_LAYER_SHADER_SOURCE, 'FirstLayerParams'), FIRST_LAYER_PARAMS_FIELDS, 'FirstLayerParams', 32);
    // Known values reach their fields: the packer was given the request, not something else.
    const grid = packed.find((c) => c.fields[0] === 'gridSize');
    expect([grid?.values.gridSize, grid?.values.alphaStart, grid?.values.betaStep]).toEqual([3, -0.5, 0.5]);
    expectLayerTable(
      wgslStructLayout(GRID_SHADER_SOURCE, 'Layer'),
      GRID_LAYER_FIELDS,
      writes.find((w) => w.label === 'LossGridKernel.layers')?.bytes,
      spec,
      'lossGrid Layer',
    );
  });

  it('curve training: GradParams and its Layer table (both gradient shaders), OptimizerParams (both optimiser shaders), CurveParams (both curve shaders)', async () => {
    const { device } = await nodeGpu();
    const writes: { label: string; bytes: Uint8Array }[] = [];
    packed.length = 0;
    const a = initParams(spec, 1);
    const b = initParams(spec, 2);
    const result = await withErrorScopes(device, () =>
      trainCurve(
        {
          spec,
          samples: data,
          a,
          b,
          steps: 2,
          tPerStep: 2,
          seed: 1,
          optimizer: 'adam',
          learningRate: 0.01,
          kind: 'bezier',
          weightDecay: 1e-3,
        },
        recordingDevice(device, writes),
      ),
    );
    expect(result.stepLosses).toHaveLength(2);
    for (const source of [GRADIENT_SHADER_SOURCE, GRADIENT_REDUCE_SHADER_SOURCE]) {
      expectPackerMatches(wgslStructLayout(source, 'GradParams'), GRAD_PARAMS_FIELDS, 'GradParams', UNIFORM_SLOT_BYTES);
      expectLayerTable(
        wgslStructLayout(source, 'Layer'),
        GRAD_LAYER_FIELDS,
        writes.find((w) => w.label === 'GradientKernel.layers')?.bytes,
        spec,
        'gradient Layer',
      );
    }
    for (const source of [OPTIMIZER_SHADER_SOURCE, DIVERGENCE_SHADER_SOURCE]) {
      expectPackerMatches(wgslStructLayout(source, 'OptimizerParams'), OPTIMIZER_PARAMS_FIELDS, 'OptimizerParams', UNIFORM_SLOT_BYTES);
    }
    for (const source of [CURVE_POINTS_SHADER_SOURCE, CURVE_GRADIENT_SHADER_SOURCE]) {
      expectPackerMatches(wgslStructLayout(source, 'CurveParams'), CURVE_PARAMS_FIELDS, 'CurveParams', UNIFORM_SLOT_BYTES);
    }
    const curve = packed.find((c) => c.fields[0] === 'paramCount' && c.fields.includes('weightDecay'));
    expect(curve?.values.weightDecay).toBe(1e-3);
  });

  it('vectorLoss: VectorLossParams and the Layer table', async () => {
    const { device } = await nodeGpu();
    const writes: { label: string; bytes: Uint8Array }[] = [];
    packed.length = 0;
    const kernel = new VectorLossKernel(recordingDevice(device, writes), spec, data);
    try {
      const thetas = new Float32Array([...initParams(spec, 1), ...initParams(spec, 2)]);
      await withErrorScopes(device, () => kernel.evaluate(thetas, 2));
    } finally {
      kernel.dispose();
    }
    expectPackerMatches(wgslStructLayout(VECTOR_LOSS_SHADER_SOURCE, 'VectorLossParams'), VECTOR_LOSS_PARAMS_FIELDS, 'VectorLossParams', 32);
    const layers = writes.find((w) => w.label.endsWith('.layers'))?.bytes;
    expectLayerTable(wgslStructLayout(VECTOR_LOSS_SHADER_SOURCE, 'Layer'), VECTOR_LOSS_LAYER_FIELDS, layers, spec, 'vectorLoss Layer');
  });

  it('fmaPeak (bench): Params is the trip count and padding, the 16 bytes bench/page/fmaPeak.ts writes as four u32', () => {
    const layout = wgslStructLayout(fmaPeakWgsl, 'Params');
    expect(layout.fields.map((f) => [f.name, f.type])).toEqual([
      ['iters', 'u32'],
      ['_pad0', 'u32'],
      ['_pad1', 'u32'],
      ['_pad2', 'u32'],
    ]);
    expect(layout.size).toBe(16);
  });

  it('the reader sees a drifted struct: a type, an order or a size change fails the comparison', () => {
    const source = 'struct S {\n  a: u32,\n  b: f32, // why\n}\nstruct T { b: f32, a: u32 }';
    expect(wgslStructLayout(source, 'S')).toEqual({
      fields: [
        { name: 'a', type: 'u32', offset: 0 },
        { name: 'b', type: 'f32', offset: 4 },
      ],
      size: 8,
    });
    expect(wgslStructLayout(source, 'T').fields.map((f) => f.name)).toEqual(['b', 'a']);
    expect(() => wgslStructLayout('struct V { m: vec4<f32> }', 'V')).toThrow(/unsupported field/);
    expect(() => wgslStructLayout(source, 'Missing')).toThrow(/not found/);
    expect(new DataView(packStruct(['a', 'b'], { a: 7, b: 0.5 }, new Set(['b']))).getFloat32(4, true)).toBe(0.5);
  });
});
