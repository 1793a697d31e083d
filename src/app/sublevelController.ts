/**
 * Sublevel sets on screen: from the surface and `state.sublevel` to the labelled components,
 * the water level in the 3-D and 2-D views, isolines, merge levels, the persistence diagram,
 * hover read-outs in both views and the animated sweep. Never recomputes the grid.
 */
import { SublevelAnalysis, type GridPoint } from '../landscape/sublevelAnalysis';
import { assertConnectivity, type Connectivity } from '../landscape/sublevel';
import type { Surface } from '../landscape/surface';
import type { AppState } from '../state/appState';
import { formatLoss } from '../view/formatLoss';
import { Heatmap } from '../view/heatmap';
import type { LossScale } from '../view/heights';
import { PersistenceChart, describeMinimum } from '../view/persistenceChart';
import { SublevelReadout } from '../view/sublevelReadout';
import type { SurfacePoints, SurfaceView } from '../view/surfaceView';
import { contourLevels, levelToPosition, positionToLevel, resolveLevel, type LevelRange } from '../view/waterLevel';

/** One sweep from the minimum to the maximum takes this long. */
const SWEEP_MS = 8000;

export interface SublevelResult {
  readonly level: number;
  readonly connectivity: Connectivity;
  readonly components: number;
  readonly labels: Int32Array;
  readonly sizes: Int32Array;
}

export class SublevelController {
  private surface: Surface | null = null;
  private analysis: SublevelAnalysis | null = null;
  private settings: AppState['sublevel'];
  private colormap: AppState['view']['colormap'];
  private scale: LossScale | null = null;
  private contourKey = '';
  private level = NaN;
  readonly heatmap: Heatmap;
  private readonly chart: PersistenceChart;
  private readonly readout: SublevelReadout;
  private points: SurfacePoints = { minimum: null, highlight: null, hover: null };
  private hoverFrom: 'surface' | 'map' | null = null;
  private pending = 0;
  private sweepFrame = 0;
  private readonly stopSweepOnInput = (): void => this.stopSweep();

  constructor(
    container: HTMLElement,
    private readonly view: SurfaceView,
    private readonly hoverText: (cell: number | null) => void,
    /** The level moved on its own (sweep): tell the panel, `final` when it should reach the URL. */
    private readonly onLevel: (level: number, position: number, final: boolean) => void,
    state: AppState,
  ) {
    this.settings = { ...state.sublevel };
    this.colormap = state.view.colormap;
    const doc = container.ownerDocument;
    this.heatmap = new Heatmap(doc, (cell) => this.hover(cell, 'map'));
    this.chart = new PersistenceChart(
      doc,
      (m) => this.highlightMinimum(m),
      (m) => this.describeMinimum(m),
    );
    this.readout = new SublevelReadout(container, this.heatmap.element, this.chart.element);
  }

  /** A new surface (or new view options): rebuild the analysis when the grid changed. */
  setSurface(surface: Surface, state: AppState): void {
    const changed = surface !== this.surface;
    if (changed) {
      this.surface = surface;
      this.analysis = new SublevelAnalysis(surface);
      this.points = { minimum: null, highlight: null, hover: null };
    }
    this.colormap = state.view.colormap;
    this.scale = this.view.scale;
    this.contourKey = '';
    this.settings = { ...state.sublevel };
    this.refreshStructure();
    this.refresh();
  }

  /** New sublevel settings: only what they touch is redone (labels, never the grid). */
  setSettings(settings: AppState['sublevel']): void {
    const connectivityChanged = settings.connectivity !== this.settings.connectivity;
    this.settings = { ...settings };
    if (connectivityChanged) this.refreshStructure();
    this.refresh();
  }

