/**
 * An ONNX model's grid on the GPU: onnxruntime-web's WebGPU execution provider on the page's device,
 * with the weights formed and the loss reduced by kernels of our own on the same device, so that per
 * point only two numbers come back (the sum of the loss terms and the count of correct answers).
 *
 * - OnnxWeightKernel (shaders/onnxWeights.wgsl) forms θ₀ + α·d₁ + β·d₂ of every weight tensor into the
 *   tensor's own GPU buffer; the buffers are fed to the runtime as GPU tensors (`Tensor.fromGpuBuffer`).
 * - OnnxLossKernel (shaders/onnxLoss.wgsl) sums the per-sample loss of an output left on the GPU
 *   (`preferredOutputLocation: 'gpu-buffer'`) into the point's slot.
 * Both share the device's one queue with the runtime, so the order of submission is the order of work.
 * CPU twins: formSegmentCpu (src/model/onnx/weights.ts) and addLossTerms (src/model/onnx/loss.ts).
 */
import lossWgsl from '../../shaders/onnxLoss.wgsl?raw';
import weightsWgsl from '../../shaders/onnxWeights.wgsl?raw';
import { LOSS_CODE } from '../gpu/codes';
import { AbortError, type GridResult, type GridRunOptions } from '../gpu/lossGrid.types';
import type { VectorLossResult } from '../gpu/vectorLoss.types';
import { elementCount, type ModelLayout } from '../model/layout';
import type { OnnxGraph } from '../model/onnx/graph';
import { meanLoss } from '../model/onnx/loss';
import type { LossKind } from '../model/spec';
import type { PlanePoints } from './model';
import { createGpuSession, type Feed, type GpuFeed, type GpuGraphSession } from './onnxRuntime';

const WORKGROUP = 256;
const MAX_GROUPS_X = 65535;

function storage(device: GPUDevice, label: string, bytes: number, extra = 0): GPUBuffer {
  return device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(bytes / 16) * 16),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extra,
  });
}

function uniform(device: GPUDevice, label: string, bytes: number): GPUBuffer {
  return device.createBuffer({ label, size: Math.ceil(bytes / 16) * 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
}

/** Workgroups (x, y) for `count` threads of 256, x at most 65,535. */
function groupsFor(count: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / WORKGROUP));
  const x = Math.min(groups, MAX_GROUPS_X);
  return [x, Math.ceil(groups / x)];
}

/** Forms every weight tensor at a point of a plane into buffers of its own (one per segment of the layout). */
export class OnnxWeightKernel {
  /** One buffer per segment, in the layout's order: what the runtime is fed. */
  readonly tensors: readonly GPUBuffer[];
  private readonly center: GPUBuffer;
  private readonly dirX: GPUBuffer;
  private readonly dirY: GPUBuffer;
  private readonly coef: GPUBuffer;
  private readonly segmentParams: GPUBuffer[] = [];
  private readonly groups: [number, number][] = [];
  private readonly bindGroups: GPUBindGroup[];
  private readonly pipeline: GPUComputePipeline;

  constructor(
    private readonly device: GPUDevice,
    private readonly layout: ModelLayout,
  ) {
    const bytes = layout.size * 4;
    this.center = storage(device, 'onnx.center', bytes);
    this.dirX = storage(device, 'onnx.dirX', bytes);
    this.dirY = storage(device, 'onnx.dirY', bytes);
    this.coef = uniform(device, 'onnx.coef', 8);
    this.pipeline = device.createComputePipeline({
      label: 'onnx.weights',
      layout: 'auto',
      compute: { module: device.createShaderModule({ label: 'onnxWeights.wgsl', code: weightsWgsl }), entryPoint: 'main' },
    });
    this.tensors = layout.segments.map((seg) => storage(device, `onnx.tensor ${seg.name}`, elementCount(seg.shape) * 4));
    this.bindGroups = layout.segments.map((seg, i) => {
      const count = elementCount(seg.shape);
      const groups = groupsFor(count);
      this.groups.push(groups);
      const params = uniform(device, `onnx.segment ${seg.name}`, 16);
      device.queue.writeBuffer(params, 0, new Uint32Array([seg.offset, count, groups[0] * WORKGROUP, 0]));
      this.segmentParams.push(params);
      return device.createBindGroup({
        layout: this.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.center } },
          { binding: 1, resource: { buffer: this.dirX } },
          { binding: 2, resource: { buffer: this.dirY } },
          { binding: 3, resource: { buffer: this.tensors[i] as GPUBuffer } },
          { binding: 4, resource: { buffer: params } },
          { binding: 5, resource: { buffer: this.coef } },
        ],
      });
    });
  }

  /** The plane's centre and directions (each layout.size values). */
  setPlane(center: Float32Array, directionX: Float32Array, directionY: Float32Array): void {
    const q = this.device.queue;
    q.writeBuffer(this.center, 0, center.buffer, center.byteOffset, this.layout.size * 4);
    q.writeBuffer(this.dirX, 0, directionX.buffer, directionX.byteOffset, this.layout.size * 4);
    q.writeBuffer(this.dirY, 0, directionY.buffer, directionY.byteOffset, this.layout.size * 4);
  }

  /** Every tensor at (α, β), submitted now (before the run that reads them). */
  form(alpha: number, beta: number): void {
    this.device.queue.writeBuffer(this.coef, 0, new Float32Array([alpha, beta]));
    const encoder = this.device.createCommandEncoder({ label: 'onnx.weights' });
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pipeline);
    this.bindGroups.forEach((group, i) => {
      const [x, y] = this.groups[i] ?? [1, 1];
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(x, y);
    });
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** Every tensor from a whole parameter vector (a point of a path): written, no kernel needed. */
  setTheta(theta: Float32Array): void {
    this.layout.segments.forEach((seg, i) => {
      const count = elementCount(seg.shape);
      this.device.queue.writeBuffer(this.tensors[i] as GPUBuffer, 0, theta.buffer, theta.byteOffset + seg.offset * 4, count * 4);
    });
  }

  dispose(): void {
    for (const b of [this.center, this.dirX, this.dirY, this.coef, ...this.segmentParams, ...this.tensors]) b.destroy();
  }
}

