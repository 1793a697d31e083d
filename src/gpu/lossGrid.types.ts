import type { Samples } from '../model/samples';
import type { MlpSpec } from '../model/spec';

/** The samples a kernel reads (a `Dataset` fits). */
export type GridSamples = Samples;

/**
 * Points α_ix = alphaStart + ix·alphaStep for ix < gridSize, β_iy = betaStart + iy·betaStep for
 * iy < rows (default gridSize: a square grid), result index iy·gridSize + ix.
 */
export interface GridRequest {
  readonly spec: MlpSpec;
  readonly samples: GridSamples;
  readonly center: Float32Array;
  readonly directionX: Float32Array;
  readonly directionY: Float32Array;
  readonly gridSize: number;
  /** Rows along β; absent: gridSize (square). Coarse-to-fine passes evaluate strips of a grid. */
  readonly rows?: number;
  readonly alphaStart: number;
  readonly alphaStep: number;
  readonly betaStart: number;
  readonly betaStep: number;
  /**
   * Row iy lies at β = betaStart + (firstRow + iy)·betaStep (default 0): a strip or shard of a larger grid
   * gives the very float32 coordinates of the whole grid's rows, so its cells equal the whole grid's bit for bit.
   */
  readonly firstRow?: number;
}

export interface GridResult {
  /** Mean loss per point, index iy·gridSize + ix. */
  readonly loss: Float32Array;
  /** Fraction correct per point; present for classifiers. */
  readonly accuracy?: Float32Array;
}

export interface GridRunOptions {
  readonly signal?: AbortSignal;
  /** Fraction done in [0, 1]. */
  readonly onProgress?: (fraction: number) => void;
  /** Which WGSL grid kernel variant runs the job (src/gpu/lossGridVariants.ts); absent: the default. CPU engines ignore it. */
  readonly variant?: string;
}

/** A square grid over [−span, span]². */
export function squareGrid(
  base: Omit<GridRequest, 'gridSize' | 'alphaStart' | 'alphaStep' | 'betaStart' | 'betaStep'>,
  gridSize: number,
  span: number,
): GridRequest {
  const step = gridSize > 1 ? (2 * span) / (gridSize - 1) : 0;
  const start = gridSize > 1 ? -span : 0;
  return { ...base, gridSize, alphaStart: start, alphaStep: step, betaStart: start, betaStep: step };
}

/** Whether a job was cancelled; a call, so a check after an `await` is not narrowed away by the type checker. */
export function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Throw an AbortError when the job was cancelled (between dispatches, after an await). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (isAborted(signal)) throw new AbortError();
}

export class AbortError extends Error {
  constructor() {
    super('cancelled by a newer request');
    this.name = 'AbortError';
  }
}
