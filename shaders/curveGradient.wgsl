// The bend gradient of the mean loss over one step's K points of each of curveCount curves, by the
// chain rule: g_c,j = (1/K) Σ_i c_ci,j+1·∇L(φ_c(t_ci)) + weightDecay·bend_c,j; and each curve's mean
// loss, for the optimiser's divergence check and the step's history (history[step·curveCount + c]).
// Fixed summation order, the same for a curve alone or beside others: deterministic.

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
  let C = params.curveCount;
  let q = gid.x;
  if (q < C) {
    var total = 0.0;
    for (var i = 0u; i < K; i++) { total += losses[q * K + i]; }
    meanLoss[q] = total / f32(K);
    history[params.stepIndex * C + q] = total / f32(K);
  }
  if (q >= C * n * P) { return; }
  let curve = q / (n * P);
  let own = q % (n * P);
  let j = own / P;
  let p = own % P;
  let rows = curve * K;
  var g = 0.0;
  for (var i = 0u; i < K; i++) {
    g = fma(coeffs[params.coeffOffset + (rows + i) * (n + 2u) + j + 1u], grads[(rows + i) * P + p], g);
  }
  bendGrads[q] = g / f32(K) + params.weightDecay * bends[q];
}