  /** The slider moves: coalesce to one redraw per animation frame. */
  preview(position: number): void {
    this.settings = { ...this.settings, level: this.levelAtPosition(position) };
    if (this.pending !== 0) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.refresh();
    });
  }

  range(): LevelRange | null {
    const s = this.surface;
    return s === null ? null : { min: s.min, max: s.max, log: this.settings.logSlider };
  }

  /** The level a slider position stands for; never 0 (which the state reads as "auto"). */
  levelAtPosition(position: number): number {
    const range = this.range();
    if (range === null) return 0;
    const level = positionToLevel(position, range);
    return level > 0 ? level : Number.MIN_VALUE;
  }

  positionOf(level: number): number {
    const range = this.range();
    return range === null ? 0 : levelToPosition(level, range);
  }

  /** The water level in loss units ("auto" resolved). */
  currentLevel(): number {
    return this.level;
  }

  sublevel(level: number | undefined, connectivity?: Connectivity): SublevelResult {
    const analysis = this.need();
    const conn = connectivity ?? this.settings.connectivity;
    const e = level ?? this.level;
    if (typeof e !== 'number' || Number.isNaN(e)) throw new TypeError(`a level must be a number, got ${String(e)}`);
    // Console calls may pass anything: check at run time what the type promises.
    assertConnectivity(conn);
    const r = analysis.label(e, conn);
    return { level: e, connectivity: conn, components: r.components, labels: r.labels.slice(), sizes: r.sizes.slice() };
  }

  mergeLevel(a: GridPoint, b: GridPoint, connectivity?: Connectivity): number {
    const conn = connectivity ?? this.settings.connectivity;
    assertConnectivity(conn);
    return this.need().mergeLevel(a, b, conn);
  }

  /** The slice's local minima, deepest first, with their grid position. */
  minima(
    connectivity?: Connectivity,
  ): { cell: number; ix: number; iy: number; alpha: number; beta: number; birth: number; death: number; persistence: number }[] {
    const analysis = this.need();
    const surface = this.surface;
    const n = analysis.gridSize;
    return analysis.tree(connectivity ?? this.settings.connectivity).minima.map((m) => ({
      cell: m.cell,
      ix: m.cell % n,
      iy: Math.floor(m.cell / n),
      alpha: surface?.alphas[m.cell % n] ?? NaN,
      beta: surface?.betas[Math.floor(m.cell / n)] ?? NaN,
      birth: m.birth,
      death: m.death,
      persistence: m.persistence,
    }));
  }

  /** Which view the hovered point came from (null: none hovered). */
  get hoverSource(): 'surface' | 'map' | null {
    return this.hoverFrom;
  }

  /** The component of a grid cell at the current level (−1: above the level). */
  componentOf(cell: number): number {
    const analysis = this.analysis;
    if (analysis === null || !Number.isFinite(this.level)) return -1;
    return analysis.label(this.level, this.settings.connectivity).labels[cell] ?? -1;
  }

  /** Hover in the 3-D view (`from` = 'surface') or in the 2-D map: mark the point in the other. */
  hover(cell: number | null, from: 'surface' | 'map'): void {
    this.hoverText(cell);
    this.points = { ...this.points, hover: cell };
    this.hoverFrom = cell === null ? null : from;
    this.showPoints();
  }

  /** Both views mark the hovered grid point, wherever the pointer is: a crosshair on the map, a white dot on the surface. */
  private showPoints(): void {
    this.heatmap.setPoints(this.points);
    this.view.setPoints(this.points);
  }

  toggleSweep(): void {
    if (this.sweepFrame !== 0) {
      this.stopSweep();
      return;
    }
    if (this.surface === null) return;
    const start = performance.now();
    const tick = (now: number): void => {
      const t = Math.min(1, (now - start) / SWEEP_MS);
      const level = this.levelAtPosition(t);
      this.settings = { ...this.settings, level };
      this.refresh();
      this.onLevel(level, t, t >= 1);
      if (t >= 1) {
        this.stopSweep();
        return;
      }
      this.sweepFrame = requestAnimationFrame(tick);
    };
    this.sweepFrame = requestAnimationFrame(tick);
    // Any user input stops the sweep (added after this click has finished propagating).
    setTimeout(() => {
      for (const type of ['pointerdown', 'wheel', 'keydown'] as const)
        window.addEventListener(type, this.stopSweepOnInput, { capture: true });
    }, 0);
  }

  get sweeping(): boolean {
    return this.sweepFrame !== 0;
  }

  stopSweep(): void {
    if (this.sweepFrame === 0) return;
    cancelAnimationFrame(this.sweepFrame);
    this.sweepFrame = 0;
    for (const type of ['pointerdown', 'wheel', 'keydown'] as const)
      window.removeEventListener(type, this.stopSweepOnInput, { capture: true });
    this.onLevel(this.level, this.positionOf(this.level), true);
  }

  /** Redraw both views now (for screenshots and tests; otherwise each view batches per frame). */
  flush(): void {
    if (this.pending !== 0) {
      cancelAnimationFrame(this.pending);
      this.pending = 0;
      this.refresh();
    }
    this.heatmap.draw();
    this.chart.draw();
    this.view.render();
  }

  private need(): SublevelAnalysis {
    if (this.analysis === null) throw new Error('no surface yet: await landscape.ready() first');
    return this.analysis;
  }

  /** What depends on the surface, the scale and the connectivity, not on the level. */
  private refreshStructure(): void {
    const analysis = this.analysis;
    const surface = this.surface;
    const scale = this.scale;
    if (analysis === null || surface === null || scale === null) return;
    const tree = analysis.tree(this.settings.connectivity);
    const minimum = tree.minima[0]?.cell ?? null;
    const center = analysis.centerCell();
    this.points = { ...this.points, minimum: minimum === center ? null : minimum, highlight: null };
    this.chart.setMinima(tree.minima, scale);
    this.showPoints();
  }

  private refresh(): void {
    const analysis = this.analysis;
    const surface = this.surface;
    const scale = this.scale;
    const range = this.range();
    if (analysis === null || surface === null || scale === null || range === null) return;
    const s = this.settings;
    const levels = contourLevels(scale, s.contours);
    const key = `${s.contours}|${scale.bottom}|${scale.top}|${scale.logScale}`;
    if (key !== this.contourKey) {
      this.contourKey = key;
      this.view.setContours(levels);
      this.heatmap.setSurface({ surface, scale, colormap: this.colormap }, levels, analysis.centerCell());
    }
    this.level = resolveLevel(s.level, range);
    const labelled = analysis.label(this.level, s.connectivity);
    const display = {
      water: s.water,
      level: this.level,
      colourComponents: s.colourComponents,
      labels: labelled.labels,
      elder: labelled.elder,
    };
    this.view.setSublevel(display);
    this.heatmap.setSublevel(display);
    this.readout.showMap(s.heatmap);

    const tree = analysis.tree(s.connectivity);
    const center = analysis.centerCell();
    const minimum = tree.minima[0]?.cell ?? center;
    const merge = minimum === center ? NaN : tree.mergeLevel(center, minimum);
    this.chart.setLevels(this.level, merge);
    let below = 0;
    for (let c = 0; c < labelled.components; c++) below += labelled.sizes[c] ?? 0;
    this.readout.update({
      level: this.level,
      components: labelled.components,
      connectivity: s.connectivity,
      below,
      finite: surface.loss.length - surface.nonFinite,
      merges: [{ label: 'merge θ₀ ↔ min', level: merge }],
    });
  }

  private highlightMinimum(index: number): void {
    const cell = index >= 0 && this.analysis !== null ? (this.analysis.tree(this.settings.connectivity).minima[index]?.cell ?? null) : null;
    this.points = { ...this.points, highlight: cell };
    this.showPoints();
  }

  private describeMinimum(index: number): string {
    const analysis = this.analysis;
    const surface = this.surface;
    const m = analysis?.tree(this.settings.connectivity).minima[index];
    if (analysis === null || surface === null || m === undefined) return '';
    const n = surface.gridSize;
    return describeMinimum(m, index, surface.alphas[m.cell % n] ?? NaN, surface.betas[Math.floor(m.cell / n)] ?? NaN);
  }
}

/** Text for the hover read-out: α, β, loss and the component at the water level. */
export function hoverLine(surface: Surface, cell: number, component: number, names: readonly [string, string] = ['α', 'β']): string {
  const n = surface.gridSize;
  const loss = surface.loss[cell] ?? NaN;
  const alpha = surface.alphas[cell % n] ?? NaN;
  const beta = surface.betas[Math.floor(cell / n)] ?? NaN;
  const where = component >= 0 ? `component ${component}` : 'above E';
  return `${names[0]} ${alpha.toFixed(3)}  ${names[1]} ${beta.toFixed(3)}  loss ${Number.isFinite(loss) ? formatLoss(loss) : 'Inf/NaN'}  ·  ${where}`;
}
