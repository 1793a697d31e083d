// Mean loss (and correct count) at grid points of the plane θ₀ + α·d₁ + β·d₂, one WORKGROUP per
// grid point (the variant of lossGrid.wgsl, which runs one invocation per point).
//
// 1. The workgroup forms its point's weights w = θ + α·d₁ + β·d₂ of layers ≥ 1 once, into
//    workgroup memory (all invocations share the work, then a barrier), in the tile order of
//    buildTiles (src/gpu/lossGrid.gpu.ts): per block of four output units, one vec4 of biases, then
//    one vec4 of the block's four weights per input unit.
// 2. Layer 0 comes precomputed per plane from firstLayer.wgsl: a + α·b + β·c per sample and unit.
// 3. The invocations split the samples: each takes eight at a time (two vec4 lane groups A, B) and
//    runs them through layers ≥ 1 four output units at a time, so one vec4 read of workgroup memory
//    serves 32 multiply-adds held in registers.
// 4. The per-invocation (loss, correct) sums are reduced in workgroup memory in a fixed tree order
//    and invocation 0 writes (or adds to, over sample ranges split across dispatches) the point's sum.

// Replaced by the loader: the widest layer rounded up to 8, and the vec4 of weights of layers ≥ 1
// rounded up to 16 (private and workgroup array sizes must be constants).
const MAX_WIDTH: u32 = 64u;
const WEIGHT_CAPACITY: u32 = 16u;
// Invocations per workgroup (a power of two: the reduction halves it); POINT_GROUP_SIZE in TypeScript.
const GROUP: u32 = 64u;

struct PointParams {
  gridSize: u32,
  firstRow: u32,
  pointStart: u32,
  sampleStart: u32,
  sampleEnd: u32,
  layerCount: u32,
  outputs: u32,
  accumulate: u32,
  weightCount: u32,
  alphaStart: f32,
  alphaStep: f32,
  betaStart: f32,
  betaStep: f32,
}

// buildTiles' table (GRID_LAYER_FIELDS): layer l ≥ 1 starts at tileOffset in the tile buffer, three
// vec4 (θ, d₁, d₂) per formed vec4, so at tileOffset / 3 in workgroup memory; `blocks` of four output
// units. addInput = 1: a residual layer, h_{l+1} = h_l + σ(z_l). Row 0 only gives layer 0's width.
struct Layer {
  inputs: u32,
  outputs: u32,
  tileOffset: u32,
  blocks: u32,
  addInput: u32,
}

override ACTIVATION: u32 = 0u;
override LOSS: u32 = 0u;

@group(0) @binding(0) var<uniform> params: PointParams;
@group(0) @binding(1) var<storage, read> layers: array<Layer>;
@group(0) @binding(2) var<storage, read> tiles: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> firstLayer: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> targets: array<f32>;
@group(0) @binding(5) var<storage, read_write> sums: array<vec2<f32>>;

var<workgroup> w: array<vec4<f32>, WEIGHT_CAPACITY>;
var<workgroup> partial: array<vec2<f32>, GROUP>;
// Four regions of MAX_WIDTH units: [0] input A, [1] input B, [2] output A, [3] output B (swapped per layer).
var<private> h: array<vec4<f32>, 4u * MAX_WIDTH>;

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
    w[i] = tiles[3u * i] + alpha * tiles[3u * i + 1u] + beta * tiles[3u * i + 2u];
  }
  workgroupBarrier();

  let last = params.layerCount - 1u;
  let width0 = layers[0].outputs;
  let end = params.sampleEnd;
  let lanes = vec4<u32>(0u, 1u, 2u, 3u);
  var total = vec2<f32>(0.0);
  for (var s0 = params.sampleStart + 8u * lid; s0 < end; s0 += 8u * GROUP) {
    let sA = min(vec4<u32>(s0) + lanes, vec4<u32>(end - 1u));
    let sB = min(vec4<u32>(s0 + 4u) + lanes, vec4<u32>(end - 1u));
    for (var j = 0u; j < width0; j++) {
      h[j] = act(layer0(sA, j, width0, alpha, beta), last == 0u);
      h[MAX_WIDTH + j] = act(layer0(sB, j, width0, alpha, beta), last == 0u);
    }
    var inA = 0u;
    for (var l = 1u; l <= last; l++) {
      let layer = layers[l];
      let isLast = l == last;
      let inB = inA + MAX_WIDTH;
      let outA = 2u * MAX_WIDTH - inA;
      let outB = outA + MAX_WIDTH;
      for (var jb = 0u; jb < layer.blocks; jb++) {
        let base = layer.tileOffset / 3u + jb * (layer.inputs + 1u);
        let b = w[base];
        var a0 = vec4<f32>(b.x); var a1 = vec4<f32>(b.y); var a2 = vec4<f32>(b.z); var a3 = vec4<f32>(b.w);
        var b0 = a0; var b1 = a1; var b2 = a2; var b3 = a3;
        for (var k = 0u; k < layer.inputs; k++) {
          let wk = w[base + 1u + k];
          let xA = h[inA + k];
          let xB = h[inB + k];
          a0 = fma(vec4<f32>(wk.x), xA, a0); a1 = fma(vec4<f32>(wk.y), xA, a1);
          a2 = fma(vec4<f32>(wk.z), xA, a2); a3 = fma(vec4<f32>(wk.w), xA, a3);
          b0 = fma(vec4<f32>(wk.x), xB, b0); b1 = fma(vec4<f32>(wk.y), xB, b1);
          b2 = fma(vec4<f32>(wk.z), xB, b2); b3 = fma(vec4<f32>(wk.w), xB, b3);
        }
        // Units past the width (the last block's padding) lie inside MAX_WIDTH and are never read.
        let j = 4u * jb;
        h[outA + j] = act(a0, isLast); h[outA + j + 1u] = act(a1, isLast);
        h[outA + j + 2u] = act(a2, isLast); h[outA + j + 3u] = act(a3, isLast);
        h[outB + j] = act(b0, isLast); h[outB + j + 1u] = act(b1, isLast);
        h[outB + j + 2u] = act(b2, isLast); h[outB + j + 3u] = act(b3, isLast);
        if (layer.addInput != 0u) {
          for (var q = 0u; q < 4u; q++) {
            h[outA + j + q] += h[inA + j + q];
            h[outB + j + q] += h[inB + j + q];
          }
        }
      }
      inA = outA;
    }
    total += samples_loss(inA, sA, vec4<u32>(s0) + lanes < vec4<u32>(end));
    total += samples_loss(inA + MAX_WIDTH, sB, vec4<u32>(s0 + 4u) + lanes < vec4<u32>(end));
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
