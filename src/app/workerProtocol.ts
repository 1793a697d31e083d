import type { GridRequest, GridResult } from '../gpu/lossGrid.types';
import type { MlpSpec } from '../model/spec';
import type { GridSamples } from '../gpu/lossGrid.types';

/** Messages to the engine worker (CPU training and the CPU grid fallback). */
export type WorkerRequest =
  | {
      readonly type: 'train';
      readonly id: number;
      readonly spec: MlpSpec;
      readonly samples: GridSamples;
      readonly theta0: Float32Array;
      readonly steps: number;
      readonly learningRate: number;
    }
  | { readonly type: 'grid'; readonly id: number; readonly request: GridRequest };

export interface TrainReply {
  readonly theta: Float32Array;
  readonly finalLoss: number;
  readonly diverged: boolean;
}

export type WorkerReply =
  | { readonly type: 'progress'; readonly id: number; readonly fraction: number; readonly loss?: number }
  | { readonly type: 'train-done'; readonly id: number; readonly result: TrainReply }
  | { readonly type: 'grid-done'; readonly id: number; readonly result: GridResult }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
