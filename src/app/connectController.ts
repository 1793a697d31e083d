/**
 * Mode connectivity in the page: picks the minima A and B (ids, vectors, the marked endpoints,
 * or two freshly trained seeds), trains a curve between them (Bezier, chain or NEB) on the GPU
 * (the CPU twin when there is none or it fails), evaluates loss along the line and the curve,
 * computes the grid of the plane through A, θ_b and B, and draws the 1-D chart and the paths on
 * the surface. The curve view lives in the session only (its minima are not in the URL).
 */
import { connectMinima } from '../engine/connect';
import { clampConnectRequest, type ConnectRequest, type EndpointRef } from '../engine/connectRequest';
import type { Engine } from '../engine/pipeline';
import { AbortError, throwIfAborted } from '../gpu/lossGrid.types';
import type { CurvePlane } from '../landscape/curvePlane';
import type { Surface } from '../landscape/surface';
import { paramLayout, type MlpSpec } from '../model/spec';
import type { AppState } from '../state/appState';
import type { StatusBar } from '../ui/statusBar';
import { formatLoss } from '../view/formatLoss';
import { PathChart } from '../view/pathChart';
import { PathOverlay, type PathOverlayData } from '../view/pathOverlay';
import type { SurfaceView } from '../view/surfaceView';
import type { TrainingController } from './trainingController';

export interface ConnectApiResult {
  t: number[];
  lineLoss: number[];
  curveLoss: number[];
  lineBarrier: number;
  curveBarrier: number;
  /** Each point's distance from the plane (units of ‖B − A‖) and the loss read off the plane's grid there (bilinear). */
  lineOffPlane: number[];
  curveOffPlane: number[];
  linePlaneLoss: number[];
  curvePlaneLoss: number[];
  kind: ConnectRequest['kind'];
  /** Ids of A and B in minima() (null for a vector passed in). */
  ids: [number | null, number | null];
  /** Plane coordinates (units of ‖B − A‖) of A, B and every bend, with the bends' off-plane distances. */
  plane: {
    a: { x: number; y: number };
    b: { x: number; y: number };
    bends: { x: number; y: number; offPlane: number }[];
    gridSize: number;
    span: number;
    scale: number;
  };
  diverged: boolean;
  /** A and B were both trained by this call from seeds (firstSeed, firstSeed + 1): a link can replay it. */
  trainedEndpoints: boolean;
  device: 'webgpu' | 'cpu';
  ms: { curve: number; evaluation: number; grid: number };
  notices: string[];
}

/** What the app draws: the plane's surface and the recipe of its plane (for exports). */
export interface ConnectOutcome {
  readonly surface: Surface;
  readonly plane: CurvePlane;
  readonly api: ConnectApiResult;
}

interface Shown {
  readonly surface: Surface;
  readonly overlay: PathOverlayData;
  readonly chart: Omit<Parameters<PathChart['draw']>[0], 'mergeLevel'>;
  /** Draw the merge level of A (α = 0) and B (α = 1) on the chart: true on the plane through two minima. */
  readonly mergeAB?: boolean;
}

const TRAVEL_MS = 4000;

export class ConnectController {
  readonly chart: PathChart;
  readonly overlay = new PathOverlay();
  private readonly card: HTMLElement;
  private readonly travelButton: HTMLButtonElement;
  private readonly buttons: HTMLElement;
  private shown: Shown | null = null;
  private travelFrame = 0;
  /** Told the paths drawn with the surface on screen (null: none), e.g. for the 2-D top view. */
  pathsChanged: (paths: PathOverlayData | null) => void = () => undefined;

