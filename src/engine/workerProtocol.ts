/** Messages between the page's worker backend and the engine worker: plain, structured-cloneable data. */
import type { HvpResult } from '../gpu/hessianVector.types';
import type { GridResult } from '../gpu/lossGrid.types';
import type { VectorLossResult } from '../gpu/vectorLoss.types';
import type { PathEvaluation } from '../landscape/pathEval';
import type { Path } from '../landscape/paths';
import type { MultiSeedResult } from '../train/multiSeed.types';
import type { CenterJob, CenterResult, CurveJob, CurveResult, MultiSeedJob } from './backend';
import type { ModelRecipe, PlanePoints } from './model';

export type WorkerRequest =
  | { readonly type: 'grid'; readonly id: number; readonly recipe: ModelRecipe; readonly points: PlanePoints }
  | { readonly type: 'points'; readonly id: number; readonly recipe: ModelRecipe; readonly thetas: Float32Array; readonly count: number }
  | { readonly type: 'paths'; readonly id: number; readonly recipe: ModelRecipe; readonly paths: readonly Path[]; readonly points: number }
  | { readonly type: 'center'; readonly id: number; readonly job: CenterJob }
  | { readonly type: 'seeds'; readonly id: number; readonly job: MultiSeedJob }
  | { readonly type: 'curve'; readonly id: number; readonly job: CurveJob }
  | {
      readonly type: 'hvp';
      readonly id: number;
      readonly recipe: ModelRecipe;
      readonly theta: Float32Array;
      readonly vectors: Float64Array;
      readonly count: number;
    };

/** What each request type resolves with. */
export interface WorkerResults {
  grid: GridResult;
  points: VectorLossResult;
  paths: PathEvaluation[];
  center: CenterResult;
  seeds: MultiSeedResult;
  curve: CurveResult;
  hvp: HvpResult;
}

export type WorkerReply =
  | {
      readonly type: 'progress';
      readonly id: number;
      readonly fraction: number;
      readonly step?: number;
      readonly loss?: number;
      readonly losses?: Float32Array;
    }
  | { readonly type: 'done'; readonly id: number; readonly result: WorkerResults[keyof WorkerResults] }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
