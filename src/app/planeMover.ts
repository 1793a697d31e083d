/**
 * Moving the plane with the mouse: a shift-drag on the 3-D surface or on the top view moves the plane's
 * centre to the grid point under the pointer (θ₀ + α·d₁ + β·d₂, directions kept) and recomputes coarse
 * to fine while dragging; shift-scroll zooms the span. Both go through the store (and so into the link);
 * "back to θ₀" returns the centre to θ₀. OrbitControls never sees these gestures.
 */
import { LIMITS, type AppState } from '../state/appState';
import type { Surface } from '../landscape/surface';
import type { SurfaceView } from '../view/surfaceView';
import type { Display } from './display';
import type { SublevelController } from './sublevelController';

/** The page's plane mover: the 3-D surface and the top view, on the surface of the state's own plane. */
export function planeMoverFor(
  view: SurfaceView,
  sublevel: SublevelController,
  display: Display,
  state: () => AppState,
  apply: (partial: unknown) => Promise<void>,
): PlaneMover {
  const ownSurface: PlaneMoverHost['ownSurface'] = () => {
    const result = display.engineResult;
    return display.showingOther || result === null ? null : { surface: display.surface() ?? result.surface, center: result.planeCenter };
  };
  const cellOnSurface = (x: number, y: number): number | null => {
    const pick = view.pickAt(x, y);
    return pick === null ? null : pick.iy * (display.surface()?.gridSize ?? 0) + pick.ix;
  };
  return new PlaneMover({ state, ownSurface, apply }, [
    { element: view.canvas, cellAt: cellOnSurface },
    { element: sublevel.heatmap.element, cellAt: (x, y) => sublevel.heatmap.cellAt(x, y) },
  ]);
}

export interface PlaneMoverHost {
  state(): AppState;
  /**
   * The surface on screen when it is the state's own plane (null for a file or a path view), with the
   * centre it was computed around (its α, β are relative to that centre).
   */
  ownSurface(): { readonly surface: Surface; readonly center: { readonly alpha: number; readonly beta: number } } | null;
  apply(partial: unknown): Promise<void>;
}

/** Least time between two recomputations while dragging, ms (each starts with a coarse level). */
const DRAG_EVERY_MS = 150;
/** Span factor per wheel pixel. */
const ZOOM_PER_PIXEL = 0.0015;

export class PlaneMover {
  private dragging = false;
  private lastApply = 0;
  private pending: { alpha: number; beta: number } | null = null;
  private wheelTimer: ReturnType<typeof setTimeout> | null = null;
  private wheelSpan: number | null = null;

  constructor(
    private readonly host: PlaneMoverHost,
    targets: readonly { readonly element: HTMLElement; readonly cellAt: (x: number, y: number) => number | null }[],
  ) {
    for (const target of targets) this.install(target.element, target.cellAt);
  }

  /** The plane back through θ₀. */
  backToCenter(): Promise<void> {
    return this.host.apply({ plane: { centerAlpha: 0, centerBeta: 0 } });
  }

  /** A "back to θ₀" button in `container`, shown while the centre is off θ₀ (call `sync` on every change). */
  addButton(container: HTMLElement): void {
    const button = container.ownerDocument.createElement('button');
    button.type = 'button';
    button.className = 'back-to-center';
    button.textContent = 'back to θ₀';
    button.title = 'Centre the plane on θ₀ again (shift-drag on the surface moves it, shift-scroll zooms)';
    button.hidden = true;
    button.addEventListener('click', () => void this.backToCenter().catch(() => undefined));
    container.append(button);
    this.button = button;
  }

  sync(state: AppState): void {
    if (this.button) this.button.hidden = state.plane.centerAlpha === 0 && state.plane.centerBeta === 0;
  }

  private button: HTMLButtonElement | null = null;

  private install(element: HTMLElement, cellAt: (x: number, y: number) => number | null): void {
    // Capture phase: the gesture is ours before the orbit controls see it.
    element.addEventListener(
      'pointerdown',
      (e) => {
        if (!e.shiftKey || e.button !== 0 || this.host.ownSurface() === null) return;
        e.preventDefault();
        e.stopImmediatePropagation();
        this.dragging = true;
        element.setPointerCapture(e.pointerId);
        this.moveTo(cellAt(e.clientX, e.clientY));
      },
      { capture: true },
    );
    element.addEventListener(
      'pointermove',
      (e) => {
        if (!this.dragging) return;
        e.stopImmediatePropagation();
        this.moveTo(cellAt(e.clientX, e.clientY));
      },
      { capture: true },
    );
    const end = (e: PointerEvent): void => {
      if (!this.dragging) return;
      this.dragging = false;
      if (element.hasPointerCapture(e.pointerId)) element.releasePointerCapture(e.pointerId);
      this.flush();
    };
    element.addEventListener('pointerup', end, { capture: true });
    element.addEventListener('pointercancel', end, { capture: true });
    element.addEventListener(
      'wheel',
      (e) => {
        if (!e.shiftKey || this.host.ownSurface() === null) return;
        e.preventDefault();
        e.stopImmediatePropagation();
        // Some browsers turn a shift-scroll into a horizontal one.
        const delta = e.deltaY !== 0 ? e.deltaY : e.deltaX;
        const span = (this.wheelSpan ?? this.host.state().plane.span) * Math.exp(delta * ZOOM_PER_PIXEL);
        this.wheelSpan = Math.min(LIMITS.span[1], Math.max(LIMITS.span[0], span));
        if (this.wheelTimer !== null) clearTimeout(this.wheelTimer);
        this.wheelTimer = setTimeout(() => {
          this.wheelTimer = null;
          const next = this.wheelSpan;
          this.wheelSpan = null;
          if (next !== null) void this.host.apply({ plane: { span: Number(next.toPrecision(4)) } }).catch(() => undefined);
        }, DRAG_EVERY_MS);
      },
      { capture: true, passive: false },
    );
  }

  /** Centre the plane on a grid cell of the surface on screen (throttled while dragging). */
  private moveTo(cell: number | null): void {
    const own = this.host.ownSurface();
    if (cell === null || own === null) return;
    const { surface, center } = own;
    const n = surface.gridSize;
    const alpha = surface.alphas[cell % n] ?? 0;
    const beta = surface.betas[Math.floor(cell / n)] ?? 0;
    this.pending = { alpha: center.alpha + alpha, beta: center.beta + beta };
    if (performance.now() - this.lastApply >= DRAG_EVERY_MS) this.flush();
  }

  private flush(): void {
    const next = this.pending;
    if (next === null) return;
    this.pending = null;
    this.lastApply = performance.now();
    const round = (v: number): number => Number(v.toPrecision(6));
    void this.host.apply({ plane: { centerAlpha: round(next.alpha), centerBeta: round(next.beta) } }).catch(() => undefined);
  }
}
