// The SIMD CPU engine's kernels (AssemblyScript, compiled to WebAssembly with SIMD and threads).
//
// The grid kernel mirrors shaders/lossGrid.wgsl: layer 0 comes from precomputed projections
// (X·W₀ᵀ + b₀, X·D₁ᵀ + d₁b, X·D₂ᵀ + d₂b, computed once by `firstLayer`), so per grid point layer 0
// costs O(n₁) per sample; samples go eight at a time (two f32x4 lane groups A, B) and output units
// four at a time, so 4 × 8 accumulators stay in registers. Unlike the GPU, a CPU thread forms each
// grid point's weights θ + α·d₁ + β·d₂ once into its scratch and reuses them for every sample.
//
// No allocation, no static data: every buffer lives at an offset the host (src/wasm/cpuEngine.ts)
// chose in one memory, which is shared between worker threads in the threaded build. The job's
// header is a table of i32 words (see the H_* indices, written by src/wasm/layout.ts).

const H_LAYERS: i32 = 0;
const H_OUTPUTS: i32 = 1;
const H_M: i32 = 2;
const H_BLOCKS8: i32 = 3;
const H_WIDTH0: i32 = 4;
const H_FIRST: i32 = 5;
const H_TARGETS: i32 = 6;
const H_LOSS: i32 = 7;
const H_CORRECT: i32 = 8;
const H_GRID: i32 = 9;
const H_ALPHA0: i32 = 10;
const H_ALPHA_STEP: i32 = 11;
const H_BETA0: i32 = 12;
const H_BETA_STEP: i32 = 13;
const H_ACTIVATION: i32 = 14;
const H_LOSS_KIND: i32 = 15;
const H_REGION: i32 = 16;
const H_YCOLS: i32 = 17;
const H_INPUTS: i32 = 18;
const H_X: i32 = 19;
const H_W0: i32 = 20;
const H_B0: i32 = 21;
const H_INPUTS_PAD: i32 = 22;
const H_H_OFFSET: i32 = 23;
const H_THETAS: i32 = 24;
const H_PARAMS: i32 = 25;
const H_XLANE: i32 = 26;
const H_FIRST_ROW: i32 = 27;
const H_LAYER_TABLE: i32 = 32;
const LAYER_WORDS: i32 = 8;

@inline function word(header: usize, index: i32): i32 {
  return load<i32>(header + (<usize>index << 2));
}

@inline function real(header: usize, index: i32): f32 {
  return load<f32>(header + (<usize>index << 2));
}

// ---- vector math (four lanes) -------------------------------------------------------------

@inline function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/**
 * e^x, Cephes' polynomial on x − n·ln2, |x − n·ln2| ≤ ln2/2; x clamped to [−87.3, 88.3]. Rounding
 * and 2^n go through the 1.5·2^23 shifter (n lands in the low mantissa bits), and the clamps are
 * pmin/pmax: wasm's NaN-propagating min/max and saturating conversions cost many instructions on x64.
 */
@inline function exp4(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(x, splat(-87.3)), splat(88.3));
  const shifted = f32x4.add(f32x4.mul(xc, splat(1.44269504089)), splat(12582912.0));
  const n = f32x4.sub(shifted, splat(12582912.0));
  let r = f32x4.sub(xc, f32x4.mul(n, splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, splat(-2.12194440e-4)));
  let p = splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), splat(5.0000001201e-1));
  const er = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.sub(shifted, i32x4.splat(0x4b400000)), i32x4.splat(127)), 23);
  return f32x4.mul(er, scale);
}

/** log(1 + e) for e in [0, 1] without losing small e: 2·atanh(f / (2 + f)) on a reduced f. */
@inline function log1p01(e: v128): v128 {
  const big = f32x4.gt(e, splat(0.41421356));
  const f = v128.bitselect(f32x4.mul(f32x4.sub(e, splat(1.0)), splat(0.5)), e, big);
  const s = f32x4.div(f, f32x4.add(splat(2.0), f));
  const z = f32x4.mul(s, s);
  let p = splat(1.0 / 9.0);
  p = f32x4.add(f32x4.mul(p, z), splat(1.0 / 7.0));
  p = f32x4.add(f32x4.mul(p, z), splat(1.0 / 5.0));
  p = f32x4.add(f32x4.mul(p, z), splat(1.0 / 3.0));
  p = f32x4.add(f32x4.mul(p, z), splat(1.0));
  const series = f32x4.mul(f32x4.mul(s, splat(2.0)), p);
  return f32x4.add(series, v128.and(splat(0.69314718056), big));
}

