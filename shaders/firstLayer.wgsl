// First layer of the plane, factorised: for every sample s and unit j
//   (W₀x + b₀, D₀x + db₀, E₀x + eb₀)[s][j]
// so that the grid kernel forms layer 0 at (α, β) as a + α·b + β·c, O(n₁) per sample.

struct FirstLayerParams {
  samples: u32,
  inputs: u32,
  outputs: u32,
  weightOffset: u32,
  biasOffset: u32,   // 0xffffffff: no bias
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: FirstLayerParams;
// (θ, d₁, d₂, 0) per parameter, in the flat layout of src/model/spec.ts.
@group(0) @binding(1) var<storage, read> weights: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> inputs: array<f32>;
@group(0) @binding(3) var<storage, read_write> firstLayer: array<vec4<f32>>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.x;
  if (index >= params.samples * params.outputs) { return; }
  let s = index / params.outputs;
  let j = index % params.outputs;
  var acc = vec4<f32>(0.0);
  if (params.biasOffset != 0xffffffffu) { acc = weights[params.biasOffset + j]; }
  let row = params.weightOffset + j * params.inputs;
  let xRow = s * params.inputs;
  for (var i = 0u; i < params.inputs; i++) {
    acc = fma(weights[row + i], vec4<f32>(inputs[xRow + i]), acc);
  }
  firstLayer[index] = vec4<f32>(acc.xyz, 0.0);
}
