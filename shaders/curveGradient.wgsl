// The bend gradient of the mean loss over one step's K points, by the chain rule:
// g_j = (1/K) Σ_i c_i,j+1·∇L(φ(t_i)) + weightDecay·bend_j; and that mean loss, for the optimiser's
// divergence check and the step's history. Fixed summation order: deterministic.

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: CurveParams;
@group(0) @binding(1) var<storage, read> coeffs: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read> losses: array<f32>;
@group(0) @binding(4) var<storage, read> bends: array<f32>;
@group(0) @binding(5) var<storage, read_write> bendGrads: array<f32>;
@group(0) @binding(6) var<storage, read_write> meanLoss: array<f32>;
@group(0) @binding(7) var<storage, read_write> history: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let P = params.paramCount;
  let n = params.bendCount;
  let K = params.pointCount;
  let q = gid.x;
  if (q == 0u) {
    var total = 0.0;
    for (var i = 0u; i < K; i++) { total += losses[i]; }
    meanLoss[0] = total / f32(K);
    history[params.stepIndex] = total / f32(K);
  }
  if (q >= n * P) { return; }
  let j = q / P;
  let p = q % P;
  var g = 0.0;
  for (var i = 0u; i < K; i++) {
    g = fma(coeffs[params.coeffOffset + i * (n + 2u) + j + 1u], grads[i * P + p], g);
  }
  bendGrads[q] = g / f32(K) + params.weightDecay * bends[q];
}
