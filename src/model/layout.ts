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

/** One named tensor inside the flat parameter vector, row-major; a weight's first axis is its output. */
export interface ParamSegment {
  readonly name: string;
  readonly kind: SegmentKind;
  readonly shape: readonly number[];
  readonly offset: number;
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

/** Rows × columns of a segment as filter normalisation sees it: a weight has one row per output. */
export function segmentRows(seg: ParamSegment): { rows: number; cols: number } {
  const count = elementCount(seg.shape);
  if (seg.kind !== 'weight' || seg.shape.length < 2) return { rows: 1, cols: count };
  const rows = seg.shape[0] ?? 1;
  return { rows, cols: rows > 0 ? count / rows : 0 };
}
