/**
 * One grid workload as the peers see it: the network's layer layout, the data, θ₀ and both
 * directions, and the grid (gridSize² points over [−span, span]², α along columns, β along rows).
 * Built from the same seeded workloads the bench page measures, so every engine computes the same
 * numbers; the reference losses come from our float64 CPU twin.
 */
import { lossGridCpu } from '../../src/gpu/lossGrid.cpu';
import { paramLayout } from '../../src/model/spec';
import type { Workload } from '../page/workloads';

export interface PeerLayer {
  readonly inputs: number;
  readonly outputs: number;
  /** Row-major outputs × inputs weights start here in θ. */
  readonly weightOffset: number;
  /** −1: no bias. */
  readonly biasOffset: number;
}

export interface PeerProblem {
  readonly id: string;
  readonly description: string;
  readonly activation: 'tanh' | 'relu';
  readonly loss: 'mse' | 'cross_entropy';
  readonly layers: readonly PeerLayer[];
  readonly parameters: number;
  readonly m: number;
  readonly inputs: number;
  readonly outputs: number;
  /** m × inputs, row-major. */
  readonly x: Float32Array;
  /** mse: m × outputs targets; cross_entropy: m class indices. */
  readonly y: Float32Array;
  readonly center: Float32Array;
  readonly directionX: Float32Array;
  readonly directionY: Float32Array;
  readonly gridSize: number;
  readonly span: number;
}

/** The peers' copy of a bench workload; throws for networks the peers do not implement. */
export function peerProblem(w: Workload): PeerProblem {
  const { spec } = w;
  if (spec.activation !== 'tanh' && spec.activation !== 'relu') throw new Error(`peers: activation ${spec.activation} is not implemented`);
  if (spec.loss !== 'mse' && spec.loss !== 'cross_entropy') throw new Error(`peers: loss ${spec.loss} is not implemented`);
  if (spec.residual === true) throw new Error('peers: residual networks are not implemented');
  const layout = paramLayout(spec);
  return {
    id: w.name,
    description: w.description,
    activation: spec.activation,
    loss: spec.loss,
    layers: layout.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, weightOffset: l.weightOffset, biasOffset: l.biasOffset })),
    parameters: layout.size,
    m: w.samples.m,
    inputs: spec.inputs,
    outputs: spec.outputs,
    x: Float32Array.from(w.samples.x),
    y: Float32Array.from(w.samples.y),
    center: w.center,
    directionX: w.directionX,
    directionY: w.directionY,
    gridSize: w.gridSize,
    span: w.span,
  };
}

/** α (or β) of grid index i, as the engine's square grids place it. */
export function gridCoordinate(p: Pick<PeerProblem, 'gridSize' | 'span'>, i: number): number {
  return p.gridSize > 1 ? -p.span + i * ((2 * p.span) / (p.gridSize - 1)) : 0;
}

/** Our float64 CPU twin's loss at the centre (α = β = 0) and at the corner (−span, −span). */
export function referenceLosses(w: Workload): { center: number; corner: number } {
  const base = { spec: w.spec, samples: w.samples, center: w.center, directionX: w.directionX, directionY: w.directionY, gridSize: 1 };
  const at = (a: number, b: number): number =>
    lossGridCpu({ ...base, alphaStart: a, alphaStep: 0, betaStart: b, betaStep: 0 }).loss[0] ?? Number.NaN;
  return { center: at(0, 0), corner: at(-w.span, -w.span) };
}

/** What one peer measured on one workload. */
export interface PeerRun {
  /** Seconds for the whole grid (measured, or extrapolated from `rowsMeasured` rows when a time budget cut it short). */
  readonly seconds: number;
  readonly rowsMeasured: number;
  readonly rows: number;
  /** The peer's loss at the centre and the corner, for the agreement check. */
  readonly centerLoss: number;
  readonly cornerLoss: number;
  /** Threads the peer computed on, when it says. */
  readonly threads?: number;
}
