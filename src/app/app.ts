/**
 * Wiring only: the store, the engine, the view and the cards, connected. The store is the only writer of
 * the state, the hash and the notices; the runner runs the engine's jobs; the display draws what they return.
 */
import type { Engine } from '../engine/pipeline';
import type { GpuContext } from '../gpu/device';
import { Panel } from '../ui/panel';
import { StatusBar } from '../ui/statusBar';
import { SurfaceView } from '../view/surfaceView';
import type { BarrierController } from './barrierController';
import { CompareController } from './compareController';
import { landscapeApi, type LandscapeApi } from './consoleApi';
import { askFromSearch, LongJobs } from './longJobs';
import { ConnectController } from './connectController';
import { Display } from './display';
import { engineSwitchFor, type EngineSwitch } from './engineSwitch';
import type { ExportController } from './exportController';
import type { FileController } from './fileController';
import { planeMoverFor, type PlaneMover } from './planeMover';
import type { OwnModelController } from './ownModelController';
import { pageCards } from './pageCards';
import type { PresetController } from './presetController';
import { mergeAtoB, pageEngine, pagePresets, pageStore, readPageLink, showAdapter } from './pageParts';
import { Runner } from './runner';
import { SpectrumController } from './spectrumController';
import { sameExceptSublevel, sameEngineInputs, type Store } from './store';
import { SublevelController } from './sublevelController';
import { TrainingController } from './trainingController';

export class App {
  readonly store: Store;
  private readonly engine: Engine;
  readonly view: SurfaceView;
  private readonly panel: Panel;
  private readonly status: StatusBar;
  readonly sublevel: SublevelController;
  readonly display: Display;
  readonly runner: Runner;
  readonly training: TrainingController;
  readonly connector: ConnectController;
  readonly exporter: ExportController;
  readonly files: FileController;
  readonly own: OwnModelController;
  private readonly mover: PlaneMover;
  readonly spectrum: SpectrumController;
  readonly barriers: BarrierController;
  /** Compare mode: a second view beside the first, one colour scale, linked cameras. */
  readonly compare: CompareController;
  /** The gallery and the note beside the view for the preset on screen. */
  readonly presets: PresetController;
  /** Long jobs ask before they go on (`?ask=never` never asks). */
  readonly longJobs: LongJobs;
  /** Which engine computes grids (`eng=` in the link, the panel, `landscape.engine()`). */
  readonly engines: EngineSwitch;

