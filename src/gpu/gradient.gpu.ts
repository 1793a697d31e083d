/**
 * GPU gradient kernel: mean loss and gradient of K parameter vectors of one network over a batch
 * of samples. Two passes per sample chunk (shaders/gradient.wgsl: forward and backward per
 * vector × eight samples, into a scratch buffer; shaders/gradientReduce.wgsl: the sum over
 * samples per vector × parameter). No float atomics, fixed summation order: deterministic.
 * `encode` records into the caller's encoder, so a trainer can put many steps into one submission.
 */
import gradientEntry from '../../shaders/gradient.wgsl?raw';
import gradientReduceEntry from '../../shaders/gradientReduce.wgsl?raw';
import gradientStructsWgsl from '../../shaders/lib/gradientStructs.wgsl?raw';
import derivativesWgsl from '../../shaders/lib/activationDerivatives.wgsl?raw';
import { lossDivisor } from '../model/network';
import type { Samples } from '../model/samples';
import { assertValidSpec, isResidualLayer, paramLayout, residualLayers, type MlpSpec } from '../model/spec';
import { ACTIVATION_CODE, LOSS_CODE, NO_BIAS } from './codes';
import { assertValidBatch, batchCount, type GradientResult, type SampleBatch } from './gradient.types';
import { specializeConst, withLibrary } from './shaderSource';
import { packStruct } from './structLayout';
import { cachedSlotPipeline } from './pipelineCache';
import { UNIFORM_SLOT_BYTES, UniformRing } from './uniformRing';

export const WORKGROUP_SIZE = 64;
export const GRAD_PARAMS_FIELDS = [
  'paramCount',
  'vectorCount',
  'layerCount',
  'outputs',
  'batchStart',
  'chunkCount',
  'chunkQuads',
  'indexed',
  'stride',
  'lossSlot',
  'accumulate',
  'inputs',
  'divisor',
] as const;
export const GRAD_LAYER_FIELDS = [
  'inputs',
  'outputs',
  'weightOffset',
  'biasOffset',
  'inputSlot',
  'deltaSlot',
  'tileStart',
  'tileColumns',
  'addInput',
] as const;
const GRAD_FLOAT_FIELDS: ReadonlySet<string> = new Set(['divisor']);
/** Entry sources with the shared structs in front (WGSL has no includes). */
const gradientWgsl = `${gradientStructsWgsl}\n${gradientEntry}`;
const gradientReduceWgsl = `${gradientStructsWgsl}\n${gradientReduceEntry}`;
export const GRADIENT_SHADER_SOURCE = gradientWgsl;
export const GRADIENT_REDUCE_SHADER_SOURCE = gradientReduceWgsl;

/** The vectors one gradient call works on: thetas and grads K × P, losses K (all f32). */
export interface ParamVectors {
  readonly count: number;
  readonly thetas: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly losses: GPUBuffer;
}

/** A batch as `encode` reads it: positions start..start+count of the index buffer, or samples. */
export interface EncodedBatch {
  readonly start: number;
  readonly count: number;
  readonly indexed: boolean;
}

/**
 * Per sample quad the scratch record holds, in vec4: every layer's input h_l (h_0 = x), every
 * layer's delta, and the per-sample loss. `table` is the shader's Layer array.
 */
export function scratchLayout(spec: MlpSpec): { stride: number; lossSlot: number; tileCount: number; table: Uint32Array<ArrayBuffer> } {
  const layout = paramLayout(spec);
  const table = new Uint32Array(layout.layers.length * GRAD_LAYER_FIELDS.length);
  let slot = 0;
  const inputSlots = layout.layers.map((l) => {
    const s = slot;
    slot += l.inputs;
    return s;
  });
  const deltaSlots = layout.layers.map((l) => {
    const s = slot;
    slot += l.outputs;
    return s;
  });
  let tiles = 0;
  layout.layers.forEach((l, i) => {
    // Gradient tiles of 4 outputs × 4 inputs; the bias is one more input column.
    const tileColumns = Math.ceil((l.inputs + (l.biasOffset >= 0 ? 1 : 0)) / 4);
    table.set(
      [
        l.inputs,
        l.outputs,
        l.weightOffset,
        l.biasOffset < 0 ? NO_BIAS : l.biasOffset,
        inputSlots[i] ?? 0,
        deltaSlots[i] ?? 0,
        tiles,
        tileColumns,
        isResidualLayer(spec, layout, i) ? 1 : 0,
      ],
      i * GRAD_LAYER_FIELDS.length,
    );
    tiles += Math.ceil(l.outputs / 4) * tileColumns;
  });
  return { stride: slot + 1, lossSlot: slot, tileCount: tiles, table };
}

