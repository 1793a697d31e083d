/**
 * The training card: many seeds of the page's network, the "are all minima global?" width
 * sweep, and the list of kept networks. Plain DOM (forms, two canvas charts, a table); every
 * value goes through the controller, which clamps it and says so.
 */
import { ACTIVATIONS, LOSSES } from '../model/spec';
import type { KeptMinimum } from '../train/minimaList';
import type { MultiSeedResult } from '../train/multiSeed.types';
import type { RunSummary } from '../train/runSummary';
import type { SweepRequest, TrainRequest } from '../train/trainingLimits';
import { TRAIN_LIMITS } from '../train/trainingLimits';
import { formatLoss } from '../view/formatLoss';
import { LossDotsChart } from '../view/lossDotsChart';
import { SweepChart, type SweepPlot } from '../view/sweepChart';

export interface TrainingPanelActions {
  train(raw: Record<string, unknown>): void;
  sweep(raw: Record<string, unknown>): void;
  stop(): void;
  useCenter(id: number | null): void;
  toggleEndpoint(id: number): void;
  remove(id: number): void;
  /** Show a kept network's stored training path (its trajectory plane). */
  path(id: number): void;
}

type Tab = 'seeds' | 'sweep' | 'kept';

export const THEOREM_TEXT =
  'The theorem (Yu & Chen 1995; Nguyen & Hein 2017) assumes one hidden layer, an analytic bounded activation ' +
  '(tanh, sigmoid), the squared loss and m distinct inputs: then with n₁ ≥ m hidden units every local minimum is ' +
  'global (loss 0 here; those widths are shaded). It says nothing left of the dashed line, where narrow networks can ' +
  'have bad local minima, ' +
  'and ReLU or repeated inputs break its argument. Finite training can stop short of a minimum: a seed below the bar ' +
  'may just need more steps, and a success is "loss ≤ ε", not a proof.';

export class TrainingPanel {
  private readonly root: HTMLElement;
  private readonly doc: Document;
  private readonly tabs = new Map<Tab, { button: HTMLButtonElement; body: HTMLElement }>();
  private readonly dots: LossDotsChart;
  private readonly sweepChart: SweepChart;
  private readonly fields = new Map<string, HTMLInputElement | HTMLSelectElement>();
  private readonly trainStatus: HTMLElement;
  private readonly sweepStatus: HTMLElement;
  private readonly trainNotice: HTMLElement;
  private readonly sweepNotice: HTMLElement;
  private readonly listBody: HTMLElement;
  private readonly listNote: HTMLElement;
  private readonly keptCount: HTMLElement;

