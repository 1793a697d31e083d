/**
 * A surface computed coarse to fine (levels.ts): each level is drawn as soon as it is done and keeps its
 * points for the levels after it. The state of a refinement is kept by the pipeline's surface stage, so
 * a job cancelled part-way and started again for the same surface resumes at the next level: nothing is
 * ever computed twice.
 */
import type { GridResult } from '../gpu/lossGrid.types';
import type { Surface } from '../landscape/surface';
import { throwIfAborted } from '../gpu/lossGrid.types';
import type { Backend } from './backend';
import { gridLevels, levelStrips, levelValues, placeStrip, squarePoints, FIRST_LEVEL_MIN, type GridLevel } from './levels';
import type { LandscapeModel, PlanePoints } from './model';
import { computedSurface } from './surface';
import type { Plane } from '../landscape/directions';

/** Data larger than this gets a first picture from a seeded subsample, marked approximate. */
export const LARGE_DATA = 4096;
/** Samples in that first approximate picture. */
export const SUBSAMPLE = 1024;

/** A picture drawn by a job: its grid size, the samples it used and when it was done (ms from the job's start). */
export interface TimelineEntry {
  readonly gridSize: number;
  readonly samples: number;
  readonly ms: number;
}

/** A level still to compute: its picture's size, the new points it evaluates and the samples per point. */
export interface LevelAhead {
  readonly size: number;
  readonly points: number;
  readonly samples: number;
}

/** What a caller may learn and decide while a surface refines. */
export interface RefineHooks {
  /** A level finished: the new points it evaluated, the samples per point, its time and the backend. */
  readonly measured?: (points: number, samples: number, ms: number, backend: Pick<Backend, 'kind' | 'label'>) => void;
  /**
   * Once a picture is on screen, before the next level: how many of the levels ahead to compute. All of
   * them: go on (it is not asked again); fewer: stop after those, and the refinement stays resumable.
   */
  readonly plan?: (ahead: readonly LevelAhead[]) => Promise<number>;
}

interface Level extends GridLevel {
  /** Computed on a subsample of the data (not part of the final grid). */
  readonly approximate: boolean;
}

/** One surface's refinement: the final grid filled level by level. */
export class Refinement {
  readonly levels: readonly Level[];
  readonly loss: Float32Array;
  readonly accuracy: Float32Array | null;
  /** Levels finished. */
  done = 0;
  centerLoss: number | null = null;
  gridMs = 0;
  backend: Pick<Backend, 'kind' | 'label'> | null = null;
  /** The last finished level's picture (drawn again when a job resumes). */
  picture: Surface | null = null;

  constructor(
    readonly model: LandscapeModel,
    readonly plane: Plane,
    readonly gridSize: number,
    readonly span: number,
  ) {
    const levels: Level[] = gridLevels(gridSize).map((l) => ({ ...l, approximate: false }));
    if (model.sampleCount > LARGE_DATA && gridSize > FIRST_LEVEL_MIN)
      levels.unshift({ size: FIRST_LEVEL_MIN, stride: 0, approximate: true });
    this.levels = levels;
    this.loss = new Float32Array(gridSize * gridSize);
    this.accuracy = model.classifier ? new Float32Array(gridSize * gridSize) : null;
  }

  get finished(): boolean {
    return this.done === this.levels.length;
  }

  /** Grid points of all nested levels up to and including `level` (for progress). */
  private work(upTo: number): number {
    let points = 0;
    this.levels.forEach((l, i) => {
      if (i < upTo) points += l.stride === 0 ? l.size * l.size : 0;
    });
    const nested = this.levels.slice(0, upTo).filter((l) => l.stride > 0);
    const last = nested[nested.length - 1];
    return points + (last ? last.size * last.size : 0);
  }

