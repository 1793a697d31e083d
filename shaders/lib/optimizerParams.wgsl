// The uniform struct shared by optimizer.wgsl and divergence.wgsl (src/gpu/optimizer.gpu.ts joins them).

struct OptimizerParams {
  paramCount: u32,
  vectorCount: u32,
  useAdam: u32,
  step: u32,
  learningRate: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  momentum: f32,
  correction1: f32,
  correction2: f32,
  pad0: f32,
}
