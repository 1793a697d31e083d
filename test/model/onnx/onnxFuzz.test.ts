/**
 * The ONNX reader fed over a thousand malformed models (fast-check): random bytes, files cut short,
 * bit flips and overwritten bytes inside a valid CNN, and valid protobuf with wrong fields (types,
 * shapes, names, operators). Each either reads (and then its layout is consistent) or throws an
 * OnnxError whose message starts "onnx: "; nothing else is thrown and nothing hangs.
 */
import fc from 'fast-check';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { OnnxError, readOnnxGraph } from '../../../src/model/onnx/graph';
import { elementCount } from '../../../src/model/layout';
import { cnnFixture } from './fixtures';
import { mutate } from '../../io/fuzzCheck';

const { onnx } = onnxProto;
const RUNS = 1500;

function check(bytes: Uint8Array, tally: { errors: number; accepted: number }): void {
  try {
    const g = readOnnxGraph(bytes);
    tally.accepted++;
    let offset = 0;
    for (const seg of g.layout.segments) {
      expect(seg.offset).toBe(offset);
      offset += elementCount(seg.shape);
    }
    expect(g.theta.length).toBe(offset);
    expect(g.layout.size).toBe(offset);
  } catch (err) {
    if (!(err instanceof OnnxError)) throw new Error(`not an OnnxError: ${String(err)}`, { cause: err });
    tally.errors++;
    expect(err.message.startsWith('onnx: ')).toBe(true);
    expect(err.message.length).toBeGreaterThan(14);
  }
}

/** A valid model with one field made wrong. */
function wrongField(valid: Uint8Array, which: number, pick: number, value: number): Uint8Array {
  const model = onnx.ModelProto.decode(valid);
  const graph = model.graph;
  if (!graph) return valid;
  const inits = graph.initializer ?? [];
  const nodes = graph.node ?? [];
  const init = inits[pick % Math.max(1, inits.length)];
  const nd = nodes[pick % Math.max(1, nodes.length)];
  switch (which % 8) {
    case 0:
      if (init) init.dataType = value % 20;
      break;
    case 1:
      if (init) init.dims = [value % 7, (value >> 3) % 5];
      break;
    case 2:
      if (nd) nd.opType = ['Softmax', 'Loop', '', 'QLinearConv', 'Gemm', 'Conv'][value % 6] ?? '';
      break;
    case 3:
      if (init) init.name = value % 2 === 0 ? '' : (inits[0]?.name ?? '');
      break;
    case 4:
      graph.input = value % 2 === 0 ? [] : [...(graph.input ?? []), { name: 'extra' }];
      break;
    case 5:
      graph.output = [];
      break;
    case 6:
      if (init) init.rawData = (init.rawData ?? new Uint8Array()).slice(0, value % 12);
      break;
    default:
      model.opsetImport = [];
  }
  return onnx.ModelProto.encode(model).finish();
}

describe('ONNX reader on malformed input', () => {
  it(`never throws anything but an OnnxError (${RUNS} inputs)`, () => {
    const valid = cnnFixture(5, 2, 3, 1).bytes;
    const tally = { errors: 0, accepted: 0 };
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      fc.integer({ min: 0, max: valid.length - 1 }).map((cut) => valid.slice(0, cut)),
      fc
        .tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 32 }))
        .map(([at, patch]) => mutate(valid, at, patch, valid.length)),
      fc.tuple(fc.integer({ min: 0, max: valid.length * 8 - 1 }), fc.integer({ min: 1, max: 8 })).map(([bit, count]) => {
        const out = valid.slice();
        for (let k = 0; k < count; k++) {
          const b = (bit + k * 977) % (valid.length * 8);
          out[b >> 3] = (out[b >> 3] ?? 0) ^ (1 << (b & 7));
        }
        return out;
      }),
      fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([w, p, v]) => wrongField(valid, w, p, v)),
    );
    fc.assert(
      fc.property(arb, (bytes) => check(bytes, tally)),
      { numRuns: RUNS },
    );
    expect(tally.errors).toBeGreaterThanOrEqual(1000);
    expect(() => readOnnxGraph(valid)).not.toThrow();
  });
});
