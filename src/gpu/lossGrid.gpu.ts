/**
 * GPU grid kernel: the loss (and accuracy) of the network at every point of a grid on the plane
 * θ₀ + α·d₁ + β·d₂, without a parameter vector per point (see shaders/lossGrid.wgsl). Work is
 * split into dispatches sized to a time budget, each awaited, so the page stays live, progress
 * is reported and a newer request can cancel between dispatches.
 */
import firstLayerWgsl from '../../shaders/firstLayer.wgsl?raw';
import lossGridWgsl from '../../shaders/lossGrid.wgsl?raw';
import { isClassifier, lossDivisor } from '../model/network';
import { isResidualLayer, paramLayout, type MlpSpec } from '../model/spec';
import { ACTIVATION_CODE, LOSS_CODE, NO_BIAS } from './codes';
import { specializeConst, withLibrary } from './shaderSource';
import { packStruct } from './structLayout';
import { AbortError, type GridRequest, type GridResult, type GridRunOptions } from './lossGrid.types';

export const WORKGROUP_SIZE = 64;
/** Samples per dispatch at most (the rest of a dispatch's size is points). */
const SAMPLE_CHUNK = 512;
export const GRID_PARAMS_FIELDS = [
  'gridSize',
  'pointStart',
  'pointCount',
  'sampleStart',
  'sampleEnd',
  'layerCount',
  'outputs',
  'accumulate',
  'alphaStart',
  'alphaStep',
  'betaStart',
  'betaStep',
  'firstRow',
] as const;
/** Fields of the shader's Layer struct, in order (one row of buildTiles' table). */
export const GRID_LAYER_FIELDS = ['inputs', 'outputs', 'tileOffset', 'blocks', 'addInput'] as const;
const GRID_FLOAT_FIELDS: ReadonlySet<string> = new Set(['alphaStart', 'alphaStep', 'betaStart', 'betaStep']);
export const FIRST_LAYER_PARAMS_FIELDS = ['samples', 'inputs', 'outputs', 'weightOffset', 'biasOffset', '_pad0', '_pad1', '_pad2'] as const;

export const GRID_SHADER_SOURCE = lossGridWgsl;
export const FIRST_LAYER_SHADER_SOURCE = firstLayerWgsl;

/** Private-array width the shader is compiled for: the widest layer, rounded up to 8. */
export function maxWidthFor(spec: MlpSpec): number {
  return Math.ceil(Math.max(spec.outputs, ...spec.hidden) / 8) * 8;
}

/** Multiply-adds the kernel really performs per (point, sample), for benchmarks. */
export function kernelMacsPerSample(spec: MlpSpec): number {
  const widths = [spec.inputs, ...spec.hidden, spec.outputs];
  let macs = 2 * (widths[1] ?? 0);
  for (let l = 1; l + 1 < widths.length; l++) macs += (widths[l] ?? 0) * (widths[l + 1] ?? 0);
  return macs;
}

/** Multiply-adds of a naive forward pass per (point, sample), for benchmarks. */
export function naiveMacsPerSample(spec: MlpSpec): number {
  const widths = [spec.inputs, ...spec.hidden, spec.outputs];
  let macs = 0;
  for (let l = 0; l + 1 < widths.length; l++) macs += (widths[l] ?? 0) * (widths[l + 1] ?? 0);
  return macs;
}

interface TimedOptions extends GridRunOptions {
  /** Target wall time of one dispatch, ms (default 40: well under the ~100 ms budget). */
  readonly targetDispatchMs?: number;
}

export class LossGridKernel {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly live = new Set<GPUBuffer>();
  /** The dispatch size each network reached, so consecutive runs keep the tuned size. */
  private readonly budgets = new Map<string, number>();
  private disposed = false;

  constructor(private readonly device: GPUDevice) {}

