// Structs shared by gradient.wgsl and gradientReduce.wgsl (src/gpu/gradient.gpu.ts joins them).

struct GradParams {
  paramCount: u32,
  vectorCount: u32,
  layerCount: u32,
  outputs: u32,
  batchStart: u32,
  chunkCount: u32,
  chunkQuads: u32,
  indexed: u32,
  stride: u32,
  lossSlot: u32,
  accumulate: u32,
  inputs: u32,
  divisor: f32,
}

// Offsets of layer l: weights and bias in a parameter vector (biasOffset = 0xffffffff: none),
// its input h_l and its delta inside one sample quad's scratch record, in vec4 units; its 4 × 4
// gradient tiles (rows of four output units × columns of four inputs, bias column included,
// numbered from tileStart row by row) in gradientReduce.wgsl. addInput = 1: a residual layer
// (inputs = outputs, never the first or last), h_{l+1} = h_l + σ(z_l).
struct Layer {
  inputs: u32,
  outputs: u32,
  weightOffset: u32,
  biasOffset: u32,
  inputSlot: u32,
  deltaSlot: u32,
  tileStart: u32,
  tileColumns: u32,
  addInput: u32,
}
