/** What the network reads of a dataset: x row-major m × inputs; y as the loss needs it. */
export interface Samples {
  readonly m: number;
  readonly inputs: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
}
