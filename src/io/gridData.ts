/**
 * A surface as files carry it: coordinates, values and whatever else the file had. Index order is
 * the app's everywhere: `loss[iy * nx + ix]`, ix along α (x coordinates), iy along β.
 * Unfilled cells (loss-landscape writes −1) are NaN here.
 */
import type { MlpSpec } from '../model/spec';

export interface GridData {
  readonly nx: number;
  readonly ny: number;
  /** α coordinate of each column, length nx. */
  readonly alphas: Float64Array;
  /** β coordinate of each row, length ny. */
  readonly betas: Float64Array;
  /** Loss per point, index iy*nx+ix; NaN where the file had no value. */
  readonly loss: Float32Array;
  /** Accuracy as a fraction in [0, 1] per point, if the file had one. */
  readonly accuracy?: Float32Array;
  /** Further value grids of the file (`test_loss`, `test_acc`, …), same layout. */
  readonly extras: Readonly<Record<string, Float32Array>>;
  /** Number of cells that were unfilled (−1 or NaN). */
  readonly unfilled: number;
  /** What the file says about how it was made (present in files this app wrote). */
  readonly recipe?: SurfaceRecipe;
}

/** Enough to recompute a surface: the network, θ₀, both directions, the data, the seed. */
export interface SurfaceRecipe {
  readonly spec: MlpSpec;
  readonly theta: Float32Array;
  readonly directionX: Float32Array;
  readonly directionY: Float32Array;
  /** Row-major m × inputs. */
  readonly x: Float32Array;
  /** Targets as the app's Dataset keeps them (see src/data/dataset.ts). */
  readonly y: Float32Array;
  readonly seed: number;
  /** The app's URL hash of the state that made the surface ('' when unknown). */
  readonly stateHash: string;
}
