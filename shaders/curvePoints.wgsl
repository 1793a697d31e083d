// Points φ(t_i) = c_i0·A + Σ_j c_i,j+1·bend_j + c_i,n+1·B of curveCount curves at one step's K values
// of t each, written (curve, i) × P for the gradient kernel: row r = c·K + i belongs to curve c.
// c comes from the CPU (paths.ts pathCoefficients).

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: CurveParams;
@group(0) @binding(1) var<storage, read> coeffs: array<f32>;
@group(0) @binding(2) var<storage, read> endpoints: array<f32>;
@group(0) @binding(3) var<storage, read> bends: array<f32>;
@group(0) @binding(4) var<storage, read_write> points: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // Invocations numbered r·P + p across the dispatch: a small network packs many rows per workgroup.
  let P = params.paramCount;
  let item = gid.y * groups.x * WORKGROUP_SIZE + gid.x;
  let r = item / P;
  let p = item % P;
  if (r >= params.pointCount * params.curveCount) { return; }
  let n = params.bendCount;
  let curve = r / params.pointCount;
  let ends = curve * 2u * P;
  let ownBends = curve * n * P;
  let c = params.coeffOffset + r * (n + 2u);
  var v = coeffs[c] * endpoints[ends + p] + coeffs[c + n + 1u] * endpoints[ends + P + p];
  for (var j = 0u; j < n; j++) { v = fma(coeffs[c + j + 1u], bends[ownBends + j * P + p], v); }
  points[r * P + p] = v;
}
