/**
 * Where a grid job lives in the SIMD engine's memory, and the packing of its inputs there. The word
 * indices match the H_* constants of src/wasm/assembly/engine.ts; every buffer starts on 16 bytes.
 */
import { ACTIVATION_CODE, LOSS_CODE } from '../gpu/codes';
import type { GridRequest } from '../gpu/lossGrid.types';
import type { Samples } from '../model/samples';
import { isResidualLayer, paramLayout, type MlpSpec } from '../model/spec';

/** Control words at byte 0 (Int32 indices): a cancel flag and one work counter per phase. */
export const CONTROL = { cancel: 0, firstCounter: 1, gridCounter: 2 } as const;

const HEADER_BYTES = 1024;
const HEADER_AT = 64;
const H = {
  layers: 0,
  outputs: 1,
  m: 2,
  blocks8: 3,
  width0: 4,
  first: 5,
  targets: 6,
  loss: 7,
  correct: 8,
  grid: 9,
  alpha0: 10,
  alphaStep: 11,
  beta0: 12,
  betaStep: 13,
  activation: 14,
  lossKind: 15,
  region: 16,
  yCols: 17,
  inputs: 18,
  x: 19,
  w0: 20,
  b0: 21,
  inputsPad: 22,
  hOffset: 23,
  thetas: 24,
  params: 25,
  xLane: 26,
  firstRow: 27,
  layerTable: 32,
  gradTable: 128,
} as const;
const LAYER_WORDS = 8;
export const PAGE_BYTES = 65536;

export interface GridPlan {
  readonly header: number;
  readonly points: number;
  /** Samples rounded up to whole blocks of eight (the first-layer phase covers them all). */
  readonly paddedSamples: number;
  readonly lossAt: number;
  readonly correctAt: number;
  /** Each thread's own scratch region. */
  readonly scratch: readonly number[];
  readonly bytes: number;
  readonly pages: number;
  /** Fills the memory with the job; `buffer` is the engine memory's buffer. */
  readonly pack: (buffer: ArrayBufferLike) => void;
}

const align = (n: number): number => Math.ceil(n / 16) * 16;

