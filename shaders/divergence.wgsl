// Marks vector k diverged (divergedAt[k] = step, once) when its loss or any of its parameters is
// not finite. One workgroup per vector; finiteness is read from the exponent bits, so no
// compiler assumption about NaN can remove the test.

override WORKGROUP_SIZE: u32 = 64u;

@group(0) @binding(0) var<uniform> params: OptimizerParams;
@group(0) @binding(1) var<storage, read> thetas: array<f32>;
@group(0) @binding(2) var<storage, read> losses: array<f32>;
@group(0) @binding(3) var<storage, read_write> divergedAt: array<u32>;

var<workgroup> nonFinite: atomic<u32>;

fn is_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) != 0x7f800000u;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let k = group.x;
  if (lane == 0u) { atomicStore(&nonFinite, 0u); }
  workgroupBarrier();
  var bad = lane == 0u && !is_finite(losses[k]);
  let base = k * params.paramCount;
  for (var p = lane; p < params.paramCount; p += WORKGROUP_SIZE) {
    bad = bad || !is_finite(thetas[base + p]);
  }
  if (bad) { atomicOr(&nonFinite, 1u); }
  workgroupBarrier();
  if (lane == 0u && atomicLoad(&nonFinite) != 0u && divergedAt[k] == 0u) { divergedAt[k] = params.step; }
}
