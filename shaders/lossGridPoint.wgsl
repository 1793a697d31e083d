// Mean loss (and correct count) at grid points of the plane θ₀ + α·d₁ + β·d₂, one WORKGROUP per
// grid point (the variant of lossGrid.wgsl, which runs one invocation per point).
//
// 1. The workgroup forms its point's weights w = θ + α·d₁ + β·d₂ of layers ≥ 1 once, into
//    workgroup memory (all invocations share the work, then a barrier).
// 2. Layer 0 comes precomputed per plane from firstLayer.wgsl: a + α·b + β·c per sample and unit.
// 3. The invocations split the samples: each takes four at a time (one vec4 lane per sample) and
//    runs them through layers ≥ 1 with four output units at once, reading the weights from
//    workgroup memory (every weight read serves 4 × 4 multiply-adds).
// 4. The per-invocation (loss, correct) sums are reduced in workgroup memory in a fixed tree order
//    and invocation 0 writes (or adds to, over sample ranges split across dispatches) the point's sum.

// Replaced by the loader: the widest layer rounded up to 8, and the weights of layers ≥ 1 rounded up
// to 64 (private and workgroup array sizes must be constants).
const MAX_WIDTH: u32 = 64u;
const WEIGHT_CAPACITY: u32 = 64u;
// Invocations per workgroup (a power of two: the reduction halves it); POINT_GROUP_SIZE in TypeScript.
const GROUP: u32 = 64u;
const NO_BIAS: u32 = 0xffffffffu;

struct PointParams {
  gridSize: u32,
  firstRow: u32,
  pointStart: u32,
  sampleStart: u32,
  sampleEnd: u32,
  layerCount: u32,
  outputs: u32,
  accumulate: u32,
  weightBase: u32,
  weightCount: u32,
  alphaStart: f32,
  alphaStep: f32,
  betaStart: f32,
  betaStep: f32,
}

// weightOffset and biasOffset index the workgroup array (biasOffset NO_BIAS without biases);
// addInput = 1: a residual layer, h_{l+1} = h_l + σ(z_l). Row 0 only gives layer 0's width.
struct PointLayer {
  inputs: u32,
  outputs: u32,
  weightOffset: u32,
  biasOffset: u32,
  addInput: u32,
}

override ACTIVATION: u32 = 0u;
override LOSS: u32 = 0u;

@group(0) @binding(0) var<uniform> params: PointParams;
@group(0) @binding(1) var<storage, read> layers: array<PointLayer>;
// (θ, d₁, d₂, 0) per parameter, the flat layout of src/model/spec.ts.
@group(0) @binding(2) var<storage, read> weights: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> firstLayer: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> targets: array<f32>;
@group(0) @binding(5) var<storage, read_write> sums: array<vec2<f32>>;

var<workgroup> w: array<f32, WEIGHT_CAPACITY>;
var<workgroup> partial: array<vec2<f32>, GROUP>;
// Two regions of MAX_WIDTH units × four samples, input and output of a layer (swapped per layer).
var<private> h: array<vec4<f32>, 2u * MAX_WIDTH>;

fn layer0_lane(s: u32, j: u32, width: u32, alpha: f32, beta: f32) -> f32 {
  let abc = firstLayer[s * width + j];
  return abc.x + alpha * abc.y + beta * abc.z;
}

fn layer0(s: vec4<u32>, j: u32, width: u32, alpha: f32, beta: f32) -> vec4<f32> {
  return vec4<f32>(layer0_lane(s.x, j, width, alpha, beta), layer0_lane(s.y, j, width, alpha, beta),
                   layer0_lane(s.z, j, width, alpha, beta), layer0_lane(s.w, j, width, alpha, beta));
}

fn act(z: vec4<f32>, isLast: bool) -> vec4<f32> {
  return select(activate(ACTIVATION, z), z, isLast);
}

fn bias_of(layer: PointLayer, j: u32) -> vec4<f32> {
  if (layer.biasOffset == NO_BIAS) { return vec4<f32>(0.0); }
  return vec4<f32>(w[layer.biasOffset + j]);
}

