import type { Surface } from '../landscape/surface';
import type { AppState } from '../state/appState';
import type { Segment } from '../model/spec';

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
}

declare global {
  interface Window {
    landscape: LandscapeApi;
  }
}
