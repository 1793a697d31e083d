/**
 * The cards and panel folders that only read the page's parts: the training-path button of the connect card,
 * the barrier matrix beside the view, and the Export, Files and own-model folders of the panel, made in that
 * order (the panel shows its folders in the order they are added).
 */
import type { Engine } from '../engine/pipeline';
import type { Panel } from '../ui/panel';
import type { StatusBar } from '../ui/statusBar';
import type { SurfaceView } from '../view/surfaceView';
import { BarrierController } from './barrierController';
import type { ConnectController } from './connectController';
import type { Display } from './display';
import { installExports, type ExportController } from './exportController';
import { FileController } from './fileController';
import type { GpuContext } from '../gpu/device';
import { OwnModelController } from './ownModelController';
import type { Runner } from './runner';
import type { Store } from './store';
import type { SublevelController } from './sublevelController';
import type { TrainingController } from './trainingController';

export interface CardParts {
  readonly root: HTMLElement;
  /** The page's WebGPU device (own models run on its WebGPU execution provider), or null. */
  readonly gpu: GpuContext | null;
  /** The column beside the view that holds the cards. */
  readonly column: HTMLElement;
  readonly engine: Engine;
  readonly store: Store;
  readonly panel: Panel;
  readonly display: Display;
  readonly status: StatusBar;
  readonly runner: Runner;
  readonly connector: ConnectController;
  readonly training: TrainingController;
  readonly view: SurfaceView;
  readonly sublevel: SublevelController;
}

export interface PageCards {
  readonly barriers: BarrierController;
  readonly exporter: ExportController;
  readonly files: FileController;
  readonly own: OwnModelController;
}

export function pageCards(p: CardParts): PageCards {
  const { root, store, panel, display, status, runner, connector } = p;
  connector.addButton(
    'training path',
    'Train seed 1 with snapshots and show the plane of its trajectory (two principal directions through the end point)',
    () => void runner.trajectory({}).catch(() => undefined),
  );
  const barriers = new BarrierController(p.column, {
    engine: p.engine,
    training: p.training,
    status,
    state: () => store.state,
    openPair: (options) => void runner.connect(options).catch(() => undefined),
  });
  const exporter = installExports({ view: p.view, sublevel: p.sublevel, display, store, connector, folder: panel.addFolder('Export') });
  const files = new FileController(panel.addFolder('Files'), root, {
    state: () => store.state,
    notify: (lines, kind) => store.notify(lines, kind),
    show: (file) => runner.showImported(file),
    current: () => display.current(store.state),
  });
  const own = new OwnModelController({
    root,
    folder: panel.addFolder('Your own model (ONNX)'),
    store,
    panel,
    display,
    status,
    runner,
    connector,
    gpu: p.gpu,
  });
  return { barriers, exporter, files, own };
}
