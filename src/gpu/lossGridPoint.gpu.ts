/**
 * The grid kernel's second variant: one workgroup per grid point (shaders/lossGridPoint.wgsl). The
 * workgroup forms its point's weights of layers ≥ 1 once into workgroup memory (from the same tiles as
 * LossGridKernel, buildTiles), its invocations split the samples, eight at a time each, and their sums
 * are reduced in workgroup memory. Layer 0 comes from the same per-plane products as LossGridKernel
 * (shaders/firstLayer.wgsl), so only layers ≥ 1 must fit: the wide 784-128-10 network needs 1,548
 * floats of the 3,968 the guaranteed 16 KiB leave, a 2-100-100-1 one 10,504 and does not fit.
 *
 * Same inputs, result, dispatch slicing to a time budget, progress and cancellation between
 * dispatches as LossGridKernel. A network whose weights of layers ≥ 1 exceed the workgroup memory
 * (`LossGridPointKernel.fits(spec, device.limits)` false) is refused with an error naming the
 * limit: the caller uses LossGridKernel (the register-tile variant) for it.
 */
import lossGridPointWgsl from '../../shaders/lossGridPoint.wgsl?raw';
import { paramLayout, type MlpSpec } from '../model/spec';
import { ACTIVATION_CODE, LOSS_CODE } from './codes';
import { buildTiles, FIRST_LAYER_SHADER_SOURCE, GRID_LAYER_FIELDS, maxWidthFor, readGridSums, runFirstLayer } from './lossGrid.gpu';
import { AbortError, type GridRequest, type GridResult, type GridRunOptions } from './lossGrid.types';
import { specializeConst, withLibrary } from './shaderSource';
import { packStruct } from './structLayout';

/** Invocations per workgroup (= per grid point); the shader's `const GROUP`. */
export const POINT_GROUP_SIZE = 64;
/** Workgroup size of firstLayer.wgsl as this kernel dispatches it. */
const FIRST_LAYER_GROUP_SIZE = 64;
/**
 * Samples per dispatch at most, a multiple of 8 × POINT_GROUP_SIZE (each invocation takes eight samples
 * at a time); fixed, so a point's sum runs in the same order however the points are split over dispatches.
 */
const SAMPLE_CHUNK = 1024;
/** Bytes of workgroup memory the shader's reduction takes (GROUP × vec2<f32>). */
const REDUCTION_BYTES = POINT_GROUP_SIZE * 8;

export const POINT_PARAMS_FIELDS = [
  'gridSize',
  'firstRow',
  'pointStart',
  'sampleStart',
  'sampleEnd',
  'layerCount',
  'outputs',
  'accumulate',
  'weightCount',
  'alphaStart',
  'alphaStep',
  'betaStart',
  'betaStep',
] as const;
const POINT_FLOAT_FIELDS: ReadonlySet<string> = new Set(['alphaStart', 'alphaStep', 'betaStart', 'betaStep']);
/** Fields of the shader's Layer struct: buildTiles' table, shared with LossGridKernel. */
export const POINT_LAYER_FIELDS = GRID_LAYER_FIELDS;

export const POINT_SHADER_SOURCE = lossGridPointWgsl;

/**
 * Floats the workgroup holds: the weights and biases of every layer but the first (which comes from the
 * per-plane products), in buildTiles' order, output units padded to blocks of four.
 */
export function pointWeightCount(spec: MlpSpec): number {
  return paramLayout(spec)
    .layers.slice(1)
    .reduce((n, l) => n + 4 * Math.ceil(l.outputs / 4) * (l.inputs + 1), 0);
}

/** Floats of workgroup memory left for the weights under a device's limit (whole vec4). */
export function pointWeightCapacity(limits: Pick<GPUSupportedLimits, 'maxComputeWorkgroupStorageSize'>): number {
  return 4 * Math.floor((limits.maxComputeWorkgroupStorageSize - REDUCTION_BYTES) / 16);
}

interface TimedOptions extends GridRunOptions {
  /** Target wall time of one dispatch, ms (default 40, as LossGridKernel). */
  readonly targetDispatchMs?: number;
}

export class LossGridPointKernel {
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly live = new Set<GPUBuffer>();
  /** The (point × sample) pairs per dispatch each network reached, kept for its next run. */
  private readonly budgets = new Map<string, number>();
  private disposed = false;

  constructor(private readonly device: GPUDevice) {}