  constructor(
    container: HTMLElement,
    train: TrainRequest,
    sweep: SweepRequest,
    private readonly actions: TrainingPanelActions,
  ) {
    const doc = container.ownerDocument;
    this.doc = doc;
    this.root = this.el('section', 'training collapsed');
    this.root.id = 'training';
    const header = this.el('div', 'training-header');
    const toggle = this.el('button', 'training-toggle') as HTMLButtonElement;
    toggle.type = 'button';
    toggle.textContent = 'Train many seeds · are all minima global?';
    toggle.addEventListener('click', () => this.root.classList.toggle('collapsed'));
    header.append(toggle);
    const tabBar = this.el('div', 'training-tabs');
    header.append(tabBar);
    this.root.append(header);
    const content = this.el('div', 'training-content');
    this.root.append(content);
    for (const [tab, label] of [
      ['seeds', 'Many seeds'],
      ['sweep', 'Are all minima global?'],
      ['kept', 'Kept networks'],
    ] as const) {
      const button = this.el('button', 'training-tab') as HTMLButtonElement;
      button.type = 'button';
      button.dataset['tab'] = tab;
      button.textContent = label;
      button.addEventListener('click', () => this.show(tab));
      tabBar.append(button);
      const body = this.el('div', 'training-body');
      body.dataset['tab'] = tab;
      content.append(body);
      this.tabs.set(tab, { button, body });
    }
    this.keptCount = this.el('span', 'training-count');
    this.tabs.get('kept')?.button.append(' ', this.keptCount);

    // Many seeds.
    const seeds = this.body('seeds');
    const form1 = this.el('div', 'training-form');
    form1.append(
      this.numberField('t.seeds', 'seeds K', train.seeds, TRAIN_LIMITS.seeds),
      this.numberField('t.steps', 'steps', train.steps, TRAIN_LIMITS.steps),
      this.selectField('t.optimizer', 'optimizer', ['adam', 'sgd'], train.optimizer),
      this.numberField('t.lr', 'learning rate', train.learningRate, TRAIN_LIMITS.learningRate, 'any'),
      this.numberField('t.epsilon', 'ε / initial loss', train.epsilonRatio, TRAIN_LIMITS.epsilonRatio, 'any'),
      this.numberField('t.snapshotEvery', 'snapshot every', train.snapshotEvery, TRAIN_LIMITS.snapshotEvery),
    );
    const run1 = this.button('Train K seeds', () => actions.train(this.trainValues()), 'training-run');
    const stop1 = this.button('Stop', () => actions.stop());
    this.trainStatus = this.el('div', 'training-status');
    this.trainNotice = this.el('div', 'training-notice');
    this.dots = new LossDotsChart(doc);
    const hint1 = this.el('p', 'training-hint');
    hint1.textContent =
      'Trains K seeds of the network and data in the panel on the right, from different initialisations, all at once; ' +
      'steps and learning rate start at the panel’s training settings (a preset’s own). ' +
      'Green: loss ≤ ε; orange: above; red ×: diverged (never a success).';
    seeds.append(form1, this.row(run1, stop1), this.trainStatus, this.trainNotice, this.dots.element, hint1);

    // Width sweep.
    const sw = this.body('sweep');
    const form2 = this.el('div', 'training-form');
    form2.append(
      this.numberField('s.samples', 'samples m', sweep.samples, TRAIN_LIMITS.sweepSamples),
      this.textField('s.widths', 'widths n₁', sweep.widths.join(', '), 'auto: 1 … m+2'),
      this.numberField('s.seeds', 'seeds K', sweep.seeds, TRAIN_LIMITS.seeds),
      this.numberField('s.steps', 'steps', sweep.steps, TRAIN_LIMITS.steps),
      this.numberField('s.lr', 'learning rate', sweep.learningRate, TRAIN_LIMITS.learningRate, 'any'),
      this.selectField('s.optimizer', 'optimizer', ['adam', 'sgd'], sweep.optimizer),
      this.selectField('s.activation', 'activation', [...ACTIVATIONS], sweep.activation),
      this.selectField('s.loss', 'loss', [...LOSSES], sweep.loss),
      this.selectField('s.inputs', 'inputs', ['distinct', 'duplicated'], sweep.duplicated ? 'duplicated' : 'distinct'),
    );
    const run2 = this.button('Run width sweep', () => actions.sweep(this.sweepValues()), 'training-run');
    const stop2 = this.button('Stop', () => actions.stop());
    this.sweepStatus = this.el('div', 'training-status');
    this.sweepNotice = this.el('div', 'training-notice');
    this.sweepChart = new SweepChart(doc);
    const theorem = this.el('p', 'training-theorem');
    theorem.textContent = THEOREM_TEXT;
    sw.append(form2, this.row(run2, stop2), this.sweepStatus, this.sweepNotice, this.sweepChart.element, theorem);

    // Kept networks.
    const kept = this.body('kept');
    const top = this.row(this.button('Train θ₀ from the panel again', () => actions.useCenter(null)));
    this.listNote = this.el('div', 'training-notice');
    const hint3 = this.el('p', 'training-hint');
    hint3.textContent =
      'Every trained network is kept here (the newest last). "θ₀" centres the plane on it (this session only: ' +
      'the link still reproduces the trained θ₀); "endpoint" marks it for curves between minima.';
    const table = this.el('div', 'training-list');
    this.listBody = table;
    kept.append(top, this.listNote, table, hint3);
    this.select('seeds');
    this.dots.element.hidden = true;
    this.sweepChart.element.hidden = true;
    this.showList([], null, '');
    container.append(this.root);
  }

  /** Open the card on a tab. */
  show(tab: Tab): void {
    this.root.classList.remove('collapsed');
    this.select(tab);
  }

  private select(tab: Tab): void {
    for (const [name, { button, body }] of this.tabs) {
      button.classList.toggle('active', name === tab);
      body.hidden = name !== tab;
    }
  }

