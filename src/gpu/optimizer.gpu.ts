/**
 * GPU optimiser: one SGD-with-momentum or Adam step for K parameter vectors in place
 * (shaders/optimizer.wgsl), preceded by a divergence check (shaders/divergence.wgsl) that freezes
 * a vector whose loss or parameters are no longer finite without touching the others.
 * Encodes into the caller's encoder; one uniform slot per step.
 */
import optimizerParamsWgsl from '../../shaders/lib/optimizerParams.wgsl?raw';
import divergenceEntry from '../../shaders/divergence.wgsl?raw';
import optimizerEntry from '../../shaders/optimizer.wgsl?raw';
import { packStruct } from './structLayout';
import { resolveOptimizer, type OptimizerConfig } from './optimizer.types';
import { cachedSlotPipeline } from './pipelineCache';
import { UNIFORM_SLOT_BYTES, UniformRing } from './uniformRing';

/** Entry sources with the shared uniform struct in front (WGSL has no includes). */
const divergenceWgsl = `${optimizerParamsWgsl}\n${divergenceEntry}`;
const optimizerWgsl = `${optimizerParamsWgsl}\n${optimizerEntry}`;

export const WORKGROUP_SIZE = 64;
export const OPTIMIZER_PARAMS_FIELDS = [
  'paramCount',
  'vectorCount',
  'useAdam',
  'step',
  'learningRate',
  'beta1',
  'beta2',
  'eps',
  'momentum',
  'correction1',
  'correction2',
  'pad0',
] as const;
const OPTIMIZER_FLOAT_FIELDS: ReadonlySet<string> = new Set([
  'learningRate',
  'beta1',
  'beta2',
  'eps',
  'momentum',
  'correction1',
  'correction2',
  'pad0',
]);
export const OPTIMIZER_SHADER_SOURCE = optimizerWgsl;
export const DIVERGENCE_SHADER_SOURCE = divergenceWgsl;

/**
 * Optimiser state of K vectors, all K × P f32 except losses (K f32) and divergedAt (K u32:
 * 0 = training, else the step whose check found a non-finite loss or parameter).
 */
export interface OptimizerBuffers {
  readonly count: number;
  readonly thetas: GPUBuffer;
  readonly grads: GPUBuffer;
  readonly losses: GPUBuffer;
  readonly moment1: GPUBuffer;
  readonly moment2: GPUBuffer;
  readonly divergedAt: GPUBuffer;
}

export class OptimizerKernel {
  private readonly updatePipeline: GPUComputePipeline;
  private readonly checkPipeline: GPUComputePipeline;
  private readonly updateLayout: GPUBindGroupLayout;
  private readonly checkLayout: GPUBindGroupLayout;
  private readonly ring: UniformRing;
  private groups = new WeakMap<OptimizerBuffers, { update: GPUBindGroup; check: GPUBindGroup }>();
  private disposed = false;

  constructor(
    private readonly device: GPUDevice,
    readonly paramCount: number,
    uniformSlots = 512,
  ) {
    if (Math.ceil(paramCount / WORKGROUP_SIZE) > device.limits.maxComputeWorkgroupsPerDimension) {
      throw new Error(`${paramCount} parameters is more than one dispatch of this device covers`);
    }
    this.ring = new UniformRing(device, uniformSlots, 'OptimizerKernel.params');
    // Made once per device (a training makes a new kernel; the compiled pipelines stay).
    const update = cachedSlotPipeline(device, {
      label: 'OptimizerKernel.update',
      code: optimizerWgsl,
      storage: ['storage', 'read-only-storage', 'storage', 'storage', 'read-only-storage'],
      constants: { WORKGROUP_SIZE },
    });
    const check = cachedSlotPipeline(device, {
      label: 'OptimizerKernel.check',
      code: divergenceWgsl,
      storage: ['read-only-storage', 'read-only-storage', 'storage'],
      constants: { WORKGROUP_SIZE },
    });
    this.updatePipeline = update.pipeline;
    this.updateLayout = update.layout;
    this.checkPipeline = check.pipeline;
    this.checkLayout = check.layout;
  }

