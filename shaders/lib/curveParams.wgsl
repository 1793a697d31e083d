// The uniform struct shared by curvePoints.wgsl and curveGradient.wgsl (src/gpu/curveStep.gpu.ts joins them).
// curveCount curves are trained side by side: curve c owns rows c·K … c·K + K − 1 of the points,
// gradients and coefficients, endpoints c·2P …, bends c·n·P … and meanLoss[c].

struct CurveParams {
  paramCount: u32,
  pointCount: u32,
  bendCount: u32,
  coeffOffset: u32,
  stepIndex: u32,
  weightDecay: f32,
  curveCount: u32,
  _pad1: u32,
}
