// Sums what gradient.wgsl left in `scratch` over the samples of one chunk. One invocation = one
// vector k × one 4 × 4 tile t of a layer's gradient, numbered k·(tileCount + 1) + t across the whole
// dispatch (small networks pack many vectors per workgroup): W_l[j][i] gets Σ_s delta_l[j]·h_l[i],
// and the bias is column i = inputs with h = 1, so every loaded delta and input is used four
// times. Invocation tileCount sums the per-sample losses. Fixed summation order: deterministic.

override WORKGROUP_SIZE: u32 = 64u;
const NO_BIAS: u32 = 0xffffffffu;

@group(0) @binding(0) var<uniform> params: GradParams;
@group(0) @binding(1) var<storage, read> layers: array<Layer>;
@group(0) @binding(2) var<storage, read> scratch: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> grads: array<f32>;
@group(0) @binding(4) var<storage, read_write> losses: array<f32>;

fn store(index: u32, sum: vec4<f32>) {
  let total = ((sum.x + sum.y) + (sum.z + sum.w)) / params.divisor;
  grads[index] = select(total, grads[index] + total, params.accumulate != 0u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let lastLayer = layers[params.layerCount - 1u];
  let tileCount = lastLayer.tileStart + ((lastLayer.outputs + 3u) / 4u) * lastLayer.tileColumns;
  let item = gid.y * groups.x * WORKGROUP_SIZE + gid.x;
  let k = item / (tileCount + 1u);
  let t = item % (tileCount + 1u);
  if (k >= params.vectorCount) { return; }
  let quads = (params.chunkCount + 3u) / 4u;
  let first = k * params.chunkQuads * params.stride;
  if (t == tileCount) {
    var sum = vec4<f32>(0.0);
    for (var q = 0u; q < quads; q++) { sum += scratch[first + q * params.stride + params.lossSlot]; }
    let total = ((sum.x + sum.y) + (sum.z + sum.w)) / params.divisor;
    losses[k] = select(total, losses[k] + total, params.accumulate != 0u);
    return;
  }
  var layer = layers[0];
  for (var l = 1u; l < params.layerCount; l++) {
    if (layers[l].tileStart <= t) { layer = layers[l]; }
  }
  let local = t - layer.tileStart;
  let j0 = (local / layer.tileColumns) * 4u;
  let i0 = (local % layer.tileColumns) * 4u;
  let hasBias = layer.biasOffset != NO_BIAS;
  let lastRow = layer.outputs - 1u;
  let lastColumn = layer.inputs - 1u;
  let dSlot = layer.deltaSlot + min(vec4<u32>(j0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(lastRow));
  let hSlot = layer.inputSlot + min(vec4<u32>(i0) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(lastColumn));
  // Column i = inputs is the bias (h = 1); columns past it are never stored.
  let isBias = (vec4<u32>(i0) + vec4<u32>(0u, 1u, 2u, 3u)) == vec4<u32>(layer.inputs);

  var acc: array<vec4<f32>, 16>;
  for (var c = 0u; c < 16u; c++) { acc[c] = vec4<f32>(0.0); }
  var record = first;
  for (var q = 0u; q < quads; q++) {
    let d0 = scratch[record + dSlot.x]; let d1 = scratch[record + dSlot.y];
    let d2 = scratch[record + dSlot.z]; let d3 = scratch[record + dSlot.w];
    let h0 = select(scratch[record + hSlot.x], vec4<f32>(1.0), isBias.x);
    let h1 = select(scratch[record + hSlot.y], vec4<f32>(1.0), isBias.y);
    let h2 = select(scratch[record + hSlot.z], vec4<f32>(1.0), isBias.z);
    let h3 = select(scratch[record + hSlot.w], vec4<f32>(1.0), isBias.w);
    acc[0] = fma(d0, h0, acc[0]); acc[1] = fma(d0, h1, acc[1]); acc[2] = fma(d0, h2, acc[2]); acc[3] = fma(d0, h3, acc[3]);
    acc[4] = fma(d1, h0, acc[4]); acc[5] = fma(d1, h1, acc[5]); acc[6] = fma(d1, h2, acc[6]); acc[7] = fma(d1, h3, acc[7]);
    acc[8] = fma(d2, h0, acc[8]); acc[9] = fma(d2, h1, acc[9]); acc[10] = fma(d2, h2, acc[10]); acc[11] = fma(d2, h3, acc[11]);
    acc[12] = fma(d3, h0, acc[12]); acc[13] = fma(d3, h1, acc[13]); acc[14] = fma(d3, h2, acc[14]); acc[15] = fma(d3, h3, acc[15]);
    record += params.stride;
  }

  let base = k * params.paramCount;
  for (var a = 0u; a < 4u; a++) {
    let j = j0 + a;
    if (j > lastRow) { break; }
    for (var b = 0u; b < 4u; b++) {
      let i = i0 + b;
      if (i < layer.inputs) {
        store(base + layer.weightOffset + j * layer.inputs + i, acc[4u * a + b]);
      } else if (i == layer.inputs && hasBias) {
        store(base + layer.biasOffset + j, acc[4u * a + b]);
      }
    }
  }
}