@inline function tanh4(z: v128): v128 {
  const e = exp4(f32x4.mul(f32x4.abs(z), splat(-2.0)));
  const t = f32x4.div(f32x4.sub(splat(1.0), e), f32x4.add(splat(1.0), e));
  return v128.or(t, v128.and(z, i32x4.splat(0x80000000)));
}

@inline function sigmoid4(z: v128): v128 {
  return f32x4.div(splat(1.0), f32x4.add(splat(1.0), exp4(f32x4.neg(z))));
}

@inline function softplus4(z: v128): v128 {
  return f32x4.add(f32x4.pmax(z, splat(0.0)), log1p01(exp4(f32x4.neg(f32x4.abs(z)))));
}

@inline function gelu4(z: v128): v128 {
  const u = f32x4.mul(splat(0.7978845608), f32x4.add(z, f32x4.mul(splat(0.044715), f32x4.mul(z, f32x4.mul(z, z)))));
  return f32x4.mul(f32x4.mul(splat(0.5), z), f32x4.add(splat(1.0), tanh4(u)));
}

/**
 * The activation (codes as src/gpu/codes.ts) on `count` vectors at `at`, in place: one switch per
 * layer and a tight loop per kind, so the dense loops keep their accumulators in registers.
 */
function activateRange(kind: i32, at: usize, count: i32): void {
  const end = at + (<usize>count << 4);
  switch (kind) {
    case 0:
      for (let p = at; p < end; p += 16) v128.store(p, tanh4(v128.load(p)));
      break;
    case 1:
      for (let p = at; p < end; p += 16) v128.store(p, sigmoid4(v128.load(p)));
      break;
    case 2:
      for (let p = at; p < end; p += 16) v128.store(p, f32x4.pmax(v128.load(p), splat(0.0)));
      break;
    case 3:
      for (let p = at; p < end; p += 16) {
        const z = v128.load(p);
        v128.store(p, v128.bitselect(z, f32x4.mul(z, splat(0.01)), f32x4.gt(z, splat(0.0))));
      }
      break;
    case 4:
      for (let p = at; p < end; p += 16) v128.store(p, softplus4(v128.load(p)));
      break;
    case 5:
      for (let p = at; p < end; p += 16) v128.store(p, gelu4(v128.load(p)));
      break;
    default:
      break;
  }
}

// ---- first layer: projections per sample ---------------------------------------------------

/**
 * For samples [sampleStart, sampleEnd) (multiples of 4 but the end) and every unit j of layer 0:
 * (W₀x + b₀, D₁x + d₁b, D₂x + d₂b), stored lane-wise: group g = s/4, v128 ((g·n₁ + j)·3 + t), lane s%4.
 */
export function firstLayer(header: usize, sampleStart: i32, sampleEnd: i32): void {
  const width0 = word(header, H_WIDTH0);
  const inputsPad = word(header, H_INPUTS_PAD);
  const x = <usize>word(header, H_X);
  const w0 = <usize>word(header, H_W0);
  const b0 = word(header, H_B0);
  const first = <usize>word(header, H_FIRST);
  const plane = <usize>(width0 * inputsPad) << 2;
  for (let s = sampleStart; s < sampleEnd; s++) {
    const row = x + (<usize>(s * inputsPad) << 2);
    const out = first + (<usize>(((s >> 2) * width0) * 3) << 4) + (<usize>(s & 3) << 2);
    for (let j = 0; j < width0; j++) {
      const wRow = w0 + (<usize>(j * inputsPad) << 2);
      let a = splat(0.0);
      let b = splat(0.0);
      let c = splat(0.0);
      for (let k = 0; k < inputsPad; k += 4) {
        const xv = v128.load(row + (<usize>k << 2));
        const at = wRow + (<usize>k << 2);
        a = f32x4.add(a, f32x4.mul(xv, v128.load(at)));
        b = f32x4.add(b, f32x4.mul(xv, v128.load(at + plane)));
        c = f32x4.add(c, f32x4.mul(xv, v128.load(at + plane + plane)));
      }
      let sa = f32x4.extract_lane(a, 0) + f32x4.extract_lane(a, 1) + f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3);
      let sb = f32x4.extract_lane(b, 0) + f32x4.extract_lane(b, 1) + f32x4.extract_lane(b, 2) + f32x4.extract_lane(b, 3);
      let sc = f32x4.extract_lane(c, 0) + f32x4.extract_lane(c, 1) + f32x4.extract_lane(c, 2) + f32x4.extract_lane(c, 3);
      if (b0 >= 0) {
        const bias = <usize>b0 + (<usize>j << 2);
        sa += load<f32>(bias);
        sb += load<f32>(bias + (<usize>width0 << 2));
        sc += load<f32>(bias + (<usize>(2 * width0) << 2));
      }
      const at = out + (<usize>(j * 3) << 4);
      store<f32>(at, sa);
      store<f32>(at + 16, sb);
      store<f32>(at + 32, sc);
    }
  }
}

