/**
 * The control panel: lil-gui bound to a working copy of the state. Edits are collected and handed
 * to `onChange` as a partial state at `onFinishChange`; the app decides what to recompute.
 */
import GUI, { type Controller } from 'lil-gui';
import { ACTIVATIONS, LOSSES } from '../model/spec';
import { COLORMAPS, CONNECTIVITIES, DATASETS, LIMITS, type AppState } from '../state/appState';
import { formatLoss } from '../view/formatLoss';
import { describeNetworkInUse, fixedByData } from '../state/fixedByData';

export type PartialState = { [K in keyof AppState]?: Partial<AppState[K]> } & { seed?: number };

export interface PanelActions {
  onChange(partial: PartialState): void;
  retrain(): void;
  recompute(): void;
  /** The water-level slider moves (position 0..1): redraw at once, do not touch the URL. */
  previewLevel(position: number): void;
  /** The slider was let go at this position. */
  commitLevel(position: number): void;
  /** Start (or stop) the animated sweep of E from the minimum to the maximum. */
  sweep(): void;
}

export class Panel {
  private readonly gui: GUI;
  private builtIn: GUI[] = [];
  private readonly model: { hidden: string; activation: string; loss: string; bias: boolean; residual: boolean };
  private readonly working: AppState;
  /**
   * The slider position and the level it stands for, as the loss the field shows (set by the app, which
   * knows the surface). The row shows the level in loss units only, never the slider's 0..1 position.
   */
  private readonly water = { position: 0, level: '' };
  /** The network the engine builds, in one line (read-only). */
  private readonly inUse = { network: '' };
  private readonly modelControllers = new Map<keyof AppState['model'], Controller>();
  private classesController: Controller | null = null;
  private fixedNote: HTMLElement | null = null;

