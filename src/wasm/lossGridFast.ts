/**
 * The CPU loss grid as the engine uses it: the SIMD WebAssembly engine, or the float64 twin where
 * WebAssembly SIMD is missing (an old browser) or the engine cannot start — never a failed job for that.
 */
import { lossGridCpu } from '../gpu/lossGrid.cpu';
import { AbortError, type GridRequest, type GridResult, type GridRunOptions } from '../gpu/lossGrid.types';
import { lossGridWasm } from './cpuEngine';

let unavailable: string | null = null;

/** Why the SIMD engine is not used here (null while it works). */
export function cpuEngineUnavailable(): string | null {
  return unavailable;
}

export async function lossGridFast(req: GridRequest, opts: GridRunOptions = {}): Promise<GridResult> {
  if (unavailable === null) {
    try {
      return await lossGridWasm(req, opts);
    } catch (err) {
      if (err instanceof AbortError) throw err;
      unavailable = err instanceof Error ? err.message : String(err);
      console.warn(`SIMD CPU engine unavailable (${unavailable}); the float64 twin computes the grid`);
    }
  }
  return lossGridCpu(req, opts);
}
