// Forward and backward pass of K parameter vectors over one chunk of a sample batch.
// One invocation = one vector k × eight samples (octet x): two sample quads A and B, one
// vec4 lane per sample, so each weight load serves eight samples. Items are numbered k·W + x
// (W octets per vector) across the whole dispatch, so a small batch packs many vectors into one
// workgroup instead of leaving most of a workgroup idle per vector. It writes, per sample quad,
// each layer's input h_l and delta dL/dz_l into `scratch`; the sum over samples that makes the
// gradient is gradientReduce.wgsl, so no float atomics are needed. chunkQuads is even.

// Replaced by the loader with the widest layer rounded up to 8; private arrays need a const.
const MAX_WIDTH: u32 = 64u;
// Replaced by the loader with MAX_WIDTH when some layer is residual (addInput), else 1.
const SKIP_WIDTH: u32 = 1u;

override WORKGROUP_SIZE: u32 = 64u;
override ACTIVATION: u32 = 0u;
override LOSS: u32 = 0u;
const NO_BIAS: u32 = 0xffffffffu;

@group(0) @binding(0) var<uniform> params: GradParams;
@group(0) @binding(1) var<storage, read> layers: array<Layer>;
@group(0) @binding(2) var<storage, read> thetas: array<f32>;
@group(0) @binding(3) var<storage, read> xs: array<f32>;
@group(0) @binding(4) var<storage, read> ys: array<f32>;
@group(0) @binding(5) var<storage, read> sampleIndices: array<u32>;
@group(0) @binding(6) var<storage, read_write> scratch: array<vec4<f32>>;

// Four regions of MAX_WIDTH: [0] input A, [1] input B, [2] output A, [3] output B; a layer reads
// one pair and writes the other.
var<private> h: array<vec4<f32>, 4u * MAX_WIDTH>;
// Backward through residual layers: dL/dh of a residual layer's output (A, then B at SKIP_WIDTH),
// which its skip passes on to its input.
var<private> g: array<vec4<f32>, 2u * SKIP_WIDTH>;

fn sample_at(position: u32) -> u32 {
  return select(params.batchStart + position, sampleIndices[params.batchStart + position], params.indexed != 0u);
}

fn gather(rows: vec4<u32>, width: u32, j: u32, fromTargets: bool) -> vec4<f32> {
  if (fromTargets) {
    return vec4<f32>(ys[rows.x * width + j], ys[rows.y * width + j], ys[rows.z * width + j], ys[rows.w * width + j]);
  }
  return vec4<f32>(xs[rows.x * width + j], xs[rows.y * width + j], xs[rows.z * width + j], xs[rows.w * width + j]);
}

fn quad_samples(quad: u32) -> vec4<u32> {
  let clamped = min(vec4<u32>(quad * 4u) + vec4<u32>(0u, 1u, 2u, 3u), vec4<u32>(params.chunkCount - 1u));
  return vec4<u32>(sample_at(clamped.x), sample_at(clamped.y), sample_at(clamped.z), sample_at(clamped.w));
}

