/**
 * The weights of an ONNX model at a point of a plane, θ₀ + α·d₁ + β·d₂, tensor by tensor: the CPU path
 * (src/engine/onnxModel.ts) forms them with these, and they are the twin of shaders/onnxWeights.wgsl.
 */

/** `count` values of segment `offset…` at (α, β) into `out` (float32, as the kernel writes them). */
export function formSegmentCpu(
  center: Float32Array,
  directionX: Float32Array,
  directionY: Float32Array,
  offset: number,
  count: number,
  alpha: number,
  beta: number,
  out: Float32Array,
): void {
  for (let i = 0; i < count; i++) {
    const k = offset + i;
    out[i] = (center[k] ?? 0) + alpha * (directionX[k] ?? 0) + beta * (directionY[k] ?? 0);
  }
}

/** The whole parameter vector at (α, β): every segment formed as above, laid end to end. */
export function formThetaCpu(
  center: Float32Array,
  directionX: Float32Array,
  directionY: Float32Array,
  alpha: number,
  beta: number,
  out: Float32Array,
): void {
  formSegmentCpu(center, directionX, directionY, 0, out.length, alpha, beta, out);
}
