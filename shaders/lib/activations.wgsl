// Hidden-layer activations on four samples at once. Codes match src/gpu/codes.ts.
// tanh is written out through exp(-2|z|) so large |z| never produces NaN.

fn tanh_stable(z: vec4<f32>) -> vec4<f32> {
  let e = exp(-2.0 * abs(z));
  return sign(z) * (1.0 - e) / (1.0 + e);
}

fn activate(kind: u32, z: vec4<f32>) -> vec4<f32> {
  switch kind {
    case 0u: { return tanh_stable(z); }
    case 1u: { return 1.0 / (1.0 + exp(-z)); }
    case 2u: { return max(z, vec4<f32>(0.0)); }
    case 3u: { return select(0.01 * z, z, z > vec4<f32>(0.0)); }
    case 4u: { return max(z, vec4<f32>(0.0)) + log(1.0 + exp(-abs(z))); }
    case 5u: {
      let u = 0.7978845608028654 * (z + 0.044715 * z * z * z);
      return 0.5 * z * (1.0 + tanh_stable(u));
    }
    default: { return z; }
  }
}