  constructor(
    column: HTMLElement,
    private readonly engine: Engine,
    private readonly training: TrainingController,
    private readonly view: SurfaceView,
    private readonly status: StatusBar,
    private readonly mergeLevel: () => number,
    /** The card's "connect" button: connect() with the marked endpoints. */
    connectMarked: () => void,
  ) {
    const doc = column.ownerDocument;
    this.chart = new PathChart(doc);
    this.card = doc.createElement('section');
    this.card.className = 'sublevel-card connect-card';
    const title = doc.createElement('h2');
    title.className = 'sublevel-title';
    title.textContent = 'Mode connectivity';
    const buttons = doc.createElement('div');
    buttons.className = 'connect-buttons';
    const connect = doc.createElement('button');
    connect.textContent = 'connect endpoints';
    connect.title = 'Train a Bezier curve between the two networks marked as endpoints (or two new seeds) and show their plane';
    connect.addEventListener('click', connectMarked);
    this.travelButton = doc.createElement('button');
    this.travelButton.textContent = '▶ travel along curve';
    this.travelButton.disabled = true;
    this.travelButton.addEventListener('click', () => this.toggleTravel());
    buttons.append(connect, this.travelButton);
    this.buttons = buttons;
    this.chart.element.hidden = true;
    this.card.append(title, buttons, this.chart.element);
    column.prepend(this.card);
    view.overlays.add(this.overlay.group);
  }

  /** Clamp the options, find A and B, then the engine's flow: train the curve, evaluate both paths, the plane's grid. */
  async compute(raw: unknown, state: AppState, signal: AbortSignal): Promise<ConnectOutcome> {
    const { request, notices } = clampConnectRequest(raw);
    await this.engine.dataReady(state);
    if (signal.aborted) throw new AbortError();
    const { key, spec } = this.engine.dataFor(state);
    // Ids only grow: both endpoints newer than every network kept before the call were trained now.
    const lastIdBefore = Math.max(0, ...this.training.minima.all().map((m) => m.id));
    const [a, b, ids] = await this.endpoints(request, key, spec, signal, notices);
    const trainedEndpoints = ids.every((id) => id !== null && id > lastIdBefore);
    throwIfAborted(signal);
    const r = await connectMinima(
      this.engine,
      state,
      request,
      a,
      b,
      signal,
      (label, fraction) => this.status.progress(`connect: ${label}`, fraction),
      formatLoss,
    );
    this.shown = { surface: r.surface, overlay: r.picture, chart: r.chart };
    const { plane } = r;
    return {
      surface: r.surface,
      plane,
      api: {
        t: r.t,
        lineLoss: r.lineLoss,
        curveLoss: r.curveLoss,
        lineBarrier: r.lineBarrier,
        curveBarrier: r.curveBarrier,
        lineOffPlane: r.lineOffPlane,
        curveOffPlane: r.curveOffPlane,
        linePlaneLoss: r.linePlaneLoss,
        curvePlaneLoss: r.curvePlaneLoss,
        kind: request.kind,
        ids,
        plane: {
          a: { x: 0, y: 0 },
          b: { x: 1, y: 0 },
          bends: plane.bends.map((p) => ({ ...p })),
          gridSize: r.surface.gridSize,
          span: r.surface.span,
          scale: plane.scale,
        },
        diverged: r.diverged,
        trainedEndpoints,
        device: r.device,
        ms: r.ms,
        notices: [...notices, ...r.notices],
      },
    };
  }

  /** Another action in the card's row of buttons (before "travel along curve"). */
  addButton(label: string, title: string, onClick: () => void): HTMLButtonElement {
    const button = this.buttons.ownerDocument.createElement('button');
    button.textContent = label;
    button.title = title;
    button.addEventListener('click', onClick);
    this.buttons.insertBefore(button, this.travelButton);
    return button;
  }

  /**
   * Show other paths on a surface of their own the same way (the training trajectory): drawn once that
   * surface is on screen (`onSurface`), with the chart and the travelling marker.
   */
  showPaths(surface: Surface, overlay: PathOverlayData, chart: Shown['chart']): void {
    this.shown = { surface, overlay, chart, mergeAB: false };
  }

  /** A surface is on screen: draw the paths if it is the curve plane's, hide them otherwise. */
  onSurface(surface: Surface | null): void {
    const shown = this.shown;
    const scale = this.view.scale;
    this.stopTravel();
    const showing = shown !== null && surface === shown.surface && scale !== null;
    this.pathsChanged(showing ? shown.overlay : null);
    if (!showing) {
      this.overlay.hide();
      this.travelButton.disabled = true;
      this.view.requestRender();
      return;
    }
    this.overlay.update(surface, scale, shown.overlay);
    this.chart.element.hidden = false;
    this.chart.draw({ ...shown.chart, mergeLevel: shown.mergeAB === false ? Number.NaN : this.mergeLevel() });
    this.travelButton.disabled = false;
    this.view.requestRender();
  }

