// Points φ(t_i) = c_i0·A + Σ_j c_i,j+1·bend_j + c_i,n+1·B of a curve at one step's K values of t,
// written K × P for the gradient kernel. c comes from the CPU (paths.ts pathCoefficients).

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: CurveParams;
@group(0) @binding(1) var<storage, read> coeffs: array<f32>;
@group(0) @binding(2) var<storage, read> endpoints: array<f32>;
@group(0) @binding(3) var<storage, read> bends: array<f32>;
@group(0) @binding(4) var<storage, read_write> points: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = gid.x;
  let i = gid.y;
  let P = params.paramCount;
  if (p >= P || i >= params.pointCount) { return; }
  let n = params.bendCount;
  let c = params.coeffOffset + i * (n + 2u);
  var v = coeffs[c] * endpoints[p] + coeffs[c + n + 1u] * endpoints[P + p];
  for (var j = 0u; j < n; j++) { v = fma(coeffs[c + j + 1u], bends[j * P + p], v); }
  points[i * P + p] = v;
}
