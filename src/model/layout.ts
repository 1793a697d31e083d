/**
 * The parameter layout every model shares with the engine: one flat Float32Array of parameters, cut
 * into named tensors. Directions, filter normalisation, paths and exports read only this, so they work
 * on any model (a built-in MLP, an ONNX graph) the same way.
 */

/**
 * What a tensor is to the landscape: `weight` (moved by directions, filter-normalised per output row /
 * filter), `bias` and `norm` (scale and shift of a normalisation layer; zero in a direction unless biases
 * are kept), `running-stat` (running mean / variance of a normalisation layer: never moved).
 */
export type SegmentKind = 'weight' | 'bias' | 'norm' | 'running-stat';

/** One named tensor inside the flat parameter vector, row-major; a weight's first axis is its output unless `outputAxis` says 1. */
export interface ParamSegment {
  readonly name: string;
  readonly kind: SegmentKind;
  readonly shape: readonly number[];
  readonly offset: number;
  /**
   * 1 for a 2-D weight stored [inputs, outputs] (an ONNX MatMul's right operand, x·W: how PyTorch exports an
   * nn.Linear applied to a 3-D input, its [out, in] parameter transposed); absent or 0: the first axis.
   */
  readonly outputAxis?: 0 | 1;
}

export interface ModelLayout {
  readonly segments: readonly ParamSegment[];
  /** Total parameter count: the length of θ. */
  readonly size: number;
}

/** Elements of a tensor of this shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * The filters of a segment as filter normalisation sees them: a weight has one per output (a row, or a
 * column of an [inputs, outputs] weight), anything else is one filter. Filter f holds the `length`
 * elements start(f), start(f) + stride, … of θ.
 */
export function segmentFilters(seg: ParamSegment): { count: number; length: number; stride: number; start: (f: number) => number } {
  const size = elementCount(seg.shape);
  if (seg.kind !== 'weight' || seg.shape.length < 2) return { count: 1, length: size, stride: 1, start: () => seg.offset };
  if (seg.outputAxis === 1 && seg.shape.length === 2) {
    const [inputs = 0, outputs = 0] = seg.shape;
    return { count: outputs, length: inputs, stride: outputs, start: (f) => seg.offset + f };
  }
  const rows = seg.shape[0] ?? 1;
  const cols = rows > 0 ? size / rows : 0;
  return { count: rows, length: cols, stride: 1, start: (f) => seg.offset + f * cols };
}
