/**
 * What the view shows: the engine's surface for the state, or a plane shown in its place (an imported
 * file, a bundle's surface, the plane of a path view) until an engine field changes. Draws either on
 * the 3-D view, the sublevel column and the path card, and answers what the exports and the hover
 * read-out need.
 */
import type { ModelBundle } from '../io/bundle';
import type { OnnxSurfaceRecipe } from '../io/onnxH5';
import type { SurfaceRecipe } from '../io/gridData';
import type { PipelineResult } from '../engine/pipeline';
import type { Surface } from '../landscape/surface';
import type { AppState } from '../state/appState';
import { axisNamesOf } from '../state/fixedByData';
import { encodeState } from '../state/urlCodec';
import type { Panel } from '../ui/panel';
import type { SurfaceView } from '../view/surfaceView';
import type { ConnectController } from './connectController';
import { hoverLine, type SublevelController } from './sublevelController';

/** A surface on screen that is not the state's own (a file, a bundle, a path view's plane). */
export interface ShownPlane {
  readonly surface: Surface;
  readonly recipe: SurfaceRecipe | null;
  readonly bundle: ModelBundle | null;
  /** A model of one's own (ONNX): what its `.h5` records (the model files and their SHA-256). */
  readonly onnx?: OnnxSurfaceRecipe;
}

export class Display {
  private result: PipelineResult | null = null;
  private axisNames: readonly [string, string] = ['α', 'β'];
  private shown: ShownPlane | null = null;
  /** The pointer's last position on the page (client pixels), where the hover tooltip goes. */
  private pointer = { x: 0, y: 0 };

  /**
   * Compare mode (compareController.ts): the range both views share for the state's own surface (null: the
   * surface's own), and the second view drawn after the first.
   */
  companion: {
    range(surface: Surface, state: AppState): { min: number; max: number } | null;
    drawn(surface: Surface, state: AppState): void;
  } | null = null;

  /** Says which level of a coarse-to-fine surface is on screen while a finer one is coming. */
  private readonly badge: HTMLElement;
  /** A coarse surface whose job stopped, how to go on and why: redrawing it (a view change) keeps saying so. */
  private halted: { surface: Surface; resume: (() => void) | undefined; why: string } | null = null;

  constructor(
    private readonly view: SurfaceView,
    private readonly sublevel: SublevelController,
    private readonly connector: ConnectController,
    private readonly panel: Panel,
    private readonly hoverEl: HTMLElement | null,
    viewEl: HTMLElement,
  ) {
    this.badge = viewEl.ownerDocument.createElement('div');
    this.badge.className = 'level-badge';
    this.badge.hidden = true;
    viewEl.append(this.badge);
  }

  /** The engine's last result (null before the first surface). */
  get engineResult(): PipelineResult | null {
    return this.result;
  }

  /** Whether a plane other than the state's own is on screen. */
  get showingOther(): boolean {
    return this.shown !== null;
  }

  get otherPlane(): ShownPlane | null {
    return this.shown;
  }

  /** The surface on screen. */
  surface(): Surface | null {
    return this.shown?.surface ?? this.result?.surface ?? null;
  }

  /** Draw the engine's surface for a state. */
  showResult(result: PipelineResult, state: AppState): void {
    this.result = result;
    this.shown = null;
    this.draw(result.surface, state);
  }

  /** Draw another plane in place of the state's own. */
  showOther(shown: ShownPlane, state: AppState): void {
    this.shown = shown;
    this.ownModel(shown.onnx !== undefined);
    this.draw(shown.surface, state);
  }

  /** The other plane is no longer wanted (a job for the state's own surface started). */
  dropOther(): void {
    this.shown = null;
    this.ownModel(false);
  }

  /** While a model of one's own is shown, the built-in network's folders and its training card are hidden. */
  private ownModel(on: boolean): void {
    this.panel.showBuiltIn(!on);
    this.badge.ownerDocument.body.classList.toggle('own-model', on);
  }

  /** A running job's progress, in the view as well as on the status line (cleared when its surface is drawn). */
  progress(label: string): void {
    const refining = this.surface()?.refining;
    this.badge.hidden = false;
    const size = this.surface()?.gridSize ?? 0;
    this.badge.textContent =
      refining === undefined
        ? label
        : refining.training !== undefined
          ? `${label} · shown: the plane through the iterate at step ${refining.training.step}, ${size}²`
          : `${size}² of ${refining.finalSize}² shown · ${label}`;
  }

  /**
   * The job computing a finer level stopped (cancelled, or stopped at a level as chosen): the badge says the
   * coarse level stays, with a button that goes on to the full grid (`resume`: the refinement resumes).
   */
  stopped(resume?: () => void, why = ''): void {
    const surface = this.surface();
    this.halted = surface === null ? null : { surface, resume, why };
    this.showHalted();
  }

