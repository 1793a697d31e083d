/** Wires state → engine → view, owns the URL hash, the panel, the status line and the console API. */
import { describeSpec, layerWidths, paramLayout } from '../model/spec';
import type { GpuContext } from '../gpu/device';
import { cloneState, type AppState } from '../state/appState';
import { clampState, decodeState, encodeState } from '../state/urlCodec';
import { Panel, type PartialState } from '../ui/panel';
import { StatusBar } from '../ui/statusBar';
import { SurfaceView } from '../view/surfaceView';
import type { LandscapeApi } from './consoleApi';
import { Engine, type EngineResult } from './engine';
import { JobScheduler } from './scheduler';
import { SublevelController, hoverLine } from './sublevelController';

export class App {
  private state: AppState;
  private result: EngineResult | null = null;
  private readonly engine: Engine;
  private readonly view: SurfaceView;
  private readonly panel: Panel;
  private readonly status: StatusBar;
  private readonly scheduler = new JobScheduler();
  /** A job is running; state changes then go through it, even sublevel-only ones. */
  private busy = false;
  private lastNotices: string[] = [];
  private readonly sublevel: SublevelController;
  private hoverEl: HTMLElement | null = null;

  constructor(root: HTMLElement, gpu: GpuContext | null, hash: string) {
    const decoded = decodeState(hash);
    this.state = decoded.state;
    this.lastNotices = decoded.ignored.map((m) => `link: ${m}`);
    this.engine = new Engine(gpu);
    const viewEl = root.querySelector<HTMLElement>('#view') ?? root;
    const panelEl = root.querySelector<HTMLElement>('#panel') ?? root;
    const statusEl = root.querySelector<HTMLElement>('#statusline') ?? root;
    this.view = new SurfaceView(viewEl, { preserveDrawingBuffer: true });
    this.status = new StatusBar(statusEl);
    this.status.setAdapter(
      gpu ? `WebGPU · ${gpu.adapterName}` : 'CPU fallback: WebGPU is not available here, the grid runs on the CPU reference in a Web Worker',
      gpu === null || gpu.isFallback,
    );
    this.panel = new Panel(panelEl, this.state, {
      onChange: (partial) => void this.apply(partial).catch(() => undefined),
      retrain: () => void this.rerun('train').catch(() => undefined),
      recompute: () => void this.rerun('surface').catch(() => undefined),
      previewLevel: (position) => {
        this.sublevel.stopSweep();
        this.sublevel.preview(position);
        this.panel.syncWater(position, this.sublevel.levelAtPosition(position));
      },
      commitLevel: (position) => void this.apply({ sublevel: { level: this.sublevel.levelAtPosition(position) } }).catch(() => undefined),
      sweep: () => this.sublevel.toggleSweep(),
    });
    this.hoverEl = root.querySelector<HTMLElement>('#hover');
    const columnEl = root.querySelector<HTMLElement>('#sublevel-column') ?? root;
    this.sublevel = new SublevelController(
      columnEl,
      this.view,
      (cell) => this.showHover(cell),
      (level, position, final) => {
        this.panel.syncWater(position, level);
        if (final) {
          this.state.sublevel.level = level;
          history.replaceState(null, '', `#${encodeState(this.state)}`);
        }
      },
      this.state,
    );
    this.installHover(viewEl);
    this.status.showNotice(this.lastNotices);
    void this.run().catch(() => undefined);
  }

  /** Merge, validate, recompute what changed, draw. */
  apply(partial: PartialState | unknown): Promise<void> {
    const { state, ignored } = clampState(partial, this.state);
    this.lastNotices = ignored;
    this.status.showNotice(ignored);
    const onlySublevel = this.result !== null && !this.busy && sameExceptSublevel(this.state, state);
    this.state = state;
    this.panel.sync(state);
    if (onlySublevel) {
      // The water level and its drawing never need the engine: no retraining, no new grid.
      this.sublevel.stopSweep();
      history.replaceState(null, '', `#${encodeState(state)}`);
      this.sublevel.setSettings(state.sublevel);
      this.syncWaterControls();
      return Promise.resolve();
    }
    return this.run();
  }

  private syncWaterControls(): void {
    const level = this.sublevel.currentLevel();
    if (Number.isFinite(level)) this.panel.syncWater(this.sublevel.positionOf(level), level);
  }

  private rerun(stage: 'train' | 'surface'): Promise<void> {
    this.engine.invalidate(stage);
    return this.run();
  }

