/**
 * GridRequest.firstRow: a strip of rows computed with firstRow gives the whole grid's rows bit for bit,
 * on every grid kernel (the float64 twin, the SIMD WebAssembly engine, the WGSL kernel), for a span
 * whose coordinates are not binary fractions (shifting betaStart instead rounds differently).
 */
import { describe, expect, it } from 'vitest';
import { lossGridCpu } from '../../src/gpu/lossGrid.cpu';
import { LossGridKernel } from '../../src/gpu/lossGrid.gpu';
import { squareGrid, type GridRequest, type GridResult, type GridSamples } from '../../src/gpu/lossGrid.types';
import { initParams } from '../../src/model/init';
import { Rng } from '../../src/model/rng';
import { paramLayout, type MlpSpec } from '../../src/model/spec';
import { lossGridWasm } from '../../src/wasm/cpuEngine';
import { nodeGpu, withErrorScopes } from './nodeGpu';

const GRID = 37;
const SPAN = 0.7;
/** Strips of a 37-row grid: a first row, a middle block of 8, an odd block, the last row. */
const STRIPS: readonly { firstRow: number; rows: number }[] = [
  { firstRow: 0, rows: 5 },
  { firstRow: 8, rows: 8 },
  { firstRow: 13, rows: 11 },
  { firstRow: 29, rows: 7 },
  { firstRow: 36, rows: 1 },
];

function request(spec: MlpSpec, seed: number): GridRequest {
  const rng = new Rng(seed);
  const m = 29;
  const samples: GridSamples = {
    m,
    inputs: spec.inputs,
    x: new Float32Array(m * spec.inputs).map(() => rng.range(-1.5, 1.5)),
    y:
      spec.loss === 'mse'
        ? new Float32Array(m * spec.outputs).map(() => rng.range(-1, 1))
        : new Float32Array(m).map(() => rng.int(spec.outputs)),
  };
  const size = paramLayout(spec).size;
  return squareGrid(
    {
      spec,
      samples,
      center: initParams(spec, seed),
      directionX: new Float32Array(size).map(() => rng.normal() * 0.4),
      directionY: new Float32Array(size).map(() => rng.normal() * 0.4),
    },
    GRID,
    SPAN,
  );
}

const SPECS: readonly MlpSpec[] = [
  { inputs: 2, hidden: [12, 7], outputs: 1, activation: 'tanh', loss: 'mse', bias: true },
  { inputs: 5, hidden: [9], outputs: 3, activation: 'gelu', loss: 'cross_entropy', bias: false },
];

type Kernel = (req: GridRequest) => Promise<GridResult>;

/** Every strip equals the whole grid's rows bit for bit; returns how many cells a shifted betaStart changes. */
async function checkStrips(kernel: Kernel, req: GridRequest, label: string): Promise<number> {
  const whole = await kernel(req);
  let shiftedDiffers = 0;
  for (const { firstRow, rows } of STRIPS) {
    const strip = await kernel({ ...req, rows, firstRow });
    const want = whole.loss.subarray(firstRow * GRID, (firstRow + rows) * GRID);
    expect(strip.loss.length, label).toBe(rows * GRID);
    for (let p = 0; p < want.length; p++) {
      expect(Object.is(strip.loss[p], want[p]), `${label} strip at row ${firstRow}, cell ${p}: ${strip.loss[p]} vs ${want[p]}`).toBe(true);
    }
    if (whole.accuracy) {
      expect(Array.from(strip.accuracy ?? []), label).toEqual(
        Array.from(whole.accuracy.subarray(firstRow * GRID, (firstRow + rows) * GRID)),
      );
    }
    const shifted = await kernel({ ...req, rows, betaStart: req.betaStart + firstRow * req.betaStep });
    for (let p = 0; p < want.length; p++) if (!Object.is(shifted.loss[p], want[p])) shiftedDiffers++;
  }
  return shiftedDiffers;
}

describe('firstRow: strips at the whole grid’s coordinates, bit for bit (span 0.7, 37² grid)', () => {
  it('the float64 twin', async () => {
    for (const [i, spec] of SPECS.entries()) await checkStrips((r) => Promise.resolve(lossGridCpu(r)), request(spec, 11 + i), `twin ${i}`);
  });

  it('the SIMD WebAssembly engine, one thread and all', async () => {
    let shifted = 0;
    for (const [i, spec] of SPECS.entries()) {
      const req = request(spec, 11 + i);
      shifted += await checkStrips((r) => lossGridWasm(r, {}, { threads: 1 }), req, `wasm 1 thread ${i}`);
      await checkStrips((r) => lossGridWasm(r), req, `wasm ${i}`);
    }
    // float32 coordinates: the old way (betaStart shifted) lands on other β for some rows.
    expect(shifted).toBeGreaterThan(0);
  });

  it('the WGSL kernel (Node webgpu)', async () => {
    const { device } = await nodeGpu();
    const kernel = new LossGridKernel(device);
    let shifted = 0;
    for (const [i, spec] of SPECS.entries()) {
      shifted += await checkStrips((r) => withErrorScopes(device, () => kernel.run(r)), request(spec, 11 + i), `wgsl ${i}`);
    }
    expect(shifted).toBeGreaterThan(0);
    kernel.dispose();
  });
});
