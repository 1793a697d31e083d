// Mean loss (and correct count) of the network at grid points of the plane θ₀ + α·d₁ + β·d₂.
// One invocation = one grid point. Samples go eight at a time (two vec4 lane groups A, B) and
// output units four at a time, so every weight w = θ + α·d₁ + β·d₂ is formed once per eight
// samples, never stored, and 4 × 8 accumulators stay in registers. Layer 0 comes precomputed
// from firstLayer.wgsl. Output: (loss sum, correct count) per point, accumulated over sample
// ranges so long work can be split into bounded dispatches.

// Replaced by the loader with the widest layer rounded up to 8; private arrays need a const.
const MAX_WIDTH: u32 = 64u;
const NO_BIAS: u32 = 0xffffffffu;

struct GridParams {
  gridSize: u32,
  pointStart: u32,
  pointCount: u32,
  sampleStart: u32,
  sampleEnd: u32,
  layerCount: u32,
  outputs: u32,
  accumulate: u32,
  alphaStart: f32,
  alphaStep: f32,
  betaStart: f32,
  betaStep: f32,
  // Row iy of this run is row firstRow + iy of the whole grid (a strip or shard): the same β bit for bit.
  firstRow: u32,
}

// Layer l ≥ 1 in the tile buffer: for each block of four output units, three vec4 of biases
// (θ, d₁, d₂; zero without biases), then three vec4 per input unit k. addInput = 1: a residual
// layer (inputs = outputs, never the last), h_{l+1} = h_l + σ(z_l).
struct Layer {
  inputs: u32,
  outputs: u32,
  tileOffset: u32,
  blocks: u32,
  addInput: u32,
}

override WORKGROUP_SIZE: u32 = 64u;
override ACTIVATION: u32 = 0u;
override LOSS: u32 = 0u;

@group(0) @binding(0) var<uniform> params: GridParams;
@group(0) @binding(1) var<storage, read> layers: array<Layer>;
@group(0) @binding(2) var<storage, read> tiles: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> firstLayer: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> targets: array<f32>;
@group(0) @binding(5) var<storage, read_write> sums: array<vec2<f32>>;

// Four regions of MAX_WIDTH: [0] input A, [1] input B, [2] output A, [3] output B (swapped per layer).
var<private> h: array<vec4<f32>, 4u * MAX_WIDTH>;

fn first_layer_lane(s: u32, j: u32, width: u32, alpha: f32, beta: f32) -> f32 {
  let abc = firstLayer[s * width + j];
  return abc.x + alpha * abc.y + beta * abc.z;
}

fn first_layer(s: vec4<u32>, j: u32, width: u32, alpha: f32, beta: f32) -> vec4<f32> {
  return vec4<f32>(first_layer_lane(s.x, j, width, alpha, beta), first_layer_lane(s.y, j, width, alpha, beta),
                   first_layer_lane(s.z, j, width, alpha, beta), first_layer_lane(s.w, j, width, alpha, beta));
}

fn tile_weight(index: u32, alpha: f32, beta: f32) -> vec4<f32> {
  return tiles[index] + alpha * tiles[index + 1u] + beta * tiles[index + 2u];
}

fn hidden(z: vec4<f32>, isLast: bool) -> vec4<f32> {
  return select(activate(ACTIVATION, z), z, isLast);
}

