import { describe, expect, it } from 'vitest';
import {
  MAX_HIDDEN_LAYERS,
  assertValidSpec,
  describeSpec,
  isResidualLayer,
  layerWidths,
  paramLayout,
  residualLayers,
} from '../../src/model/spec';
import type { MlpSpec, Segment } from '../../src/model/spec';

function spec(inputs: number, hidden: number[], outputs: number, bias: boolean): MlpSpec {
  return { inputs, hidden, outputs, activation: 'tanh', loss: 'mse', bias };
}

/** Compact form of a segment for comparison: [name, kind, shape, offset]. */
function brief(s: Segment): [string, string, number[], number] {
  return [s.name, s.kind, [...s.shape], s.offset];
}

describe('paramLayout', () => {
  it('2-3-1 with bias, offsets written out by hand', () => {
    const layout = paramLayout(spec(2, [3], 1, true));
    // W0: 3×2 = 6 at 0; b0: 3 at 6; W1: 1×3 = 3 at 9; b1: 1 at 12; size 13.
    expect(layout.segments.map(brief)).toEqual([
      ['layers.0.weight', 'weight', [3, 2], 0],
      ['layers.0.bias', 'bias', [3], 6],
      ['layers.1.weight', 'weight', [1, 3], 9],
      ['layers.1.bias', 'bias', [1], 12],
    ]);
    expect(layout.size).toBe(13);
    expect(layout.layers).toEqual([
      { inputs: 2, outputs: 3, weightOffset: 0, biasOffset: 6 },
      { inputs: 3, outputs: 1, weightOffset: 9, biasOffset: 12 },
    ]);
  });

  it('2-3-1 without bias has no bias segments and biasOffset −1', () => {
    const layout = paramLayout(spec(2, [3], 1, false));
    expect(layout.segments.map(brief)).toEqual([
      ['layers.0.weight', 'weight', [3, 2], 0],
      ['layers.1.weight', 'weight', [1, 3], 6],
    ]);
    expect(layout.size).toBe(9);
    expect(layout.layers.map((l) => l.biasOffset)).toEqual([-1, -1]);
  });

  it('no hidden layers: a single affine map', () => {
    const withBias = paramLayout(spec(4, [], 3, true));
    expect(withBias.segments.map(brief)).toEqual([
      ['layers.0.weight', 'weight', [3, 4], 0],
      ['layers.0.bias', 'bias', [3], 12],
    ]);
    expect(withBias.size).toBe(15);
    expect(paramLayout(spec(4, [], 3, false)).size).toBe(12);
  });

  it('2-32-32-1 (the toy net) has 1185 parameters', () => {
    // (32·2 + 32) + (32·32 + 32) + (1·32 + 1) = 96 + 1056 + 33
    expect(paramLayout(spec(2, [32, 32], 1, true)).size).toBe(1185);
    expect(paramLayout(spec(2, [32, 32], 1, false)).size).toBe(64 + 1024 + 32);
  });

  it('3-5-4-2 with bias, offsets by hand', () => {
    const layout = paramLayout(spec(3, [5, 4], 2, true));
    expect(layout.segments.map(brief)).toEqual([
      ['layers.0.weight', 'weight', [5, 3], 0],
      ['layers.0.bias', 'bias', [5], 15],
      ['layers.1.weight', 'weight', [4, 5], 20],
      ['layers.1.bias', 'bias', [4], 40],
      ['layers.2.weight', 'weight', [2, 4], 44],
      ['layers.2.bias', 'bias', [2], 52],
    ]);
    expect(layout.size).toBe(54);
  });

  for (let depth = 0; depth <= MAX_HIDDEN_LAYERS; depth++) {
    for (const bias of [true, false]) {
      it(`${depth} hidden layers, bias=${bias}: contiguous, no gaps, size = sum of segment sizes`, () => {
        const hidden = Array.from({ length: depth }, (_, i) => 2 + ((i * 3) % 5));
        const s = spec(3, hidden, 2, bias);
        const layout = paramLayout(s);
        const widths = [3, ...hidden, 2];
        expect(layerWidths(s)).toEqual(widths);
        expect(layout.layers).toHaveLength(depth + 1);
        expect(layout.segments).toHaveLength((depth + 1) * (bias ? 2 : 1));
        let expectedOffset = 0;
        let expectedSize = 0;
        for (let l = 0; l + 1 < widths.length; l++) {
          const nIn = widths[l] ?? 0;
          const nOut = widths[l + 1] ?? 0;
          expectedSize += nIn * nOut + (bias ? nOut : 0);
          const layer = layout.layers[l];
          expect(layer).toBeDefined();
          if (!layer) continue;
          expect(layer.inputs).toBe(nIn);
          expect(layer.outputs).toBe(nOut);
          expect(layer.weightOffset).toBe(expectedOffset);
          expectedOffset += nIn * nOut;
          expect(layer.biasOffset).toBe(bias ? expectedOffset : -1);
          if (bias) expectedOffset += nOut;
        }
        expect(layout.size).toBe(expectedSize);
        expect(expectedOffset).toBe(expectedSize);
        // Segments tile [0, size) in order.
        let cursor = 0;
        for (const seg of layout.segments) {
          expect(seg.offset).toBe(cursor);
          cursor += seg.shape.reduce((a, b) => a * b, 1);
        }
        expect(cursor).toBe(layout.size);
      });
    }
  }

  it('weights are row-major [out][in]: W[j][k] sits at weightOffset + j·inputs + k', () => {
    // Encode (j, k) into a parameter and read it back through the layout.
    const s = spec(3, [4], 2, true);
    const layout = paramLayout(s);
    const layer = layout.layers[0];
    expect(layer).toBeDefined();
    if (!layer) return;
    const seen = new Set<number>();
    for (let j = 0; j < layer.outputs; j++) {
      for (let k = 0; k < layer.inputs; k++) {
        const idx = layer.weightOffset + j * layer.inputs + k;
        expect(idx).toBeLessThan(layer.biasOffset);
        seen.add(idx);
      }
    }
    expect(seen.size).toBe(12);
    const seg = layout.segments[0];
    expect(seg?.shape).toEqual([layer.outputs, layer.inputs]);
  });
});

