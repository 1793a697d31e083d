// One weight tensor of an ONNX model at a point of the plane: tensor = θ₀ + α·d₁ + β·d₂ over the
// tensor's segment of the parameter vector, written into the tensor's own buffer (fed to onnxruntime as
// a GPU tensor). CPU twin: formSegmentCpu in src/model/onnx/weights.ts.

struct Segment {
  offset: u32,
  count: u32,
  // Threads per row of the dispatch (workgroups along x × 256), for grids of more than 65,535 workgroups.
  rowThreads: u32,
  pad: u32,
}

struct Coefficients {
  alpha: f32,
  beta: f32,
}

@group(0) @binding(0) var<storage, read> center: array<f32>;
@group(0) @binding(1) var<storage, read> dirX: array<f32>;
@group(0) @binding(2) var<storage, read> dirY: array<f32>;
@group(0) @binding(3) var<storage, read_write> tensor: array<f32>;
@group(0) @binding(4) var<uniform> segment: Segment;
@group(0) @binding(5) var<uniform> coef: Coefficients;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * segment.rowThreads;
  if (i >= segment.count) {
    return;
  }
  let k = segment.offset + i;
  tensor[i] = center[k] + coef.alpha * dirX[k] + coef.beta * dirY[k];
}
