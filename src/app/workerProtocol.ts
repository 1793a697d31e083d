import type { GridRequest, GridResult } from '../gpu/lossGrid.types';
import type { MlpSpec } from '../model/spec';
import type { GridSamples } from '../gpu/lossGrid.types';
import type { MultiSeedOptions, MultiSeedResult } from '../train/multiSeed.types';

/** Multi-seed options that can cross to the worker (no callbacks, no signal). */
export type MultiSeedJob = Omit<MultiSeedOptions, 'onProgress' | 'signal'>;

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
  | { readonly type: 'grid'; readonly id: number; readonly request: GridRequest }
  | { readonly type: 'train-multi'; readonly id: number; readonly job: MultiSeedJob };

export interface TrainReply {
  readonly theta: Float32Array;
  readonly finalLoss: number;
  readonly diverged: boolean;
}

export type WorkerReply =
  | { readonly type: 'progress'; readonly id: number; readonly fraction: number; readonly loss?: number; readonly step?: number; readonly losses?: Float32Array }
  | { readonly type: 'train-multi-done'; readonly id: number; readonly result: MultiSeedResult }
  | { readonly type: 'train-done'; readonly id: number; readonly result: TrainReply }
  | { readonly type: 'grid-done'; readonly id: number; readonly result: GridResult }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
