// The loss of one run's outputs against the data's y, summed on the GPU: one workgroup adds the
// per-sample terms of `rows` samples (output row r is sample first + r) and their count of correct
// answers to the point's slot of `sums`. The terms are PyTorch's (src/model/network.ts sampleLoss):
// kind 0 mse, 1 cross-entropy on logits and class indices, 2 bce with logits. The CPU twin is
// addLossTerms in src/model/onnx/loss.ts (float64); here float32 with log1p kept accurate for small terms.

struct Params {
  rows: u32,
  outputs: u32,
  first: u32,
  slot: u32,
  kind: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
}

@group(0) @binding(0) var<storage, read> outs: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> sums: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const THREADS: u32 = 256u;
var<workgroup> partLoss: array<f32, 256>;
var<workgroup> partCorrect: array<f32, 256>;

// log(1 + x) for x ≥ 0, accurate when x is small (Goldberg's trick).
fn log1pAccurate(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) {
    return x;
  }
  return log(u) * x / (u - 1.0);
}

// NaN tested on the bits (a compiler may assume x == x); NaN written the same way. A NaN output (e.g. a
// BatchNorm whose running variance went negative along a checkpoints' plane) makes the sample's loss NaN,
// as in the CPU twin.
fn isNan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn nan() -> f32 {
  // params.pad0 is 0: a runtime value, so the compiler does not fold (and refuse) a constant NaN.
  return bitcast<f32>(0x7fc00000u + params.pad0);
}

// Math.round for the targets (class indices, 0/1): halves go up, as in JavaScript.
fn roundUp(v: f32) -> i32 {
  return i32(floor(v + 0.5));
}

// (loss term, 1 if correct) of output row r.
fn term(r: u32) -> vec2<f32> {
  let n = params.outputs;
  let base = r * n;
  let sample = params.first + r;
  var anyNan = false;
  for (var j = 0u; j < n; j++) {
    anyNan = anyNan || isNan(outs[base + j]);
  }
  if (params.kind == 0u) {
    var s = 0.0;
    for (var j = 0u; j < n; j++) {
      let d = outs[base + j] - y[sample * n + j];
      s += d * d;
    }
    return vec2<f32>(select(s, nan(), anyNan), 0.0);
  }
  if (params.kind == 1u) {
    var best = 0u;
    for (var j = 1u; j < n; j++) {
      if (outs[base + j] > outs[base + best]) {
        best = j;
      }
    }
    let mx = outs[base + best];
    // Σ exp(o − max) without the max's own 1, so log(1 + rest) keeps small losses exact.
    var rest = 0.0;
    for (var j = 0u; j < n; j++) {
      if (j != best) {
        rest += exp(outs[base + j] - mx);
      }
    }
    let cls = roundUp(y[sample]);
    let picked = outs[base + u32(clamp(cls, 0, i32(n) - 1))];
    let correct = select(0.0, 1.0, i32(best) == cls);
    return vec2<f32>(select((mx - picked) + log1pAccurate(rest), nan(), anyNan), correct);
  }
  let o = outs[base];
  let t = y[sample];
  let loss = max(o, 0.0) - o * t + log1pAccurate(exp(-abs(o)));
  let correct = select(0.0, 1.0, select(0, 1, o > 0.0) == roundUp(t));
  return vec2<f32>(select(loss, nan(), anyNan), correct);
}

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32) {
  var loss = 0.0;
  var correct = 0.0;
  for (var r = t; r < params.rows; r += THREADS) {
    let v = term(r);
    loss += v.x;
    correct += v.y;
  }
  partLoss[t] = loss;
  partCorrect[t] = correct;
  workgroupBarrier();
  for (var stride = THREADS / 2u; stride > 0u; stride /= 2u) {
    if (t < stride) {
      partLoss[t] += partLoss[t + stride];
      partCorrect[t] += partCorrect[t + stride];
    }
    workgroupBarrier();
  }
  if (t == 0u) {
    sums[2u * params.slot] += partLoss[0];
    sums[2u * params.slot + 1u] += partCorrect[0];
  }
}