  private showHalted(): void {
    const surface = this.surface();
    const refining = surface?.refining;
    if (refining === undefined || refining.training !== undefined) {
      this.badge.hidden = true;
      return;
    }
    if (this.halted === null || surface !== this.halted.surface) return;
    const { resume, why } = this.halted;
    this.badge.hidden = false;
    this.badge.textContent = `stopped at ${surface.gridSize}² of ${refining.finalSize}²${why ? ` ${why}` : ''}: sublevel sets and exports use this level`;
    if (resume === undefined || this.shown !== null) return;
    const button = this.badge.ownerDocument.createElement('button');
    button.type = 'button';
    button.className = 'level-refine';
    button.textContent = `Refine to ${refining.finalSize}²`;
    button.title = 'Compute the rest of the grid; the levels already drawn are kept';
    button.addEventListener('click', () => {
      button.disabled = true;
      this.halted = null;
      resume();
    });
    this.badge.append(button);
  }

  /** Redraw what is on screen with the state's view options. */
  redraw(state: AppState): void {
    const surface = this.surface();
    if (surface !== null) this.draw(surface, state);
  }

  /** The surface on screen with how to recompute it and the model behind it (for file exports). */
  current(state: AppState): ShownPlane | null {
    if (this.shown !== null) return this.shown;
    const r = this.result;
    if (r === null) return null;
    const { center, directionX, directionY } = r.plane;
    return {
      surface: r.surface,
      recipe: {
        spec: r.spec,
        theta: center,
        directionX,
        directionY,
        x: r.data.x,
        y: r.data.y,
        seed: state.seed,
        stateHash: encodeState(state),
      },
      bundle: { spec: r.spec, theta: center, m: r.data.m, x: r.data.x, y: r.data.y, directionX, directionY },
    };
  }

  /** Keep the water-level controls in step with the level drawn. */
  syncWaterControls(): void {
    const level = this.sublevel.currentLevel();
    if (Number.isFinite(level)) this.panel.syncWater(this.sublevel.positionOf(level), level);
  }

  /** Hover over the 3-D view marks the grid point in both views and fills the read-out. */
  installHover(viewEl: HTMLElement): void {
    // Captured before the views' own listeners, so the tooltip they fill appears at this very position.
    viewEl.ownerDocument.addEventListener(
      'pointermove',
      (e) => {
        this.pointer = { x: e.clientX, y: e.clientY };
      },
      { capture: true },
    );
    viewEl.addEventListener('pointermove', (e) => {
      if (e.target !== this.view.canvas) return;
      const pick = this.view.pickAt(e.clientX, e.clientY);
      this.sublevel.hover(pick === null ? null : pick.iy * (this.surface()?.gridSize ?? 0) + pick.ix, 'surface');
    });
    viewEl.addEventListener('pointerleave', () => this.sublevel.hover(null, 'surface'));
  }

  /** The read-out of a hovered cell as a tooltip beside the pointer (hidden for none). */
  showHover(cell: number | null): void {
    const hoverEl = this.hoverEl;
    const surface = this.surface();
    if (!hoverEl) return;
    if (cell === null || surface === null) {
      hoverEl.hidden = true;
      return;
    }
    hoverEl.hidden = false;
    hoverEl.textContent = hoverLine(surface, cell, this.sublevel.componentOf(cell), this.axisNames);
    // Below right of the pointer, flipped to the other side where the window ends.
    const gap = 14;
    const win = hoverEl.ownerDocument.defaultView;
    const width = hoverEl.offsetWidth;
    const height = hoverEl.offsetHeight;
    const maxX = (win?.innerWidth ?? Infinity) - 4;
    const maxY = (win?.innerHeight ?? Infinity) - 4;
    const { x, y } = this.pointer;
    const left = x + gap + width <= maxX ? x + gap : Math.max(4, x - gap - width);
    const top = y + gap + height <= maxY ? y + gap : Math.max(4, y - gap - height);
    hoverEl.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  }

  private draw(surface: Surface, state: AppState): void {
    const refining = surface.refining;
    this.badge.hidden = refining === undefined;
    this.badge.textContent =
      refining === undefined
        ? ''
        : refining.training !== undefined
          ? `θ₀ training: step ${refining.training.step} of ${refining.training.steps} · the plane through the current iterate, ${surface.gridSize}²`
          : `${surface.gridSize}² of ${refining.finalSize}²${refining.approximate ? ' · approximate (a subsample of the data)' : ''} · ` +
            'sublevel sets and exports use this level until the finer one is drawn';
    if (this.halted !== null && this.halted.surface === surface) this.showHalted();
    // u, v where the state's own plane is the whole weight space and centred at θ₀ (u·v·x); else α, β.
    const own = this.shown === null && state.plane.centerAlpha === 0 && state.plane.centerBeta === 0;
    this.axisNames = own ? axisNamesOf(state) : ['α', 'β'];
    this.view.setAxisNames(this.axisNames);
    this.sublevel.heatmap.setAxisNames(this.axisNames);
    const scaleRange = this.shown === null ? (this.companion?.range(surface, state) ?? null) : null;
    this.view.setSurface(surface, { ...state.view, showMarker: true, ...(scaleRange === null ? {} : { scaleRange }) });
    this.sublevel.setSurface(surface, state);
    this.connector.onSurface(surface);
    this.syncWaterControls();
    this.view.render();
    this.companion?.drawn(surface, state);
  }
}
