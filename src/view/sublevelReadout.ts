/**
 * The sublevel column beside the 3-D view: the water level, the component count, merge levels,
 * the caveat about slices, the 2-D heatmap and the persistence diagram.
 */
import { formatLoss } from './formatLoss';

export interface MergeReadout {
  /** e.g. "θ₀ ↔ global min". */
  readonly label: string;
  /** Merge level in loss units; Infinity if the two never join; NaN if the same point. */
  readonly level: number;
}

export interface ReadoutValues {
  readonly level: number;
  readonly components: number;
  readonly connectivity: 4 | 8;
  readonly below: number;
  readonly finite: number;
  readonly merges: readonly MergeReadout[];
}

export const SLICE_CAVEAT = 'A sublevel set that is disconnected in this 2-D slice can be connected in the full weight space.';

export class SublevelReadout {
  readonly element: HTMLElement;
  private readonly level: HTMLElement;
  private readonly count: HTMLElement;
  private readonly coverage: HTMLElement;
  private readonly merges: HTMLElement;
  private readonly mapSlot: HTMLElement;

  constructor(container: HTMLElement, heatmap: HTMLElement, chart: HTMLElement) {
    const doc = container.ownerDocument;
    const el = (tag: string, cls: string, text = ''): HTMLElement => {
      const e = doc.createElement(tag);
      e.className = cls;
      e.textContent = text;
      return e;
    };
    this.element = el('section', 'sublevel-column');
    this.element.id = 'sublevel';
    const card = el('div', 'sublevel-card');
    card.append(el('h2', 'sublevel-title', 'Sublevel set {L < E}'));
    const levelRow = el('div', 'sublevel-row');
    this.level = el('span', 'sublevel-level');
    this.level.id = 'sublevel-level';
    levelRow.append(el('span', 'sublevel-key', 'water level E'), this.level);
    const countRow = el('div', 'sublevel-row');
    this.count = el('span', 'sublevel-count');
    this.count.id = 'sublevel-count';
    countRow.append(el('span', 'sublevel-key', 'components'), this.count);
    this.coverage = el('div', 'sublevel-coverage');
    this.merges = el('div', 'sublevel-merges');
    const caveat = el('p', 'sublevel-caveat', SLICE_CAVEAT);
    caveat.id = 'sublevel-caveat';
    card.append(levelRow, countRow, this.coverage, this.merges, caveat);
    this.mapSlot = el('div', 'sublevel-map');
    this.mapSlot.append(el('h3', 'sublevel-subtitle', 'Top view'), heatmap);
    const chartBox = el('div', 'sublevel-chart');
    chartBox.append(el('h3', 'sublevel-subtitle', 'Minima: persistence diagram'), chart);
    this.element.append(card, this.mapSlot, chartBox);
    container.append(this.element);
  }

  update(v: ReadoutValues): void {
    this.level.textContent = formatLoss(v.level);
    this.count.textContent = String(v.components);
    this.count.dataset.count = String(v.components);
    this.count.title = `${v.connectivity}-connected components of the grid points with loss below E`;
    const percent = v.finite > 0 ? (100 * v.below) / v.finite : 0;
    this.coverage.textContent = `${v.connectivity}-connectivity · ${percent.toFixed(percent < 10 ? 1 : 0)}% of the grid below E`;
    const doc = this.element.ownerDocument;
    this.merges.replaceChildren(
      ...v.merges.map((m) => {
        const row = doc.createElement('div');
        row.className = 'sublevel-row';
        const key = doc.createElement('span');
        key.className = 'sublevel-key';
        key.textContent = m.label;
        const value = doc.createElement('span');
        value.className = 'sublevel-merge';
        value.textContent = Number.isNaN(m.level) ? 'same grid point' : Number.isFinite(m.level) ? formatLoss(m.level) : 'never (∞)';
        if (Number.isFinite(m.level)) value.dataset.level = String(m.level);
        row.append(key, value);
        return row;
      }),
    );
  }

  showMap(visible: boolean): void {
    this.mapSlot.hidden = !visible;
  }
}