export function planGrid(req: GridRequest, threads: number): GridPlan {
  const { spec, samples } = req;
  const layout = paramLayout(spec);
  const layers = layout.layers;
  const first = layers[0];
  if (!first) throw new Error('a network needs at least one layer');
  const m = samples.m;
  const blocks8 = Math.ceil(m / 8);
  const groups = blocks8 * 2;
  const paddedSamples = blocks8 * 8;
  const width0 = first.outputs;
  const inputs = first.inputs;
  const inputsPad = Math.ceil(inputs / 4) * 4;
  const yCols = spec.loss === 'mse' ? spec.outputs : 1;
  const points = req.gridSize * (req.rows ?? req.gridSize);
  if (layers.length > 1 + 7 || HEADER_AT + (H.layerTable + layers.length * LAYER_WORDS) * 4 > HEADER_BYTES) {
    throw new Error('too many layers for the SIMD engine');
  }

  let at = HEADER_AT + HEADER_BYTES;
  const take = (bytes: number): number => {
    const start = at;
    at = align(at + bytes);
    return start;
  };
  const tiles = layers.map((layer, l) => (l === 0 ? 0 : take(Math.ceil(layer.outputs / 4) * (layer.inputs + 1) * 48)));
  const firstAt = take(groups * width0 * 48);
  const targetsAt = take(groups * yCols * 16);
  const xAt = take(paddedSamples * inputsPad * 4);
  const w0At = take(3 * width0 * inputsPad * 4);
  const b0At = first.biasOffset >= 0 ? take(3 * width0 * 4) : -1;
  const lossAt = take(points * 8);
  const correctAt = take(points * 8);
  let weightBytes = 0;
  const scratchOffsets = layers.map((layer, l) => {
    if (l === 0) return 0;
    const offset = weightBytes;
    weightBytes += Math.ceil(layer.outputs / 4) * (layer.inputs + 1) * 16;
    return offset;
  });
  const widest = Math.max(width0, ...layers.map((layer) => Math.ceil(layer.outputs / 4) * 4));
  const region = widest * 32;
  const scratchBytes = align(weightBytes) + 2 * region + 32;
  const scratch = Array.from({ length: Math.max(1, threads) }, () => take(scratchBytes));
  const bytes = at;

  const pack = (buffer: ArrayBufferLike): void => {
    const i32 = new Int32Array(buffer);
    const f32 = new Float32Array(buffer);
    const w = (index: number, value: number): void => {
      i32[HEADER_AT / 4 + index] = value;
    };
    const wf = (index: number, value: number): void => {
      f32[HEADER_AT / 4 + index] = value;
    };
    i32.fill(0, 0, HEADER_AT / 4);
    w(H.layers, layers.length);
    w(H.outputs, spec.outputs);
    w(H.m, m);
    w(H.blocks8, blocks8);
    w(H.width0, width0);
    w(H.first, firstAt);
    w(H.targets, targetsAt);
    w(H.loss, lossAt);
    w(H.correct, correctAt);
    w(H.grid, req.gridSize);
    wf(H.alpha0, req.alphaStart);
    wf(H.alphaStep, req.alphaStep);
    wf(H.beta0, req.betaStart);
    wf(H.betaStep, req.betaStep);
    w(H.firstRow, req.firstRow ?? 0);
    w(H.activation, ACTIVATION_CODE[spec.activation]);
    w(H.lossKind, LOSS_CODE[spec.loss]);
    w(H.region, region);
    w(H.yCols, yCols);
    w(H.inputs, inputs);
    w(H.x, xAt);
    w(H.w0, w0At);
    w(H.b0, b0At);
    w(H.inputsPad, inputsPad);
    w(H.hOffset, align(weightBytes));
    const sources = [req.center, req.directionX, req.directionY];
    layers.forEach((layer, l) => {
      const t = H.layerTable + l * LAYER_WORDS;
      const blocks = Math.ceil(layer.outputs / 4);
      w(t, layer.inputs);
      w(t + 1, layer.outputs);
      w(t + 2, blocks);
      w(t + 3, tiles[l] ?? 0);
      w(t + 4, scratchOffsets[l] ?? 0);
      w(t + 5, isResidualLayer(spec, layout, l) ? 1 : 0);
      w(t + 6, layer.weightOffset);
      w(t + 7, layer.biasOffset);
      if (l === 0) return;
      const base = (tiles[l] ?? 0) / 4;
      const entries = layer.inputs + 1;
      for (let jb = 0; jb < blocks; jb++) {
        for (let e = 0; e < entries; e++) {
          for (let s = 0; s < 3; s++) {
            const src = sources[s] ?? req.center;
            for (let q = 0; q < 4; q++) {
              const j = 4 * jb + q;
              let v = 0;
              if (j < layer.outputs) {
                if (e > 0) v = src[layer.weightOffset + j * layer.inputs + e - 1] ?? 0;
                else if (layer.biasOffset >= 0) v = src[layer.biasOffset + j] ?? 0;
              }
              f32[base + ((jb * entries + e) * 3 + s) * 4 + q] = v;
            }
          }
        }
      }
    });
    // Layer 0 weights as three planes [θ, d₁, d₂][j][k], rows padded to whole vectors.
    f32.fill(0, w0At / 4, w0At / 4 + 3 * width0 * inputsPad);
    for (let s = 0; s < 3; s++) {
      const src = sources[s] ?? req.center;
      for (let j = 0; j < width0; j++) {
        const row = src.subarray(first.weightOffset + j * inputs, first.weightOffset + (j + 1) * inputs);
        f32.set(row, w0At / 4 + (s * width0 + j) * inputsPad);
        if (b0At >= 0) f32[b0At / 4 + s * width0 + j] = src[first.biasOffset + j] ?? 0;
      }
    }
    f32.fill(0, xAt / 4, xAt / 4 + paddedSamples * inputsPad);
    for (let s = 0; s < m; s++) f32.set(samples.x.subarray(s * inputs, (s + 1) * inputs), xAt / 4 + s * inputsPad);
    packTargets(f32, targetsAt, samples, groups, yCols);
  };

  return { header: HEADER_AT, points, paddedSamples, lossAt, correctAt, scratch, bytes, pages: Math.ceil(bytes / PAGE_BYTES), pack };
}

