/**
 * Mode connectivity as a flow: given minima A and B of the page's network, train a curve between them
 * (Bezier, chain or NEB), evaluate the loss along the straight line and the curve, and compute the grid
 * of the plane through A, θ_b and B. Returns plain data: the surface, the plane, the picture of the
 * paths in plane coordinates, the 1-D chart and the numbers of the console API.
 */
import { curvePlane, pathInPlane, type CurvePlane, type PlanePoint } from '../landscape/curvePlane';
import { bilinearAt } from '../landscape/honestPath';
import { evenTs, pointsOnPath, straightLine, type Path } from '../landscape/paths';
import type { Surface } from '../landscape/surface';
import type { Samples } from '../model/samples';
import type { MlpSpec } from '../model/spec';
import type { AppState } from '../state/appState';
import type { CurveJob } from './backend';
import { curveGridFrame, type ConnectRequest } from './connectRequest';
import type { PathChartData, PathPicture } from './pathPicture';
import type { Engine } from './pipeline';
import { computedSurface } from './surface';

export interface ConnectResult {
  readonly surface: Surface;
  readonly plane: CurvePlane;
  readonly picture: PathPicture;
  readonly chart: PathChartData;
  readonly t: number[];
  readonly lineLoss: number[];
  readonly curveLoss: number[];
  readonly lineBarrier: number;
  readonly curveBarrier: number;
  /** Each point's distance from the plane (units of ‖B − A‖) and the loss read off the plane's grid there (bilinear). */
  readonly lineOffPlane: number[];
  readonly curveOffPlane: number[];
  readonly linePlaneLoss: number[];
  readonly curvePlaneLoss: number[];
  readonly diverged: boolean;
  readonly device: 'webgpu' | 'cpu';
  readonly ms: { curve: number; evaluation: number; grid: number };
  readonly notices: string[];
}

export async function connectMinima(
  engine: Engine,
  state: AppState,
  request: ConnectRequest,
  a: Float32Array,
  b: Float32Array,
  signal: AbortSignal,
  progress: (label: string, fraction: number) => void,
  formatLoss: (loss: number) => string = (loss) => loss.toPrecision(5),
): Promise<ConnectResult> {
  const notices: string[] = [];
  const { model, spec, data } = engine.dataFor(state);
  const samples = { m: data.m, inputs: data.inputs, x: data.x, y: data.y };
  const job = curveJobOf(request, spec, samples, a, b);
  const trained = await engine.curveAndPaths(
    model,
    job,
    (curve) => [straightLine(a, b), curve],
    request.points,
    signal,
    (step, loss) => progress(`${request.kind} step ${step}/${request.steps} · loss ${formatLoss(loss)}`, step / request.steps),
  );
  notices.push(...trained.warnings);
  const device = trained.backend.kind;
  const { curve, evals, curveMs, evalMs } = trained.value;
  const [lineEval, curveEval] = evals;
  if (!lineEval || !curveEval) throw new Error('path evaluation returned nothing');
  if (curve.diverged) notices.push('curve training diverged: the bends were frozen where it blew up (try a smaller lr)');

  const gridSizeWanted = request.gridSize > 0 ? request.gridSize : state.plane.gridSize;
  const base = curvePlane(curve.path, { gridSize: gridSizeWanted, margin: request.margin });
  const { plane, frame } = squareCurvePlane(base, gridSizeWanted);
  const step = plane.alphaStep;
  const g0 = performance.now();
  const points = {
    center: plane.center,
    directionX: plane.directionX,
    directionY: plane.directionY,
    gridSize: frame.gridSize,
    alphaStart: -frame.span,
    alphaStep: step,
    betaStart: -frame.span,
    betaStep: step,
  };
  const grid = await engine.grid(model, points, signal, (f) => progress(`plane grid ${frame.gridSize}²`, f));
  const gridMs = performance.now() - g0;
  notices.push(...grid.warnings);
  const surface = computedSurface({
    gridSize: frame.gridSize,
    span: frame.span,
    result: grid.value,
    centerLoss: lineEval.loss[0] ?? Number.NaN,
    backend: grid.backend,
    gridMs,
    trainMs: curveMs,
  });

  const ts = evenTs(request.points);
  const inPlane = (path: Path): PlanePoint[] => {
    const flat = pointsOnPath(path, ts);
    const P = a.length;
    return pathInPlane(
      plane,
      Array.from(ts, (_, i) => flat.subarray(i * P, (i + 1) * P)),
    );
  };
  const linePoints = inPlane(straightLine(a, b));
  const curvePoints = inPlane(curve.path);
  const readOff = (points: PlanePoint[]): number[] => points.map((p) => bilinearAt(grid.value.loss, frame.gridSize, frame.span, p.x, p.y));
  const curvePlaneLoss = readOff(curvePoints);
  const label = request.kind === 'bezier' ? 'Bezier' : request.kind === 'chain' ? `chain ${request.bends}` : `NEB ${request.images}`;
  const off = plane.bends.slice(1).map((p) => p.offPlane);
  const caption =
    `${device} · ${request.steps} steps · ${(curveMs / 1000).toFixed(1)} s` +
    (off.length > 0 && request.kind === 'chain' ? ` · off-plane ${off.map((v) => v.toFixed(2)).join(', ')}` : '') +
    (off.length > 0 && request.kind === 'neb' ? ` · max off-plane ${Math.max(...off).toFixed(2)}` : '');
  return {
    surface,
    plane,
    picture: {
      line: linePoints,
      curve: curvePoints,
      points: [
        { at: plane.a, label: 'A' },
        { at: plane.b, label: 'B' },
        ...(request.kind === 'neb' ? [] : plane.bends.map((p, j) => ({ at: p, label: plane.bends.length > 1 ? `θ${j + 1}` : 'θ_b' }))),
      ],
    },
    chart: {
      t: lineEval.t,
      lineLoss: lineEval.loss,
      curveLoss: curveEval.loss,
      lineBarrier: lineEval.barrier,
      curveBarrier: curveEval.barrier,
      curveLabel: `${label} barrier`,
      caption,
      honest: { planeLoss: curvePlaneLoss, offPlane: curvePoints.map((p) => p.offPlane), what: 'curve' },
    },
    t: Array.from(lineEval.t),
    lineLoss: Array.from(lineEval.loss),
    curveLoss: Array.from(curveEval.loss),
    lineBarrier: lineEval.barrier,
    curveBarrier: curveEval.barrier,
    lineOffPlane: linePoints.map((p) => p.offPlane),
    curveOffPlane: curvePoints.map((p) => p.offPlane),
    linePlaneLoss: readOff(linePoints),
    curvePlaneLoss,
    diverged: curve.diverged,
    device,
    ms: { curve: curveMs, evaluation: evalMs, grid: gridMs },
    notices,
  };
}

