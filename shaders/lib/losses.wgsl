// Per-sample losses on four samples at once (one lane per sample). Codes match src/gpu/codes.ts.

fn bce_loss(o: vec4<f32>, y: vec4<f32>) -> vec4<f32> {
  return max(o, vec4<f32>(0.0)) - o * y + log(1.0 + exp(-abs(o)));
}
