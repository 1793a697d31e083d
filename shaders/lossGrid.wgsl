// Mean loss (and correct count) of the network at grid points of the plane θ₀ + α·d₁ + β·d₂.
// One invocation = one grid point; samples are processed four at a time in the lanes of a vec4,
// so each weight w = θ + α·d₁ + β·d₂ is formed once per four samples and never stored.
// Layer 0 comes precomputed from firstLayer.wgsl. Output: (loss sum, correct count) per point,
// accumulated over sample ranges so long work can be split into bounded dispatches.

// Replaced by the loader with the widest hidden layer (rounded up); private arrays need a const.
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
}

struct Layer {
  inputs: u32,
  outputs: u32,
  weightOffset: u32,
  biasOffset: u32,
}

override WORKGROUP_SIZE: u32 = 64u;
override ACTIVATION: u32 = 0u;
override LOSS: u32 = 0u;

@group(0) @binding(0) var<uniform> params: GridParams;
@group(0) @binding(1) var<storage, read> layers: array<Layer>;
@group(0) @binding(2) var<storage, read> weights: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> firstLayer: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read> targets: array<f32>;
@group(0) @binding(5) var<storage, read_write> sums: array<vec2<f32>>;

var<private> h: array<vec4<f32>, 2u * MAX_WIDTH>;

fn first_layer_lane(s: u32, j: u32, width: u32, alpha: f32, beta: f32) -> f32 {
  let abc = firstLayer[s * width + j];
  return abc.x + alpha * abc.y + beta * abc.z;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  if (gid.x >= params.pointCount) { return; }
  let point = params.pointStart + gid.x;
  let alpha = params.alphaStart + f32(point % params.gridSize) * params.alphaStep;
  let beta = params.betaStart + f32(point / params.gridSize) * params.betaStep;
  let last = params.layerCount - 1u;
  let width0 = layers[0].outputs;

  var lossSum = 0.0;
  var correct = 0.0;
  for (var s0 = params.sampleStart; s0 < params.sampleEnd; s0 += 4u) {
    let valid = vec4<bool>(s0 < params.sampleEnd, s0 + 1u < params.sampleEnd,
                           s0 + 2u < params.sampleEnd, s0 + 3u < params.sampleEnd);
    let sIdx = min(vec4<u32>(s0, s0 + 1u, s0 + 2u, s0 + 3u), vec4<u32>(params.sampleEnd - 1u));

    // Layer 0 from the factorised products.
    for (var j = 0u; j < width0; j++) {
      let z = vec4<f32>(first_layer_lane(sIdx.x, j, width0, alpha, beta),
                        first_layer_lane(sIdx.y, j, width0, alpha, beta),
                        first_layer_lane(sIdx.z, j, width0, alpha, beta),
                        first_layer_lane(sIdx.w, j, width0, alpha, beta));
      h[j] = select(activate(ACTIVATION, z), z, last == 0u);
    }

    // Layers 1.. with weights formed at (α, β); ping-pong halves of h.
    var inBase = 0u;
    for (var l = 1u; l <= last; l++) {
      let layer = layers[l];
      let outBase = MAX_WIDTH - inBase;
      for (var j = 0u; j < layer.outputs; j++) {
        var acc = vec4<f32>(0.0);
        if (layer.biasOffset != NO_BIAS) {
          let b = weights[layer.biasOffset + j];
          acc = vec4<f32>(b.x + alpha * b.y + beta * b.z);
        }
        let row = layer.weightOffset + j * layer.inputs;
        for (var k = 0u; k < layer.inputs; k++) {
          let w = weights[row + k];
          acc = fma(vec4<f32>(w.x + alpha * w.y + beta * w.z), h[inBase + k], acc);
        }
        h[outBase + j] = select(activate(ACTIVATION, acc), acc, l == last);
      }
      inBase = outBase;
    }

    // Loss and correctness of the four samples; outputs sit at h[inBase ..].
    let outs = params.outputs;
    var sampleLoss = vec4<f32>(0.0);
    var hit = vec4<f32>(0.0);
    if (LOSS == 0u) {
      for (var j = 0u; j < outs; j++) {
        let y = vec4<f32>(targets[sIdx.x * outs + j], targets[sIdx.y * outs + j],
                          targets[sIdx.z * outs + j], targets[sIdx.w * outs + j]);
        let d = h[inBase + j] - y;
        sampleLoss += d * d;
      }
    } else if (LOSS == 1u) {
      var best = h[inBase];
      var bestIndex = vec4<u32>(0u);
      for (var j = 1u; j < outs; j++) {
        let o = h[inBase + j];
        bestIndex = select(bestIndex, vec4<u32>(j), o > best);
        best = max(best, o);
      }
      var se = vec4<f32>(0.0);
      for (var j = 0u; j < outs; j++) { se += exp(h[inBase + j] - best); }
      let cls = vec4<u32>(vec4<f32>(targets[sIdx.x], targets[sIdx.y], targets[sIdx.z], targets[sIdx.w]) + 0.5);
      let picked = vec4<f32>(h[inBase + min(cls.x, outs - 1u)].x, h[inBase + min(cls.y, outs - 1u)].y,
                             h[inBase + min(cls.z, outs - 1u)].z, h[inBase + min(cls.w, outs - 1u)].w);
      sampleLoss = best + log(se) - picked;
      hit = select(vec4<f32>(0.0), vec4<f32>(1.0), bestIndex == cls);
    } else {
      let o = h[inBase];
      let y = vec4<f32>(targets[sIdx.x], targets[sIdx.y], targets[sIdx.z], targets[sIdx.w]);
      sampleLoss = bce_loss(o, y);
      hit = select(vec4<f32>(0.0), vec4<f32>(1.0), (o > vec4<f32>(0.0)) == (y > vec4<f32>(0.5)));
    }
    let mask = select(vec4<f32>(0.0), vec4<f32>(1.0), valid);
    // Masked lanes may hold duplicates of the last sample; multiply them out (finite or not).
    lossSum += dot(select(vec4<f32>(0.0), sampleLoss, valid), vec4<f32>(1.0));
    correct += dot(hit, mask);
  }

  var total = vec2<f32>(lossSum, correct);
  if (params.accumulate != 0u) { total += sums[point]; }
  sums[point] = total;
}
