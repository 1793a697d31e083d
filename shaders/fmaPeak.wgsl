// FMA peak microbenchmark: the adapter's physical limit for the grid kernel's arithmetic.
//
// Every invocation runs CHAINS (1, 2, 4 or 8; an override, so the unused ones are compiled out)
// independent vec4 fma chains, unrolled 4× per loop trip: with 8 chains, 32 independent lanes hide
// latency on a real GPU; a CPU emulation (SwiftShader) may do better with fewer, since every lane
// of every chain needs its own SIMD register there. The host tries several and keeps the best.
// The trip count comes from a uniform, so the loop cannot be folded; each chain converges
// (multiplier < 1) so values stay finite; the sum is written out so nothing is eliminated.
//
// Flops per invocation = iters × 4 (unroll) × CHAINS × 4 (lanes) × 2 (mul + add) = 32 × CHAINS × iters.

struct Params {
  iters: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

override WORKGROUP_SIZE: u32 = 64u;
override CHAINS: u32 = 8u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> sink: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WORKGROUP_SIZE;
  let s = f32(idx & 1023u) * 1.0e-6;
  let mul = vec4<f32>(0.9990, 0.9991, 0.9992, 0.9993) - vec4<f32>(s);
  let add = vec4<f32>(1.0e-3, 2.0e-3, 3.0e-3, 4.0e-3) + vec4<f32>(s);
  var a0 = vec4<f32>(s, s + 0.1, s + 0.2, s + 0.3);
  var a1 = a0 + vec4<f32>(0.01);
  var a2 = a0 + vec4<f32>(0.02);
  var a3 = a0 + vec4<f32>(0.03);
  var a4 = a0 + vec4<f32>(0.04);
  var a5 = a0 + vec4<f32>(0.05);
  var a6 = a0 + vec4<f32>(0.06);
  var a7 = a0 + vec4<f32>(0.07);
  for (var i = 0u; i < params.iters; i = i + 1u) {
    a0 = fma(a0, mul, add);
    if (CHAINS >= 2u) { a1 = fma(a1, mul, add); }
    if (CHAINS >= 4u) { a2 = fma(a2, mul, add); a3 = fma(a3, mul, add); }
    if (CHAINS >= 8u) { a4 = fma(a4, mul, add); a5 = fma(a5, mul, add); a6 = fma(a6, mul, add); a7 = fma(a7, mul, add); }
    a0 = fma(a0, mul, add);
    if (CHAINS >= 2u) { a1 = fma(a1, mul, add); }
    if (CHAINS >= 4u) { a2 = fma(a2, mul, add); a3 = fma(a3, mul, add); }
    if (CHAINS >= 8u) { a4 = fma(a4, mul, add); a5 = fma(a5, mul, add); a6 = fma(a6, mul, add); a7 = fma(a7, mul, add); }
    a0 = fma(a0, mul, add);
    if (CHAINS >= 2u) { a1 = fma(a1, mul, add); }
    if (CHAINS >= 4u) { a2 = fma(a2, mul, add); a3 = fma(a3, mul, add); }
    if (CHAINS >= 8u) { a4 = fma(a4, mul, add); a5 = fma(a5, mul, add); a6 = fma(a6, mul, add); a7 = fma(a7, mul, add); }
    a0 = fma(a0, mul, add);
    if (CHAINS >= 2u) { a1 = fma(a1, mul, add); }
    if (CHAINS >= 4u) { a2 = fma(a2, mul, add); a3 = fma(a3, mul, add); }
    if (CHAINS >= 8u) { a4 = fma(a4, mul, add); a5 = fma(a5, mul, add); a6 = fma(a6, mul, add); a7 = fma(a7, mul, add); }
  }
  let total = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
  sink[idx] = dot(total, vec4<f32>(1.0));
}