  constructor(
    container: HTMLElement,
    state: AppState,
    private readonly actions: PanelActions,
  ) {
    this.gui = new GUI({ container, title: 'Loss landscape' });
    this.working = structuredClone(state);
    this.model = { ...state.model, hidden: state.model.hidden.join(', ') };
    const w = this.working;

    const sub = this.gui.addFolder('Sublevel sets {L < E}');
    const sw = w.sublevel;
    const slider = sub
      .add(this.water, 'position', 0, 1, 0.001)
      .name('water level')
      .onChange(() => actions.previewLevel(this.water.position))
      .onFinishChange(() => actions.commitLevel(this.water.position));
    slider.domElement.classList.add('water-slider');
    sub
      .add(this.water, 'level')
      .name('E (loss)')
      // The text as typed: the state's validator parses, clamps and reports.
      .onFinishChange(() => this.emit({ sublevel: { level: Number(this.water.level.trim()) } }));
    sub.add(actions, 'sweep').name('▶ sweep E (min → max)');
    sub
      .add(sw, 'logSlider')
      .name('log slider')
      .onFinishChange(() => this.emit({ sublevel: { logSlider: sw.logSlider } }));
    sub
      .add(sw, 'water')
      .name('show water level')
      .onFinishChange(() => this.emit({ sublevel: { water: sw.water } }));
    sub
      .add(sw, 'colourComponents')
      .name('colour components')
      .onFinishChange(() => this.emit({ sublevel: { colourComponents: sw.colourComponents } }));
    sub
      .add(sw, 'connectivity', [...CONNECTIVITIES])
      .name('connectivity')
      .onFinishChange(() => this.emit({ sublevel: { connectivity: sw.connectivity } }));
    sub
      .add(sw, 'contours', LIMITS.contours[0], 32, 1)
      .name('isolines')
      .onFinishChange(() => this.emit({ sublevel: { contours: sw.contours } }));
    sub
      .add(sw, 'heatmap')
      .name('top view (2-D)')
      .onFinishChange(() => this.emit({ sublevel: { heatmap: sw.heatmap } }));

    const data = this.gui.addFolder('Data');
    data
      .add(w.data, 'kind', [...DATASETS])
      .name('dataset')
      .onFinishChange(() => this.emit({ data: { kind: w.data.kind } }));
    data
      .add(w.data, 'samples', LIMITS.samples[0], 4096, 1)
      .name('samples m')
      .onFinishChange(() => this.emit({ data: { samples: w.data.samples } }));
    this.classesController = data
      .add(w.data, 'classes', LIMITS.classes[0], LIMITS.classes[1], 1)
      .name('classes / arms')
      .onFinishChange(() => this.emit({ data: { classes: w.data.classes } }));
    data.add(w.data, 'noise', 0, 1, 0.01).onFinishChange(() => this.emit({ data: { noise: w.data.noise } }));
    data.add(w, 'seed', LIMITS.seed[0], 9999, 1).onFinishChange(() => this.emit({ seed: w.seed }));

    const model = this.gui.addFolder('Model');
    model.add(this.inUse, 'network').name('network in use').disable().domElement.classList.add('panel-network-in-use');
    const fields = this.modelControllers;
    fields.set(
      'hidden',
      model
        .add(this.model, 'hidden')
        .name('hidden widths')
        .onFinishChange(() => this.emitHidden()),
    );
    fields.set(
      'activation',
      model
        .add(this.model, 'activation', [...ACTIVATIONS])
        .onFinishChange(() => this.emit({ model: { activation: this.model.activation as AppState['model']['activation'] } })),
    );
    fields.set(
      'loss',
      model
        .add(this.model, 'loss', [...LOSSES])
        .onFinishChange(() => this.emit({ model: { loss: this.model.loss as AppState['model']['loss'] } })),
    );
    fields.set(
      'bias',
      model
        .add(this.model, 'bias')
        .name('biases')
        .onFinishChange(() => this.emit({ model: { bias: this.model.bias } })),
    );
    fields.set(
      'residual',
      model
        .add(this.model, 'residual')
        .name('residual (skip) connections')
        .onFinishChange(() => this.emit({ model: { residual: this.model.residual } })),
    );
    const note = container.ownerDocument.createElement('p');
    note.className = 'panel-fixed-note';
    Object.assign(note.style, { margin: '4px 8px 6px', fontSize: '12px', lineHeight: '1.35', color: '#e6c46a' });
    model.$children.append(note);
    this.fixedNote = note;
    this.showFixed(state);

    const train = this.gui.addFolder('Training θ₀ (Adam, full batch)');
    this.builtIn = [data, model, train];
    train.add(w.train, 'steps', 0, 5000, 1).onFinishChange(() => this.emit({ train: { steps: w.train.steps } }));
    train
      .add(w.train, 'learningRate', 1e-4, 0.2, 1e-4)
      .name('learning rate')
      .onFinishChange(() => this.emit({ train: { learningRate: w.train.learningRate } }));
    train.add(actions, 'retrain').name('retrain');

    const plane = this.gui.addFolder('Plane θ₀ + α·d₁ + β·d₂');
    plane
      .add(w.plane, 'gridSize', LIMITS.gridSize[0], LIMITS.gridSize[1], 1)
      .name('grid size')
      .onFinishChange(() => this.emit({ plane: { gridSize: w.plane.gridSize } }));
    plane.add(w.plane, 'span', 0.05, 5, 0.05).onFinishChange(() => this.emit({ plane: { span: w.plane.span } }));
    plane
      .add(w.plane, 'filterNormalize')
      .name('filter normalise')
      .onFinishChange(() => this.emit({ plane: { filterNormalize: w.plane.filterNormalize } }));
    plane
      .add(w.plane, 'keepBiasDirections')
      .name('bias directions')
      .onFinishChange(() => this.emit({ plane: { keepBiasDirections: w.plane.keepBiasDirections } }));
    plane.add(actions, 'recompute').name('recompute surface');

    const view = this.gui.addFolder('View');
    view
      .add(w.view, 'logScale')
      .name('log scale')
      .onFinishChange(() => this.emit({ view: { logScale: w.view.logScale } }));
    view
      .add(w.view, 'watchTraining')
      .name('watch θ₀ train (GPU)')
      .onFinishChange(() => this.emit({ view: { watchTraining: w.view.watchTraining } }));
    view
      .add(w.view, 'zClip', 0, 100, 0.01)
      .name('z-clip (0 = max)')
      .onFinishChange(() => this.emit({ view: { zClip: w.view.zClip } }));
    view.add(w.view, 'colormap', [...COLORMAPS]).onFinishChange(() => this.emit({ view: { colormap: w.view.colormap } }));
    // showFixed above changed values the controllers were built with.
    this.gui.controllersRecursive().forEach((c) => c.updateDisplay());
  }