  private run(): Promise<void> {
    const state = cloneState(this.state);
    history.replaceState(null, '', `#${encodeState(state)}`);
    this.busy = true;
    return this.scheduler.start(async (signal) => {
      try {
        const result = await this.engine.compute(state, signal, (stage, fraction, detail) => {
          const label = stage === 'train' ? 'training θ₀' : `loss grid ${state.plane.gridSize}²`;
          this.status.progress(`${label} ${Math.round(fraction * 100)}%${detail ? ` · ${detail}` : ''}`, fraction);
        });
        if (signal.aborted) return;
        this.result = result;
        if (result.warnings.length > 0) {
          this.lastNotices = [...this.lastNotices, ...result.warnings];
          this.status.showNotice(this.lastNotices, 'error');
        }
        this.view.setSurface(result.surface, { ...this.state.view, showMarker: true });
        this.sublevel.setSurface(result.surface, this.state);
        this.syncWaterControls();
        this.view.render();
        const s = result.surface;
        const train = result.diverged ? 'training diverged' : `θ₀ loss ${result.trainLoss.toPrecision(4)}`;
        this.status.done(
          `${describeSpec(result.spec)} · ${paramLayout(result.spec).size} params · m=${result.data.m} · ${train}`,
          `train ${(s.timings.trainMs / 1000).toFixed(2)} s · grid ${(s.timings.gridMs / 1000).toFixed(2)} s (${s.device})` +
            (s.nonFinite > 0 ? ` · ${s.nonFinite} points Inf/NaN (clipped, marked)` : ''),
        );
      } catch (err) {
        if (signal.aborted) throw err;
        const message = err instanceof Error ? err.message : String(err);
        this.lastNotices = [...this.lastNotices, message];
        this.status.showNotice(this.lastNotices, 'error');
        this.status.done('stopped: the view shows the last good surface', '');
        throw err;
      } finally {
        if (!signal.aborted) this.busy = false;
      }
    });
  }

  private installHover(viewEl: HTMLElement): void {
    viewEl.addEventListener('pointermove', (e) => {
      if (e.target !== this.view.canvas) return;
      const pick = this.view.pickAt(e.clientX, e.clientY);
      this.sublevel.hover(pick === null ? null : pick.iy * (this.result?.surface.gridSize ?? 0) + pick.ix, 'surface');
    });
    viewEl.addEventListener('pointerleave', () => this.sublevel.hover(null, 'surface'));
  }

  private showHover(cell: number | null): void {
    const hoverEl = this.hoverEl;
    const surface = this.result?.surface;
    if (!hoverEl) return;
    if (cell === null || surface === undefined) {
      hoverEl.hidden = true;
      return;
    }
    hoverEl.hidden = false;
    hoverEl.textContent = hoverLine(surface, cell, this.sublevel.componentOf(cell));
  }

  api(): LandscapeApi {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the state getter needs the app
    const app = this;
    const need = (): EngineResult => {
      if (!this.result) throw new Error('no surface yet: await landscape.ready() first');
      return this.result;
    };
    return {
      ready: () => this.scheduler.settled(),
      get state(): AppState {
        return cloneState(app.state);
      },
      set: (partial: unknown) => this.apply(partial),
      surface: () => need().surface,
      model: () => {
        const r = need();
        return {
          spec: {
            widths: layerWidths(r.spec),
            inputs: r.spec.inputs,
            hidden: [...r.spec.hidden],
            outputs: r.spec.outputs,
            activation: r.spec.activation,
            loss: r.spec.loss,
            bias: r.spec.bias,
            segments: paramLayout(r.spec).segments.map((s) => ({ ...s, shape: [...s.shape] })),
          },
          theta: r.theta.slice(),
          data: { x: r.data.x.slice(), y: r.data.y.slice(), m: r.data.m, inputs: r.data.inputs },
        };
      },
      plane: () => {
        const p = need().plane;
        return { center: p.center.slice(), directionX: p.directionX.slice(), directionY: p.directionY.slice() };
      },
      notices: () => [...this.lastNotices],
      sublevel: (level?: number, connectivity?: 4 | 8) => {
        need();
        return this.sublevel.sublevel(level, connectivity);
      },
      mergeLevel: (a, b, connectivity?: 4 | 8) => {
        need();
        return this.sublevel.mergeLevel(a, b, connectivity);
      },
      minima: (connectivity?: 4 | 8) => {
        need();
        return this.sublevel.minima(connectivity);
      },
      sweep: () => this.sublevel.toggleSweep(),
      redraw: () => this.sublevel.flush(),
    };
  }
}

/** True when a and b differ at most in their `sublevel` group. */
function sameExceptSublevel(a: AppState, b: AppState): boolean {
  return JSON.stringify({ ...a, sublevel: null }) === JSON.stringify({ ...b, sublevel: null });
}