  /** Put the travelling marker a fraction t along the curve (for animations and video frames). */
  travelTo(t: number): void {
    this.overlay.placeTraveller(t);
    this.chart.setCursor(t);
    this.view.requestRender();
  }

  toggleTravel(): void {
    if (this.travelFrame !== 0) {
      this.stopTravel();
      return;
    }
    const start = performance.now();
    this.travelButton.textContent = '■ stop';
    const tick = (now: number): void => {
      const t = Math.min(1, (now - start) / TRAVEL_MS);
      this.travelTo(t);
      this.travelFrame = t < 1 ? requestAnimationFrame(tick) : 0;
      if (t >= 1) this.travelButton.textContent = '▶ travel along curve';
    };
    this.travelFrame = requestAnimationFrame(tick);
  }

  private stopTravel(): void {
    if (this.travelFrame !== 0) cancelAnimationFrame(this.travelFrame);
    this.travelFrame = 0;
    this.travelButton.textContent = '▶ travel along curve';
  }

  /** A and B as vectors of the page's network; trains two seeds when none are given or marked. */
  private async endpoints(
    request: ConnectRequest,
    dataKey: string,
    spec: MlpSpec,
    signal: AbortSignal,
    notices: string[],
  ): Promise<[Float32Array, Float32Array, [number | null, number | null]]> {
    const size = paramLayout(spec).size;
    const resolve = (ref: EndpointRef, name: string): [Float32Array, number | null] | null => {
      if (ref === null) return null;
      if (ref instanceof Float32Array) {
        if (ref.length !== size) throw new Error(`${name} has ${ref.length} parameters, the page's network ${size}`);
        return [ref, null];
      }
      const m = this.training.minima.get(ref);
      if (!m) throw new Error(`${name}: no kept network with id ${ref} (see minima())`);
      if (m.dataKey !== dataKey || m.theta.length !== size)
        throw new Error(`${name}: "${m.name}" belongs to other data or another network`);
      return [m.theta, m.id];
    };
    let a = resolve(request.a, 'a');
    let b = resolve(request.b, 'b');
    if (a === null || b === null) {
      const marked = this.training.minima
        .all()
        .filter((m) => m.endpoint && m.dataKey === dataKey && !m.diverged && m.id !== a?.[1] && m.id !== b?.[1]);
      for (const m of marked) {
        if (a === null) a = [m.theta, m.id];
        else if (b === null) b = [m.theta, m.id];
      }
    }
    if (a === null || b === null) {
      this.status.progress(`connect: training minima from seeds ${request.firstSeed} and ${request.firstSeed + 1}`, 0);
      const stop = (): void => this.training.stop();
      signal.addEventListener('abort', stop, { once: true });
      try {
        // The card stays as it is: the picture of this flow is the curve on the surface, not the seeds' dots.
        const run = await this.training.train(
          { seeds: 2, firstSeed: request.firstSeed, steps: request.minimaSteps, optimizer: 'adam', lr: request.minimaLearningRate },
          { openCard: false },
        );
        const [idA, idB] = run.ids;
        if (idA === undefined || idB === undefined) throw new Error('training returned no networks');
        for (const id of [idA, idB]) this.training.setEndpoint(id, true);
        notices.push(`A and B were trained now (seeds ${request.firstSeed}, ${request.firstSeed + 1}) and marked as endpoints`);
        const ma = this.training.minima.get(idA);
        const mb = this.training.minima.get(idB);
        if (!ma || !mb) throw new Error('the trained networks were dropped from the list');
        if (a === null) a = [ma.theta, ma.id];
        if (b === null) b = a[1] === ma.id ? [mb.theta, mb.id] : [ma.theta, ma.id];
      } finally {
        signal.removeEventListener('abort', stop);
      }
    }
    return [a[0], b[0], [a[1], b[1]]];
  }

  dispose(): void {
    this.stopTravel();
    this.overlay.dispose();
  }
}
