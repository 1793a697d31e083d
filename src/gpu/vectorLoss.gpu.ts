/**
 * GPU loss kernel for K explicit parameter vectors (the points along a path): mean loss and
 * accuracy of each over all samples (shaders/vectorLoss.wgsl, one workgroup per vector). Cheaper
 * than GradientKernel for evaluation: no backward pass, no K × P gradient, and it counts hits.
 */
import vectorLossWgsl from '../../shaders/vectorLoss.wgsl?raw';
import { isClassifier, lossDivisor } from '../model/network';
import type { Samples } from '../model/samples';
import { assertValidSpec, isResidualLayer, paramLayout, type MlpSpec } from '../model/spec';
import { ACTIVATION_CODE, LOSS_CODE, NO_BIAS } from './codes';
import { specializeConst, withLibrary } from './shaderSource';
import { packStruct } from './structLayout';
import type { VectorLossResult } from './vectorLoss.types';

export const WORKGROUP_SIZE = 64;
export const VECTOR_LOSS_PARAMS_FIELDS = [
  'paramCount',
  'vectorStart',
  'layerCount',
  'outputs',
  'inputs',
  'sampleCount',
  '_pad0',
  '_pad1',
] as const;
/** Fields of the shader's Layer struct, in order; addInput is 1 for a residual layer (isResidualLayer). */
export const VECTOR_LOSS_LAYER_FIELDS = ['inputs', 'outputs', 'weightOffset', 'biasOffset', 'addInput'] as const;
export const VECTOR_LOSS_SHADER_SOURCE = vectorLossWgsl;

/** Private-array width the shader is compiled for: the widest layer, inputs included, rounded up to 8. */
export function vectorLossMaxWidth(spec: MlpSpec): number {
  return Math.ceil(Math.max(spec.inputs, spec.outputs, ...spec.hidden) / 8) * 8;
}

export class VectorLossKernel {
  readonly paramCount: number;
  private readonly pipeline: GPUComputePipeline;
  private readonly xs: GPUBuffer;
  private readonly ys: GPUBuffer;
  private readonly layers: GPUBuffer;
  private readonly params: GPUBuffer;
  private thetas: GPUBuffer;
  private sums: GPUBuffer;
  private readback: GPUBuffer;
  private disposed = false;