// Loss and correct count of four samples whose outputs sit at h[base ..].
fn lane_loss(base: u32, s: vec4<u32>, valid: vec4<bool>) -> vec2<f32> {
  let outs = params.outputs;
  var sampleLoss = vec4<f32>(0.0);
  var hit = vec4<f32>(0.0);
  if (LOSS == 0u) {
    for (var j = 0u; j < outs; j++) {
      let y = vec4<f32>(targets[s.x * outs + j], targets[s.y * outs + j], targets[s.z * outs + j], targets[s.w * outs + j]);
      let d = h[base + j] - y;
      sampleLoss += d * d;
    }
  } else if (LOSS == 1u) {
    var best = h[base];
    var bestIndex = vec4<u32>(0u);
    for (var j = 1u; j < outs; j++) {
      let o = h[base + j];
      bestIndex = select(bestIndex, vec4<u32>(j), o > best);
      best = max(best, o);
    }
    var se = vec4<f32>(0.0);
    for (var j = 0u; j < outs; j++) { se += exp(h[base + j] - best); }
    let cls = min(vec4<u32>(vec4<f32>(targets[s.x], targets[s.y], targets[s.z], targets[s.w]) + 0.5), vec4<u32>(outs - 1u));
    let picked = vec4<f32>(h[base + cls.x].x, h[base + cls.y].y, h[base + cls.z].z, h[base + cls.w].w);
    sampleLoss = best + log(se) - picked;
    hit = select(vec4<f32>(0.0), vec4<f32>(1.0), bestIndex == cls);
  } else {
    let o = h[base];
    let y = vec4<f32>(targets[s.x], targets[s.y], targets[s.z], targets[s.w]);
    sampleLoss = bce_loss(o, y);
    hit = select(vec4<f32>(0.0), vec4<f32>(1.0), (o > vec4<f32>(0.0)) == (y > vec4<f32>(0.5)));
  }
  // Padding lanes repeat the last sample; drop them (whatever their value, Inf and NaN included).
  let lossSum = dot(select(vec4<f32>(0.0), sampleLoss, valid), vec4<f32>(1.0));
  let correct = dot(select(vec4<f32>(0.0), hit, valid), vec4<f32>(1.0));
  return vec2<f32>(lossSum, correct);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= params.pointCount) { return; }
  let point = params.pointStart + gid.x;
  let alpha = params.alphaStart + f32(point % params.gridSize) * params.alphaStep;
  let beta = params.betaStart + f32(params.firstRow + point / params.gridSize) * params.betaStep;
  let last = params.layerCount - 1u;
  let width0 = layers[0].outputs;
  let end = params.sampleEnd;

  var total = vec2<f32>(0.0);
  for (var s0 = params.sampleStart; s0 < end; s0 += 8u) {
    let lanes = vec4<u32>(0u, 1u, 2u, 3u);
    let sA = min(vec4<u32>(s0) + lanes, vec4<u32>(end - 1u));
    let sB = min(vec4<u32>(s0 + 4u) + lanes, vec4<u32>(end - 1u));

    for (var j = 0u; j < width0; j++) {
      h[j] = hidden(first_layer(sA, j, width0, alpha, beta), last == 0u);
      h[MAX_WIDTH + j] = hidden(first_layer(sB, j, width0, alpha, beta), last == 0u);
    }

    var inA = 0u;
    for (var l = 1u; l <= last; l++) {
      let layer = layers[l];
      let isLast = l == last;
      let outA = 2u * MAX_WIDTH - inA;
      let inB = inA + MAX_WIDTH;
      let outB = outA + MAX_WIDTH;
      let blockSize = 3u * (layer.inputs + 1u);
      for (var jb = 0u; jb < layer.blocks; jb++) {
        let base = layer.tileOffset + jb * blockSize;
        let b = tile_weight(base, alpha, beta);
        var a0 = vec4<f32>(b.x); var a1 = vec4<f32>(b.y); var a2 = vec4<f32>(b.z); var a3 = vec4<f32>(b.w);
        var b0 = a0; var b1 = a1; var b2 = a2; var b3 = a3;
        for (var k = 0u; k < layer.inputs; k++) {
          let w = tile_weight(base + 3u * (k + 1u), alpha, beta);
          let hA = h[inA + k];
          let hB = h[inB + k];
          a0 = fma(vec4<f32>(w.x), hA, a0); a1 = fma(vec4<f32>(w.y), hA, a1);
          a2 = fma(vec4<f32>(w.z), hA, a2); a3 = fma(vec4<f32>(w.w), hA, a3);
          b0 = fma(vec4<f32>(w.x), hB, b0); b1 = fma(vec4<f32>(w.y), hB, b1);
          b2 = fma(vec4<f32>(w.z), hB, b2); b3 = fma(vec4<f32>(w.w), hB, b3);
        }
        let j = 4u * jb;
        h[outA + j] = hidden(a0, isLast); h[outA + j + 1u] = hidden(a1, isLast);
        h[outA + j + 2u] = hidden(a2, isLast); h[outA + j + 3u] = hidden(a3, isLast);
        h[outB + j] = hidden(b0, isLast); h[outB + j + 1u] = hidden(b1, isLast);
        h[outB + j + 2u] = hidden(b2, isLast); h[outB + j + 3u] = hidden(b3, isLast);
        if (layer.addInput != 0u) {
          // Rows past the width (padding of the last block) are never read.
          for (var q = 0u; q < 4u; q++) {
            h[outA + j + q] += h[inA + j + q];
            h[outB + j + q] += h[inB + j + q];
          }
        }
      }
      inA = outA;
    }

    total += lane_loss(inA, sA, vec4<u32>(s0) + lanes < vec4<u32>(end));
    total += lane_loss(inA + MAX_WIDTH, sB, vec4<u32>(s0 + 4u) + lanes < vec4<u32>(end));
  }

  if (params.accumulate != 0u) { total += sums[point]; }
  sums[point] = total;
}