  async run(req: GridRequest, opts: TimedOptions = {}): Promise<GridResult> {
    if (this.disposed) throw new Error('LossGridKernel used after dispose()');
    const { device } = this;
    const { spec, samples } = req;
    const layout = paramLayout(spec);
    const points = req.gridSize * (req.rows ?? req.gridSize);
    const firstWidth = layout.layers[0]?.outputs ?? 0;
    const limits = device.limits;
    const need = (label: string, bytes: number): void => {
      const max = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
      if (bytes > max) {
        throw new Error(
          `${label} needs ${(bytes / 2 ** 20).toFixed(1)} MiB, above this device's limit of ${(max / 2 ** 20).toFixed(0)} MiB; use fewer samples or a smaller grid`,
        );
      }
    };
    need('the first-layer products', samples.m * firstWidth * 16);
    need('the weights', layout.size * 16);
    need('the inputs', samples.x.byteLength);
    need('the grid', points * 8);

    const created: GPUBuffer[] = [];
    const buffer = (label: string, size: number, usage: number): GPUBuffer => {
      const b = device.createBuffer({ label: `LossGridKernel.${label}`, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
      created.push(b);
      this.live.add(b);
      return b;
    };
    try {
      const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
      const weights = buffer('weights', layout.size * 16, storage);
      const interleaved = new Float32Array(layout.size * 4);
      for (let i = 0; i < layout.size; i++) {
        interleaved[4 * i] = req.center[i] ?? 0;
        interleaved[4 * i + 1] = req.directionX[i] ?? 0;
        interleaved[4 * i + 2] = req.directionY[i] ?? 0;
      }
      device.queue.writeBuffer(weights, 0, interleaved);
      const inputs = buffer('inputs', samples.x.byteLength, storage);
      device.queue.writeBuffer(inputs, 0, Float32Array.from(samples.x));
      const targets = buffer('targets', samples.y.byteLength, storage);
      device.queue.writeBuffer(targets, 0, Float32Array.from(samples.y));
      const { tiles: tileData, table: layerTable } = buildTiles(spec, req.center, req.directionX, req.directionY);
      const layers = buffer('layers', layerTable.byteLength, storage);
      device.queue.writeBuffer(layers, 0, layerTable);
      const tiles = buffer('tiles', tileData.byteLength, storage);
      device.queue.writeBuffer(tiles, 0, tileData);
      const firstLayer = buffer('firstLayer', samples.m * firstWidth * 16, GPUBufferUsage.STORAGE);
      const sums = buffer('sums', points * 8, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      const readback = buffer('readback', points * 8, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      const uniformSize = Math.ceil((GRID_PARAMS_FIELDS.length * 4) / 16) * 16;
      const gridUniform = buffer('gridParams', uniformSize, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
      const firstUniform = buffer('firstLayerParams', 32, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);

      // Layer 0 products, once per plane.
      const layer0 = layout.layers[0];
      if (!layer0) throw new Error('network has no layers');
      const firstPipeline = this.pipeline('first', () => withLibrary(firstLayerWgsl), {});
      runFirstLayer(
        device,
        firstPipeline,
        { uniform: firstUniform, weights, inputs, firstLayer },
        layer0,
        samples.m,
        'LossGridKernel',
        (pass) => dispatchLinear(pass, samples.m * layer0.outputs, limits.maxComputeWorkgroupsPerDimension),
      );

      const maxWidth = maxWidthFor(spec);
      const gridPipeline = this.pipeline(
        `grid:${maxWidth}:${spec.activation}:${spec.loss}`,
        () => withLibrary(specializeConst(lossGridWgsl, 'MAX_WIDTH', maxWidth)),
        { ACTIVATION: ACTIVATION_CODE[spec.activation], LOSS: LOSS_CODE[spec.loss] },
      );
      const gridGroup = device.createBindGroup({
        label: 'LossGridKernel.gridGroup',
        layout: gridPipeline.getBindGroupLayout(0),
        entries: [gridUniform, layers, tiles, firstLayer, targets, sums].map((b, binding) => ({ binding, resource: { buffer: b } })),
      });

      // Chunks of (points × samples), grown or shrunk to meet the time budget per dispatch.
      const target = opts.targetDispatchMs ?? 40;
      const maxPointsPerDispatch = limits.maxComputeWorkgroupsPerDimension * WORKGROUP_SIZE;
      // (point × sample) pairs per dispatch, adapted below; a later run of the same network (the next strip
      // of a coarse-to-fine surface) starts from the size this one found, not from scratch.
      const budgetKey = `${maxWidthFor(spec)}:${spec.hidden.join(',')}:${spec.inputs}:${spec.outputs}:${spec.activation}`;
      let budget = this.budgets.get(budgetKey) ?? WORKGROUP_SIZE * 64;
      const totalWork = points * samples.m;
      let doneWork = 0;
      // Samples go in chunks of a fixed size (not timed): a point's sum then runs in the same order however
      // the points are split over dispatches, so the same link gives the same grid bit for bit.
      const sampleChunk = Math.min(samples.m, SAMPLE_CHUNK);
      for (let pointStart = 0; pointStart < points;) {
        let pointCount = Math.min(
          points - pointStart,
          maxPointsPerDispatch,
          Math.max(WORKGROUP_SIZE, Math.floor(budget / sampleChunk / WORKGROUP_SIZE) * WORKGROUP_SIZE),
        );
        if (pointCount <= 0) pointCount = Math.min(points - pointStart, WORKGROUP_SIZE);
        for (let sampleStart = 0; sampleStart < samples.m;) {
          if (opts.signal?.aborted) throw new AbortError();
          const sampleCount = Math.min(samples.m - sampleStart, sampleChunk);
          device.queue.writeBuffer(
            gridUniform,
            0,
            packStruct(
              GRID_PARAMS_FIELDS,
              {
                gridSize: req.gridSize,
                pointStart,
                pointCount,
                sampleStart,
                sampleEnd: sampleStart + sampleCount,
                layerCount: layout.layers.length,
                outputs: spec.outputs,
                accumulate: sampleStart > 0 ? 1 : 0,
                alphaStart: req.alphaStart,
                alphaStep: req.alphaStep,
                betaStart: req.betaStart,
                betaStep: req.betaStep,
                firstRow: req.firstRow ?? 0,
              },
              GRID_FLOAT_FIELDS,
            ),
          );
          const enc = device.createCommandEncoder({ label: 'LossGridKernel.grid' });
          const pass = enc.beginComputePass({ label: 'LossGridKernel.gridPass' });
          pass.setPipeline(gridPipeline);
          pass.setBindGroup(0, gridGroup);
          pass.dispatchWorkgroups(Math.ceil(pointCount / WORKGROUP_SIZE));
          pass.end();
          const t0 = performance.now();
          device.queue.submit([enc.finish()]);
          await device.queue.onSubmittedWorkDone();
          const ms = performance.now() - t0;
          const work = pointCount * sampleCount;
          // Aim for the target; grow at most 4× per step, shrink as far as needed.
          budget = Math.max(WORKGROUP_SIZE * 4, Math.floor(work * Math.min(4, target / Math.max(ms, 0.05))));
          doneWork += work;
          opts.onProgress?.(doneWork / totalWork);
          sampleStart += sampleCount;
        }
        pointStart += pointCount;
      }
      this.budgets.set(budgetKey, budget);

      return await readGridSums(device, { sums, readback }, points, spec, samples.m, 'LossGridKernel');
    } finally {
      for (const b of created) {
        b.destroy();
        this.live.delete(b);
      }
    }
  }

  private pipeline(key: string, source: () => string, constants: Record<string, number>): GPUComputePipeline {
    const cached = this.pipelines.get(key);
    if (cached) return cached;
    const module = this.device.createShaderModule({ label: `LossGridKernel.${key}`, code: source() });
    const pipeline = this.device.createComputePipeline({
      label: `LossGridKernel.${key}`,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants: { WORKGROUP_SIZE, ...constants } },
    });
    this.pipelines.set(key, pipeline);
    return pipeline;
  }

  /** Destroys buffers of a run in flight; safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of this.live) b.destroy();
    this.live.clear();
    this.pipelines.clear();
  }
}

/** The first layer of a network as firstLayer.wgsl reads it (a row of paramLayout's layers). */
interface FirstLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weightOffset: number;
  readonly biasOffset: number;
}

/**
 * Layer 0's three products (W₀x + b₀, D₀x + db₀, E₀x + eb₀) for every sample into `buffers.firstLayer`,
 * once per plane (shaders/firstLayer.wgsl); `dispatch` sizes the pass. Shared by the grid kernel variants.
 */
export function runFirstLayer(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  buffers: { readonly uniform: GPUBuffer; readonly weights: GPUBuffer; readonly inputs: GPUBuffer; readonly firstLayer: GPUBuffer },
  layer0: FirstLayer,
  samples: number,
  label: string,
  dispatch: (pass: GPUComputePassEncoder) => void,
): void {
  const params = {
    samples,
    inputs: layer0.inputs,
    outputs: layer0.outputs,
    weightOffset: layer0.weightOffset,
    biasOffset: layer0.biasOffset < 0 ? NO_BIAS : layer0.biasOffset,
    _pad0: 0,
    _pad1: 0,
    _pad2: 0,
  };
  device.queue.writeBuffer(buffers.uniform, 0, packStruct(FIRST_LAYER_PARAMS_FIELDS, params, new Set()));
  const group = device.createBindGroup({
    label: `${label}.firstLayerGroup`,
    layout: pipeline.getBindGroupLayout(0),
    entries: [buffers.uniform, buffers.weights, buffers.inputs, buffers.firstLayer].map((b, binding) => ({
      binding,
      resource: { buffer: b },
    })),
  });
  const enc = device.createCommandEncoder({ label: `${label}.firstLayer` });
  const pass = enc.beginComputePass({ label: `${label}.firstLayerPass` });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  dispatch(pass);
  pass.end();
  device.queue.submit([enc.finish()]);
}

/** The (loss sum, correct count) per point of `sums` read back as mean loss (and accuracy for classifiers). */
export async function readGridSums(
  device: GPUDevice,
  buffers: { readonly sums: GPUBuffer; readonly readback: GPUBuffer },
  points: number,
  spec: MlpSpec,
  samples: number,
  label: string,
): Promise<GridResult> {
  const enc = device.createCommandEncoder({ label: `${label}.readback` });
  enc.copyBufferToBuffer(buffers.sums, 0, buffers.readback, 0, points * 8);
  device.queue.submit([enc.finish()]);
  await buffers.readback.mapAsync(GPUMapMode.READ);
  const raw = new Float32Array(buffers.readback.getMappedRange().slice(0));
  buffers.readback.unmap();
  const divisor = lossDivisor(spec, samples);
  const loss = new Float32Array(points);
  const accuracy = isClassifier(spec.loss) ? new Float32Array(points) : undefined;
  for (let p = 0; p < points; p++) {
    loss[p] = (raw[2 * p] ?? Number.NaN) / divisor;
    if (accuracy) accuracy[p] = (raw[2 * p + 1] ?? 0) / samples;
  }
  return accuracy ? { loss, accuracy } : { loss };
}

/**
 * Layers ≥ 1 rearranged for the grid shader: per block of four output units, the biases as three
 * vec4 (θ, d₁, d₂), then per input unit k the block's four weights as three vec4. Rows past the
 * layer's width are zero. The table holds GRID_LAYER_FIELDS per layer: inputs, outputs, tileOffset
 * in vec4, blocks, and addInput (1 for a residual layer, see isResidualLayer).
 */
export function buildTiles(
  spec: MlpSpec,
  center: Float32Array,
  directionX: Float32Array,
  directionY: Float32Array,
): { tiles: Float32Array<ArrayBuffer>; table: Uint32Array<ArrayBuffer> } {
  const layout = paramLayout(spec);
  const fields = GRID_LAYER_FIELDS.length;
  const table = new Uint32Array(layout.layers.length * fields);
  let vec4s = 0;
  layout.layers.forEach((l, i) => {
    const blocks = i === 0 ? 0 : Math.ceil(l.outputs / 4);
    table.set([l.inputs, l.outputs, vec4s, blocks, isResidualLayer(spec, layout, i) ? 1 : 0], fields * i);
    vec4s += blocks * 3 * (l.inputs + 1);
  });
  const tiles = new Float32Array(Math.max(4, vec4s * 4));
  const sources = [center, directionX, directionY];
  layout.layers.forEach((l, i) => {
    if (i === 0) return;
    const offset = table[fields * i + 2] ?? 0;
    const blocks = table[fields * i + 3] ?? 0;
    for (let jb = 0; jb < blocks; jb++) {
      const base = (offset + jb * 3 * (l.inputs + 1)) * 4;
      for (let q = 0; q < 4; q++) {
        const j = 4 * jb + q;
        if (j >= l.outputs) continue;
        sources.forEach((src, c) => {
          if (l.biasOffset >= 0) tiles[base + 4 * c + q] = src[l.biasOffset + j] ?? 0;
          for (let k = 0; k < l.inputs; k++) {
            tiles[base + 12 * (k + 1) + 4 * c + q] = src[l.weightOffset + j * l.inputs + k] ?? 0;
          }
        });
      }
    }
  });
  return { tiles, table };
}

function dispatchLinear(pass: GPUComputePassEncoder, invocations: number, maxPerDim: number): void {
  const groups = Math.ceil(invocations / WORKGROUP_SIZE);
  if (groups > maxPerDim) throw new Error(`first layer needs ${groups} workgroups, above the device limit ${maxPerDim}`);
  pass.dispatchWorkgroups(Math.max(1, groups));
}