/** Sums the loss of outputs left on the GPU into per-point slots; `read` brings back only the sums. */
export class OnnxLossKernel {
  private readonly y: GPUBuffer;
  private readonly params: GPUBuffer;
  private sums: GPUBuffer;
  private staging: GPUBuffer;
  private slots = 0;
  private readonly pipeline: GPUComputePipeline;

  constructor(
    private readonly device: GPUDevice,
    private readonly loss: LossKind,
    private readonly outputs: number,
    targets: Float32Array,
  ) {
    this.y = storage(device, 'onnx.y', targets.length * 4);
    device.queue.writeBuffer(this.y, 0, targets.buffer, targets.byteOffset, targets.byteLength);
    this.params = uniform(device, 'onnx.lossParams', 32);
    this.pipeline = device.createComputePipeline({
      label: 'onnx.loss',
      layout: 'auto',
      compute: { module: device.createShaderModule({ label: 'onnxLoss.wgsl', code: lossWgsl }), entryPoint: 'main' },
    });
    this.sums = storage(device, 'onnx.sums', 8);
    this.staging = device.createBuffer({ label: 'onnx.sums.read', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  /** Zeroes `slots` slots (growing the buffers when needed). */
  reset(slots: number): void {
    if (slots > this.slots) {
      this.sums.destroy();
      this.staging.destroy();
      this.sums = storage(this.device, 'onnx.sums', slots * 8);
      this.staging = this.device.createBuffer({
        label: 'onnx.sums.read',
        size: Math.ceil((slots * 8) / 16) * 16,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      this.slots = slots;
    }
    this.device.queue.writeBuffer(this.sums, 0, new Float32Array(slots * 2));
  }

  /** Adds the terms of `rows` output rows (row r is sample first + r) in `outputs` to `slot`; submitted now. */
  reduce(outputs: GPUBuffer, rows: number, first: number, slot: number): void {
    this.device.queue.writeBuffer(this.params, 0, new Uint32Array([rows, this.outputs, first, slot, LOSS_CODE[this.loss], 0, 0, 0]));
    const group = this.device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: outputs } },
        { binding: 1, resource: { buffer: this.y } },
        { binding: 2, resource: { buffer: this.sums } },
        { binding: 3, resource: { buffer: this.params } },
      ],
    });
    const encoder = this.device.createCommandEncoder({ label: 'onnx.loss' });
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(1);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  /** The first `slots` slots: [loss sum, correct count] each. */
  async read(slots: number): Promise<Float32Array> {
    const bytes = slots * 8;
    const encoder = this.device.createCommandEncoder({ label: 'onnx.sums.read' });
    encoder.copyBufferToBuffer(this.sums, 0, this.staging, 0, Math.ceil(bytes / 4) * 4);
    this.device.queue.submit([encoder.finish()]);
    await this.staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const out = new Float32Array(this.staging.getMappedRange(0, bytes).slice(0));
    this.staging.unmap();
    return out;
  }

  dispose(): void {
    this.y.destroy();
    this.params.destroy();
    this.sums.destroy();
    this.staging.destroy();
  }
}

/** A chunk of the data as the session is fed it (the rest of a fixed batch is padding). */
export interface DataChunk {
  readonly first: number;
  readonly rows: number;
  readonly feed: Feed;
}

/**
 * One model's session on the WebGPU EP with its kernels and the data's chunks in GPU buffers. One job at
 * a time (the GPU backend queues them). `dispose` frees the buffers and the session.
 */
export class OnnxGpuEvaluator {
  private session: Promise<GpuGraphSession> | null = null;
  private weights: OnnxWeightKernel | null = null;
  private lossKernel: OnnxLossKernel | null = null;
  private inputs: { readonly chunk: DataChunk; readonly feed: GpuFeed }[] = [];
  private disposed = false;

