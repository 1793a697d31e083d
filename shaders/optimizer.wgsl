// One optimiser step for K parameter vectors in place: one invocation per (parameter, vector).
// SGD with momentum (v ← μv + g, θ ← θ − lr·v) or Adam with bias correction (as
// src/train/trainCpu.ts). Vectors marked diverged by divergence.wgsl stay frozen.

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: OptimizerParams;
@group(0) @binding(1) var<storage, read_write> thetas: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> moment1: array<f32>;
@group(0) @binding(4) var<storage, read_write> moment2: array<f32>;
@group(0) @binding(5) var<storage, read> divergedAt: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = gid.x;
  let k = gid.y;
  if (p >= params.paramCount || k >= params.vectorCount || divergedAt[k] != 0u) { return; }
  let i = k * params.paramCount + p;
  let g = grads[i];
  if (params.useAdam != 0u) {
    let m = params.beta1 * moment1[i] + (1.0 - params.beta1) * g;
    let v = params.beta2 * moment2[i] + (1.0 - params.beta2) * g * g;
    moment1[i] = m;
    moment2[i] = v;
    thetas[i] -= params.learningRate * (m / params.correction1) / (sqrt(v / params.correction2) + params.eps);
  } else {
    let v = params.momentum * moment1[i] + g;
    moment1[i] = v;
    thetas[i] -= params.learningRate * v;
  }
}
