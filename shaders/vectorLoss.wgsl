// Mean-loss sums (and correct counts) of K explicit parameter vectors over all samples: the
// points along a path. One workgroup = one vector; its invocations stride over the samples,
// then a fixed-order tree sum in workgroup memory (deterministic, no atomics).

// Replaced by the loader with the widest layer (inputs included) rounded up to 8.
const MAX_WIDTH: u32 = 64u;
const NO_BIAS: u32 = 0xffffffffu;

struct VectorLossParams {
  paramCount: u32,
  vectorStart: u32,
  layerCount: u32,
  outputs: u32,
  inputs: u32,
  sampleCount: u32,
  _pad0: u32,
  _pad1: u32,
}

// addInput = 1: a residual layer (inputs = outputs, never the first or last), h_{l+1} = h_l + σ(z_l).
struct Layer {
  inputs: u32,
  outputs: u32,
  weightOffset: u32,
  biasOffset: u32,
  addInput: u32,
}

// A power of two: the tree sum halves it.
override WORKGROUP_SIZE: u32 = 64u;
override ACTIVATION: u32 = 0u;
override LOSS: u32 = 0u;

@group(0) @binding(0) var<uniform> params: VectorLossParams;
@group(0) @binding(1) var<storage, read> layers: array<Layer>;
@group(0) @binding(2) var<storage, read> thetas: array<f32>;
@group(0) @binding(3) var<storage, read> xs: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<f32>;
@group(0) @binding(5) var<storage, read_write> sums: array<vec2<f32>>;

// Two regions of MAX_WIDTH, layer input and output, swapped per layer.
var<private> h: array<f32, 2u * MAX_WIDTH>;
var<workgroup> partialSums: array<vec2<f32>, WORKGROUP_SIZE>;

// (loss, correct) of one sample whose outputs sit at h[base ..].
fn sample_loss(base: u32, s: u32) -> vec2<f32> {
  let outs = params.outputs;
  if (LOSS == 0u) {
    var acc = 0.0;
    for (var j = 0u; j < outs; j++) {
      let d = h[base + j] - targets[s * outs + j];
      acc += d * d;
    }
    return vec2<f32>(acc, 0.0);
  }
  if (LOSS == 1u) {
    var best = h[base];
    var bestIndex = 0u;
    for (var j = 1u; j < outs; j++) {
      if (h[base + j] > best) { best = h[base + j]; bestIndex = j; }
    }
    var se = 0.0;
    for (var j = 0u; j < outs; j++) { se += exp(h[base + j] - best); }
    let cls = min(u32(targets[s] + 0.5), outs - 1u);
    return vec2<f32>(best + log(se) - h[base + cls], select(0.0, 1.0, bestIndex == cls));
  }
  let o = h[base];
  let y = targets[s];
  return vec2<f32>(bce_loss(vec4<f32>(o), vec4<f32>(y)).x, select(0.0, 1.0, (o > 0.0) == (y > 0.5)));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let vector = params.vectorStart + wid.x;
  let base = vector * params.paramCount;
  let last = params.layerCount - 1u;
  var total = vec2<f32>(0.0);
  for (var s = lid.x; s < params.sampleCount; s += WORKGROUP_SIZE) {
    for (var k = 0u; k < params.inputs; k++) { h[k] = xs[s * params.inputs + k]; }
    var inOff = 0u;
    for (var l = 0u; l <= last; l++) {
      let layer = layers[l];
      let outOff = MAX_WIDTH - inOff;
      for (var j = 0u; j < layer.outputs; j++) {
        var acc = 0.0;
        if (layer.biasOffset != NO_BIAS) { acc = thetas[base + layer.biasOffset + j]; }
        let row = base + layer.weightOffset + j * layer.inputs;
        for (var k = 0u; k < layer.inputs; k++) { acc = fma(thetas[row + k], h[inOff + k], acc); }
        var unit = select(activate(ACTIVATION, vec4<f32>(acc)).x, acc, l == last);
        if (layer.addInput != 0u) { unit += h[inOff + j]; }
        h[outOff + j] = unit;
      }
      inOff = outOff;
    }
    total += sample_loss(inOff, s);
  }
  partialSums[lid.x] = total;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lid.x < stride) { partialSums[lid.x] += partialSums[lid.x + stride]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { sums[vector] = partialSums[0]; }
}
