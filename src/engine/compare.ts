/**
 * Compare mode's second surface: the state's plane with one change (src/state/compare.ts), computed by
 * the same Engine next to the first surface and apart from its caches. Its own three stages, each keyed by
 * what it reads: θ₀ (the first view's θ₀, or one trained from another seed on the same data), the plane
 * (random directions from a seed, filter-normalised or not, or Hessian eigenvectors at that θ₀), and the
 * surface (coarse to fine, resumable like the first). So turning compare mode on never touches the first
 * surface, a view-only change recomputes neither, and a cancelled second surface resumes where it stopped.
 */
import { throwIfAborted } from '../gpu/lossGrid.types';
import type { Plane } from '../landscape/directions';
import { EIGEN_ONLY } from '../landscape/hessian';
import type { Surface } from '../landscape/surface';
import type { AppState } from '../state/appState';
import { rightRecipe, type PlaneRecipe } from '../state/compare';
import { curvaturePlane, type CurvatureAxes } from './curvaturePlane';
import type { LandscapeModel } from './model';
import { dataKeyOf, planeOf, shiftCenter, type Engine, type PipelineResult } from './pipeline';
import { Refinement } from './progressive';

export interface CompareResult {
  /** The key it was computed for (`CompareStage.keyOf`). */
  readonly key: string;
  readonly recipe: PlaneRecipe;
  readonly surface: Surface;
  readonly plane: Plane;
  /** The eigenpairs of a Hessian plane (null for a random one). */
  readonly curvature: CurvatureAxes | null;
  /** θ₀ of the second view (the first view's own unless it trains another seed). */
  readonly theta: Float32Array;
  /** Full-batch loss at that θ₀. */
  readonly trainLoss: number;
  readonly warnings: readonly string[];
}

/** 'train': θ₀ of another seed trains; 'hessian': Lanczos for a curvature plane; 'grid': the surface. */
export type CompareReporter = (stage: 'train' | 'hessian' | 'grid', fraction: number, detail: string) => void;

export class CompareStage {
  private trained: { key: string; theta: Float32Array; loss: number } | null = null;
  private planeCache: { key: string; plane: Plane; curvature: CurvatureAxes | null } | null = null;
  private surfaceCache: { key: string; refinement: Refinement; warnings: string[] } | null = null;
  private finished: CompareResult | null = null;
  /** How often each stage ran (tests check what a change recomputes). */
  readonly runs = { train: 0, plane: 0, surface: 0 };

  constructor(private readonly engine: Engine) {}

  /** The second view's key for a state over the first view's result; null when compare mode is off. */
  keyOf(state: AppState, left: PipelineResult): string | null {
    const recipe = rightRecipe(state);
    if (recipe === null) return null;
    return this.keys(state, left, recipe).surface;
  }

  /** The finished second surface for this state and first result, if it was computed. */
  current(state: AppState, left: PipelineResult): CompareResult | null {
    const key = this.keyOf(state, left);
    return key !== null && this.finished?.key === key ? this.finished : null;
  }

