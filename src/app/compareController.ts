/**
 * Compare mode (`view.compare`, docs/curvature.md#compare-two-planes): the state's surface on the left and
 * the same state with one change on the right, both drawn against one colour scale whose range covers
 * both surfaces, with linked cameras and a hover read-out on each.
 *
 * The second surface is computed by the page's Engine through a CompareStage (caches of its own) as a
 * scheduler job: right after the first surface in the same job, or alone when only the compare setting
 * changed, so turning compare mode on never recomputes the first surface and view changes recompute neither.
 */
import { CompareStage, type CompareResult } from '../engine/compare';
import type { Engine, PipelineResult } from '../engine/pipeline';
import type { CurvatureAxes } from '../engine/curvaturePlane';
import type { Surface } from '../landscape/surface';
import { errorMessage } from '../model/errors';
import { PLANE_DIRECTIONS, type AppState, type CompareState } from '../state/appState';
import { compareCaveat, formatCompare, leftRecipe, recipeLabel } from '../state/compare';
import type { StatusBar } from '../ui/statusBar';
import type { CameraPose } from '../view/camera';
import { CompareView } from '../view/compareView';
import { formatLoss } from '../view/formatLoss';
import type { SurfaceView } from '../view/surfaceView';
import type { Controller, default as GUI } from 'lil-gui';
import type { Display } from './display';
import type { Runner } from './runner';
import type { Store } from './store';

/** One view in `landscape.compareView()`. */
export interface CompareSide {
  readonly label: string;
  /** The finite minimum and maximum of its surface. */
  readonly min: number;
  readonly max: number;
  readonly gridSize: number;
  readonly camera: CameraPose;
  /** Orbit target offset from the box's middle (a pan), world units. */
  readonly pan: readonly [number, number, number];
  /** The loss range the view drew its colours and heights with (bottom and top of its box). */
  readonly drawn: { readonly bottom: number; readonly top: number } | null;
}

export interface CompareApiResult {
  readonly left: CompareSide;
  readonly right: CompareSide;
  /** The range both views are coloured and scaled in height against. */
  readonly scale: { readonly min: number; readonly max: number };
  /** Why both views may show the same surface (e.g. filter normalisation on a Hessian plane), or null. */
  readonly caveat: string | null;
  /** How often each stage ran: the first surface's (Engine.runs) and the second's (CompareStage.runs). */
  readonly runs: {
    readonly first: { readonly data: number; readonly train: number; readonly plane: number; readonly surface: number };
    readonly second: { readonly train: number; readonly plane: number; readonly surface: number };
  };
}

export interface CompareParts {
  readonly engine: Engine;
  readonly store: Store;
  readonly display: Display;
  readonly runner: Runner;
  readonly status: StatusBar;
  readonly view: SurfaceView;
  readonly viewEl: HTMLElement;
  readonly hoverEl: HTMLElement | null;
  readonly folder: GUI;
  apply(partial: unknown): Promise<void>;
}

const KIND_NAMES: Readonly<Record<CompareState['kind'], string>> = {
  off: 'off',
  directions: 'plane directions',
  filterNormalize: 'filter normalisation',
  directionSeed: 'direction seed',
  trainSeed: 'training seed',
};

export class CompareController {
  readonly stage: CompareStage;
  private readonly picture: CompareView;
  /** The second surface on screen (a coarse level while a finer one comes), or null. */
  private latest: CompareResult | null = null;
  /** The key of the job this controller started and that still runs. */
  private running: string | null = null;
  /** A key whose job failed: not started again by itself (a new setting or a recompute tries again). */
  private failed: string | null = null;
  private readonly form = { kind: KIND_NAMES.off, directions: 'hessian', seed: 2 };
  private directionsControl: Controller | null = null;
  private seedControl: Controller | null = null;