  /** The request of a run; `open: false` leaves the card folded if it is (a run started by another tool). */
  showTrainRequest(r: TrainRequest, notices: readonly string[], open = true): void {
    if (open) this.show('seeds');
    else this.select('seeds');
    this.set('t.seeds', r.seeds);
    this.set('t.steps', r.steps);
    this.set('t.optimizer', r.optimizer);
    this.set('t.lr', r.learningRate);
    this.set('t.epsilon', r.epsilonRatio);
    this.set('t.snapshotEvery', r.snapshotEvery);
    this.notice(this.trainNotice, notices);
  }

  /**
   * The page's training settings changed (a preset opened, the panel's steps or learning rate): the
   * "Many seeds" steps and learning rate follow them, unless someone typed other values since.
   */
  followTrainDefaults(previous: Pick<TrainRequest, 'steps' | 'learningRate'>, next: Pick<TrainRequest, 'steps' | 'learningRate'>): void {
    if (Number(this.value('t.steps')) === previous.steps) this.set('t.steps', next.steps);
    if (Number(this.value('t.lr')) === previous.learningRate) this.set('t.lr', next.learningRate);
  }

  showSweepRequest(r: SweepRequest, notices: readonly string[]): void {
    this.show('sweep');
    this.set('s.samples', r.samples);
    this.set('s.widths', r.widths.join(', '));
    this.set('s.seeds', r.seeds);
    this.set('s.steps', r.steps);
    this.set('s.lr', r.learningRate);
    this.set('s.optimizer', r.optimizer);
    this.set('s.activation', r.activation);
    this.set('s.loss', r.loss);
    this.set('s.inputs', r.duplicated ? 'duplicated' : 'distinct');
    this.notice(this.sweepNotice, notices);
  }

  trainProgress(text: string, fraction: number): void {
    this.trainStatus.textContent = text;
    this.trainStatus.style.setProperty('--progress', `${Math.round(fraction * 100)}%`);
  }

  sweepProgress(text: string, fraction: number): void {
    this.sweepStatus.textContent = text;
    this.sweepStatus.style.setProperty('--progress', `${Math.round(fraction * 100)}%`);
  }

  showRun(result: MultiSeedResult, s: RunSummary, caption: string, notices: readonly string[], timing: string): void {
    const K = result.count;
    this.trainProgress(
      s.divergedCount === K
        ? `done in ${timing}: every seed diverged (try a smaller learning rate)`
        : `done in ${timing}: median final loss ${formatLoss(s.medianFinal)} (from ${formatLoss(s.medianInitial)})`,
      0,
    );
    this.dots.element.hidden = false;
    this.notice(this.trainNotice, notices);
    this.dots.draw({
      finalLosses: result.finalLosses,
      diverged: result.diverged,
      success: s.success,
      epsilon: s.epsilon,
      floorLoss: s.floorLoss,
      fraction: s.fraction,
      caption,
    });
  }

  showSweep(plot: SweepPlot, notices: readonly string[]): void {
    this.sweepChart.element.hidden = false;
    this.sweepChart.draw(plot);
    if (notices.length > 0) this.notice(this.sweepNotice, notices);
  }

  listNotice(text: string): void {
    this.notice(this.listNote, text === '' ? [] : [text]);
    this.show('kept');
  }

  showList(items: readonly KeptMinimum[], centerId: number | null, dataKey: string): void {
    this.keptCount.textContent = `(${items.length})`;
    const rows: HTMLElement[] = [];
    const head = this.el('div', 'training-list-row training-list-head');
    for (const t of ['name', 'loss', 'acc.', '', '', '', '']) head.append(this.cell(t));
    rows.push(head);
    for (const m of [...items].reverse().slice(0, 300)) {
      const row = this.el('div', `training-list-row${m.id === centerId ? ' center' : ''}${m.diverged ? ' diverged' : ''}`);
      row.dataset['id'] = String(m.id);
      const use = this.button(m.id === centerId ? 'θ₀ ✓' : 'θ₀', () => this.actions.useCenter(m.id));
      use.disabled = m.dataKey !== dataKey;
      use.title = use.disabled ? 'trained on other data or for another network than the page shows' : 'centre the plane on this network';
      const end = this.button(m.endpoint ? 'endpoint ✓' : 'endpoint', () => this.actions.toggleEndpoint(m.id));
      const del = this.button('✕', () => this.actions.remove(m.id));
      const path = this.button('path', () => this.actions.path(m.id));
      path.disabled = m.dataKey !== dataKey || m.diverged || m.snapshots.length < 3;
      path.title = path.disabled
        ? 'needs 3 or more snapshots (train with “snapshot every” > 0) of a network for the data the page shows'
        : 'show the plane of this network’s training path';
      row.append(
        this.cell(m.name),
        this.cell(m.diverged ? 'diverged' : formatLoss(m.finalLoss)),
        this.cell(Number.isNaN(m.accuracy) ? '–' : `${Math.round(m.accuracy * 100)} %`),
        use,
        end,
        path,
        del,
      );
      rows.push(row);
    }
    this.listBody.replaceChildren(...rows);
  }