/** Targets lane-wise: group g of four samples, column c: v128 (g·yCols + c), lane s % 4; zero past the last sample. */
function packTargets(f32: Float32Array, at: number, samples: GridRequest['samples'], groups: number, yCols: number): void {
  for (let g = 0; g < groups; g++) {
    for (let c = 0; c < yCols; c++) {
      for (let q = 0; q < 4; q++) {
        const s = 4 * g + q;
        f32[at / 4 + (g * yCols + c) * 4 + q] = s < samples.m ? (samples.y[s * yCols + c] ?? 0) : 0;
      }
    }
  }
}

export interface VectorPlan {
  readonly header: number;
  /** With `gradient`: per thread, where its loss sum (2 × f64) and each layer's blocked gradient sums lie. */
  readonly gradient?: { readonly sumsOffset: number; readonly layerOffsets: readonly number[] };
  readonly count: number;
  readonly lossAt: number;
  readonly correctAt: number;
  readonly scratch: readonly number[];
  /** Bytes of one scratch region (they lie back to back). */
  readonly scratchBytes: number;
  readonly pages: number;
  readonly pack: (buffer: ArrayBufferLike) => void;
  /** Only the parameter vectors (a session that keeps its samples). */
  readonly packThetas: (buffer: ArrayBufferLike, thetas: Float32Array) => void;
  /** Only the samples, lane-wise (another batch of the same size). */
  readonly packSamples: (buffer: ArrayBufferLike, samples: Samples) => void;
}