  /**
   * The second surface: only the stages whose key changed run. Coarse levels go to `onPicture` as they are
   * done. Rejects with an AbortError when `signal` aborts; a later call resumes.
   */
  async compute(
    state: AppState,
    left: PipelineResult,
    signal: AbortSignal,
    report: CompareReporter,
    onPicture?: (coarse: CompareResult) => void,
  ): Promise<CompareResult> {
    const recipe = rightRecipe(state);
    if (recipe === null) throw new Error('compare mode is off: there is no second surface');
    const done = this.current(state, left);
    if (done !== null) return done;
    const keys = this.keys(state, left, recipe);
    const warnings: string[] = [];
    const model = left.model;

    let theta = left.theta;
    let trainLoss = left.trainLoss;
    if (keys.train !== null) {
      if (this.trained?.key !== keys.train) {
        this.runs.train++;
        const steps = state.train.steps;
        const ran = await this.engine.trainFrom(model, model.initialTheta(recipe.trainSeed), state.train, signal, (step, loss) =>
          report('train', step / Math.max(1, steps), `θ₀ of seed ${recipe.trainSeed}: step ${step} · loss ${loss.toPrecision(4)}`),
        );
        warnings.push(...ran.warnings);
        this.trained = { key: keys.train, theta: ran.value.theta, loss: ran.value.finalLoss };
      }
      theta = this.trained.theta;
      trainLoss = this.trained.loss;
    }
    throwIfAborted(signal);

    if (this.planeCache?.key !== keys.plane) {
      this.runs.plane++;
      this.planeCache = { key: keys.plane, ...(await this.planeFor(state, recipe, model, theta, signal, report, warnings)) };
      this.surfaceCache = null;
    }
    const { plane, curvature } = this.planeCache;

    if (this.surfaceCache?.key !== keys.surface) {
      this.runs.surface++;
      this.surfaceCache = {
        key: keys.surface,
        refinement: new Refinement(model, plane, state.plane.gridSize, state.plane.span),
        warnings: [],
      };
    }
    const entry = this.surfaceCache;
    const result = (surface: Surface): CompareResult => ({
      key: keys.surface,
      recipe,
      surface,
      plane,
      curvature,
      theta,
      trainLoss,
      warnings: [...warnings, ...entry.warnings],
    });
    const refinement = entry.refinement;
    if (!refinement.finished && refinement.picture !== null) onPicture?.(result(refinement.picture));
    if (!refinement.finished) {
      await refinement.refine(
        async (m, points, onProgress) => {
          const ran = await this.engine.grid(m, points, signal, onProgress);
          entry.warnings.push(...ran.warnings);
          return ran;
        },
        signal,
        (fraction, level) => report('grid', fraction, `second view: computing ${level.size}²`),
        (picture) => onPicture?.(result(picture)),
        0,
      );
    }
    const final = refinement.picture;
    if (final === null) throw new Error('the second surface finished without a picture');
    this.finished = result(final);
    return this.finished;
  }

  private async planeFor(
    state: AppState,
    recipe: PlaneRecipe,
    model: LandscapeModel,
    theta: Float32Array,
    signal: AbortSignal,
    report: CompareReporter,
    warnings: string[],
  ): Promise<{ plane: Plane; curvature: CurvatureAxes | null }> {
    if (recipe.directions === 'random') {
      const seeded: AppState = { ...state, seed: recipe.directionSeed, plane: { ...state.plane, filterNormalize: recipe.filterNormalize } };
      return { plane: planeOf(seeded, model, theta), curvature: null };
    }
    const ran = await this.engine.hessian(model, theta, { ...EIGEN_ONLY, seed: recipe.directionSeed }, signal, (f) =>
      report('hessian', f, `second view: Hessian at θ₀, Lanczos ${Math.round(f * 100)}%`),
    );
    warnings.push(...ran.warnings);
    const { plane, axes } = curvaturePlane(ran.value, recipe.directions, theta);
    return { plane: shiftCenter(plane, state), curvature: axes };
  }

  /** The stage keys: θ₀ (null: the first view's), the plane, the surface. */
  private keys(state: AppState, left: PipelineResult, recipe: PlaneRecipe): { train: string | null; plane: string; surface: string } {
    const ownTheta = recipe.trainSeed === state.seed || state.data.kind === 'uvx' || left.model.gradients === null;
    const train = ownTheta ? null : JSON.stringify([dataKeyOf(state), state.train, recipe.trainSeed]);
    const thetaKey = train ?? `first:${idOf(left.theta)}`;
    const plane = JSON.stringify([
      thetaKey,
      recipe.directions,
      recipe.directions === 'random' ? [recipe.filterNormalize, state.plane.keepBiasDirections, state.data.kind] : null,
      recipe.directionSeed,
      state.plane.centerAlpha,
      state.plane.centerBeta,
    ]);
    return { train, plane, surface: JSON.stringify([plane, state.plane.gridSize, state.plane.span]) };
  }
}

/** A number per θ array, so keys can name "the first view's θ₀" without hashing it. */
const thetaIds = new WeakMap<Float32Array, number>();
let nextThetaId = 1;
function idOf(theta: Float32Array): number {
  let id = thetaIds.get(theta);
  if (id === undefined) {
    id = nextThetaId++;
    thetaIds.set(theta, id);
  }
  return id;
}