  constructor(private readonly p: CompareParts) {
    this.stage = new CompareStage(p.engine);
    this.picture = new CompareView(p.view, p.viewEl, true);
    this.picture.onHover((pick, x, y) => this.hover(pick === null ? null : { ix: pick.ix, iy: pick.iy }, x, y));
    // The first view's settled camera goes to the link (exportController.ts); so does the second's, which it follows.
    this.picture.onCameraSettled((pose) => {
      const round = (value: number, digits: number): number => Math.round(value * 10 ** digits) / 10 ** digits + 0;
      p.store.update({
        camera: { azimuth: round(pose.azimuth, 1), elevation: round(pose.elevation, 1), distance: round(pose.distance, 2) },
      });
    });
    this.buildForm(p.folder);
    p.display.companion = { range: (surface, state) => this.range(surface, state), drawn: (surface, state) => this.drawn(surface, state) };
    p.runner.afterSurface = (result, signal) => this.afterSurface(result, signal);
  }

  /** What both views show now; throws when compare mode is off or the second surface is not there yet. */
  summary(): CompareApiResult {
    const state = this.p.store.state;
    if (state.view.compare.kind === 'off')
      throw new Error("compare mode is off: landscape.set({ view: { compare: 'dirs:hessian' } }) turns it on");
    const left = this.p.display.engineResult;
    const right = left === null ? null : this.currentFor(state, left);
    if (left === null || right === null || this.p.display.showingOther) {
      throw new Error('the second view has no surface yet: await landscape.ready() first');
    }
    const second = this.picture.view;
    if (second === null) throw new Error('the second view is not shown');
    const side = (label: string, surface: Surface, view: SurfaceView): CompareSide => {
      const scale = view.scale;
      return {
        label,
        min: surface.min,
        max: surface.max,
        gridSize: surface.gridSize,
        camera: view.getCamera(),
        pan: view.getPan(),
        drawn: scale === null ? null : { bottom: scale.bottom, top: scale.top },
      };
    };
    const labels = this.labels(state, left, right);
    return {
      left: side(labels[0], left.surface, this.p.view),
      right: side(labels[1], right.surface, second),
      scale: sharedRange(left.surface, right.surface),
      caveat: compareCaveat(state),
      runs: { first: { ...this.p.engine.runs }, second: { ...this.stage.runs } },
    };
  }

  /** The range the first view is drawn against: both surfaces' when a current second surface exists. */
  private range(surface: Surface, state: AppState): { min: number; max: number } | null {
    const left = this.p.display.engineResult;
    if (state.view.compare.kind === 'off' || this.p.display.showingOther || left === null) return null;
    const right = this.currentFor(state, left);
    return right === null ? null : sharedRange(surface, right.surface);
  }

  /** After the first view is drawn: the second with the same options and scale, the titles, and a job if one is needed. */
  private drawn(surface: Surface, state: AppState): void {
    const on = state.view.compare.kind !== 'off' && !this.p.display.showingOther;
    this.syncForm(state);
    if (!on) {
      if (this.picture.shown) this.picture.show(false);
      return;
    }
    if (!this.picture.shown) this.picture.show(true);
    const left = this.p.display.engineResult;
    const right = left === null ? null : this.currentFor(state, left);
    const range = right === null ? null : sharedRange(surface, right.surface);
    const options = { ...state.view, showMarker: true, ...(range === null ? {} : { scaleRange: range }) };
    const labels = left === null ? (['', ''] as const) : this.labels(state, left, right);
    const caveat = right === null ? null : compareCaveat(state);
    this.picture.setTitles(`left · ${labels[0]}`, `right · ${labels[1]}${caveat === null ? '' : ` (${caveat})`}`);
    const waiting =
      this.failed !== null && left !== null && this.failed === this.stage.keyOf(state, left)
        ? 'the second view failed (see the notice)'
        : 'computing the second view…';
    this.picture.setSurface(
      right?.surface ?? null,
      options,
      right === null ? waiting : null,
      right === null ? null : minimumCell(right.surface),
    );
    if (left !== null) this.schedule(state, left);
  }

  /** The second surface on screen when it belongs to this state and first result (a coarse level counts). */
  private currentFor(state: AppState, left: PipelineResult): CompareResult | null {
    const key = this.stage.keyOf(state, left);
    return key !== null && this.latest?.key === key ? this.latest : null;
  }