  /** Show where the water level stands (the app resolves "auto" and knows the slider's range). */
  syncWater(position: number, level: number): void {
    this.water.position = position;
    this.water.level = formatLoss(level).replace('\u2212', '-');
    this.gui.controllersRecursive().forEach((c) => {
      if (c.object === this.water) c.updateDisplay();
    });
  }

  /** Show the state the app settled on (after clamping, presets, links). */
  sync(state: AppState): void {
    // Controllers are bound to the nested objects: copy field-wise, never replace them.
    const next = structuredClone(state);
    this.working.seed = next.seed;
    Object.assign(this.working.data, next.data);
    Object.assign(this.working.model, next.model);
    Object.assign(this.working.train, next.train);
    Object.assign(this.working.plane, next.plane);
    Object.assign(this.working.view, next.view);
    Object.assign(this.working.sublevel, next.sublevel);
    Object.assign(this.model, { ...state.model, hidden: state.model.hidden.join(', ') });
    this.showFixed(state);
    this.gui.controllersRecursive().forEach((c) => c.updateDisplay());
  }

  /**
   * The network in use: fields the data set decides show the values the engine uses and are
   * disabled, with the reason under them; the others show the state and are enabled.
   */
  private showFixed(state: AppState): void {
    const fixed = fixedByData(state);
    const model = fixed?.model ?? {};
    if (model.hidden !== undefined) this.model.hidden = model.hidden.join(', ');
    if (model.activation !== undefined) this.model.activation = model.activation;
    if (model.loss !== undefined) this.model.loss = model.loss;
    if (model.bias !== undefined) this.model.bias = model.bias;
    if (model.residual !== undefined) this.model.residual = model.residual;
    for (const [key, controller] of this.modelControllers) {
      const isFixed = key in model;
      controller.enable(!isFixed);
      controller.domElement.title = isFixed ? (fixed?.reason ?? '') : '';
      controller.domElement.dataset.fixed = String(isFixed);
    }
    const classes = fixed?.classes;
    if (this.classesController !== null) {
      const isFixed = classes !== undefined;
      if (classes !== undefined && classes !== null) this.working.data.classes = classes;
      this.classesController.enable(!isFixed);
      this.classesController.domElement.title = isFixed ? (classes === null ? 'regression data: no classes' : (fixed?.reason ?? '')) : '';
      this.classesController.domElement.dataset.fixed = String(isFixed);
    }
    this.inUse.network = describeNetworkInUse(state);
    if (this.fixedNote !== null) {
      this.fixedNote.textContent = fixed === null || Object.keys(model).length === 0 ? '' : `Greyed fields: ${fixed.reason}.`;
      this.fixedNote.hidden = this.fixedNote.textContent === '';
    }
  }

  /** A folder at the end of the panel for another part of the UI (e.g. Export). */
  /**
   * The built-in network's folders (data, model, training) are shown only while its surface is: a model of
   * one's own (ONNX) has its own data, architecture and θ₀, and these fields would describe another network.
   */
  showBuiltIn(visible: boolean): void {
    for (const folder of this.builtIn) {
      if (visible) folder.show();
      else folder.hide();
    }
  }

  addFolder(title: string): GUI {
    return this.gui.addFolder(title);
  }

  private emitHidden(): void {
    const text = this.model.hidden.trim();
    // Hand over the text as typed; the state's validator parses, clamps and reports.
    this.actions.onChange({ model: { hidden: text === '' ? [] : text.split(/[\s,]+/).map(Number) } });
  }

  private emit(partial: PartialState): void {
    this.actions.onChange(partial);
  }

  dispose(): void {
    this.gui.destroy();
  }
}