  /**
   * Whether the weights of layers ≥ 1 fit in the workgroup memory (16 KiB guaranteed by WebGPU: 3,968
   * floats beside the reduction). When not, use LossGridKernel.
   */
  static fits(spec: MlpSpec, limits: Pick<GPUSupportedLimits, 'maxComputeWorkgroupStorageSize'>): boolean {
    return pointWeightCount(spec) <= pointWeightCapacity(limits);
  }

  /** `LossGridPointKernel.fits` under this kernel's device limits. */
  fits(spec: MlpSpec): boolean {
    return LossGridPointKernel.fits(spec, this.device.limits);
  }

  async run(req: GridRequest, opts: TimedOptions = {}): Promise<GridResult> {
    if (this.disposed) throw new Error('LossGridPointKernel used after dispose()');
    const { device } = this;
    const { spec, samples } = req;
    const limits = device.limits;
    const layout = paramLayout(spec);
    const layer0 = layout.layers[0];
    if (!layer0) throw new Error('network has no layers');
    const weightCount = pointWeightCount(spec);
    const capacity = pointWeightCapacity(limits);
    if (weightCount > capacity) {
      throw new Error(
        `the weights of layers ≥ 1 (${weightCount} floats) do not fit in this device's workgroup memory ` +
          `(${limits.maxComputeWorkgroupStorageSize} bytes: ${capacity} floats); use LossGridKernel`,
      );
    }
    const points = req.gridSize * (req.rows ?? req.gridSize);
    const width0 = layer0.outputs;
    const need = (label: string, bytes: number): void => {
      const max = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
      if (bytes > max) {
        throw new Error(
          `${label} needs ${(bytes / 2 ** 20).toFixed(1)} MiB, above this device's limit of ${(max / 2 ** 20).toFixed(0)} MiB; use fewer samples or a smaller grid`,
        );
      }
    };
    need('the first-layer products', samples.m * width0 * 16);
    need('the weights', layout.size * 16);
    need('the inputs', samples.x.byteLength);
    need('the grid', points * 8);
    const firstGroups = Math.ceil((samples.m * width0) / FIRST_LAYER_GROUP_SIZE);
    if (firstGroups > limits.maxComputeWorkgroupsPerDimension) {
      throw new Error(
        `the first layer needs ${firstGroups} workgroups, above this device's limit ${limits.maxComputeWorkgroupsPerDimension}`,
      );
    }

    const created: GPUBuffer[] = [];
    const buffer = (label: string, size: number, usage: number): GPUBuffer => {
      const b = device.createBuffer({ label: `LossGridPointKernel.${label}`, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
      created.push(b);
      this.live.add(b);
      return b;
    };
    try {
      const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
      const interleaved = new Float32Array(layout.size * 4);
      for (let i = 0; i < layout.size; i++) {
        interleaved[4 * i] = req.center[i] ?? 0;
        interleaved[4 * i + 1] = req.directionX[i] ?? 0;
        interleaved[4 * i + 2] = req.directionY[i] ?? 0;
      }
      const weights = buffer('weights', interleaved.byteLength, storage);
      device.queue.writeBuffer(weights, 0, interleaved);
      const inputs = buffer('inputs', samples.x.byteLength, storage);
      device.queue.writeBuffer(inputs, 0, Float32Array.from(samples.x));
      const targets = buffer('targets', samples.y.byteLength, storage);
      device.queue.writeBuffer(targets, 0, Float32Array.from(samples.y));
      const { tiles: tileData, table } = buildTiles(spec, req.center, req.directionX, req.directionY);
      const layers = buffer('layers', table.byteLength, storage);
      device.queue.writeBuffer(layers, 0, table);
      const tiles = buffer('tiles', tileData.byteLength, storage);
      device.queue.writeBuffer(tiles, 0, tileData);
      const firstLayer = buffer('firstLayer', samples.m * width0 * 16, GPUBufferUsage.STORAGE);
      const sums = buffer('sums', points * 8, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      const readback = buffer('readback', points * 8, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      const gridUniform = buffer(
        'pointParams',
        Math.ceil((POINT_PARAMS_FIELDS.length * 4) / 16) * 16,
        GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      );
      const firstUniform = buffer('firstLayerParams', 32, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);

      // Layer 0's three products (W₀x + b₀, D₀x + db₀, E₀x + eb₀), once per plane.
      const firstPipeline = this.pipeline('first', () => withLibrary(FIRST_LAYER_SHADER_SOURCE), {
        WORKGROUP_SIZE: FIRST_LAYER_GROUP_SIZE,
      });
      runFirstLayer(
        device,
        firstPipeline,
        { uniform: firstUniform, weights, inputs, firstLayer },
        layer0,
        samples.m,
        'LossGridPointKernel',
        (pass) => pass.dispatchWorkgroups(Math.max(1, firstGroups)),
      );

      const maxWidth = maxWidthFor(spec);
      // The workgroup array (vec4) is sized to the network, rounded up, so small networks leave memory to other workgroups.
      const weightSlots = Math.min(capacity / 4, Math.max(16, Math.ceil(weightCount / 64) * 16));
      const pointPipeline = this.pipeline(
        `point:${maxWidth}:${weightSlots}:${spec.activation}:${spec.loss}`,
        () => withLibrary(specializeConst(specializeConst(lossGridPointWgsl, 'MAX_WIDTH', maxWidth), 'WEIGHT_CAPACITY', weightSlots)),
        { ACTIVATION: ACTIVATION_CODE[spec.activation], LOSS: LOSS_CODE[spec.loss] },
      );
      const pointGroup = device.createBindGroup({
        label: 'LossGridPointKernel.pointGroup',
        layout: pointPipeline.getBindGroupLayout(0),
        entries: [gridUniform, layers, tiles, firstLayer, targets, sums].map((b, binding) => ({ binding, resource: { buffer: b } })),
      });

      const target = opts.targetDispatchMs ?? 40;
      const sampleChunk = Math.min(samples.m, SAMPLE_CHUNK);
      const budgetKey = `${maxWidth}:${spec.hidden.join(',')}:${spec.inputs}:${spec.outputs}:${spec.activation}`;
      // (point × sample) pairs per dispatch; adapted to the time budget after each dispatch.
      let budget = this.budgets.get(budgetKey) ?? 64 * sampleChunk;
      const totalWork = points * samples.m;
      let doneWork = 0;
      for (let pointStart = 0; pointStart < points;) {
        const pointCount = Math.max(
          1,
          Math.min(points - pointStart, limits.maxComputeWorkgroupsPerDimension, Math.floor(budget / sampleChunk)),
        );
        for (let sampleStart = 0; sampleStart < samples.m;) {
          if (opts.signal?.aborted) throw new AbortError();
          const sampleCount = Math.min(samples.m - sampleStart, sampleChunk);
          device.queue.writeBuffer(
            gridUniform,
            0,
            packStruct(
              POINT_PARAMS_FIELDS,
              {
                gridSize: req.gridSize,
                firstRow: req.firstRow ?? 0,
                pointStart,
                sampleStart,
                sampleEnd: sampleStart + sampleCount,
                layerCount: layout.layers.length,
                outputs: spec.outputs,
                accumulate: sampleStart > 0 ? 1 : 0,
                weightCount: weightCount / 4,
                alphaStart: req.alphaStart,
                alphaStep: req.alphaStep,
                betaStart: req.betaStart,
                betaStep: req.betaStep,
              },
              POINT_FLOAT_FIELDS,
            ),
          );
          const enc = device.createCommandEncoder({ label: 'LossGridPointKernel.grid' });
          const pass = enc.beginComputePass({ label: 'LossGridPointKernel.gridPass' });
          pass.setPipeline(pointPipeline);
          pass.setBindGroup(0, pointGroup);
          pass.dispatchWorkgroups(pointCount);
          pass.end();
          const t0 = performance.now();
          device.queue.submit([enc.finish()]);
          await device.queue.onSubmittedWorkDone();
          const ms = performance.now() - t0;
          const work = pointCount * sampleCount;
          // Aim for the target; grow at most 4× per step, shrink as far as needed.
          budget = Math.max(sampleChunk, Math.floor(work * Math.min(4, target / Math.max(ms, 0.05))));
          doneWork += work;
          opts.onProgress?.(doneWork / totalWork);
          sampleStart += sampleCount;
        }
        pointStart += pointCount;
      }
      this.budgets.set(budgetKey, budget);

      return await readGridSums(device, { sums, readback }, points, spec, samples.m, 'LossGridPointKernel');
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
    const module = this.device.createShaderModule({ label: `LossGridPointKernel.${key}`, code: source() });
    const pipeline = this.device.createComputePipeline({
      label: `LossGridPointKernel.${key}`,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants },
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