  /** Start a job for the second surface when none is on screen or coming for this state. */
  private schedule(state: AppState, left: PipelineResult): void {
    const key = this.stage.keyOf(state, left);
    if (key === null || this.stage.current(state, left) !== null || key === this.running || key === this.failed) return;
    // The page's own job computes the second surface after the first (afterSurface) from the newest state.
    if (this.p.runner.busy && this.running === null) return;
    this.running = key;
    void this.p.runner
      .extra((signal) => this.computeLatest(signal))
      .catch(() => undefined)
      .finally(() => {
        if (this.running === key) this.running = null;
      });
  }

  /** The page's job drew the first surface: the second, in the same job (a newer change cancels both). */
  private async afterSurface(result: PipelineResult, signal: AbortSignal): Promise<void> {
    if (this.p.store.state.view.compare.kind === 'off' || this.p.display.engineResult !== result) return;
    try {
      await this.computeLatest(signal);
    } catch (err) {
      // The first surface stands; the notice says why the second failed.
      if (signal.aborted) throw err;
    }
  }

  /** The second surface for the newest state, again until the compare setting stops changing under it. */
  private async computeLatest(signal: AbortSignal): Promise<void> {
    for (;;) {
      const state = this.p.store.state;
      const left = this.p.display.engineResult;
      const key = left === null || this.p.display.showingOther ? null : this.stage.keyOf(state, left);
      if (left === null || key === null || this.stage.current(state, left) !== null) {
        this.redraw();
        return;
      }
      try {
        const t0 = performance.now();
        const done = await this.stage.compute(
          state,
          left,
          signal,
          (_stage, fraction, detail) => {
            if (!signal.aborted) this.p.status.progress(detail, fraction);
          },
          (coarse) => {
            if (signal.aborted) return;
            this.latest = coarse;
            this.redraw();
          },
        );
        if (signal.aborted) return;
        this.latest = done;
        this.failed = null;
        if (done.warnings.length > 0) this.p.store.addNotices(done.warnings, 'error');
        this.redraw();
        const s = done.surface;
        this.p.status.done(
          `second view: ${this.labels(state, left, done)[1]} · loss ${formatLoss(s.min)} … ${formatLoss(s.max)} · one colour scale for both`,
          `second view ${((performance.now() - t0) / 1000).toFixed(2)} s (${s.device})`,
        );
      } catch (err) {
        if (signal.aborted) throw err;
        this.failed = key;
        this.p.store.addNotices([`compare mode: ${errorMessage(err)}`], 'error');
        this.redraw();
        throw err;
      }
    }
  }

  private redraw(): void {
    this.p.display.redraw(this.p.store.state);
  }

  /** The two titles: what each plane is (a Hessian plane names its eigenvalues once they are known). */
  private labels(state: AppState, left: PipelineResult, right: CompareResult | null): [string, string] {
    const kind = state.view.compare.kind;
    const leftAxes = axesText(this.p.engine.curvatureOf(left.plane));
    const origin = left.origin;
    // A kept network or a fixed θ₀ was not trained from the state's seed: the title says what it is.
    const first =
      kind === 'trainSeed' && origin.kind !== 'trained'
        ? `${recipeLabel(leftRecipe(state), 'off', leftAxes)} · θ₀ ${origin.kind === 'fixed' ? `fixed: ${origin.why}` : `= "${origin.name}"`}`
        : recipeLabel(leftRecipe(state), kind, leftAxes);
    const recipe = right?.recipe;
    if (recipe === undefined) {
      const pending = this.stage.keyOf(state, left) === null ? '' : 'computing…';
      return [first, pending];
    }
    return [first, recipeLabel(recipe, kind, axesText(right?.curvature ?? null))];
  }

