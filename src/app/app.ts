/** Wires state → engine → view, owns the URL hash, the panel, the status line and the console API. */
import { describeSpec, layerWidths, paramLayout } from '../model/spec';
import type { GpuContext } from '../gpu/device';
import { cloneState, type AppState } from '../state/appState';
import { clampState, decodeState, encodeState } from '../state/urlCodec';
import { decodeLink } from '../state/presets';
import { PresetController } from './presetController';
import { Panel, type PartialState } from '../ui/panel';
import { StatusBar } from '../ui/statusBar';
import { SurfaceView } from '../view/surfaceView';
import type { LandscapeApi } from './consoleApi';
import { Engine, type EngineResult } from './engine';
import { JobScheduler } from './scheduler';
import { SublevelController, hoverLine } from './sublevelController';
import { TrainingController } from './trainingController';
import { ExportController } from './exportController';
import { exportCaption, exportFileStem, importedSubject } from '../io/caption';
import { ExportPanel } from '../ui/exportPanel';
import { FileController } from './fileController';
import { bundleSurface, surfaceFromGrid } from './importedSurface';
import type { ImportedFile } from '../io/importFile';
import type { ModelBundle } from '../io/bundle';
import type { SurfaceRecipe } from '../io/gridData';
import { gridRows, type Surface } from '../landscape/surface';
import type { ExportFormat } from '../ui/filesPanel';
import { ConnectController, type ConnectApiResult } from './connectController';
import { clampTrajectoryRequest, computeTrajectory, trajectoryFlowOptions, type TrajectoryApiResult } from './trajectoryFlow';
import { clampConnectRequest, connectFlowOptions } from './connectRequest';
import { formatFlow, parseFlow } from '../state/flow';
import { AbortError } from '../gpu/lossGrid.types';