/** Private-array width the forward/backward shader is compiled for: the widest layer, rounded up to 8. */
export function gradientMaxWidth(spec: MlpSpec): number {
  return Math.ceil(Math.max(spec.inputs, spec.outputs, ...spec.hidden) / 8) * 8;
}

export interface GradientKernelOptions {
  /** Upper bound of the scratch buffer (default 256 MiB, and never above the device's limits). */
  readonly maxScratchBytes?: number;
  /** Sample chunks one submission may hold (uniform slots; default 512). */
  readonly uniformSlots?: number;
}

export class GradientKernel {
  readonly paramCount: number;
  private readonly layout: ReturnType<typeof scratchLayout>;
  private readonly forwardPipeline: GPUComputePipeline;
  private readonly reducePipeline: GPUComputePipeline;
  private readonly forwardLayout: GPUBindGroupLayout;
  private readonly reduceLayout: GPUBindGroupLayout;
  private readonly ring: UniformRing;
  private readonly xs: GPUBuffer;
  private readonly ys: GPUBuffer;
  private readonly layers: GPUBuffer;
  private readonly maxScratchBytes: number;
  private indices: GPUBuffer;
  private scratch: GPUBuffer;
  private groups = new WeakMap<ParamVectors, { forward: GPUBindGroup; reduce: GPUBindGroup }>();
  private disposed = false;

