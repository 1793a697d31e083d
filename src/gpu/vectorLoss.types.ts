/** Result of evaluating K explicit parameter vectors over all samples (GPU kernel and CPU twin). */
export interface VectorLossResult {
  /** Mean loss per vector (length K). */
  readonly losses: Float32Array;
  /** Fraction correct per vector; present for classifiers. */
  readonly accuracy?: Float32Array;
}