describe('describeSpec', () => {
  it('names widths, activation, loss and missing bias', () => {
    expect(describeSpec(spec(2, [32, 32], 1, true))).toBe('2-32-32-1 tanh, mse');
    expect(describeSpec(spec(2, [], 1, false))).toBe('2-1 tanh, mse, no bias');
  });
});

describe('assertValidSpec', () => {
  const good: MlpSpec = { inputs: 2, hidden: [8, 8], outputs: 1, activation: 'relu', loss: 'mse', bias: true };

  it('accepts valid specs', () => {
    expect(() => assertValidSpec(good)).not.toThrow();
    expect(() => assertValidSpec({ ...good, hidden: [] })).not.toThrow();
    expect(() => assertValidSpec({ ...good, hidden: [1, 2, 3, 4, 5, 6] })).not.toThrow();
    expect(() => assertValidSpec({ ...good, loss: 'bce' })).not.toThrow();
    expect(() => assertValidSpec({ ...good, outputs: 3, loss: 'cross_entropy' })).not.toThrow();
    expect(() => assertValidSpec({ ...good, inputs: 4096 })).not.toThrow();
  });

  it('rejects bad widths', () => {
    expect(() => assertValidSpec({ ...good, inputs: 0 })).toThrow(/inputs/);
    expect(() => assertValidSpec({ ...good, inputs: 1.5 })).toThrow(/inputs/);
    expect(() => assertValidSpec({ ...good, inputs: 4097 })).toThrow(/inputs/);
    expect(() => assertValidSpec({ ...good, inputs: Number.NaN })).toThrow(/inputs/);
    expect(() => assertValidSpec({ ...good, outputs: 0 })).toThrow(/outputs/);
    expect(() => assertValidSpec({ ...good, hidden: [8, 0] })).toThrow(/hidden width 2/);
    expect(() => assertValidSpec({ ...good, hidden: [-3] })).toThrow(/hidden width 1/);
  });

  it('rejects more than six hidden layers', () => {
    expect(() => assertValidSpec({ ...good, hidden: [1, 1, 1, 1, 1, 1, 1] })).toThrow(/hidden layers/);
  });

  it('rejects unknown activation and loss', () => {
    const badAct = JSON.parse('{"inputs":2,"hidden":[],"outputs":1,"activation":"swish","loss":"mse","bias":true}') as MlpSpec;
    const badLoss = JSON.parse('{"inputs":2,"hidden":[],"outputs":1,"activation":"tanh","loss":"hinge","bias":true}') as MlpSpec;
    expect(() => assertValidSpec(badAct)).toThrow(/activation/);
    expect(() => assertValidSpec(badLoss)).toThrow(/loss/);
  });

  it('checks output width against the loss', () => {
    expect(() => assertValidSpec({ ...good, outputs: 2, loss: 'bce' })).toThrow(/bce/);
    expect(() => assertValidSpec({ ...good, outputs: 1, loss: 'cross_entropy' })).toThrow(/cross_entropy/);
  });
});

describe('residual (skip connections)', () => {
  const res = (inputs: number, hidden: number[], outputs: number): MlpSpec => ({ ...spec(inputs, hidden, outputs, true), residual: true });

  it('only equal-width hidden → hidden layers add their input; first and output layers stay plain', () => {
    // Layers: 0: 2→3 (first), 1: 3→3, 2: 3→4 (widths differ), 3: 4→4, 4: 4→4 (output).
    expect(residualLayers(res(2, [3, 3, 4, 4], 4))).toEqual([1, 3]);
    // inputs = hidden[0]: the first layer is still plain; hidden = outputs: the output layer too.
    expect(residualLayers(res(3, [3], 3))).toEqual([]);
    expect(residualLayers(res(2, [5, 5, 5, 5, 5, 5], 5))).toEqual([1, 2, 3, 4, 5]);
    expect(residualLayers(res(2, [], 2))).toEqual([]);
    // Off (absent or false): none.
    expect(residualLayers(spec(2, [3, 3], 1, true))).toEqual([]);
    expect(residualLayers({ ...spec(2, [3, 3], 1, true), residual: false })).toEqual([]);
    const s = res(2, [3, 3], 1);
    const layout = paramLayout(s);
    expect([0, 1, 2, 3, -1].map((l) => isResidualLayer(s, layout, l))).toEqual([false, true, false, false, false]);
  });

  it('adds no parameters and says so in the description', () => {
    expect(paramLayout(res(2, [8, 8], 1))).toEqual(paramLayout(spec(2, [8, 8], 1, true)));
    expect(describeSpec(res(2, [8, 8], 1))).toBe('2-8-8-1 tanh, mse, residual');
    expect(describeSpec({ ...spec(2, [8, 8], 1, false), residual: true })).toBe('2-8-8-1 tanh, mse, no bias, residual');
    expect(describeSpec({ ...spec(2, [8, 8], 1, true), residual: false })).toBe('2-8-8-1 tanh, mse');
  });

  it('assertValidSpec rejects a residual that is not a boolean', () => {
    expect(() => assertValidSpec(res(2, [8, 8], 1))).not.toThrow();
    expect(() => assertValidSpec({ ...spec(2, [8, 8], 1, true), residual: 1 as unknown as boolean })).toThrow(/residual/);
  });
});
