/**
 * TensorFlow.js peer: its WebAssembly backend (SIMD; threads only where the runtime gives them) in Node,
 * computing the grid the way a TensorFlow.js user would: θ = θ₀ + α·d₁ + β·d₂ formed as a tensor, sliced
 * into each layer's weights, and a full forward pass over the m samples — either one point at a time or
 * a whole grid row of points in one batched pass (batched matMul over the row's weight stacks). The
 * row's losses are read back once per row, so no peer pays a read-back per point.
 */
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { gridCoordinate, type PeerProblem, type PeerRun } from './problem';

type Tf = typeof import('@tensorflow/tfjs-core');
type Tensor = import('@tensorflow/tfjs-core').Tensor;

export type TfjsMode = 'point' | 'row';

let ready: Promise<{ tf: Tf; threads: number }> | null = null;

/** Loads tfjs-core with the wasm backend from node_modules (once). */
export function loadTfjsWasm(): Promise<{ tf: Tf; threads: number }> {
  ready ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(`${join(dist, 'dist')}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js: the wasm backend did not initialise');
    await tf.ready();
    return { tf, threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? wasm.getThreadsCount() : 1 };
  })();
  return ready;
}

/** Mean loss per point of a batch of outputs [B, m, outputs] (or [m, outputs]). */
function meanLoss(tf: Tf, p: PeerProblem, out: Tensor, targets: Tensor): Tensor {
  const axes = out.rank === 3 ? [1, 2] : [0, 1];
  if (p.loss === 'mse') return tf.mean(tf.square(tf.sub(out, targets)), axes);
  // Cross-entropy with one-hot targets: −mean over samples of log softmax at the class.
  return tf.neg(tf.mul(tf.sum(tf.mul(tf.logSoftmax(out), targets), axes), 1 / p.m));
}

/**
 * Forward pass of stacked parameter vectors thetas [B, P] (B = 1 for one point); losses [B]. Weights are
 * transposed explicitly before matMul: the wasm backend's `transposeB` path is several times slower here.
 * A row batch runs its first layer as one wide matMul of the shared inputs with all B weight matrices side by
 * side ([m, in] × [in, B·out]; broadcasting the inputs in a batched matMul is slower still), later layers as
 * batched matMuls.
 */
function lossesAt(tf: Tf, p: PeerProblem, x: Tensor, targets: Tensor, thetas: Tensor): Tensor {
  const batch = thetas.shape[0];
  let h: Tensor = x;
  p.layers.forEach((layer, l) => {
    const { inputs, outputs } = layer;
    const flat = tf.slice(thetas, [0, layer.weightOffset], [batch, outputs * inputs]);
    let z: Tensor;
    if (batch === 1) z = tf.matMul(h, tf.transpose(tf.reshape(flat, [outputs, inputs])));
    else if (l === 0) {
      const side = tf.transpose(tf.reshape(flat, [batch * outputs, inputs]));
      z = tf.transpose(tf.reshape(tf.matMul(h, side), [p.m, batch, outputs]), [1, 0, 2]);
    } else z = tf.matMul(h, tf.transpose(tf.reshape(flat, [batch, outputs, inputs]), [0, 2, 1]));
    if (layer.biasOffset >= 0) {
      const b = tf.slice(thetas, [0, layer.biasOffset], [batch, outputs]);
      z = tf.add(z, batch === 1 ? b : tf.reshape(b, [batch, 1, outputs]));
    }
    h = l < p.layers.length - 1 ? (p.activation === 'tanh' ? tf.tanh(z) : tf.relu(z)) : z;
  });
  const out = batch === 1 ? tf.expandDims(h, 0) : h;
  return meanLoss(tf, p, out, targets);
}

/**
 * The grid, row by row; stops after `budgetSeconds` (0: never) and extrapolates from the rows done.
 * One point is computed first, untimed, so the backend's kernels are compiled.
 */
export async function runTfjsPeer(p: PeerProblem, mode: TfjsMode, budgetSeconds: number): Promise<PeerRun> {
  const { tf, threads } = await loadTfjsWasm();
  const x = tf.tensor2d(p.x, [p.m, p.inputs]);
  const targets =
    p.loss === 'mse' ? tf.tensor2d(p.y, [p.m, p.outputs]) : tf.oneHot(tf.tensor1d(Int32Array.from(p.y, Math.round), 'int32'), p.outputs);
  const c = tf.tensor1d(p.center);
  const dx = tf.tensor1d(p.directionX);
  const dy = tf.tensor1d(p.directionY);
  const pointLoss = (alpha: number, beta: number): Tensor =>
    tf.tidy(() => lossesAt(tf, p, x, targets, tf.expandDims(tf.add(c, tf.add(tf.mul(dx, alpha), tf.mul(dy, beta))), 0)));
  try {
    const check = tf.tidy(() => tf.concat([pointLoss(0, 0), pointLoss(-p.span, -p.span)]));
    const [centerLoss = Number.NaN, cornerLoss = Number.NaN] = await check.data();
    check.dispose();
    const alphas = Array.from({ length: p.gridSize }, (_, i) => gridCoordinate(p, i));
    const alphaColumn = tf.tensor2d(alphas, [p.gridSize, 1]);
    const t0 = performance.now();
    let rowsMeasured = 0;
    for (let iy = 0; iy < p.gridSize; iy++) {
      const beta = gridCoordinate(p, iy);
      const row = tf.tidy(() => {
        if (mode === 'point') return tf.concat(alphas.map((a) => pointLoss(a, beta)));
        const thetas = tf.add(tf.add(c, tf.mul(dy, beta)), tf.mul(alphaColumn, dx));
        return lossesAt(tf, p, x, targets, thetas);
      });
      await row.data();
      row.dispose();
      rowsMeasured++;
      if (budgetSeconds > 0 && (performance.now() - t0) / 1000 > budgetSeconds) break;
    }
    const measured = (performance.now() - t0) / 1000;
    alphaColumn.dispose();
    return { seconds: (measured * p.gridSize) / rowsMeasured, rowsMeasured, rows: p.gridSize, centerLoss, cornerLoss, threads };
  } finally {
    tf.dispose([x, targets, c, dx, dy]);
  }
}