  constructor(root: HTMLElement, gpu: GpuContext | null, hash: string) {
    const el = (selector: string): HTMLElement => root.querySelector<HTMLElement>(selector) ?? root;
    const { link, decoded, ignored } = readPageLink(hash);
    this.status = new StatusBar(el('#statusline'));
    this.status.onCancel(() => this.cancel());
    this.store = pageStore(decoded.state, this.status, () => this.engines.hashSuffix());
    this.engine = pageEngine(gpu);
    this.engines = engineSwitchFor(this.engine, this.status, () => this.runner.run(), gpu, { hash, search: location.search });
    const state = this.store.state;
    this.view = new SurfaceView(el('#view'), { preserveDrawingBuffer: true });
    this.longJobs = new LongJobs(el('#view'), askFromSearch(location.search));
    this.view.setCamera(state.camera);
    showAdapter(this.status, gpu);
    this.panel = new Panel(el('#panel'), state, {
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
    const column = el('#sublevel-column');
    this.sublevel = new SublevelController(
      column,
      this.view,
      (cell) => this.display.showHover(cell),
      (level, position, final) => {
        this.panel.syncWater(position, level);
        if (final) this.store.update({ sublevel: { level } });
      },
      state,
    );
    this.training = new TrainingController(
      root,
      this.engine,
      () => this.store.state,
      (minimum) => this.runner.useKept(minimum),
      (id) => void this.runner.trajectory({ id }).catch(() => undefined),
      this.longJobs,
    );
    this.connector = new ConnectController(
      column,
      this.engine,
      this.training,
      this.view,
      this.status,
      mergeAtoB(() => this.sublevel),
      () => void this.runner.connect({}).catch(() => undefined),
    );
    this.spectrum = new SpectrumController(column, {
      engine: this.engine,
      result: () => (this.display.showingOther ? null : this.display.engineResult),
      apply: (partial) => this.apply(partial),
      state: () => this.store.state,
    });
    // Every drawn surface passes through the connector's onSurface: the spectrum card follows it there.
    this.connector.pathsChanged = (paths) => {
      this.sublevel.heatmap.setPaths(paths);
      this.spectrum.onSurface();
    };
    const hover = root.querySelector<HTMLElement>('#hover');
    this.display = new Display(this.view, this.sublevel, this.connector, this.panel, hover, el('#view'));
    this.display.installHover(el('#view'));
    this.mover = planeMoverFor(
      this.view,
      this.sublevel,
      this.display,
      () => this.store.state,
      (p) => this.apply(p),
    );
    this.mover.addButton(el('#view'));
    this.mover.sync(state);
    this.runner = new Runner(this.engine, this.store, this.display, this.status, this.panel, this.connector, this.training, this.longJobs);
    this.compare = new CompareController({
      engine: this.engine,
      store: this.store,
      display: this.display,
      runner: this.runner,
      status: this.status,
      view: this.view,
      viewEl: el('#view'),
      hoverEl: root.querySelector<HTMLElement>('#hover'),
      folder: this.panel.addFolder('Compare two views'),
      apply: (partial) => this.apply(partial),
    });
    const { store, panel, display, status, runner, connector, engine, view, training, sublevel } = this;
    const cards = pageCards({ root, gpu, column, engine, store, panel, display, status, runner, connector, training, view, sublevel });
    ({ barriers: this.barriers, exporter: this.exporter, files: this.files, own: this.own } = cards);
    this.engines.addControl(panel.addFolder('Engine'));
    this.store.notify(ignored.map((m) => `link: ${m}`));
    void this.runner.run().catch(() => undefined);
    const parts = { store, engine, view, apply: (next: unknown) => this.apply(next), settled: () => this.runner.settled() };
    this.presets = pagePresets(root, { ...parts, openOwnExample: (example) => this.own.openExample(example) }, decoded.preset, link);
  }

  /**
   * Merge, validate, recompute what changed, draw. A change that does not alter the engine's result (the
   * view, the camera, the water level, isolines, a refused value) never touches a running job: it is drawn
   * on what is on screen, and the job draws its surface with it when it is done.
   */
  apply(partial: unknown): Promise<void> {
    const { before, state, ignored } = this.store.update(partial, { writeHash: false });
    this.store.notify(ignored);
    if (JSON.stringify(state.camera) !== JSON.stringify(before.camera)) this.view.setCamera(state.camera);
    this.panel.sync(state);
    this.mover.sync(state);
    if (!sameEngineInputs(before, state)) return this.runner.run();
    this.store.writeHash();
    if (this.display.surface() !== null) {
      if (sameExceptSublevel(before, state)) {
        // The water level and its drawing never need the engine: no retraining, no new grid.
        this.sublevel.stopSweep();
        this.sublevel.setSettings(state.sublevel);
        this.display.syncWaterControls();
      } else {
        this.display.redraw(state);
      }
    }
    return this.runner.busy ? this.runner.settled() : Promise.resolve();
  }

  /** Stop the running job (the pipeline or a path view) and any training run; the view keeps what it shows. */
  cancel(): boolean {
    const stopped = this.runner.cancel();
    this.training.stop();
    this.barriers.stop();
    return stopped;
  }

  private rerun(stage: 'train' | 'surface'): Promise<void> {
    this.engine.invalidate(stage);
    return this.runner.run();
  }

  api(): LandscapeApi {
    return landscapeApi(this);
  }
}