// ---- the grid ------------------------------------------------------------------------------

/** Weights of layers ≥ 1 at (α, β) into the scratch: per block of four units, bias then one v128 per input. */
function formWeights(header: usize, scratch: usize, alpha: f32, beta: f32): void {
  const layers = word(header, H_LAYERS);
  const a = splat(alpha);
  const b = splat(beta);
  for (let l = 1; l < layers; l++) {
    const t = header + (<usize>(H_LAYER_TABLE + l * LAYER_WORDS) << 2);
    const inputs = load<i32>(t);
    const blocks = load<i32>(t, 8);
    let tile = <usize>load<i32>(t, 12);
    let w = scratch + <usize>load<i32>(t, 16);
    const count = blocks * (inputs + 1);
    for (let i = 0; i < count; i++) {
      const v = f32x4.add(v128.load(tile), f32x4.add(f32x4.mul(a, v128.load(tile, 16)), f32x4.mul(b, v128.load(tile, 32))));
      v128.store(w, v);
      tile += 48;
      w += 16;
    }
  }
}

/**
 * One dense layer on a block of eight samples (h: one unit per 32 bytes, lane groups A and B):
 * hOut[j] = σ(b_j + Σ_k w_jk·hIn[k]) (+ hIn[j] on a residual layer); weights at `w` as formWeights lays them out.
 */
@inline function dense(w: usize, inputs: i32, blocks: i32, hIn: usize, hOut: usize, activation: i32, isLast: bool, addInput: bool): void {
  for (let jb = 0; jb < blocks; jb++) {
    let a0 = v128.load32_splat(w);
    let a1 = v128.load32_splat(w, 4);
    let a2 = v128.load32_splat(w, 8);
    let a3 = v128.load32_splat(w, 12);
    let b0 = a0;
    let b1 = a1;
    let b2 = a2;
    let b3 = a3;
    w += 16;
    let hk = hIn;
    for (let k = 0; k < inputs; k++) {
      const hA = v128.load(hk);
      const hB = v128.load(hk, 16);
      const w0 = v128.load32_splat(w);
      const w1 = v128.load32_splat(w, 4);
      const w2 = v128.load32_splat(w, 8);
      const w3 = v128.load32_splat(w, 12);
      a0 = f32x4.add(a0, f32x4.mul(w0, hA));
      a1 = f32x4.add(a1, f32x4.mul(w1, hA));
      a2 = f32x4.add(a2, f32x4.mul(w2, hA));
      a3 = f32x4.add(a3, f32x4.mul(w3, hA));
      b0 = f32x4.add(b0, f32x4.mul(w0, hB));
      b1 = f32x4.add(b1, f32x4.mul(w1, hB));
      b2 = f32x4.add(b2, f32x4.mul(w2, hB));
      b3 = f32x4.add(b3, f32x4.mul(w3, hB));
      w += 16;
      hk += 32;
    }
    const o = hOut + (<usize>jb << 7);
    v128.store(o, a0);
    v128.store(o, b0, 16);
    v128.store(o, a1, 32);
    v128.store(o, b1, 48);
    v128.store(o, a2, 64);
    v128.store(o, b2, 80);
    v128.store(o, a3, 96);
    v128.store(o, b3, 112);
  }
  const units = blocks * 4;
  if (!isLast) activateRange(activation, hOut, units * 2);
  if (addInput) {
    // h_{l+1} = h_l + σ(z_l); rows past the width (padding of the last block) are never read.
    for (let j = 0; j < units * 2; j++) {
      const at = <usize>j << 4;
      v128.store(hOut + at, f32x4.add(v128.load(hOut + at), v128.load(hIn + at)));
    }
  }
}