  private trainValues(): Record<string, unknown> {
    return {
      seeds: this.value('t.seeds'),
      steps: this.value('t.steps'),
      optimizer: this.value('t.optimizer'),
      lr: this.value('t.lr'),
      epsilon: this.value('t.epsilon'),
      snapshotEvery: this.value('t.snapshotEvery'),
    };
  }

  private sweepValues(): Record<string, unknown> {
    const text = this.value('s.widths').trim();
    return {
      samples: this.value('s.samples'),
      widths: text === '' || text === 'auto' ? [] : text.split(/[\s,]+/).map(Number),
      seeds: this.value('s.seeds'),
      steps: this.value('s.steps'),
      lr: this.value('s.lr'),
      optimizer: this.value('s.optimizer'),
      activation: this.value('s.activation'),
      loss: this.value('s.loss'),
      duplicated: this.value('s.inputs') === 'duplicated',
    };
  }

  private value(key: string): string {
    return this.fields.get(key)?.value ?? '';
  }

  private set(key: string, v: string | number): void {
    const f = this.fields.get(key);
    if (f) f.value = String(v);
  }

  private notice(el: HTMLElement, lines: readonly string[]): void {
    el.textContent = lines.join(' · ');
    el.hidden = lines.length === 0;
  }

  private el(tag: string, className: string): HTMLElement {
    const e = this.doc.createElement(tag);
    e.className = className;
    return e;
  }

  private body(tab: Tab): HTMLElement {
    const t = this.tabs.get(tab);
    if (!t) throw new Error(`no tab ${tab}`);
    return t.body;
  }

  private cell(text: string): HTMLElement {
    const c = this.el('span', 'training-cell');
    c.textContent = text;
    return c;
  }

  private row(...children: HTMLElement[]): HTMLElement {
    const r = this.el('div', 'training-buttons');
    r.append(...children);
    return r;
  }

  private button(label: string, onClick: () => void, className = ''): HTMLButtonElement {
    const b = this.el('button', `training-button ${className}`.trim()) as HTMLButtonElement;
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }

  private labelled(label: string, input: HTMLInputElement | HTMLSelectElement): HTMLElement {
    const l = this.el('label', 'training-field');
    const span = this.el('span', 'training-label');
    span.textContent = label;
    l.append(span, input);
    return l;
  }

  private numberField(
    key: string,
    label: string,
    value: number,
    [lo, hi]: readonly [number, number],
    step: string | number = 1,
  ): HTMLElement {
    const input = this.doc.createElement('input');
    input.type = 'number';
    input.name = key;
    input.min = String(lo);
    input.max = String(hi);
    input.step = String(step);
    input.value = String(value);
    this.fields.set(key, input);
    return this.labelled(label, input);
  }

  private textField(key: string, label: string, value: string, placeholder: string): HTMLElement {
    const input = this.doc.createElement('input');
    input.type = 'text';
    input.name = key;
    input.value = value;
    input.placeholder = placeholder;
    this.fields.set(key, input);
    return this.labelled(label, input);
  }

  private selectField(key: string, label: string, options: readonly string[], value: string): HTMLElement {
    const select = this.doc.createElement('select');
    select.name = key;
    for (const o of options) {
      const opt = this.doc.createElement('option');
      opt.value = o;
      opt.textContent = o;
      select.append(opt);
    }
    select.value = value;
    this.fields.set(key, select);
    return this.labelled(label, select);
  }
}