/** A surface on screen that the engine did not compute (a file, or a model bundle). */
interface ImportedView {
  readonly surface: Surface;
  readonly recipe: SurfaceRecipe | null;
  readonly bundle: ModelBundle | null;
}

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
  private readonly training: TrainingController;
  private readonly exporter: ExportController;
  /** An imported surface on screen; kept until a field the engine reads changes. */
  private imported: ImportedView | null = null;
  private readonly files: FileController;
  private readonly gpu: GpuContext | null;
  private readonly connector: ConnectController;
  /** The gallery and the note beside the view for the preset on screen. */
  readonly presets: PresetController;

  constructor(root: HTMLElement, gpu: GpuContext | null, hash: string) {
    const decoded = decodeLink(hash);
    this.state = decoded.state;
    this.lastNotices = decoded.ignored.map((m) => `link: ${m}`);
    this.engine = new Engine(gpu);
    const viewEl = root.querySelector<HTMLElement>('#view') ?? root;
    const panelEl = root.querySelector<HTMLElement>('#panel') ?? root;
    const statusEl = root.querySelector<HTMLElement>('#statusline') ?? root;
    this.view = new SurfaceView(viewEl, { preserveDrawingBuffer: true });
    this.view.setCamera(this.state.camera);
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
    this.training = new TrainingController(root, this.engine, () => cloneState(this.state), (minimum) => {
      this.engine.setCenter(minimum === null ? null : { id: minimum.id, name: minimum.name, dataKey: minimum.dataKey, theta: minimum.theta });
      // A chosen θ₀ replaces any path view: the link must not replay a curve over it.
      this.state = { ...this.state, flow: '' };
      return this.run();
    }, (id) => void this.trajectory({ id }).catch(() => undefined));
    this.connector = new ConnectController(columnEl, this.engine, this.training, this.view, this.status, () => {
      try {
        return this.sublevel.mergeLevel({ alpha: 0, beta: 0 }, { alpha: 1, beta: 0 });
      } catch {
        return Number.NaN;
      }
    }, () => void this.connect({}).catch(() => undefined));
    this.connector.pathsChanged = (paths) => this.sublevel.heatmap.setPaths(paths);
    this.connector.addButton('training path', 'Train seed 1 with snapshots and show the plane of its trajectory (two principal directions through the end point)',
      () => void this.trajectory({}).catch(() => undefined));
    this.exporter = this.installExport();
    this.gpu = gpu;
    this.files = this.installFiles(root);
    this.status.showNotice(this.lastNotices);
    void this.run().catch(() => undefined);
    this.presets = new PresetController(root, {
      apply: (state) => this.apply(state),
      settled: () => this.scheduler.settled(),
      state: () => cloneState(this.state),
      drawnCanvas: () => {
        this.view.render();
        return this.view.canvas;
      },
      notify: (lines) => {
        this.lastNotices = [...lines];
        this.status.showNotice(lines);
      },
      previewGrid: (state, gridSize, signal) => this.engine.previewGrid(state, gridSize, signal),
      canPreview: () => this.engine.deviceKind === 'webgpu',
    }, decoded.preset, hash);
  }

  /** Merge, validate, recompute what changed, draw. */
  apply(partial: PartialState | unknown): Promise<void> {
    const { state, ignored } = clampState(partial, this.state);
    // A flow belongs to the engine inputs it was made on: any other data, model, training or plane
    // clears it, unless the change brings its own (a link, a preset).
    const namesFlow = typeof partial === 'object' && partial !== null && 'flow' in partial;
    if (!namesFlow && !sameEngineInputs(this.state, state)) state.flow = '';
    this.lastNotices = ignored;
    this.status.showNotice(ignored);
    const onlySublevel = this.result !== null && !this.busy && sameExceptSublevel(this.state, state);
    const keepImport = this.imported !== null && sameEngineInputs(this.state, state);
    if (JSON.stringify(state.camera) !== JSON.stringify(this.state.camera)) this.view.setCamera(state.camera);
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
    if (keepImport) {
      // An imported surface stays until a data, model, training or plane field changes.
      history.replaceState(null, '', `#${encodeState(state)}`);
      this.redrawImported();
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
    this.imported = null;
    const state = cloneState(this.state);
    history.replaceState(null, '', `#${encodeState(state)}`);
    this.busy = true;
    return this.scheduler.start(async (signal) => {
      try {
        const result = await this.engine.compute(state, signal, (stage, fraction, detail) => {
          if (stage === 'data') {
            this.status.progress(detail ?? 'loading data…', fraction);
            return;
          }
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
        this.connector.onSurface(result.surface);
        this.syncWaterControls();
        this.view.render();
        const s = result.surface;
        const kept = this.engine.centerOverride;
        const train = (kept ? `θ₀ = kept "${kept.name}" · ` : '') + (result.diverged ? 'training diverged' : `θ₀ loss ${result.trainLoss.toPrecision(4)}`);
        this.training.refreshList();
        this.status.done(
          `${describeSpec(result.spec)} · ${paramLayout(result.spec).size} params · m=${result.data.m} · ${train}`,
          `train ${(s.timings.trainMs / 1000).toFixed(2)} s · grid ${(s.timings.gridMs / 1000).toFixed(2)} s (${s.device})` +
            (s.nonFinite > 0 ? ` · ${s.nonFinite} points Inf/NaN (clipped, marked)` : ''),
        );
        // A link to a curve plane or a trajectory: replay it on the surface just drawn (same job).
        if (state.flow !== '') await this.replayFlow(state, signal);
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

  /** Links, PNG and video: the Export folder, and the camera written to the link when orbiting stops. */
  private installExport(): ExportController {
    const exporter = new ExportController({
      view: this.view,
      sublevel: this.sublevel,
      state: () => cloneState(this.state),
      subject: () => {
        const imported = this.imported;
        const from = imported?.surface.imported;
        if (imported !== null && from !== undefined) return importedSubject(from.name, from.format, imported.recipe === null ? null : describeSpec(imported.recipe.spec));
        if (this.result === null) return null;
        const spec = describeSpec(this.result.spec);
        return { caption: exportCaption(this.state, spec), fileStem: exportFileStem(this.state, spec) };
      },
      notify: (lines, kind) => this.status.showNotice(lines, kind),
      progress: (text, busy) => exportPanel.setProgress(text, busy),
      curveTravel: () => (this.connector.overlay.polylineCount > 0 ? (t: number) => this.connector.travelTo(t) : null),
    });
    const quiet = (p: Promise<unknown>): void => void p.catch(() => undefined);
    const exportPanel = new ExportPanel(this.panel.addFolder('Export'), {
      copyLink: () => quiet(exporter.copyLink()),
      savePng: (options) => quiet(exporter.png(options)),
      recordVideo: (options) => quiet(exporter.video(options)),
      cancel: () => exporter.cancel(),
    });
    this.view.onCameraSettled((pose) => {
      // Rounded so links stay short; only the hash changes, nothing is recomputed.
      const camera = { azimuth: round(pose.azimuth, 1), elevation: round(pose.elevation, 1), distance: round(pose.distance, 2) };
      const { state } = clampState({ camera }, this.state);
      if (JSON.stringify(state.camera) === JSON.stringify(this.state.camera)) return;
      this.state = state;
      history.replaceState(null, '', `#${encodeState(this.state)}`);
    });
    return exporter;
  }

  /** The Files folder and drag and drop: exports of the surface on screen, imports shown in place. */
  private installFiles(root: HTMLElement): FileController {
    return new FileController(this.panel.addFolder('Files'), root, {
      state: () => cloneState(this.state),
      notify: (lines, kind) => {
        this.lastNotices = [...lines];
        this.status.showNotice(lines, kind);
      },
      show: (file) => this.showImported(file),
      current: () => {
        if (this.imported !== null) return this.imported;
        const r = this.result;
        if (r === null) return null;
        const { center, directionX, directionY } = r.plane;
        return {
          surface: r.surface,
          recipe: { spec: r.spec, theta: center, directionX, directionY, x: r.data.x, y: r.data.y, seed: this.state.seed, stateHash: encodeState(this.state) },
          bundle: { spec: r.spec, theta: center, m: r.data.m, x: r.data.x, y: r.data.y, directionX, directionY },
        };
      },
    });
  }

  private displayedSurface(): Surface | null {
    return this.imported?.surface ?? this.result?.surface ?? null;
  }

  /** Show an imported file in place of the engine's surface (a bundle is evaluated first). */
  private showImported(file: ImportedFile): Promise<void> {
    const state = cloneState(this.state);
    return this.scheduler.start(async (signal) => {
      try {
        let shown: ImportedView;
        if (file.kind === 'surface') {
          shown = { surface: surfaceFromGrid(file.grid, file.name, file.format), recipe: file.grid.recipe ?? null, bundle: null };
        } else {
          this.status.progress(`evaluating ${file.name} on a ${state.plane.gridSize}² grid`, 0.5);
          const { surface, plane } = await bundleSurface(file.bundle, file.name, state, this.gpu, signal);
          const b = file.bundle;
          shown = {
            surface,
            recipe: { spec: b.spec, theta: b.theta, directionX: plane.directionX, directionY: plane.directionY, x: b.x, y: b.y, seed: state.seed, stateHash: '' },
            bundle: { ...b, directionX: plane.directionX, directionY: plane.directionY },
          };
        }
        if (signal.aborted) return;
        this.imported = shown;
        // The water level returns to "auto": the file's losses need not share the old range.
        this.state = { ...this.state, sublevel: { ...this.state.sublevel, level: 0 } };
        this.panel.sync(this.state);
        this.redrawImported();
        const s = shown.surface;
        const unfilled = file.kind === 'surface' ? file.grid.unfilled : 0;
        this.lastNotices = [];
        this.status.showNotice([]);
        this.status.done(
          `imported ${file.name} (${file.format}, ${s.gridSize} × ${gridRows(s)}${unfilled > 0 ? `, ${unfilled} unfilled cells` : ''})` +
            ' · kept until a data, model, training or plane field changes',
          file.kind === 'bundle' ? `grid ${(s.timings.gridMs / 1000).toFixed(2)} s (${s.device})` : '',
        );
      } catch (err) {
        if (!signal.aborted) this.status.done('import failed: the view shows the surface it showed before', '');
        throw err;
      } finally {
        if (!signal.aborted) this.busy = false;
      }
    });
  }

  private redrawImported(): void {
    const shown = this.imported;
    if (shown === null) return;
    this.view.setSurface(shown.surface, { ...this.state.view, showMarker: true });
    this.sublevel.setSurface(shown.surface, this.state);
    this.connector.onSurface(shown.surface);
    this.syncWaterControls();
    this.view.render();
    history.replaceState(null, '', `#${encodeState(this.state)}`);
  }

  /**
   * Mode connectivity: train a curve between two minima, then show the plane through A, θ_b and B
   * in place of the random plane (kept, like an imported surface, until an engine field changes).
   */
  connect(raw: unknown): Promise<ConnectApiResult> {
    return this.pathJob((state, signal) => this.connectJob(raw, state, signal));
  }

  /** The body of connect(), inside a scheduler job (also the replay of a `connect` flow from a link). */
  private async connectJob(raw: unknown, state: AppState, signal: AbortSignal, replay = false): Promise<ConnectApiResult | null> {
    try {
      const { surface, plane, api } = await this.connector.compute(raw, state, signal);
      if (signal.aborted) return null;
      const notices = [...api.notices];
      // A link replays the curve plane only when A and B came from seeds in this call.
      let flow = '';
      if (api.trainedEndpoints) flow = formatFlow({ run: 'connect', options: connectFlowOptions(clampConnectRequest(raw).request) });
      else notices.push('A or B is a network kept earlier: the link does not replay this curve plane (it reproduces the random plane)');
      this.showPathPlane(surface, plane, state, flow, replay);
      this.lastNotices = notices;
      this.status.showNotice(notices);
      this.status.done(
        `plane through A, θ_b, B · line barrier ${api.lineBarrier.toPrecision(3)} · ${api.kind} barrier ${api.curveBarrier.toPrecision(3)}` +
          ' · kept until a data, model, training or plane field changes',
        `curve ${(api.ms.curve / 1000).toFixed(2)} s · ${api.t.length}-point evaluation ${api.ms.evaluation.toFixed(0)} ms · grid ${(api.ms.grid / 1000).toFixed(2)} s (${api.device})`,
      );
      return api;
    } catch (err) {
      this.pathFailed('connect', err, signal);
      throw err;
    }
  }

  /**
   * The training trajectory: train one seed with snapshots and show the plane of the path's two
   * principal directions through its end, with the path on it (kept, like the curve plane, until an
   * engine field changes).
   */
  trajectory(raw: unknown): Promise<TrajectoryApiResult> {
    return this.pathJob((state, signal) => this.trajectoryJob(raw, state, signal));
  }

  /** The body of trajectory(), inside a scheduler job (also the replay of a `trajectory` flow from a link). */
  private async trajectoryJob(raw: unknown, state: AppState, signal: AbortSignal, replay = false): Promise<TrajectoryApiResult | null> {
    try {
      const t = await computeTrajectory(this.engine, state, raw, signal, (label, f) => this.status.progress(`trajectory: ${label}`, f),
        (id) => this.training.minima.get(id));
      if (signal.aborted) return null;
      this.connector.showPaths(t.surface, t.overlay, t.chart);
      // A kept network's stored path cannot be replayed from a link; a run trained now can.
      const request = clampTrajectoryRequest(raw, state).request;
      const flow = request.id === null ? formatFlow({ run: 'trajectory', options: trajectoryFlowOptions(request) }) : '';
      this.showPathPlane(t.surface, t.plane, state, flow, replay);
      const api = t.api;
      this.lastNotices = [...api.notices];
      this.status.showNotice(api.notices);
      this.status.done(
        `trajectory plane: ${(100 * (api.explained[0] + api.explained[1])).toFixed(1)} % of the path's variance · kept until a data, model, training or plane field changes`,
        `train ${(api.ms.train / 1000).toFixed(2)} s · grid ${(api.ms.grid / 1000).toFixed(2)} s (${api.device})`,
      );
      return api;
    } catch (err) {
      this.pathFailed('trajectory', err, signal);
      throw err;
    }
  }

  /** A path view (connect, trajectory) as a scheduler job on a copy of the state; rejects with AbortError when replaced. */
  private pathJob<T>(body: (state: AppState, signal: AbortSignal) => Promise<T | null>): Promise<T> {
    const state = cloneState(this.state);
    let out: T | null = null;
    this.busy = true;
    const job = this.scheduler.start(async (signal) => {
      try {
        out = await body(state, signal);
      } finally {
        if (!signal.aborted) this.busy = false;
      }
    });
    return job.then(() => {
      if (out === null) throw new AbortError();
      return out;
    });
  }

  /**
   * Show a path view's plane in place of the random one (kept, like an imported surface, until an
   * engine field changes) and record its flow. A new plane starts with the water level on "auto";
   * a replayed link keeps the level it names.
   */
  private showPathPlane(
    surface: Surface, plane: { center: Float32Array; directionX: Float32Array; directionY: Float32Array }, state: AppState, flow: string, replay: boolean,
  ): void {
    const { data, spec } = this.engine.dataFor(state);
    const { center, directionX, directionY } = plane;
    this.imported = {
      surface,
      recipe: { spec, theta: center, directionX, directionY, x: data.x, y: data.y, seed: state.seed, stateHash: '' },
      bundle: { spec, theta: center, m: data.m, x: data.x, y: data.y, directionX, directionY },
    };
    this.state = { ...this.state, flow, sublevel: { ...this.state.sublevel, level: replay ? this.state.sublevel.level : 0 } };
    this.panel.sync(this.state);
    this.redrawImported();
  }

  /** A path view failed: its message, and the status line says the view is unchanged (nothing when replaced). */
  private pathFailed(label: string, err: unknown, signal: AbortSignal): void {
    if (signal.aborted) return;
    const message = err instanceof Error ? err.message : String(err);
    this.lastNotices = [message];
    this.status.showNotice(this.lastNotices, 'error');
    this.status.done(`${label} failed: the view shows the surface it showed before`, '');
  }

  /** Replays the flow of a link (connect or trajectory) after its surface is drawn; a bad flow is a notice. */
  private async replayFlow(state: AppState, signal: AbortSignal): Promise<void> {
    const { flow, error } = parseFlow(state.flow);
    if (error !== null || flow === null) {
      if (error !== null) this.status.showNotice([...this.lastNotices, error], 'error');
      return;
    }
    if (flow.run === 'connect') await this.connectJob(flow.options, state, signal, true);
    else await this.trajectoryJob(flow.options, state, signal, true);
  }

  private installHover(viewEl: HTMLElement): void {
    viewEl.addEventListener('pointermove', (e) => {
      if (e.target !== this.view.canvas) return;
      const pick = this.view.pickAt(e.clientX, e.clientY);
      this.sublevel.hover(pick === null ? null : pick.iy * (this.displayedSurface()?.gridSize ?? 0) + pick.ix, 'surface');
    });
    viewEl.addEventListener('pointerleave', () => this.sublevel.hover(null, 'surface'));
  }

  private showHover(cell: number | null): void {
    const hoverEl = this.hoverEl;
    const surface = this.displayedSurface() ?? undefined;
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
      surface: () => this.imported?.surface ?? need().surface,
      exportSurface: async (format: ExportFormat, options?: { download?: boolean }) => {
        const file = await this.files.save(format, options?.download ?? true);
        const bytes = typeof file.data === 'string' ? new TextEncoder().encode(file.data).length : file.data.length;
        return { fileName: file.fileName, bytes, type: file.mime };
      },
      importFile: async (bytes: Uint8Array | ArrayBuffer | readonly number[], name: string) => {
        const data = bytes instanceof Uint8Array ? bytes : bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : Uint8Array.from(bytes);
        const error = await this.files.importBytes(data, name);
        return error === null ? { ok: true as const } : { ok: false as const, error };
      },
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
            residual: r.spec.residual === true,
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
      sliceMinima: (connectivity?: 4 | 8) => {
        need();
        return this.sublevel.minima(connectivity);
      },
      train: (options?: unknown) => this.training.train(options ?? {}),
      widthSweep: (options?: unknown) => this.training.widthSweep(options ?? {}),
      stopTraining: () => this.training.stop(),
      minima: () => this.training.list(),
      useMinimum: (id: number | null) => this.training.useMinimum(id).then(() => this.scheduler.settled()),
      markEndpoint: (id: number, on?: boolean) => this.training.setEndpoint(id, on ?? true),
      sweep: () => this.sublevel.toggleSweep(),
      redraw: () => this.sublevel.flush(),
      camera: () => this.view.getCamera(),
      link: () => this.exporter.link(),
      copyLink: () => this.exporter.copyLink(),
      exportPng: async (options) => {
        const { blob, ...rest } = await this.exporter.png(options);
        return { ...rest, type: blob.type };
      },
      exportVideo: async (options) => {
        const { blob, ...rest } = await this.exporter.video(options);
        return { ...rest, type: blob.type };
      },
      cancelExport: () => this.exporter.cancel(),
      connect: (options?: unknown) => this.connect(options ?? {}),
      trajectory: (options?: unknown) => this.trajectory(options ?? {}),
      travelAlongCurve: (t: number) => this.connector.travelTo(t),
      pathOverlayCount: () => this.connector.overlay.polylineCount,
    };
  }
}

/** True when a and b differ at most in their `sublevel` and `camera` groups (neither needs the engine). */
function sameExceptSublevel(a: AppState, b: AppState): boolean {
  return JSON.stringify({ ...a, sublevel: null, camera: null }) === JSON.stringify({ ...b, sublevel: null, camera: null });
}

/** True when a and b ask the engine for the same surface (seed, data, model, training, plane). */
function sameEngineInputs(a: AppState, b: AppState): boolean {
  const key = (s: AppState): string => JSON.stringify([s.seed, s.data, s.model, s.train, s.plane]);
  return key(a) === key(b);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f + 0;
}