  /**
   * Compute the levels not done yet, in order, drawing each through `onPicture`. `run` evaluates a batch
   * of points on a backend chosen by the caller (the GPU, the CPU after a GPU failure).
   */
  async refine(
    run: (
      model: LandscapeModel,
      points: PlanePoints,
      onProgress: (fraction: number) => void,
    ) => Promise<{ value: GridResult; backend: Backend }>,
    signal: AbortSignal,
    onProgress: (fraction: number, level: Level) => void,
    onPicture: (picture: Surface, level: Level) => void,
    trainMs: number,
    hooks: RefineHooks = {},
  ): Promise<Surface> {
    const total = this.work(this.levels.length);
    const samplesOf = (level: Level): number => (level.approximate ? Math.min(SUBSAMPLE, this.model.sampleCount) : this.model.sampleCount);
    /** The level index to stop before (the levels' count: go to the end; null: not decided yet). */
    let stopAt: number | null = hooks.plan === undefined ? this.levels.length : null;
    let centerLoss = this.centerLoss;
    if (centerLoss === null) {
      const t0 = performance.now();
      const centre = await run(this.model, squarePoints(this.plane, 1, 0), () => undefined);
      centerLoss = centre.value.loss[0] ?? Number.NaN;
      this.centerLoss = centerLoss;
      this.gridMs += performance.now() - t0;
    }
    while (!this.finished) {
      throwIfAborted(signal);
      const index = this.done;
      if (stopAt === null && this.picture !== null && hooks.plan !== undefined) {
        const ahead = this.levels.slice(index).map((l, k) => ({
          size: l.size,
          points: this.work(index + k + 1) - this.work(index + k),
          samples: samplesOf(l),
        }));
        const count = await hooks.plan(ahead);
        throwIfAborted(signal);
        stopAt = index + Math.max(0, Math.min(ahead.length, Math.floor(count)));
      }
      if (stopAt !== null && index >= stopAt) break;
      const level = this.levels[index];
      if (level === undefined) break;
      const before = this.work(index);
      const size = this.work(index + 1) - before;
      const t0 = performance.now();
      let values: GridResult;
      let backend: Pick<Backend, 'kind' | 'label'> | null = null;
      if (level.stride === 0) {
        // A picture of its own: a coarse grid (on a subsample of the data when it is large).
        const model = level.approximate ? this.model.subsample(SUBSAMPLE, 1) : this.model;
        ({ value: values, backend } = await run(model, squarePoints(this.plane, level.size, this.span), (f) =>
          onProgress((before + f * size) / total, level),
        ));
      } else {
        const previous = this.levels.slice(0, index).filter((l) => l.stride > 0);
        const strides = levelStrips(
          squarePoints(this.plane, this.gridSize, this.span),
          level.stride,
          previous[previous.length - 1]?.stride ?? 0,
        );
        const stripTotal = strides.reduce((n, s) => n + s.points.gridSize * (s.points.rows ?? s.points.gridSize), 0);
        let stripDone = 0;
        for (const strip of strides) {
          const count = strip.points.gridSize * (strip.points.rows ?? strip.points.gridSize);
          const r = await run(this.model, strip.points, (f) =>
            onProgress((before + ((stripDone + f * count) / stripTotal) * size) / total, level),
          );
          placeStrip(this.loss, this.gridSize, strip, r.value.loss);
          if (this.accuracy && r.value.accuracy) placeStrip(this.accuracy, this.gridSize, strip, r.value.accuracy);
          backend = r.backend;
          stripDone += count;
        }
        values = {
          loss: levelValues(this.loss, this.gridSize, level.stride),
          ...(this.accuracy ? { accuracy: levelValues(this.accuracy, this.gridSize, level.stride) } : {}),
        };
      }
      if (backend === null) throw new Error(`level ${level.size}² had no points to compute`);
      const levelMs = performance.now() - t0;
      this.gridMs += levelMs;
      hooks.measured?.(size, samplesOf(level), levelMs, backend);
      this.backend = backend;
      this.done = index + 1;
      const final = index + 1 === this.levels.length;
      const picture = computedSurface({
        gridSize: level.size,
        span: this.span,
        result: values,
        centerLoss,
        backend,
        gridMs: this.gridMs,
        trainMs,
        ...(final ? {} : { refining: { finalSize: this.gridSize, approximate: level.approximate } }),
      });
      this.picture = picture;
      onProgress(this.work(index + 1) / total, level);
      if (!final) onPicture(picture, level);
    }
    if (this.picture === null) throw new Error('the refinement finished without a picture');
    return this.picture;
  }
}
