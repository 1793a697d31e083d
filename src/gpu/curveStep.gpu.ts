/**
 * The two curve-training kernels around GradientKernel, so whole steps run on the GPU and many
 * steps go into one submission: shaders/curvePoints.wgsl forms the K points φ(t_i) from the
 * endpoints and bends; shaders/curveGradient.wgsl combines their gradients into the bend gradient
 * (chain rule) and the step's mean loss. Both read one uniform slot per step. One kernel trains
 * `curveCount` curves side by side in the same dispatches (the barrier matrix's pairs): curve c owns
 * rows c·K … of the points and coefficients, its endpoints, bends and mean loss at index c.
 */
import curveGradientEntry from '../../shaders/curveGradient.wgsl?raw';
import curveParamsWgsl from '../../shaders/lib/curveParams.wgsl?raw';
import curvePointsEntry from '../../shaders/curvePoints.wgsl?raw';
import { packStruct } from './structLayout';
import { UNIFORM_SLOT_BYTES, UniformRing, slotBindGroupLayout } from './uniformRing';

/** Entry sources with the shared uniform struct in front (WGSL has no includes). */
const curvePointsWgsl = `${curveParamsWgsl}\n${curvePointsEntry}`;
const curveGradientWgsl = `${curveParamsWgsl}\n${curveGradientEntry}`;

export const WORKGROUP_SIZE = 64;
export const CURVE_PARAMS_FIELDS = [
  'paramCount',
  'pointCount',
  'bendCount',
  'coeffOffset',
  'stepIndex',
  'weightDecay',
  'curveCount',
  '_pad1',
] as const;
const CURVE_FLOAT_FIELDS: ReadonlySet<string> = new Set(['weightDecay']);
export const CURVE_POINTS_SHADER_SOURCE = curvePointsWgsl;
export const CURVE_GRADIENT_SHADER_SOURCE = curveGradientWgsl;

/** The buffers one curve trainer works on (all f32), for C curves (C = 1: one curve). */
export interface CurveBuffers {
  /** Per step, C × K × (n + 2) path coefficients (curve by curve), steps one after another. */
  readonly coeffs: GPUBuffer;
  /** Per curve A then B, C × 2 × P. */
  readonly endpoints: GPUBuffer;
  /** C × n × P. */
  readonly bends: GPUBuffer;
  /** C × K × P, the gradient kernel's input. */
  readonly points: GPUBuffer;
  /** C × K × P and C × K, the gradient kernel's output. */
  readonly grads: GPUBuffer;
  readonly losses: GPUBuffer;
  /** C × n × P. */
  readonly bendGrads: GPUBuffer;
  /** C values: each curve's mean loss of the step. */
  readonly meanLoss: GPUBuffer;
  /** Mean loss per step of the submission and curve: [step × C + c]. */
  readonly history: GPUBuffer;
}

export interface CurveStep {
  readonly coeffOffset: number;
  readonly stepIndex: number;
  readonly weightDecay: number;
}

export class CurveStepKernel {
  private readonly pointsPipeline: GPUComputePipeline;
  private readonly gradientPipeline: GPUComputePipeline;
  private readonly pointsLayout: GPUBindGroupLayout;
  private readonly gradientLayout: GPUBindGroupLayout;
  private readonly ring: UniformRing;
  private groups = new WeakMap<CurveBuffers, { points: GPUBindGroup; gradient: GPUBindGroup }>();
  private disposed = false;

  constructor(
    private readonly device: GPUDevice,
    readonly paramCount: number,
    readonly pointCount: number,
    readonly bendCount: number,
    uniformSlots = 512,
    readonly curveCount = 1,
  ) {
    if (!Number.isInteger(curveCount) || curveCount < 1) throw new Error(`curve count must be an integer ≥ 1, got ${curveCount}`);
    if (Math.ceil((curveCount * paramCount * bendCount) / WORKGROUP_SIZE) > device.limits.maxComputeWorkgroupsPerDimension) {
      throw new Error(`${curveCount} × ${paramCount} × ${bendCount} bend parameters is more than one dispatch of this device covers`);
    }
    this.ring = new UniformRing(device, uniformSlots, 'CurveStepKernel.params');
    this.pointsLayout = slotBindGroupLayout(device, 'CurveStepKernel.pointsLayout', [
      'read-only-storage',
      'read-only-storage',
      'read-only-storage',
      'storage',
    ]);
    this.gradientLayout = slotBindGroupLayout(device, 'CurveStepKernel.gradientLayout', [
      'read-only-storage',
      'read-only-storage',
      'read-only-storage',
      'read-only-storage',
      'storage',
      'storage',
      'storage',
    ]);
    this.pointsPipeline = this.pipeline('points', curvePointsWgsl, this.pointsLayout);
    this.gradientPipeline = this.pipeline('gradient', curveGradientWgsl, this.gradientLayout);
  }