  constructor(
    private readonly device: GPUDevice,
    readonly spec: MlpSpec,
    readonly samples: Samples,
  ) {
    assertValidSpec(spec);
    if (samples.inputs !== spec.inputs) throw new Error(`samples have ${samples.inputs} inputs, the network ${spec.inputs}`);
    if (samples.m < 1) throw new Error('evaluation needs at least one sample');
    const layout = paramLayout(spec);
    this.paramCount = layout.size;
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    this.xs = this.make('inputs', samples.x.byteLength, storage);
    device.queue.writeBuffer(this.xs, 0, Float32Array.from(samples.x));
    this.ys = this.make('targets', samples.y.byteLength, storage);
    device.queue.writeBuffer(this.ys, 0, Float32Array.from(samples.y));
    const fields = VECTOR_LOSS_LAYER_FIELDS.length;
    const table = new Uint32Array(layout.layers.length * fields);
    layout.layers.forEach((l, i) =>
      table.set(
        [l.inputs, l.outputs, l.weightOffset, l.biasOffset < 0 ? NO_BIAS : l.biasOffset, isResidualLayer(spec, layout, i) ? 1 : 0],
        fields * i,
      ),
    );
    this.layers = this.make('layers', table.byteLength, storage);
    device.queue.writeBuffer(this.layers, 0, table);
    this.params = this.make('params', 32, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.thetas = this.make('thetas', 16, storage);
    this.sums = this.make('sums', 16, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    this.readback = this.make('readback', 16, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const code = withLibrary(specializeConst(vectorLossWgsl, 'MAX_WIDTH', vectorLossMaxWidth(spec)));
    const module = device.createShaderModule({ label: 'VectorLossKernel.module', code });
    this.pipeline = device.createComputePipeline({
      label: 'VectorLossKernel.pipeline',
      layout: 'auto',
      compute: {
        module,
        entryPoint: 'main',
        constants: { WORKGROUP_SIZE, ACTIVATION: ACTIVATION_CODE[spec.activation], LOSS: LOSS_CODE[spec.loss] },
      },
    });
  }

  /** The most vectors one `evaluate` call takes: as many as one storage buffer of this device holds. */
  get maxVectors(): number {
    const limits = this.device.limits;
    return Math.floor(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) / (this.paramCount * 4));
  }

  /** Mean loss (and accuracy for classifiers) of `count` vectors stored K × P in `thetas`. */
  async evaluate(thetas: Float32Array, count: number): Promise<VectorLossResult> {
    if (this.disposed) throw new Error('VectorLossKernel used after dispose()');
    const P = this.paramCount;
    if (!Number.isInteger(count) || count < 1) throw new Error(`vector count must be an integer ≥ 1, got ${count}`);
    if (thetas.length !== count * P) throw new Error(`expected ${count} × ${P} parameters, got ${thetas.length}`);
    const { device } = this;
    const maxBinding = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    if (thetas.byteLength > maxBinding)
      throw new Error(`${count} vectors of ${P} parameters do not fit one storage buffer of this device; evaluate fewer at once`);
    this.ensureCapacity(count);
    device.queue.writeBuffer(this.thetas, 0, Float32Array.from(thetas));
    const group = device.createBindGroup({
      label: 'VectorLossKernel.group',
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [this.params, this.layers, this.thetas, this.xs, this.ys, this.sums].map((buffer, binding) => ({
        binding,
        resource: { buffer },
      })),
    });
    const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
    const layerCount = paramLayout(this.spec).layers.length;
    for (let start = 0; start < count; start += maxGroups) {
      const n = Math.min(maxGroups, count - start);
      device.queue.writeBuffer(
        this.params,
        0,
        packStruct(
          VECTOR_LOSS_PARAMS_FIELDS,
          {
            paramCount: P,
            vectorStart: start,
            layerCount,
            outputs: this.spec.outputs,
            inputs: this.spec.inputs,
            sampleCount: this.samples.m,
            _pad0: 0,
            _pad1: 0,
          },
          new Set(),
        ),
      );
      const encoder = device.createCommandEncoder({ label: 'VectorLossKernel.encoder' });
      const pass = encoder.beginComputePass({ label: 'VectorLossKernel.pass' });
      pass.setPipeline(this.pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(n);
      pass.end();
      if (start + n >= count) encoder.copyBufferToBuffer(this.sums, 0, this.readback, 0, count * 8);
      device.queue.submit([encoder.finish()]);
    }
    await this.readback.mapAsync(GPUMapMode.READ, 0, count * 8);
    const raw = new Float32Array(this.readback.getMappedRange(0, count * 8).slice(0));
    this.readback.unmap();
    const divisor = lossDivisor(this.spec, this.samples.m);
    const losses = new Float32Array(count);
    const accuracy = isClassifier(this.spec.loss) ? new Float32Array(count) : undefined;
    for (let k = 0; k < count; k++) {
      losses[k] = (raw[2 * k] ?? Number.NaN) / divisor;
      if (accuracy) accuracy[k] = (raw[2 * k + 1] ?? 0) / this.samples.m;
    }
    return accuracy ? { losses, accuracy } : { losses };
  }

  private ensureCapacity(count: number): void {
    const P = this.paramCount;
    if (this.thetas.size < count * P * 4) {
      this.thetas.destroy();
      this.thetas = this.make('thetas', count * P * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    }
    if (this.sums.size < count * 8) {
      this.sums.destroy();
      this.readback.destroy();
      this.sums = this.make('sums', count * 8, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      this.readback = this.make('readback', count * 8, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    }
  }

  private make(label: string, size: number, usage: number): GPUBuffer {
    return this.device.createBuffer({ label: `VectorLossKernel.${label}`, size: Math.max(16, Math.ceil(size / 16) * 16), usage });
  }

  /** Destroys every buffer this kernel created; safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of [this.xs, this.ys, this.layers, this.params, this.thetas, this.sums, this.readback]) b.destroy();
  }
}