// Loss of the four samples whose outputs sit at h[at ..]; replaces the outputs by dL/d output.
fn loss_and_delta(at: u32, s: vec4<u32>) -> vec4<f32> {
  let outs = params.outputs;
  var lossValue = vec4<f32>(0.0);
  if (LOSS == 0u) {
    for (var j = 0u; j < outs; j++) {
      let d = h[at + j] - gather(s, outs, j, true);
      lossValue += d * d;
      h[at + j] = 2.0 * d;
    }
  } else if (LOSS == 1u) {
    var best = h[at];
    for (var j = 1u; j < outs; j++) { best = max(best, h[at + j]); }
    var se = vec4<f32>(0.0);
    for (var j = 0u; j < outs; j++) { se += exp(h[at + j] - best); }
    let lse = best + log(se);
    let cls = min(vec4<u32>(gather(s, 1u, 0u, true) + 0.5), vec4<u32>(outs - 1u));
    for (var j = 0u; j < outs; j++) {
      let o = h[at + j];
      let isClass = vec4<u32>(j) == cls;
      lossValue += select(vec4<f32>(0.0), lse - o, isClass);
      h[at + j] = exp(o - lse) - select(vec4<f32>(0.0), vec4<f32>(1.0), isClass);
    }
  } else {
    let o = h[at];
    let y = gather(s, 1u, 0u, true);
    lossValue = bce_loss(o, y);
    let e = exp(-abs(o));
    h[at] = select(e / (1.0 + e), 1.0 / (1.0 + e), o >= vec4<f32>(0.0)) - y;
  }
  return lossValue;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let W = (params.chunkCount + 7u) / 8u;
  let item = gid.y * groups.x * WORKGROUP_SIZE + gid.x;
  let k = item / W;
  let quadA = 2u * (item % W);
  if (k >= params.vectorCount) { return; }
  let sA = quad_samples(quadA);
  let sB = quad_samples(quadA + 1u);
  let lanes = vec4<u32>(0u, 1u, 2u, 3u);
  let validA = vec4<u32>(quadA * 4u) + lanes < vec4<u32>(params.chunkCount);
  let validB = vec4<u32>(quadA * 4u + 4u) + lanes < vec4<u32>(params.chunkCount);
  // Quad B's record exists even past the chunk's end, because chunkQuads is even.
  let recA = (k * params.chunkQuads + quadA) * params.stride;
  let recB = recA + params.stride;
  let base = k * params.paramCount;
  let last = params.layerCount - 1u;

  let first = layers[0];
  for (var i = 0u; i < first.inputs; i++) {
    let a = gather(sA, params.inputs, i, false);
    let b = gather(sB, params.inputs, i, false);
    h[i] = a;
    h[MAX_WIDTH + i] = b;
    scratch[recA + first.inputSlot + i] = a;
    scratch[recB + first.inputSlot + i] = b;
  }

  // Four output units at a time: each weight is read once per eight samples.
  var inA = 0u;
  for (var l = 0u; l <= last; l++) {
    let layer = layers[l];
    let outA = 2u * MAX_WIDTH - inA;
    let inB = inA + MAX_WIDTH;
    let n = layer.inputs;
    for (var j0 = 0u; j0 < layer.outputs; j0 += 4u) {
      let rows = min(vec4<u32>(j0) + lanes, vec4<u32>(layer.outputs - 1u));
      var a0 = vec4<f32>(0.0); var a1 = vec4<f32>(0.0); var a2 = vec4<f32>(0.0); var a3 = vec4<f32>(0.0);
      if (layer.biasOffset != NO_BIAS) {
        let b = base + layer.biasOffset;
        a0 = vec4<f32>(thetas[b + rows.x]); a1 = vec4<f32>(thetas[b + rows.y]);
        a2 = vec4<f32>(thetas[b + rows.z]); a3 = vec4<f32>(thetas[b + rows.w]);
      }
      var b0 = a0; var b1 = a1; var b2 = a2; var b3 = a3;
      let w = base + layer.weightOffset;
      let r0 = w + rows.x * n; let r1 = w + rows.y * n; let r2 = w + rows.z * n; let r3 = w + rows.w * n;
      for (var i = 0u; i < n; i++) {
        let xa = h[inA + i];
        let xb = h[inB + i];
        let w0 = vec4<f32>(thetas[r0 + i]); let w1 = vec4<f32>(thetas[r1 + i]);
        let w2 = vec4<f32>(thetas[r2 + i]); let w3 = vec4<f32>(thetas[r3 + i]);
        a0 = fma(w0, xa, a0); a1 = fma(w1, xa, a1); a2 = fma(w2, xa, a2); a3 = fma(w3, xa, a3);
        b0 = fma(w0, xb, b0); b1 = fma(w1, xb, b1); b2 = fma(w2, xb, b2); b3 = fma(w3, xb, b3);
      }
      let za = array<vec4<f32>, 4>(a0, a1, a2, a3);
      let zb = array<vec4<f32>, 4>(b0, b1, b2, b3);
      for (var q = 0u; q < min(4u, layer.outputs - j0); q++) {
        let j = j0 + q;
        if (l == last) {
          h[outA + j] = za[q];
          h[outA + MAX_WIDTH + j] = zb[q];
        } else {
          // The delta slot holds z until the backward pass overwrites it with dL/dz.
          scratch[recA + layer.deltaSlot + j] = za[q];
          scratch[recB + layer.deltaSlot + j] = zb[q];
          var ha = activate(ACTIVATION, za[q]);
          var hb = activate(ACTIVATION, zb[q]);
          if (layer.addInput != 0u) {
            ha += h[inA + j];
            hb += h[inB + j];
          }
          h[outA + j] = ha;
          h[outA + MAX_WIDTH + j] = hb;
          let next = layers[l + 1u].inputSlot + j;
          scratch[recA + next] = ha;
          scratch[recB + next] = hb;
        }
      }
    }
    inA = outA;
  }

  // Loss and dL/d output per sample; padding lanes contribute nothing.
  let lossA = loss_and_delta(inA, sA);
  let lossB = loss_and_delta(inA + MAX_WIDTH, sB);
  scratch[recA + params.lossSlot] = select(vec4<f32>(0.0), lossA, validA);
  scratch[recB + params.lossSlot] = select(vec4<f32>(0.0), lossB, validB);
  let lastLayer = layers[last];
  for (var j = 0u; j < params.outputs; j++) {
    let da = select(vec4<f32>(0.0), h[inA + j], validA);
    let db = select(vec4<f32>(0.0), h[inA + MAX_WIDTH + j], validB);
    h[inA + j] = da;
    h[inA + MAX_WIDTH + j] = db;
    scratch[recA + lastLayer.deltaSlot + j] = da;
    scratch[recB + lastLayer.deltaSlot + j] = db;
  }

  // Backward, four input units at a time: each weight is read once per eight samples.
  for (var l = last; l >= 1u; l--) {
    let layer = layers[l];
    let below = layers[l - 1u];
    let outA = 2u * MAX_WIDTH - inA;
    let inB = inA + MAX_WIDTH;
    let n = layer.inputs;
    for (var i0 = 0u; i0 < n; i0 += 4u) {
      let cols = min(vec4<u32>(i0) + lanes, vec4<u32>(n - 1u));
      var a0 = vec4<f32>(0.0); var a1 = vec4<f32>(0.0); var a2 = vec4<f32>(0.0); var a3 = vec4<f32>(0.0);
      var b0 = a0; var b1 = a1; var b2 = a2; var b3 = a3;
      var row = base + layer.weightOffset;
      for (var j = 0u; j < layer.outputs; j++) {
        let da = h[inA + j];
        let db = h[inB + j];
        let w0 = vec4<f32>(thetas[row + cols.x]); let w1 = vec4<f32>(thetas[row + cols.y]);
        let w2 = vec4<f32>(thetas[row + cols.z]); let w3 = vec4<f32>(thetas[row + cols.w]);
        a0 = fma(w0, da, a0); a1 = fma(w1, da, a1); a2 = fma(w2, da, a2); a3 = fma(w3, da, a3);
        b0 = fma(w0, db, b0); b1 = fma(w1, db, b1); b2 = fma(w2, db, b2); b3 = fma(w3, db, b3);
        row += n;
      }
      let accA = array<vec4<f32>, 4>(a0, a1, a2, a3);
      let accB = array<vec4<f32>, 4>(b0, b1, b2, b3);
      for (var q = 0u; q < min(4u, n - i0); q++) {
        let i = i0 + q;
        let slot = below.deltaSlot + i;
        // dL/dh_l = W_lᵀ·delta_l, plus dL/dh_{l+1} through the skip of a residual layer l.
        var gradA = accA[q];
        var gradB = accB[q];
        if (layer.addInput != 0u) {
          gradA += g[i];
          gradB += g[SKIP_WIDTH + i];
        }
        // Kept for the next step when layer l − 1 is residual (same unit i: in place is safe).
        if (below.addInput != 0u) {
          g[i] = gradA;
          g[SKIP_WIDTH + i] = gradB;
        }
        let deltaA = gradA * activate_derivative(ACTIVATION, scratch[recA + slot]);
        let deltaB = gradB * activate_derivative(ACTIVATION, scratch[recB + slot]);
        h[outA + i0 + q] = deltaA;
        h[outA + MAX_WIDTH + i0 + q] = deltaB;
        scratch[recA + slot] = deltaA;
        scratch[recB + slot] = deltaB;
      }
    }
    inA = outA;
  }
}