  get slotsLeft(): number {
    return this.ring.slotsLeft;
  }

  /** Takes this step's uniform slot; pass the offset to both encoders. */
  pushStep(step: CurveStep): number {
    if (this.disposed) throw new Error('CurveStepKernel used after dispose()');
    return this.ring.push(
      packStruct(
        CURVE_PARAMS_FIELDS,
        {
          paramCount: this.paramCount,
          pointCount: this.pointCount,
          bendCount: this.bendCount,
          coeffOffset: step.coeffOffset,
          stepIndex: step.stepIndex,
          weightDecay: step.weightDecay,
          curveCount: this.curveCount,
          _pad1: 0,
        },
        CURVE_FLOAT_FIELDS,
      ),
    );
  }

  encodePoints(encoder: GPUCommandEncoder, buffers: CurveBuffers, offset: number): void {
    const pass = encoder.beginComputePass({ label: 'CurveStepKernel.points' });
    pass.setPipeline(this.pointsPipeline);
    pass.setBindGroup(0, this.bindGroups(buffers).points, [offset]);
    // Rows r = c·K + i times parameters p, numbered r·P + p as the shader reads them back.
    const groups = Math.ceil((this.curveCount * this.pointCount * this.paramCount) / WORKGROUP_SIZE);
    const x = Math.min(groups, this.device.limits.maxComputeWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, Math.ceil(groups / x));
    pass.end();
  }

  encodeGradient(encoder: GPUCommandEncoder, buffers: CurveBuffers, offset: number): void {
    const pass = encoder.beginComputePass({ label: 'CurveStepKernel.gradient' });
    pass.setPipeline(this.gradientPipeline);
    pass.setBindGroup(0, this.bindGroups(buffers).gradient, [offset]);
    pass.dispatchWorkgroups(Math.ceil((this.curveCount * this.paramCount * this.bendCount) / WORKGROUP_SIZE));
    pass.end();
  }

  /** Call after submitting what was encoded. */
  submitted(): void {
    this.ring.reset();
  }

  private bindGroups(b: CurveBuffers): { points: GPUBindGroup; gradient: GPUBindGroup } {
    const cached = this.groups.get(b);
    if (cached) return cached;
    const uniform = { binding: 0, resource: { buffer: this.ring.buffer, size: UNIFORM_SLOT_BYTES } };
    const entries = (list: GPUBuffer[]): GPUBindGroupEntry[] => [
      uniform,
      ...list.map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
    ];
    const made = {
      points: this.device.createBindGroup({
        label: 'CurveStepKernel.pointsGroup',
        layout: this.pointsLayout,
        entries: entries([b.coeffs, b.endpoints, b.bends, b.points]),
      }),
      gradient: this.device.createBindGroup({
        label: 'CurveStepKernel.gradientGroup',
        layout: this.gradientLayout,
        entries: entries([b.coeffs, b.grads, b.losses, b.bends, b.bendGrads, b.meanLoss, b.history]),
      }),
    };
    this.groups.set(b, made);
    return made;
  }

  private pipeline(key: string, code: string, layout: GPUBindGroupLayout): GPUComputePipeline {
    const module = this.device.createShaderModule({ label: `CurveStepKernel.${key}`, code });
    return this.device.createComputePipeline({
      label: `CurveStepKernel.${key}`,
      layout: this.device.createPipelineLayout({ label: `CurveStepKernel.${key}.layout`, bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main', constants: { WORKGROUP_SIZE } },
    });
  }

  /** Destroys the uniform buffer; the curve buffers belong to the caller. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ring.destroy();
    this.groups = new WeakMap();
  }
}
