/**
 * The barrier-matrix card: trains K seeds of the page's network (or takes kept minima by id), connects
 * every pair by the straight line and a trained curve (src/engine/barrierMatrix.ts, one pair after
 * another), and draws both K × K matrices in single-linkage order, the graph of pairs joined below a
 * chosen barrier E, and the chosen pair's barriers and merge levels. A click on a cell opens that pair's
 * curve plane through connect() with the same settings, so the plane's chart shows the cell's numbers.
 */
import { element } from '../ui/element';
import { barrierMatrix, clampBarrierRequest, type BarrierMatrixResult } from '../engine/barrierMatrix';
import { connectFlowOptions, type ConnectRequest } from '../engine/connectRequest';
import type { Engine } from '../engine/pipeline';
import { AbortError, throwIfAborted } from '../gpu/lossGrid.types';
import { errorMessage } from '../model/errors';
import type { AppState } from '../state/appState';
import type { StatusBar } from '../ui/statusBar';
import { BarrierMatrixChart } from '../view/barrierMatrixChart';
import type { TrainingController } from './trainingController';

export interface BarrierParts {
  readonly engine: Engine;
  readonly training: TrainingController;
  readonly status: StatusBar;
  readonly state: () => AppState;
  /** Open a pair's curve plane: connect() with these options (a, b: kept ids). */
  readonly openPair: (options: Record<string, unknown>) => void;
}

/** How many groups the pairs with merge level ≤ E make (single linkage: the graph's components). */
export function groupsAt(merge: readonly (readonly number[])[], level: number): number {
  const group: number[] = [];
  let count = 0;
  merge.forEach((row, i) => {
    const j = row.findIndex((v, k) => k < i && v <= level);
    group[i] = j >= 0 ? (group[j] ?? 0) : count++;
  });
  return count;
}

export class BarrierController {
  readonly chart: BarrierMatrixChart;
  private readonly card: HTMLElement;
  private readonly seedsInput: HTMLInputElement;
  private readonly slider: HTMLInputElement;
  private readonly sliderRow: HTMLElement;
  private readonly info: HTMLElement;
  private readonly pair: HTMLElement;
  private job: AbortController | null = null;
  private shown: { result: BarrierMatrixResult; request: ConnectRequest; selected: [number, number] | null } | null = null;

