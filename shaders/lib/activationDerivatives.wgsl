// d activate / dz on four samples at once, matching src/model/activations.ts. Codes match
// src/gpu/codes.ts; needs tanh_stable from activations.wgsl.

fn activate_derivative(kind: u32, z: vec4<f32>) -> vec4<f32> {
  switch kind {
    case 0u: {
      let t = tanh_stable(z);
      return 1.0 - t * t;
    }
    case 1u, 4u: {
      // sigmoid' = s(1 − s); softplus' = s. exp(−|z|) keeps both finite for large |z|.
      let e = exp(-abs(z));
      let s = select(e / (1.0 + e), 1.0 / (1.0 + e), z >= vec4<f32>(0.0));
      return select(s * (1.0 - s), s, kind == 4u);
    }
    case 2u: { return select(vec4<f32>(0.0), vec4<f32>(1.0), z > vec4<f32>(0.0)); }
    case 3u: { return select(vec4<f32>(0.01), vec4<f32>(1.0), z > vec4<f32>(0.0)); }
    case 5u: {
      let u = 0.7978845608028654 * (z + 0.044715 * z * z * z);
      let t = tanh_stable(u);
      let du = 0.7978845608028654 * (1.0 + 3.0 * 0.044715 * z * z);
      return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * du;
    }
    default: { return vec4<f32>(1.0); }
  }
}
