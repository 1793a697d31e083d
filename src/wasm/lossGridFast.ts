/**
 * The CPU loss grid as the engine uses it: the SIMD WebAssembly engine, or the float64 twin where
 * WebAssembly SIMD is missing (an old browser) or the engine cannot start — never a failed job for that.
 */
import { lossGridCpu } from '../gpu/lossGrid.cpu';
import { AbortError, type GridRequest, type GridResult, type GridRunOptions } from '../gpu/lossGrid.types';
import { vectorLossCpu } from '../gpu/vectorLoss.cpu';
import type { VectorLossResult } from '../gpu/vectorLoss.types';
import type { Samples } from '../model/samples';
import { paramLayout, type MlpSpec } from '../model/spec';
import { CpuEngineTooLarge, lossAtWasm, lossGridWasm } from './cpuEngine';

let unavailable: string | null = null;

/** Why the SIMD engine is not used here (null while it works). */
export function cpuEngineUnavailable(): string | null {
  return unavailable;
}

/** The engine's answer, or null once it has failed here for a reason other than cancellation. */
export async function tryEngine<T>(run: () => Promise<T>): Promise<T | null> {
  if (unavailable !== null) return null;
  try {
    return await run();
  } catch (err) {
    if (err instanceof AbortError) throw err;
    if (err instanceof CpuEngineTooLarge) return null;
    unavailable = err instanceof Error ? err.message : String(err);
    console.warn(`SIMD CPU engine unavailable (${unavailable}); the float64 twin computes instead`);
    return null;
  }
}

export async function lossGridFast(req: GridRequest, opts: GridRunOptions = {}): Promise<GridResult> {
  return (await tryEngine(() => lossGridWasm(req, opts))) ?? lossGridCpu(req, opts);
}

/** Loss at explicit parameter vectors (paths, kept minima): the engine, or vectorLossCpu. */
export async function lossAtFast(spec: MlpSpec, samples: Samples, thetas: Float32Array, count: number): Promise<VectorLossResult> {
  const P = paramLayout(spec).size;
  // A malformed request is the caller's error, whichever engine answers: say so the twin's way.
  if (thetas.length !== count * P) throw new Error(`expected ${count} × ${P} parameters, got ${thetas.length}`);
  return (await tryEngine(() => lossAtWasm(spec, samples, thetas, count))) ?? vectorLossCpu(spec, samples, thetas, count);
}
