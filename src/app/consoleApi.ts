import type { Surface } from '../landscape/surface';
import type { AppState } from '../state/appState';
import type { Segment } from '../model/spec';
import type { GridPoint } from '../landscape/sublevelAnalysis';
import type { SublevelResult } from './sublevelController';

/** What `window.landscape` offers power users and tests (documented in the README). */
export interface LandscapeApi {
  /** Resolves when the current surface is drawn; rejects if the newest job failed. */
  ready(): Promise<void>;
  /** A read-only copy of the state. */
  readonly state: AppState;
  /** Merge a partial state (clamped, with a notice for anything ignored), recompute, draw. */
  set(partial: unknown): Promise<void>;
  surface(): Surface;
  model(): {
    spec: {
      widths: number[];
      inputs: number;
      hidden: number[];
      outputs: number;
      activation: string;
      loss: string;
      bias: boolean;
      segments: Segment[];
    };
    theta: Float32Array;
    data: { x: Float32Array; y: Float32Array; m: number; inputs: number };
  };
  plane(): { center: Float32Array; directionX: Float32Array; directionY: Float32Array };
  /** Notices shown for the last change (clamped or ignored values). */
  notices(): string[];
  /**
   * Connected components of {L < level} on the grid (default: the water level on screen), with
   * the connectivity on screen unless given. Does not move the slider. `labels[iy·gridSize+ix]`
   * is the component or −1; `sizes[k]` the cell count of component k.
   */
  sublevel(level?: number, connectivity?: 4 | 8): SublevelResult;
  /**
   * The lowest E at which two grid points lie in one component of {L ≤ E} in this slice
   * (Infinity if never). A point is a grid index, {ix, iy} or {alpha, beta} (nearest grid point).
   */
  mergeLevel(pointA: GridPoint, pointB: GridPoint, connectivity?: 4 | 8): number;
  /** The slice's local minima in birth order (deepest first) with death and persistence. */
  minima(connectivity?: 4 | 8): {
    cell: number; ix: number; iy: number; alpha: number; beta: number; birth: number; death: number; persistence: number;
  }[];
  /** Start the animated sweep of E from min to max, or stop it if running. */
  sweep(): void;
  /** Draw every view now (before a screenshot); they otherwise draw on the next frame. */
  redraw(): void;
}

declare global {
  interface Window {
    landscape: LandscapeApi;
  }
}