/** `count` parameter vectors laid end to end in `thetas`, each evaluated on every sample (the `vectors` kernel). */
export function planVectors(
  spec: MlpSpec,
  samples: Samples,
  thetas: Float32Array,
  count: number,
  threads: number,
  gradient = false,
): VectorPlan {
  const layout = paramLayout(spec);
  const layers = layout.layers;
  const params = layout.size;
  if (thetas.length !== count * params) throw new Error(`expected ${count} × ${params} parameters, got ${thetas.length}`);
  if (HEADER_AT + (H.layerTable + layers.length * LAYER_WORDS) * 4 > HEADER_BYTES) throw new Error('too many layers for the SIMD engine');
  const m = samples.m;
  const inputs = samples.inputs;
  const blocks8 = Math.ceil(m / 8);
  const groups = blocks8 * 2;
  const yCols = spec.loss === 'mse' ? spec.outputs : 1;
  let at = HEADER_AT + HEADER_BYTES;
  const take = (bytes: number): number => {
    const start = at;
    at = align(at + bytes);
    return start;
  };
  const thetasAt = take(count * params * 4);
  const xLaneAt = take(blocks8 * inputs * 32);
  const targetsAt = take(groups * yCols * 16);
  const lossAt = take(count * 8);
  const correctAt = take(count * 8);
  let weightBytes = 0;
  const scratchOffsets = layers.map((layer) => {
    const offset = weightBytes;
    weightBytes += Math.ceil(layer.outputs / 4) * (layer.inputs + 1) * 16;
    return offset;
  });
  const region = Math.max(...layers.map((layer) => Math.ceil(layer.outputs / 4) * 4)) * 32;
  let scratchBytes = align(weightBytes) + 2 * region + 32;
  // The gradient kernel also keeps two δ buffers, z_l and h_{l+1} of every layer, and the gradient sums.
  const gradTable: number[][] = [];
  let gradSums: { sumsOffset: number; layerOffsets: number[] } | undefined;
  if (gradient) {
    const sumsOffset = scratchBytes - 32;
    scratchBytes += 2 * region;
    for (const layer of layers) {
      const bytes = Math.ceil(layer.outputs / 4) * 4 * 32;
      gradTable.push([scratchBytes, scratchBytes + bytes, 0]);
      scratchBytes += 2 * bytes;
    }
    const layerOffsets = layers.map((layer, l) => {
      const offset = scratchBytes;
      const row = gradTable[l];
      if (row) row[2] = offset;
      scratchBytes += Math.ceil(layer.outputs / 4) * (layer.inputs + 1) * 64;
      return offset;
    });
    gradSums = { sumsOffset, layerOffsets };
  }
  scratchBytes = align(scratchBytes);
  const scratch = Array.from({ length: Math.max(1, threads) }, () => take(scratchBytes));

  const pack = (buffer: ArrayBufferLike): void => {
    const i32 = new Int32Array(buffer);
    const w = (index: number, value: number): void => {
      i32[HEADER_AT / 4 + index] = value;
    };
    i32.fill(0, 0, HEADER_AT / 4);
    w(H.layers, layers.length);
    w(H.outputs, spec.outputs);
    w(H.m, m);
    w(H.blocks8, blocks8);
    w(H.targets, targetsAt);
    w(H.loss, lossAt);
    w(H.correct, correctAt);
    w(H.activation, ACTIVATION_CODE[spec.activation]);
    w(H.lossKind, LOSS_CODE[spec.loss]);
    w(H.region, region);
    w(H.yCols, yCols);
    w(H.inputs, inputs);
    w(H.hOffset, align(weightBytes));
    w(H.thetas, thetasAt);
    w(H.params, params);
    w(H.xLane, xLaneAt);
    layers.forEach((layer, l) => {
      const t = H.layerTable + l * LAYER_WORDS;
      w(t, layer.inputs);
      w(t + 1, layer.outputs);
      w(t + 2, Math.ceil(layer.outputs / 4));
      w(t + 4, scratchOffsets[l] ?? 0);
      w(t + 5, isResidualLayer(spec, layout, l) ? 1 : 0);
      w(t + 6, layer.weightOffset);
      w(t + 7, layer.biasOffset);
    });
    gradTable.forEach((row, l) => row.forEach((v, i) => w(H.gradTable + l * 4 + i, v)));
    packThetas(buffer, thetas);
    packSamples(buffer, samples);
  };
  const packThetas = (buffer: ArrayBufferLike, values: Float32Array): void => {
    if (values.length !== count * params) throw new Error(`expected ${count} × ${params} parameters, got ${values.length}`);
    new Float32Array(buffer).set(values, thetasAt / 4);
  };
  const packSamples = (buffer: ArrayBufferLike, data: Samples): void => {
    if (data.m !== m || data.inputs !== inputs)
      throw new Error(`expected ${m} samples of ${inputs} inputs, got ${data.m} of ${data.inputs}`);
    const f32 = new Float32Array(buffer);
    // Samples lane-wise: block of eight b, input k: group A's four samples, then group B's.
    for (let b = 0; b < blocks8; b++) {
      for (let k = 0; k < inputs; k++) {
        for (let i = 0; i < 8; i++) {
          const s = b * 8 + i;
          f32[xLaneAt / 4 + (b * inputs + k) * 8 + i] = s < m ? (data.x[s * inputs + k] ?? 0) : 0;
        }
      }
    }
    packTargets(f32, targetsAt, data, groups, yCols);
  };
  const plan = {
    header: HEADER_AT,
    count,
    lossAt,
    correctAt,
    scratch,
    scratchBytes,
    pages: Math.ceil(at / PAGE_BYTES),
    pack,
    packThetas,
    packSamples,
  };
  return gradSums ? { ...plan, gradient: gradSums } : plan;
}