  /** Hover over the second view: its own read-out beside the pointer and its marker. */
  private hover(pick: { ix: number; iy: number } | null, x: number, y: number): void {
    const hoverEl = this.p.hoverEl;
    const surface = this.latest?.surface ?? null;
    const cell = pick === null || surface === null ? null : pick.iy * surface.gridSize + pick.ix;
    const minimum = surface === null ? null : minimumCell(surface);
    this.picture.setHover(cell, minimum);
    if (hoverEl === null) return;
    if (cell === null || surface === null) {
      hoverEl.hidden = true;
      return;
    }
    const n = surface.gridSize;
    const loss = surface.loss[cell] ?? NaN;
    hoverEl.hidden = false;
    hoverEl.textContent =
      `right view  α ${(surface.alphas[cell % n] ?? NaN).toFixed(3)}  β ${(surface.betas[Math.floor(cell / n)] ?? NaN).toFixed(3)}  ` +
      `loss ${Number.isFinite(loss) ? formatLoss(loss) : 'Inf/NaN'}`;
    const gap = 14;
    const win = hoverEl.ownerDocument.defaultView;
    const maxX = (win?.innerWidth ?? Infinity) - 4;
    const maxY = (win?.innerHeight ?? Infinity) - 4;
    const left = x + gap + hoverEl.offsetWidth <= maxX ? x + gap : Math.max(4, x - gap - hoverEl.offsetWidth);
    const top = y + gap + hoverEl.offsetHeight <= maxY ? y + gap : Math.max(4, y - gap - hoverEl.offsetHeight);
    hoverEl.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  }

  /** The panel's folder: what the second view changes, and its directions or seed. */
  private buildForm(folder: GUI): void {
    const f = this.form;
    const emit = (): void => void this.p.apply({ view: { compare: this.formValue() } }).catch(() => undefined);
    folder
      .add(f, 'kind', Object.values(KIND_NAMES))
      .name('second view changes')
      .onFinishChange(() => {
        this.failed = null;
        // Start from a second view that differs from the first.
        const state = this.p.store.state;
        if (f.directions === state.plane.directions) f.directions = state.plane.directions === 'random' ? 'hessian' : 'random';
        if (f.seed === state.seed) f.seed = state.seed + 1;
        emit();
      });
    this.directionsControl = folder
      .add(f, 'directions', [...PLANE_DIRECTIONS])
      .name('its directions')
      .onFinishChange(emit);
    this.seedControl = folder.add(f, 'seed', 0, 1000, 1).name('its seed').onFinishChange(emit);
    this.syncForm(this.p.store.state, true);
  }

  private formValue(): CompareState {
    const f = this.form;
    const kind = (Object.keys(KIND_NAMES) as CompareState['kind'][]).find((k) => KIND_NAMES[k] === f.kind) ?? 'off';
    const directions = PLANE_DIRECTIONS.find((d) => d === f.directions) ?? 'hessian';
    if (kind === 'directions') return { kind, directions };
    if (kind === 'directionSeed' || kind === 'trainSeed') return { kind, seed: f.seed };
    return { kind };
  }

  private syncForm(state: AppState, force = false): void {
    const c = state.view.compare;
    this.directionsControl?.show(c.kind === 'directions');
    this.seedControl?.show(c.kind === 'directionSeed' || c.kind === 'trainSeed');
    if (!force && formatCompare(c) === formatCompare(this.formValue())) return;
    this.form.kind = KIND_NAMES[c.kind];
    if (c.kind === 'directions') this.form.directions = c.directions;
    if (c.kind === 'directionSeed' || c.kind === 'trainSeed') this.form.seed = c.seed;
    this.p.folder.controllersRecursive().forEach((ctrl) => ctrl.updateDisplay());
  }
}

/** The range of two surfaces together. */
function sharedRange(a: Surface, b: Surface): { min: number; max: number } {
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

/** The grid point of a surface's lowest finite loss (null for none). */
function minimumCell(surface: Surface): number | null {
  let best: number | null = null;
  let low = Infinity;
  surface.loss.forEach((v, i) => {
    if (Number.isFinite(v) && v < low) {
      low = v;
      best = i;
    }
  });
  return best;
}

function axesText(axes: CurvatureAxes | null): string | undefined {
  if (axes === null) return undefined;
  const fmt = (v: number): string => v.toPrecision(3).replace('-', '−');
  const name = (n: string): string => (n === 'v_max' ? 'λ_max' : n === 'v_min' ? 'λ_min' : 'λ₂');
  return `${name(axes.x.name)} = ${fmt(axes.x.eigenvalue)}, ${name(axes.y.name)} = ${fmt(axes.y.eigenvalue)}`;
}