/** The curve-training job of a request between A and B: connect() and the barrier matrix train the same one. */
export function curveJobOf(request: ConnectRequest, spec: MlpSpec, samples: Samples, a: Float32Array, b: Float32Array): CurveJob {
  const every = Math.max(1, Math.floor(request.steps / 40));
  return request.kind === 'neb'
    ? {
        method: 'neb',
        spec,
        samples,
        a,
        b,
        images: request.images,
        steps: request.steps,
        optimizer: request.optimizer,
        learningRate: request.learningRate,
        progressEvery: every,
      }
    : {
        method: 'curve',
        spec,
        samples,
        a,
        b,
        kind: request.kind,
        bendCount: request.bends,
        steps: request.steps,
        tPerStep: request.tPerStep,
        optimizer: request.optimizer,
        learningRate: request.learningRate,
        weightDecay: request.weightDecay,
        progressEvery: every,
      };
}

/** A curve plane re-gridded on a square grid centred on its origin that holds every point of `base`'s grid (curveGridFrame). */
export function squareCurvePlane(
  base: CurvePlane,
  gridSizeWanted: number,
): { plane: CurvePlane; frame: ReturnType<typeof curveGridFrame> } {
  const extent = Math.max(
    Math.abs(base.alphaStart),
    Math.abs(base.alphaStart + base.alphaStep * (base.gridSize - 1)),
    Math.abs(base.betaStart),
    Math.abs(base.betaStart + base.betaStep * (base.gridSize - 1)),
  );
  const frame = curveGridFrame(extent, gridSizeWanted);
  const step = (2 * frame.span) / (frame.gridSize - 1);
  const plane: CurvePlane = {
    ...base,
    gridSize: frame.gridSize,
    alphaStart: -frame.span,
    alphaStep: step,
    betaStart: -frame.span,
    betaStep: step,
  };
  return { plane, frame };
}
