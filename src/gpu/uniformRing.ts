/**
 * A uniform buffer of fixed-size slots bound with a dynamic offset, so one submission can hold
 * many dispatches with different parameters (several training steps, several sample chunks).
 * `queue.writeBuffer` is ordered with `submit`, so slots are reused after each submission.
 */
export const UNIFORM_SLOT_BYTES = 256;

export class UniformRing {
  readonly buffer: GPUBuffer;
  private used = 0;
  private destroyed = false;

  constructor(
    private readonly device: GPUDevice,
    readonly capacity: number,
    label: string,
  ) {
    this.buffer = device.createBuffer({
      label,
      size: capacity * UNIFORM_SLOT_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  get slotsLeft(): number {
    return this.capacity - this.used;
  }

  /** Writes `data` into the next free slot and returns its byte offset. */
  push(data: ArrayBuffer): number {
    if (this.used >= this.capacity)
      throw new Error(`${this.buffer.label}: all ${this.capacity} uniform slots are in use; submit and call reset()`);
    if (data.byteLength > UNIFORM_SLOT_BYTES) throw new Error(`uniform block of ${data.byteLength} bytes exceeds a slot`);
    const offset = this.used * UNIFORM_SLOT_BYTES;
    this.device.queue.writeBuffer(this.buffer, offset, data);
    this.used++;
    return offset;
  }

  /** Call after the submission that used the slots. */
  reset(): void {
    this.used = 0;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.buffer.destroy();
  }
}

/** Binding 0 is a dynamic-offset uniform of one slot; then the given storage bindings. */
export function slotBindGroupLayout(
  device: GPUDevice,
  label: string,
  storage: readonly ('read-only-storage' | 'storage')[],
): GPUBindGroupLayout {
  return device.createBindGroupLayout({
    label,
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 0 } },
      ...storage.map((type, i) => ({ binding: i + 1, visibility: GPUShaderStage.COMPUTE, buffer: { type } })),
    ],
  });
}