  constructor(
    private readonly device: GPUDevice,
    readonly spec: MlpSpec,
    readonly samples: Samples,
    opts: GradientKernelOptions = {},
  ) {
    assertValidSpec(spec);
    if (samples.inputs !== spec.inputs) throw new Error(`samples have ${samples.inputs} inputs, the network ${spec.inputs}`);
    const targetWidth = spec.loss === 'mse' ? spec.outputs : 1;
    if (samples.m < 1 || samples.x.length < samples.m * samples.inputs || samples.y.length < samples.m * targetWidth) {
      throw new Error(`samples need m ≥ 1, m × ${samples.inputs} inputs and m × ${targetWidth} targets`);
    }
    this.paramCount = paramLayout(spec).size;
    this.layout = scratchLayout(spec);
    const limits = device.limits;
    const bindingMax = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    this.maxScratchBytes = Math.min(opts.maxScratchBytes ?? 256 * 2 ** 20, bindingMax);
    if (this.layout.stride * 16 * 2 > this.maxScratchBytes) throw new Error('eight samples of this network do not fit the scratch buffer');
    if (Math.ceil((this.layout.tileCount + 1) / WORKGROUP_SIZE) > limits.maxComputeWorkgroupsPerDimension) {
      throw new Error(`${this.paramCount} parameters is more than one dispatch of this device covers`);
    }
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    const make = (label: string, size: number, usage: number): GPUBuffer =>
      device.createBuffer({ label: `GradientKernel.${label}`, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
    if (samples.x.byteLength > bindingMax || samples.y.byteLength > bindingMax)
      throw new Error('the samples do not fit one storage buffer of this device');
    this.xs = make('inputs', samples.x.byteLength, storage);
    device.queue.writeBuffer(this.xs, 0, Float32Array.from(samples.x));
    this.ys = make('targets', samples.y.byteLength, storage);
    device.queue.writeBuffer(this.ys, 0, Float32Array.from(samples.y));
    this.layers = make('layers', this.layout.table.byteLength, storage);
    device.queue.writeBuffer(this.layers, 0, this.layout.table);
    this.indices = make('indices', 16, storage);
    this.scratch = make('scratch', 16, GPUBufferUsage.STORAGE);
    this.ring = new UniformRing(device, opts.uniformSlots ?? 512, 'GradientKernel.params');

    const width = gradientMaxWidth(spec);
    // The backward pass keeps dL/dh across residual layers in a private array of its own.
    const skipWidth = residualLayers(spec).length > 0 ? width : 1;
    const forwardCode = withLibrary(
      `${derivativesWgsl}\n${specializeConst(specializeConst(gradientWgsl, 'MAX_WIDTH', width), 'SKIP_WIDTH', skipWidth)}`,
    );
    // Made once per device and shader (a training makes a new kernel; the compiled pipelines stay).
    const forward = cachedSlotPipeline(device, {
      label: 'GradientKernel.forward',
      code: forwardCode,
      storage: ['read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'],
      constants: { WORKGROUP_SIZE, ACTIVATION: ACTIVATION_CODE[spec.activation], LOSS: LOSS_CODE[spec.loss] },
    });
    const reduce = cachedSlotPipeline(device, {
      label: 'GradientKernel.reduce',
      code: gradientReduceWgsl,
      storage: ['read-only-storage', 'read-only-storage', 'storage', 'storage'],
      constants: { WORKGROUP_SIZE },
    });
    this.forwardPipeline = forward.pipeline;
    this.forwardLayout = forward.layout;
    this.reducePipeline = reduce.pipeline;
    this.reduceLayout = reduce.layout;
  }

  /** Sample quads per chunk for K vectors: as many as the scratch bound allows. */
  chunkQuads(vectorCount: number, count: number): number {
    const perQuad = vectorCount * this.layout.stride * 16;
    // Even: the forward shader handles sample quads in pairs.
    const fit = Math.floor(this.maxScratchBytes / perQuad / 2) * 2;
    if (fit < 2) throw new Error(`${vectorCount} vectors of this network do not fit the scratch buffer; train fewer at once`);
    const maxQuads = this.device.limits.maxComputeWorkgroupsPerDimension * WORKGROUP_SIZE * 2;
    return Math.min(fit, Math.ceil(count / 8) * 2, maxQuads);
  }

  /**
   * The most vectors one call may hold whose samples still split into the same chunks as `vectorCount`
   * vectors alone, so that each vector's loss and gradient come out bit for bit as they would without
   * the others (a batch of curves trained beside each other, src/train/curveBatch.ts).
   */
  vectorsWithSameChunks(vectorCount: number, count: number = this.samples.m): number {
    const quads = this.chunkQuads(vectorCount, Math.max(count, this.samples.m));
    const fit = Math.floor(this.maxScratchBytes / (this.layout.stride * 16 * quads));
    return Math.max(vectorCount, Math.min(fit, this.device.limits.maxComputeWorkgroupsPerDimension));
  }

  /** Uniform slots (= sample chunks) one gradient of `count` samples takes. */
  slotsFor(vectorCount: number, count: number): number {
    return Math.ceil(count / (4 * this.chunkQuads(vectorCount, Math.max(count, this.samples.m))));
  }

  get slotsLeft(): number {
    return this.ring.slotsLeft;
  }

  /** Puts sample indices at positions 0.. of the index buffer (call before encoding, between submissions). */
  writeIndices(indices: Uint32Array): void {
    for (const i of indices) if (i >= this.samples.m) throw new Error(`sample index ${i} is out of range (m = ${this.samples.m})`);
    if (indices.byteLength > this.indices.size) {
      this.indices.destroy();
      this.indices = this.device.createBuffer({
        label: 'GradientKernel.indices',
        size: Math.ceil(indices.byteLength / 16) * 16,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
      this.groups = new WeakMap();
    }
    this.device.queue.writeBuffer(this.indices, 0, Uint32Array.from(indices));
  }

  /**
   * Records loss and gradient of every vector over `batch` into `vectors.losses` and
   * `vectors.grads`. The scratch buffer may be (re)allocated here: call it between submissions.
   */
  encode(encoder: GPUCommandEncoder, vectors: ParamVectors, batch: EncodedBatch): void {
    if (this.disposed) throw new Error('GradientKernel used after dispose()');
    const K = vectors.count;
    // Chunks and scratch are sized for at least a full batch, so a later smaller batch never
    // reallocates the scratch under commands already recorded.
    const quads = this.chunkQuads(K, Math.max(batch.count, this.samples.m));
    const chunks = Math.ceil(batch.count / (4 * quads));
    if (chunks > this.ring.slotsLeft)
      throw new Error(`GradientKernel: ${chunks} sample chunks do not fit the ${this.ring.slotsLeft} uniform slots left; submit first`);
    this.ensureScratch(K * quads * this.layout.stride * 16);
    const groups = this.bindGroups(vectors);
    const chunkSize = quads * 4;
    const divisor = lossDivisor(this.spec, batch.count);
    const pass = encoder.beginComputePass({ label: 'GradientKernel.pass' });
    for (let done = 0; done < batch.count; done += chunkSize) {
      const chunkCount = Math.min(chunkSize, batch.count - done);
      const offset = this.ring.push(
        packStruct(
          GRAD_PARAMS_FIELDS,
          {
            paramCount: this.paramCount,
            vectorCount: K,
            layerCount: this.layout.table.length / GRAD_LAYER_FIELDS.length,
            outputs: this.spec.outputs,
            batchStart: batch.start + done,
            chunkCount,
            chunkQuads: quads,
            indexed: batch.indexed ? 1 : 0,
            stride: this.layout.stride,
            lossSlot: this.layout.lossSlot,
            accumulate: done > 0 ? 1 : 0,
            inputs: this.spec.inputs,
            divisor,
          },
          GRAD_FLOAT_FIELDS,
        ),
      );
      pass.setPipeline(this.forwardPipeline);
      pass.setBindGroup(0, groups.forward, [offset]);
      pass.dispatchWorkgroups(...this.spread(K * Math.ceil(chunkCount / 8)));
      pass.setPipeline(this.reducePipeline);
      pass.setBindGroup(0, groups.reduce, [offset]);
      pass.dispatchWorkgroups(...this.spread(K * (this.layout.tileCount + 1)));
    }
    pass.end();
  }

  /**
   * Workgroups (x, y) for `items` invocations numbered item = y·x_count·WORKGROUP_SIZE + x, as both
   * shaders number them (vector-major), so a small network packs many vectors into one workgroup.
   */
  private spread(items: number): [number, number] {
    const groups = Math.max(1, Math.ceil(items / WORKGROUP_SIZE));
    const x = Math.min(groups, this.device.limits.maxComputeWorkgroupsPerDimension);
    return [x, Math.ceil(groups / x)];
  }

  /** Call after submitting what `encode` recorded. */
  submitted(): void {
    this.ring.reset();
  }

  /** One-off: losses and gradients of `count` vectors stored K × P in `thetas`. */
  async compute(thetas: Float32Array, count: number, batch?: SampleBatch): Promise<GradientResult> {
    if (this.disposed) throw new Error('GradientKernel used after dispose()');
    if (!Number.isInteger(count) || count < 1) throw new Error(`vector count must be an integer ≥ 1, got ${count}`);
    if (thetas.length !== count * this.paramCount)
      throw new Error(`expected ${count} × ${this.paramCount} parameters, got ${thetas.length}`);
    assertValidBatch(this.samples, batch);
    const { device } = this;
    const P = this.paramCount;
    const made: GPUBuffer[] = [];
    const make = (label: string, size: number, usage: number): GPUBuffer => {
      const b = device.createBuffer({ label: `GradientKernel.${label}`, size: Math.max(16, size), usage });
      made.push(b);
      return b;
    };
    try {
      const vectors: ParamVectors = {
        count,
        thetas: make('thetas', thetas.byteLength, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST),
        grads: make('grads', count * P * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC),
        losses: make('losses', count * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC),
      };
      device.queue.writeBuffer(vectors.thetas, 0, Float32Array.from(thetas));
      const indexed = batch !== undefined && 'indices' in batch;
      if (indexed) this.writeIndices(batch.indices);
      const start = batch && 'start' in batch ? batch.start : 0;
      const encoded: EncodedBatch = { start, count: batchCount(this.samples, batch), indexed };
      const readback = make('readback', (count * P + count) * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      const encoder = device.createCommandEncoder({ label: 'GradientKernel.compute' });
      this.encode(encoder, vectors, encoded);
      encoder.copyBufferToBuffer(vectors.grads, 0, readback, 0, count * P * 4);
      encoder.copyBufferToBuffer(vectors.losses, 0, readback, count * P * 4, count * 4);
      device.queue.submit([encoder.finish()]);
      this.submitted();
      await readback.mapAsync(GPUMapMode.READ);
      const raw = new Float32Array(readback.getMappedRange().slice(0));
      readback.unmap();
      return { grads: raw.slice(0, count * P), losses: raw.slice(count * P) };
    } finally {
      for (const b of made) b.destroy();
    }
  }

  private ensureScratch(bytes: number): void {
    if (bytes <= this.scratch.size) return;
    this.scratch.destroy();
    this.scratch = this.device.createBuffer({
      label: 'GradientKernel.scratch',
      size: Math.ceil(bytes / 16) * 16,
      usage: GPUBufferUsage.STORAGE,
    });
    this.groups = new WeakMap();
  }

  private bindGroups(vectors: ParamVectors): { forward: GPUBindGroup; reduce: GPUBindGroup } {
    const cached = this.groups.get(vectors);
    if (cached) return cached;
    const uniform = { binding: 0, resource: { buffer: this.ring.buffer, size: UNIFORM_SLOT_BYTES } };
    const entries = (buffers: GPUBuffer[]): GPUBindGroupEntry[] => [
      uniform,
      ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
    ];
    const made = {
      forward: this.device.createBindGroup({
        label: 'GradientKernel.forwardGroup',
        layout: this.forwardLayout,
        entries: entries([this.layers, vectors.thetas, this.xs, this.ys, this.indices, this.scratch]),
      }),
      reduce: this.device.createBindGroup({
        label: 'GradientKernel.reduceGroup',
        layout: this.reduceLayout,
        entries: entries([this.layers, this.scratch, vectors.grads, vectors.losses]),
      }),
    };
    this.groups.set(vectors, made);
    return made;
  }

  /** Destroys every buffer this kernel created; safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of [this.xs, this.ys, this.layers, this.indices, this.scratch]) b.destroy();
    this.ring.destroy();
    this.groups = new WeakMap();
  }
}