  constructor(
    private readonly device: GPUDevice,
    private readonly graph: OnnxGraph,
    private readonly chunks: readonly DataChunk[],
    private readonly targets: Float32Array,
    private readonly m: number,
    private readonly loss: LossKind,
    private readonly outputs: number,
  ) {}

  private async ready(): Promise<{ session: GpuGraphSession; weights: OnnxWeightKernel; lossKernel: OnnxLossKernel }> {
    if (this.disposed) throw new Error('onnx: the GPU evaluator was disposed');
    this.session ??= createGpuSession(this.graph.bytes, this.graph.outputName, this.device);
    const session = await this.session;
    this.weights ??= new OnnxWeightKernel(this.device, this.graph.layout);
    this.lossKernel ??= new OnnxLossKernel(this.device, this.loss, this.outputs, this.targets);
    if (this.inputs.length === 0)
      this.inputs = this.chunks.map((chunk) => {
        const buffer = storage(this.device, `onnx.x ${chunk.first}`, chunk.feed.data.byteLength);
        this.device.queue.writeBuffer(buffer, 0, chunk.feed.data.buffer, chunk.feed.data.byteOffset, chunk.feed.data.byteLength);
        return { chunk, feed: { buffer, dims: chunk.feed.dims } };
      });
    return { session, weights: this.weights, lossKernel: this.lossKernel };
  }

  /** Runs every chunk at the weights now in the tensor buffers and adds their loss into `slot`. */
  private async runPoint(session: GpuGraphSession, weights: OnnxWeightKernel, lossKernel: OnnxLossKernel, slot: number): Promise<void> {
    const feeds = new Map<string, GpuFeed>();
    this.graph.layout.segments.forEach((seg, i) => feeds.set(seg.name, { buffer: weights.tensors[i] as GPUBuffer, dims: seg.shape }));
    for (const { chunk, feed } of this.inputs) {
      feeds.set(this.graph.inputName, feed);
      const out = await session.run(feeds);
      try {
        const batch = chunk.feed.dims[0] ?? 1;
        const values = elementCount(out.dims);
        if (values !== batch * this.outputs)
          throw new Error(`onnx: the output has ${values} values for ${batch} samples; ${this.outputs} per sample were expected`);
        lossKernel.reduce(out.buffer, chunk.rows, chunk.first, slot);
      } finally {
        out.release();
      }
    }
  }

  private results(sums: Float32Array, count: number, loss: Float32Array, accuracy: Float32Array | null, at: number): void {
    for (let k = 0; k < count; k++) {
      const r = meanLoss(this.loss, this.outputs, this.m, { loss: sums[2 * k] ?? NaN, correct: sums[2 * k + 1] ?? NaN });
      loss[at + k] = r.loss;
      if (accuracy) accuracy[at + k] = r.accuracy ?? NaN;
    }
  }

  /** The loss (and accuracy) at every point of a plane batch; the sums come back once per row. */
  async grid(points: PlanePoints, opts: GridRunOptions): Promise<GridResult> {
    const { session, weights, lossKernel } = await this.ready();
    const rows = points.rows ?? points.gridSize;
    const n = points.gridSize;
    const loss = new Float32Array(n * rows);
    const accuracy = this.loss !== 'mse' ? new Float32Array(n * rows) : null;
    weights.setPlane(points.center, points.directionX, points.directionY);
    for (let iy = 0; iy < rows; iy++) {
      const beta = points.betaStart + iy * points.betaStep;
      lossKernel.reset(n);
      for (let ix = 0; ix < n; ix++) {
        if (opts.signal?.aborted === true) throw new AbortError();
        weights.form(points.alphaStart + ix * points.alphaStep, beta);
        await this.runPoint(session, weights, lossKernel, ix);
      }
      this.results(await lossKernel.read(n), n, loss, accuracy, iy * n);
      opts.onProgress?.((iy + 1) / rows);
    }
    return accuracy ? { loss, accuracy } : { loss };
  }

  /** The loss (and accuracy) at `count` parameter vectors laid end to end. */
  async lossAt(thetas: Float32Array, count: number): Promise<VectorLossResult> {
    const { session, weights, lossKernel } = await this.ready();
    const size = this.graph.layout.size;
    const losses = new Float32Array(count);
    const accuracy = this.loss !== 'mse' ? new Float32Array(count) : null;
    lossKernel.reset(Math.max(1, count));
    for (let k = 0; k < count; k++) {
      weights.setTheta(thetas.subarray(k * size, (k + 1) * size));
      await this.runPoint(session, weights, lossKernel, k);
    }
    if (count > 0) this.results(await lossKernel.read(count), count, losses, accuracy, 0);
    return accuracy ? { losses, accuracy } : { losses };
  }

  dispose(): void {
    this.disposed = true;
    this.weights?.dispose();
    this.lossKernel?.dispose();
    for (const { feed } of this.inputs) feed.buffer.destroy();
    this.inputs = [];
    const s = this.session;
    this.session = null;
    if (s) void s.then((session) => session.release()).catch(() => undefined);
  }
}