  constructor(
    column: HTMLElement,
    private readonly parts: BarrierParts,
  ) {
    const doc = column.ownerDocument;
    const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text = ''): HTMLElementTagNameMap[K] =>
      element(doc, tag, cls, text);
    this.card = el('section', 'sublevel-card barrier-card');
    const row = el('div', 'connect-buttons barrier-row');
    const label = el('label', 'barrier-label', 'K ');
    this.seedsInput = el('input', 'barrier-seeds');
    Object.assign(this.seedsInput, { type: 'number', min: '2', max: '16', step: '1', value: '6' });
    label.append(this.seedsInput);
    const button = el('button', '', 'barrier matrix');
    button.title =
      'Train K seeds, connect every pair by the straight line and a trained Bezier curve (one pair after another), cluster them';
    button.addEventListener('click', () => void this.compute({ seeds: Number(this.seedsInput.value) }).catch(() => undefined));
    row.append(label, button);
    this.info = el('div', 'sublevel-coverage barrier-info', 'Press "barrier matrix" to connect every pair of K new minima.');
    this.chart = new BarrierMatrixChart(doc);
    this.chart.element.hidden = true;
    this.chart.element.addEventListener('click', (event) => {
      const cell = this.cellUnder(event);
      if (cell !== null) this.select(cell, true);
    });
    // Hovering names a pair (its barriers and merge levels) without opening its plane.
    this.chart.element.addEventListener('mousemove', (event) => {
      const cell = this.cellUnder(event);
      const now = this.shown?.selected;
      if (cell !== null && (now?.[0] !== cell[0] || now[1] !== cell[1])) this.select(cell, false);
    });
    this.sliderRow = el('label', 'barrier-slider', 'E ');
    this.slider = el('input', '');
    Object.assign(this.slider, { type: 'range', min: '0', max: '1', step: '0.001', value: '0' });
    this.slider.addEventListener('input', () => this.redraw());
    this.sliderRow.append(this.slider);
    this.sliderRow.hidden = true;
    this.pair = el('div', 'barrier-pair');
    this.card.append(
      el('h2', 'sublevel-title', 'Barrier matrix of K minima'),
      row,
      this.info,
      this.chart.element,
      this.sliderRow,
      this.pair,
    );
    column.prepend(this.card);
  }

  /** The pair under a pointer event, whatever size the column draws the chart at. */
  private cellUnder(event: MouseEvent): [number, number] | null {
    const rect = this.chart.element.getBoundingClientRect();
    if (rect.width <= 0 || rect.height <= 0) return null;
    const x = ((event.clientX - rect.left) * this.chart.size.width) / rect.width;
    const y = ((event.clientY - rect.top) * this.chart.size.height) / rect.height;
    return this.chart.cellAt(x, y);
  }
  stop(): void {
    this.job?.abort();
    this.job = null;
  }

  /** The console API's barrierMatrix(): options clamped, minima trained (or looked up), every pair connected. */
  async compute(raw: unknown): Promise<BarrierMatrixResult> {
    const { request, notices } = clampBarrierRequest(raw);
    this.stop();
    const ctl = new AbortController();
    this.job = ctl;
    const signal = ctl.signal;
    const state = this.parts.state();
    const progress = (text: string, fraction: number): void => {
      this.info.textContent = text;
      this.parts.status.progress(`barrier matrix: ${text}`, fraction);
    };
    try {
      await this.parts.engine.dataReady(state);
      const { key } = this.parts.engine.dataFor(state);
      let ids = [...request.ids];
      if (ids.length === 0) {
        const c = request.connect;
        progress(`training ${request.seeds} seeds`, 0);
        const run = await this.parts.training.train(
          { seeds: request.seeds, firstSeed: c.firstSeed, steps: c.minimaSteps, optimizer: 'adam', lr: c.minimaLearningRate },
          { openCard: false },
        );
        ids = run.ids;
      }
      throwIfAborted(signal);
      const minima = ids.map((id) => {
        const m = this.parts.training.minima.get(id);
        if (m === undefined) throw new Error(`no kept network with id ${id} (see minima())`);
        if (m.dataKey !== key) throw new Error(`"${m.name}" belongs to other data or another network than the page shows`);
        return { id, theta: m.theta };
      });
      const result = await barrierMatrix(this.parts.engine, state, request.connect, minima, signal, progress);
      throwIfAborted(signal);
      result.notices.unshift(...notices);
      this.show(result, request.connect);
      const pairs = (ids.length * (ids.length - 1)) / 2;
      this.parts.status.done(
        `barrier matrix of ${ids.length} minima`,
        `${pairs} pairs · ${(result.ms.total / 1000).toFixed(1)} s · ${result.device}`,
      );
      return result;
    } catch (err) {
      this.info.textContent =
        err instanceof AbortError || signal.aborted ? 'barrier matrix: stopped' : `barrier matrix failed: ${errorMessage(err)}`;
      this.parts.status.done(this.info.textContent, '');
      throw err;
    } finally {
      if (this.job === ctl) this.job = null;
    }
  }

  private show(result: BarrierMatrixResult, request: ConnectRequest): void {
    this.shown = { result, request, selected: null };
    const finite = [...result.line.flat(), ...result.curve.flat()].filter(Number.isFinite);
    const hi = Math.max(1e-6, ...finite);
    Object.assign(this.slider, { max: String(hi), step: String(hi / 200) });
    // Start E between the two matrices' typical values: the highest curve barrier.
    this.slider.value = String(Math.max(0, ...result.curve.flat().filter(Number.isFinite)));
    this.chart.element.hidden = false;
    this.sliderRow.hidden = false;
    const K = result.ids.length;
    this.info.textContent =
      `${K} minima · ${(K * (K - 1)) / 2} pairs connected ${result.batched ? 'side by side' : 'one after another'} · ${result.kind} ${request.steps} steps · ` +
      `${result.device} ${(result.ms.total / 1000).toFixed(1)} s` +
      (result.notices.length > 0 ? ` · ${result.notices.join(' · ')}` : '');
    this.redraw();
  }

  /** Choose a pair (indices into ids); `open`: show its curve plane through connect() with the same settings. */
  select(cell: [number, number], open: boolean): void {
    const s = this.shown;
    if (s === null) return;
    s.selected = cell;
    this.redraw();
    const [i, j] = cell;
    const a = s.result.ids[i];
    const b = s.result.ids[j];
    if (open && i !== j && a !== undefined && b !== undefined) this.parts.openPair({ ...connectFlowOptions(s.request), a, b });
  }

  private redraw(): void {
    const s = this.shown;
    if (s === null) return;
    const E = Number(this.slider.value);
    const { result } = s;
    const label = result.kind === 'bezier' ? 'Bezier' : result.kind === 'chain' ? `chain ${s.request.bends}` : `NEB ${s.request.images}`;
    this.chart.draw({ ids: result.ids, line: result.line, curve: result.curve, order: result.order, curveLabel: label }, E, s.selected);
    const groups = `E = ${short(E)}: ${groupsAt(result.merge, E)} group(s) joined by curves, ${groupsAt(result.lineMerge, E)} by straight lines`;
    if (s.selected === null || s.selected[0] === s.selected[1]) {
      this.pair.textContent = `${groups}. Point at a cell for its pair; click to open the pair's curve plane.`;
      return;
    }
    const [i, j] = s.selected;
    const v = (m: number[][]): string => short(m[i]?.[j] ?? Number.NaN);
    this.pair.textContent =
      `${groups}. #${result.ids[i] ?? '?'} – #${result.ids[j] ?? '?'}: line barrier ${v(result.line)}, ${label} barrier ${v(result.curve)}; ` +
      `merge level ${v(result.merge)} through curves, ${v(result.lineMerge)} through lines.`;
  }
}

function short(value: number): string {
  return Number.isFinite(value) ? Number(value.toPrecision(3)).toString() : String(value);
}