// (loss sum, correct count) of the four samples `s` whose outputs are at h[base ..]; lanes not
// `valid` (padding past the sample range) count nothing, whatever their value.
fn samples_loss(base: u32, s: vec4<u32>, valid: vec4<bool>) -> vec2<f32> {
  let outs = params.outputs;
  var loss = vec4<f32>(0.0);
  var hit = vec4<f32>(0.0);
  if (LOSS == 0u) {
    for (var j = 0u; j < outs; j++) {
      let d = h[base + j] - vec4<f32>(targets[s.x * outs + j], targets[s.y * outs + j], targets[s.z * outs + j],
                                      targets[s.w * outs + j]);
      loss = fma(d, d, loss);
    }
  } else if (LOSS == 1u) {
    var top = h[base];
    var arg = vec4<u32>(0u);
    for (var j = 1u; j < outs; j++) {
      let o = h[base + j];
      arg = select(arg, vec4<u32>(j), o > top);
      top = max(top, o);
    }
    var total = vec4<f32>(0.0);
    for (var j = 0u; j < outs; j++) { total += exp(h[base + j] - top); }
    let cls = min(vec4<u32>(vec4<f32>(targets[s.x], targets[s.y], targets[s.z], targets[s.w]) + 0.5), vec4<u32>(outs - 1u));
    let logit = vec4<f32>(h[base + cls.x].x, h[base + cls.y].y, h[base + cls.z].z, h[base + cls.w].w);
    loss = top + log(total) - logit;
    hit = select(vec4<f32>(0.0), vec4<f32>(1.0), arg == cls);
  } else {
    let o = h[base];
    let y = vec4<f32>(targets[s.x], targets[s.y], targets[s.z], targets[s.w]);
    loss = bce_loss(o, y);
    hit = select(vec4<f32>(0.0), vec4<f32>(1.0), (o > vec4<f32>(0.0)) == (y > vec4<f32>(0.5)));
  }
  let ones = vec4<f32>(1.0);
  return vec2<f32>(dot(select(vec4<f32>(0.0), loss, valid), ones), dot(select(vec4<f32>(0.0), hit, valid), ones));
}

@compute @workgroup_size(GROUP)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let point = params.pointStart + wid.x;
  let alpha = params.alphaStart + f32(point % params.gridSize) * params.alphaStep;
  let beta = params.betaStart + f32(params.firstRow + point / params.gridSize) * params.betaStep;

  for (var i = lid; i < params.weightCount; i += GROUP) {
    let t = weights[params.weightBase + i];
    w[i] = t.x + alpha * t.y + beta * t.z;
  }
  workgroupBarrier();

  let last = params.layerCount - 1u;
  let width0 = layers[0].outputs;
  let end = params.sampleEnd;
  let lanes = vec4<u32>(0u, 1u, 2u, 3u);
  var total = vec2<f32>(0.0);
  for (var s0 = params.sampleStart + 4u * lid; s0 < end; s0 += 4u * GROUP) {
    let s = min(vec4<u32>(s0) + lanes, vec4<u32>(end - 1u));
    for (var j = 0u; j < width0; j++) {
      h[j] = act(layer0(s, j, width0, alpha, beta), last == 0u);
    }
    var inBase = 0u;
    for (var l = 1u; l <= last; l++) {
      let layer = layers[l];
      let isLast = l == last;
      let outBase = MAX_WIDTH - inBase;
      let top = layer.outputs - 1u;
      for (var j = 0u; j < layer.outputs; j += 4u) {
        // Units past the width repeat the last one; their rows lie inside MAX_WIDTH and are never read.
        let j1 = min(j + 1u, top);
        let j2 = min(j + 2u, top);
        let j3 = min(j + 3u, top);
        let r0 = layer.weightOffset + j * layer.inputs;
        let r1 = layer.weightOffset + j1 * layer.inputs;
        let r2 = layer.weightOffset + j2 * layer.inputs;
        let r3 = layer.weightOffset + j3 * layer.inputs;
        var a0 = bias_of(layer, j);
        var a1 = bias_of(layer, j1);
        var a2 = bias_of(layer, j2);
        var a3 = bias_of(layer, j3);
        for (var k = 0u; k < layer.inputs; k++) {
          let x = h[inBase + k];
          a0 = fma(vec4<f32>(w[r0 + k]), x, a0);
          a1 = fma(vec4<f32>(w[r1 + k]), x, a1);
          a2 = fma(vec4<f32>(w[r2 + k]), x, a2);
          a3 = fma(vec4<f32>(w[r3 + k]), x, a3);
        }
        var o0 = act(a0, isLast);
        var o1 = act(a1, isLast);
        var o2 = act(a2, isLast);
        var o3 = act(a3, isLast);
        if (layer.addInput != 0u) {
          o0 += h[inBase + j];
          o1 += h[inBase + j + 1u];
          o2 += h[inBase + j + 2u];
          o3 += h[inBase + j + 3u];
        }
        h[outBase + j] = o0;
        h[outBase + j + 1u] = o1;
        h[outBase + j + 2u] = o2;
        h[outBase + j + 3u] = o3;
      }
      inBase = outBase;
    }
    total += samples_loss(inBase, s, vec4<u32>(s0) + lanes < vec4<u32>(end));
  }

  partial[lid] = total;
  workgroupBarrier();
  for (var stride = GROUP / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    var sum = partial[0];
    if (params.accumulate != 0u) { sum += sums[point]; }
    sums[point] = sum;
  }
}
