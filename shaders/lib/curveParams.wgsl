// The uniform struct shared by curvePoints.wgsl and curveGradient.wgsl (src/gpu/curveStep.gpu.ts joins them).

struct CurveParams {
  paramCount: u32,
  pointCount: u32,
  bendCount: u32,
  coeffOffset: u32,
  stepIndex: u32,
  weightDecay: f32,
  _pad0: u32,
  _pad1: u32,
}