  get slotsLeft(): number {
    return this.ring.slotsLeft;
  }

  /**
   * Records step `step` (1-based, for Adam's bias correction): the check of the current losses
   * and parameters, then the update of every vector not marked diverged.
   */
  encodeStep(encoder: GPUCommandEncoder, buffers: OptimizerBuffers, config: OptimizerConfig, step: number): void {
    const pass = encoder.beginComputePass({ label: 'OptimizerKernel.step' });
    const offset = this.encodeCheckInPass(pass, buffers, config, step);
    pass.setPipeline(this.updatePipeline);
    pass.setBindGroup(0, this.bindGroups(buffers).update, [offset]);
    pass.dispatchWorkgroups(Math.ceil(this.paramCount / WORKGROUP_SIZE), buffers.count);
    pass.end();
  }

  /** Records the divergence check alone (after the last step's loss), marking with `step`. */
  encodeCheck(encoder: GPUCommandEncoder, buffers: OptimizerBuffers, config: OptimizerConfig, step: number): void {
    const pass = encoder.beginComputePass({ label: 'OptimizerKernel.check' });
    this.encodeCheckInPass(pass, buffers, config, step);
    pass.end();
  }

  /** Call after submitting what was encoded. */
  submitted(): void {
    this.ring.reset();
  }

  private encodeCheckInPass(pass: GPUComputePassEncoder, buffers: OptimizerBuffers, config: OptimizerConfig, step: number): number {
    if (this.disposed) throw new Error('OptimizerKernel used after dispose()');
    if (!Number.isInteger(step) || step < 1) throw new Error(`step must be an integer ≥ 1, got ${step}`);
    const o = resolveOptimizer(config);
    const offset = this.ring.push(
      packStruct(
        OPTIMIZER_PARAMS_FIELDS,
        {
          paramCount: this.paramCount,
          vectorCount: buffers.count,
          useAdam: o.useAdam ? 1 : 0,
          step,
          learningRate: o.learningRate,
          beta1: o.beta1,
          beta2: o.beta2,
          eps: o.eps,
          momentum: o.momentum,
          correction1: 1 - o.beta1 ** step,
          correction2: 1 - o.beta2 ** step,
          pad0: 0,
        },
        OPTIMIZER_FLOAT_FIELDS,
      ),
    );
    pass.setPipeline(this.checkPipeline);
    pass.setBindGroup(0, this.bindGroups(buffers).check, [offset]);
    pass.dispatchWorkgroups(buffers.count);
    return offset;
  }

  private bindGroups(buffers: OptimizerBuffers): { update: GPUBindGroup; check: GPUBindGroup } {
    const cached = this.groups.get(buffers);
    if (cached) return cached;
    const uniform = { binding: 0, resource: { buffer: this.ring.buffer, size: UNIFORM_SLOT_BYTES } };
    const entries = (list: GPUBuffer[]): GPUBindGroupEntry[] => [
      uniform,
      ...list.map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
    ];
    const made = {
      update: this.device.createBindGroup({
        label: 'OptimizerKernel.updateGroup',
        layout: this.updateLayout,
        entries: entries([buffers.thetas, buffers.grads, buffers.moment1, buffers.moment2, buffers.divergedAt]),
      }),
      check: this.device.createBindGroup({
        label: 'OptimizerKernel.checkGroup',
        layout: this.checkLayout,
        entries: entries([buffers.thetas, buffers.losses, buffers.divergedAt]),
      }),
    };
    this.groups.set(buffers, made);
    return made;
  }

  /** Destroys the uniform buffer; the state buffers belong to the caller. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ring.destroy();
    this.groups = new WeakMap();
  }
}