/** Summed loss of one group of four samples whose outputs sit at h (stride 32 bytes per unit), and hits. */
@inline function groupLoss(header: usize, h: usize, group: i32, valid: v128, result: usize): void {
  const outputs = word(header, H_OUTPUTS);
  const kind = word(header, H_LOSS_KIND);
  const yCols = word(header, H_YCOLS);
  const y = <usize>word(header, H_TARGETS) + (<usize>(group * yCols) << 4);
  let loss = splat(0.0);
  let hit = splat(0.0);
  if (kind == 0) {
    for (let j = 0; j < outputs; j++) {
      const d = f32x4.sub(v128.load(h + (<usize>j << 5)), v128.load(y + (<usize>j << 4)));
      loss = f32x4.add(loss, f32x4.mul(d, d));
    }
  } else if (kind == 1) {
    let best = v128.load(h);
    let bestIndex = i32x4.splat(0);
    for (let j = 1; j < outputs; j++) {
      const o = v128.load(h + (<usize>j << 5));
      const better = f32x4.gt(o, best);
      bestIndex = v128.bitselect(i32x4.splat(j), bestIndex, better);
      best = v128.bitselect(o, best, better);
    }
    const cls = i32x4.min_s(i32x4.trunc_sat_f32x4_s(f32x4.add(v128.load(y), splat(0.5))), i32x4.splat(outputs - 1));
    let se = splat(0.0);
    let picked = splat(0.0);
    for (let j = 0; j < outputs; j++) {
      const o = v128.load(h + (<usize>j << 5));
      se = f32x4.add(se, exp4(f32x4.sub(o, best)));
      picked = v128.bitselect(o, picked, i32x4.eq(cls, i32x4.splat(j)));
    }
    // log(se) with se in [1, outputs]: log1p on the mantissa in [1, 2) plus the exponent·ln2.
    const exponent = i32x4.sub(i32x4.shr_u(se, 23), i32x4.splat(127));
    const mantissa = v128.or(v128.and(se, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
    const logSe = f32x4.add(log1p01(f32x4.sub(mantissa, splat(1.0))), f32x4.mul(f32x4.convert_i32x4_s(exponent), splat(0.69314718056)));
    loss = f32x4.sub(f32x4.add(best, logSe), picked);
    hit = v128.and(i32x4.eq(bestIndex, cls), splat(1.0));
  } else {
    const o = v128.load(h);
    const t = v128.load(y);
    const soft = log1p01(exp4(f32x4.neg(f32x4.abs(o))));
    loss = f32x4.add(f32x4.sub(f32x4.pmax(o, splat(0.0)), f32x4.mul(o, t)), soft);
    hit = v128.and(v128.not(v128.xor(f32x4.gt(o, splat(0.0)), f32x4.gt(t, splat(0.5)))), splat(1.0));
  }
  // Padding lanes (past the last sample) are dropped whatever their value, Inf and NaN included.
  loss = v128.and(loss, valid);
  hit = v128.and(hit, valid);
  const lossLow = f64x2.promote_low_f32x4(loss);
  const lossHigh = f64x2.promote_low_f32x4(v128.shuffle<f32>(loss, loss, 2, 3, 0, 1));
  const hitLow = f64x2.promote_low_f32x4(hit);
  const hitHigh = f64x2.promote_low_f32x4(v128.shuffle<f32>(hit, hit, 2, 3, 0, 1));
  v128.store(result, f64x2.add(v128.load(result), f64x2.add(lossLow, lossHigh)));
  v128.store(result, f64x2.add(v128.load(result, 16), f64x2.add(hitLow, hitHigh)), 16);
}

/**
 * Loss sums and correct counts of points [pointStart, pointEnd) (index iy·gridSize + ix) into the
 * header's loss and correct arrays (f64 each). `scratch` is this thread's own region.
 */
export function grid(header: usize, scratch: usize, pointStart: i32, pointEnd: i32): void {
  const layers = word(header, H_LAYERS);
  const m = word(header, H_M);
  const blocks8 = word(header, H_BLOCKS8);
  const width0 = word(header, H_WIDTH0);
  const first = <usize>word(header, H_FIRST);
  const gridSize = word(header, H_GRID);
  const firstRow = word(header, H_FIRST_ROW);
  const activation = word(header, H_ACTIVATION);
  const region = <usize>word(header, H_REGION);
  const hBase = scratch + <usize>word(header, H_H_OFFSET);
  const sums = hBase + region * 2;
  const lastIsFirst = layers == 1;
  for (let p = pointStart; p < pointEnd; p++) {
    const alpha = real(header, H_ALPHA0) + <f32>(p % gridSize) * real(header, H_ALPHA_STEP);
    // Row firstRow + iy of the whole grid (a strip or shard): the very β the whole grid's run forms.
    const beta = real(header, H_BETA0) + <f32>(firstRow + p / gridSize) * real(header, H_BETA_STEP);
    formWeights(header, scratch, alpha, beta);
    const av = splat(alpha);
    const bv = splat(beta);
    v128.store(sums, f64x2.splat(0.0));
    v128.store(sums, f64x2.splat(0.0), 16);
    for (let blk = 0; blk < blocks8; blk++) {
      // Layer 0 from the projections: h[j] = σ(a + α·b + β·c) for groups A and B.
      let hIn = hBase;
      let hOut = hBase + region;
      const g0 = blk * 2;
      let src = first + (<usize>(g0 * width0 * 3) << 4);
      for (let q = 0; q < 2; q++) {
        let dst = hIn + (<usize>q << 4);
        for (let j = 0; j < width0; j++) {
          const z = f32x4.add(v128.load(src), f32x4.add(f32x4.mul(av, v128.load(src, 16)), f32x4.mul(bv, v128.load(src, 32))));
          v128.store(dst, z);
          src += 48;
          dst += 32;
        }
      }
      if (!lastIsFirst) activateRange(activation, hIn, width0 * 2);
      for (let l = 1; l < layers; l++) {
        const t = header + (<usize>(H_LAYER_TABLE + l * LAYER_WORDS) << 2);
        const inputs = load<i32>(t);
        const blocks = load<i32>(t, 8);
        const addInput = load<i32>(t, 20) != 0;
        const isLast = l == layers - 1;
        const w = scratch + <usize>load<i32>(t, 16);
        dense(w, inputs, blocks, hIn, hOut, activation, isLast, addInput);
        const swap = hIn;
        hIn = hOut;
        hOut = swap;
      }
      const s0 = g0 * 4;
      const lanes = i32x4(0, 1, 2, 3);
      const validA = i32x4.lt_s(i32x4.add(i32x4.splat(s0), lanes), i32x4.splat(m));
      const validB = i32x4.lt_s(i32x4.add(i32x4.splat(s0 + 4), lanes), i32x4.splat(m));
      groupLoss(header, hIn, g0, validA, sums);
      groupLoss(header, hIn + 16, g0 + 1, validB, sums);
    }
    const lossSum = v128.load(sums);
    const hitSum = v128.load(sums, 16);
    store<f64>(<usize>word(header, H_LOSS) + (<usize>p << 3), f64x2.extract_lane(lossSum, 0) + f64x2.extract_lane(lossSum, 1));
    store<f64>(<usize>word(header, H_CORRECT) + (<usize>p << 3), f64x2.extract_lane(hitSum, 0) + f64x2.extract_lane(hitSum, 1));
  }
}

// ---- explicit parameter vectors (paths, points) --------------------------------------------

/** Every layer's weights of the flat parameter vector at `theta` into the scratch, in formWeights' layout. */
function formWeightsFlat(header: usize, scratch: usize, theta: usize): void {
  const layers = word(header, H_LAYERS);
  for (let l = 0; l < layers; l++) {
    const t = header + (<usize>(H_LAYER_TABLE + l * LAYER_WORDS) << 2);
    const inputs = load<i32>(t);
    const outputs = load<i32>(t, 4);
    const blocks = load<i32>(t, 8);
    const weightOffset = load<i32>(t, 24);
    const biasOffset = load<i32>(t, 28);
    let w = scratch + <usize>load<i32>(t, 16);
    for (let jb = 0; jb < blocks; jb++) {
      for (let e = 0; e <= inputs; e++) {
        for (let q = 0; q < 4; q++) {
          const j = jb * 4 + q;
          let v: f32 = 0;
          if (j < outputs) {
            if (e > 0) v = load<f32>(theta + (<usize>(weightOffset + j * inputs + e - 1) << 2));
            else if (biasOffset >= 0) v = load<f32>(theta + (<usize>(biasOffset + j) << 2));
          }
          store<f32>(w, v);
          w += 4;
        }
      }
    }
  }
}

/**
 * Loss sums and correct counts of the parameter vectors [start, end) laid end to end at the header's
 * thetas: a plain forward pass per vector (no plane, so no factorised first layer), the same tiles.
 */
export function vectors(header: usize, scratch: usize, start: i32, end: i32): void {
  const layers = word(header, H_LAYERS);
  const m = word(header, H_M);
  const blocks8 = word(header, H_BLOCKS8);
  const activation = word(header, H_ACTIVATION);
  const region = <usize>word(header, H_REGION);
  const inputs = word(header, H_INPUTS);
  const params = word(header, H_PARAMS);
  const xLane = <usize>word(header, H_XLANE);
  const hBase = scratch + <usize>word(header, H_H_OFFSET);
  const sums = hBase + region * 2;
  for (let p = start; p < end; p++) {
    formWeightsFlat(header, scratch, <usize>word(header, H_THETAS) + (<usize>(p * params) << 2));
    v128.store(sums, f64x2.splat(0.0));
    v128.store(sums, f64x2.splat(0.0), 16);
    for (let blk = 0; blk < blocks8; blk++) {
      let hIn = xLane + (<usize>(blk * inputs) << 5);
      let hOut = hBase;
      for (let l = 0; l < layers; l++) {
        const t = header + (<usize>(H_LAYER_TABLE + l * LAYER_WORDS) << 2);
        const w = scratch + <usize>load<i32>(t, 16);
        dense(w, load<i32>(t), load<i32>(t, 8), hIn, hOut, activation, l == layers - 1, load<i32>(t, 20) != 0);
        hIn = hOut;
        hOut = hOut == hBase ? hBase + region : hBase;
      }
      const g0 = blk * 2;
      const s0 = g0 * 4;
      const lanes = i32x4(0, 1, 2, 3);
      const validA = i32x4.lt_s(i32x4.add(i32x4.splat(s0), lanes), i32x4.splat(m));
      const validB = i32x4.lt_s(i32x4.add(i32x4.splat(s0 + 4), lanes), i32x4.splat(m));
      groupLoss(header, hIn, g0, validA, sums);
      groupLoss(header, hIn + 16, g0 + 1, validB, sums);
    }
    const lossSum = v128.load(sums);
    const hitSum = v128.load(sums, 16);
    store<f64>(<usize>word(header, H_LOSS) + (<usize>p << 3), f64x2.extract_lane(lossSum, 0) + f64x2.extract_lane(lossSum, 1));
    store<f64>(<usize>word(header, H_CORRECT) + (<usize>p << 3), f64x2.extract_lane(hitSum, 0) + f64x2.extract_lane(hitSum, 1));
  }
}

// ---- loss and gradient at one parameter vector (training) ---------------------------------

const H_GRAD_TABLE: i32 = 128;
const GRAD_WORDS: i32 = 4;

/** d σ / dz on four lanes (codes as src/gpu/codes.ts). */
@inline function derivative4(kind: i32, z: v128): v128 {
  switch (kind) {
    case 0: {
      const t = tanh4(z);
      return f32x4.sub(splat(1.0), f32x4.mul(t, t));
    }
    case 1: {
      const s = sigmoid4(z);
      return f32x4.mul(s, f32x4.sub(splat(1.0), s));
    }
    case 2:
      return v128.and(f32x4.gt(z, splat(0.0)), splat(1.0));
    case 3:
      return v128.bitselect(splat(1.0), splat(0.01), f32x4.gt(z, splat(0.0)));
    case 4:
      return sigmoid4(z);
    case 5: {
      const u = f32x4.mul(splat(0.7978845608), f32x4.add(z, f32x4.mul(splat(0.044715), f32x4.mul(z, f32x4.mul(z, z)))));
      const t = tanh4(u);
      const du = f32x4.mul(splat(0.7978845608), f32x4.add(splat(1.0), f32x4.mul(splat(3.0 * 0.044715), f32x4.mul(z, z))));
      const left = f32x4.mul(splat(0.5), f32x4.add(splat(1.0), t));
      return f32x4.add(left, f32x4.mul(f32x4.mul(f32x4.mul(splat(0.5), z), f32x4.sub(splat(1.0), f32x4.mul(t, t))), du));
    }
    default:
      return splat(1.0);
  }
}

/** d loss / d output for one group of four samples (outputs at h, stride 32), zero on padding lanes, into d (stride 32). */
function outputDelta(header: usize, h: usize, group: i32, valid: v128, d: usize): void {
  const outputs = word(header, H_OUTPUTS);
  const kind = word(header, H_LOSS_KIND);
  const yCols = word(header, H_YCOLS);
  const y = <usize>word(header, H_TARGETS) + (<usize>(group * yCols) << 4);
  if (kind == 0) {
    for (let j = 0; j < outputs; j++) {
      const diff = f32x4.sub(v128.load(h + (<usize>j << 5)), v128.load(y + (<usize>j << 4)));
      v128.store(d + (<usize>j << 5), v128.and(f32x4.mul(diff, splat(2.0)), valid));
    }
  } else if (kind == 1) {
    let best = v128.load(h);
    for (let j = 1; j < outputs; j++) {
      const o = v128.load(h + (<usize>j << 5));
      best = v128.bitselect(o, best, f32x4.gt(o, best));
    }
    let se = splat(0.0);
    for (let j = 0; j < outputs; j++) se = f32x4.add(se, exp4(f32x4.sub(v128.load(h + (<usize>j << 5)), best)));
    const cls = i32x4.trunc_sat_f32x4_s(f32x4.add(v128.load(y), splat(0.5)));
    for (let j = 0; j < outputs; j++) {
      const p = f32x4.div(exp4(f32x4.sub(v128.load(h + (<usize>j << 5)), best)), se);
      const hot = v128.and(i32x4.eq(cls, i32x4.splat(j)), splat(1.0));
      v128.store(d + (<usize>j << 5), v128.and(f32x4.sub(p, hot), valid));
    }
  } else {
    const o = v128.load(h);
    v128.store(d, v128.and(f32x4.sub(sigmoid4(o), v128.load(y)), valid));
  }
}

/**
 * Summed loss and summed gradient (lane-wise partial sums, in formWeights' blocked layout, one v128 per
 * parameter) of the vector at the header's thetas over sample blocks [blockStart, blockEnd), added to
 * this thread's accumulators in `scratch` (the host zeroes them and reduces the lanes).
 */
export function gradient(header: usize, scratch: usize, blockStart: i32, blockEnd: i32): void {
  const layers = word(header, H_LAYERS);
  const m = word(header, H_M);
  const activation = word(header, H_ACTIVATION);
  const region = <usize>word(header, H_REGION);
  const inputs = word(header, H_INPUTS);
  const xLane = <usize>word(header, H_XLANE);
  const hBase = scratch + <usize>word(header, H_H_OFFSET);
  const sums = hBase + region * 2;
  const deltaA = sums + 32;
  const deltaB = deltaA + region;
  formWeightsFlat(header, scratch, <usize>word(header, H_THETAS));
  for (let blk = blockStart; blk < blockEnd; blk++) {
    // Forward: z_l and h_{l+1} of every layer kept for the backward pass.
    let hIn = xLane + (<usize>(blk * inputs) << 5);
    for (let l = 0; l < layers; l++) {
      const t = header + (<usize>(H_LAYER_TABLE + l * LAYER_WORDS) << 2);
      const g = header + (<usize>(H_GRAD_TABLE + l * GRAD_WORDS) << 2);
      const w = scratch + <usize>load<i32>(t, 16);
      const blocks = load<i32>(t, 8);
      const z = scratch + <usize>load<i32>(g);
      const post = scratch + <usize>load<i32>(g, 4);
      dense(w, load<i32>(t), blocks, hIn, z, activation, true, false);
      const count = blocks * 8;
      for (let i = 0; i < count; i++) {
        const at = <usize>i << 4;
        v128.store(post + at, v128.load(z + at));
      }
      if (l < layers - 1) activateRange(activation, post, count);
      if (load<i32>(t, 20) != 0) {
        for (let i = 0; i < count; i++) {
          const at = <usize>i << 4;
          v128.store(post + at, f32x4.add(v128.load(post + at), v128.load(hIn + at)));
        }
      }
      hIn = post;
    }
    const g0 = blk * 2;
    const s0 = g0 * 4;
    const lanes = i32x4(0, 1, 2, 3);
    const validA = i32x4.lt_s(i32x4.add(i32x4.splat(s0), lanes), i32x4.splat(m));
    const validB = i32x4.lt_s(i32x4.add(i32x4.splat(s0 + 4), lanes), i32x4.splat(m));
    groupLoss(header, hIn, g0, validA, sums);
    groupLoss(header, hIn + 16, g0 + 1, validB, sums);
    let delta = deltaA;
    let next = deltaB;
    outputDelta(header, hIn, g0, validA, delta);
    outputDelta(header, hIn + 16, g0 + 1, validB, delta + 16);
    // Backward.
    for (let l = layers - 1; l >= 0; l--) {
      const t = header + (<usize>(H_LAYER_TABLE + l * LAYER_WORDS) << 2);
      const g = header + (<usize>(H_GRAD_TABLE + l * GRAD_WORDS) << 2);
      const layerInputs = load<i32>(t);
      const outputs = load<i32>(t, 4);
      const w = scratch + <usize>load<i32>(t, 16);
      const z = scratch + <usize>load<i32>(g);
      const grad = scratch + <usize>load<i32>(g, 8);
      const residual = load<i32>(t, 20) != 0;
      const input = l == 0 ? xLane + (<usize>(blk * inputs) << 5) : scratch + <usize>load<i32>(header + (<usize>(H_GRAD_TABLE + (l - 1) * GRAD_WORDS) << 2), 4);
      // next = skip part (δ_{l+1} passes through a residual layer unchanged), before δ is scaled by σ'.
      // (Layer 0 has no δ for its input: the data.)
      if (l > 0) {
        for (let k = 0; k < layerInputs * 2; k++) {
          const at = <usize>k << 4;
          v128.store(next + at, residual ? v128.load(delta + at) : splat(0.0));
        }
      }
      if (l < layers - 1) {
        for (let j = 0; j < outputs * 2; j++) {
          const at = <usize>j << 4;
          v128.store(delta + at, f32x4.mul(v128.load(delta + at), derivative4(activation, v128.load(z + at))));
        }
      }
      const stride = <usize>(layerInputs + 1) << 6;
      for (let j = 0; j < outputs; j++) {
        const dA = v128.load(delta + (<usize>j << 5));
        const dB = v128.load(delta + (<usize>j << 5), 16);
        // Blocked layout: block j/4, entry e, lane j%4; one v128 (lane partial sums) per parameter.
        const row = grad + <usize>(j >> 2) * stride + (<usize>(j & 3) << 4);
        v128.store(row, f32x4.add(v128.load(row), f32x4.add(dA, dB)));
        const wRow = w + <usize>(j >> 2) * (<usize>(layerInputs + 1) << 4) + (<usize>(j & 3) << 2);
        for (let k = 0; k < layerInputs; k++) {
          const hA = v128.load(input + (<usize>k << 5));
          const hB = v128.load(input + (<usize>k << 5), 16);
          const at = row + (<usize>(k + 1) << 6);
          v128.store(at, f32x4.add(v128.load(at), f32x4.add(f32x4.mul(dA, hA), f32x4.mul(dB, hB))));
          if (l > 0) {
            const wk = v128.load32_splat(wRow + (<usize>(k + 1) << 4));
            const n = next + (<usize>k << 5);
            v128.store(n, f32x4.add(v128.load(n), f32x4.mul(wk, dA)));
            v128.store(n, f32x4.add(v128.load(n, 16), f32x4.mul(wk, dB)), 16);
          }
        }
      }
      const swap = delta;
      delta = next;
      next = swap;
    }
  }
}
