import type { Surface } from './src/landscape/surface';
import type { ColormapName } from './src/state/appState';
import { SurfaceView } from './src/view/surfaceView';

const params = new URLSearchParams(location.search);
const gridSize = Number(params.get('n') ?? 129);
const span = Number(params.get('span') ?? 1);
const alphas = new Float32Array(gridSize);
const betas = new Float32Array(gridSize);
for (let i = 0; i < gridSize; i++) {
  alphas[i] = -span + (2 * span * i) / (gridSize - 1);
  betas[i] = alphas[i] ?? 0;
}
const loss = new Float32Array(gridSize * gridSize);
let min = Infinity, max = -Infinity, nonFinite = 0;
for (let iy = 0; iy < gridSize; iy++) for (let ix = 0; ix < gridSize; ix++) {
  const a = (alphas[ix] ?? 0) / span, b = (betas[iy] ?? 0) / span;
  let v = 0.8 + 0.5 * (a * a - b * b)
    + 0.6 * Math.exp(-((a - 0.5) ** 2 + (b + 0.4) ** 2) / 0.05)
    - 0.7 * Math.exp(-((a + 0.4) ** 2 + (b - 0.3) ** 2) / 0.08)
    + 0.1 * Math.sin(6 * a) * Math.cos(5 * b)
    + 1.2 * Math.exp((a + b - 2) * 2.5);
  v = Math.abs(v) + 0.01;
  if ((a - 0.75) ** 2 + (b + 0.75) ** 2 < 0.004) v = NaN;
  if (Math.abs(a + 0.9) < 0.02 && Math.abs(b + 0.9) < 0.02) v = Infinity;
  loss[iy * gridSize + ix] = v;
  if (Number.isFinite(v)) { min = Math.min(min, v); max = Math.max(max, v); } else nonFinite++;
}
const surface: Surface = {
  gridSize, span, alphas, betas, loss, min, max, centerLoss: 0.8, nonFinite,
  device: 'cpu', adapter: 'demo', timings: { gridMs: 0, trainMs: 0 },
};
const container = document.getElementById('view');
if (container === null) throw new Error('no #view');
const view = new SurfaceView(container, { preserveDrawingBuffer: true });
view.setSurface(surface, {
  logScale: params.get('log') === '1',
  zClip: Number(params.get('clip') ?? 0),
  colormap: (params.get('cmap') ?? 'viridis') as ColormapName,
});
const preset = params.get('preset');
if (preset === 'top') view.setCameraPreset('top');
Object.assign(window, { view, surface });
(window as unknown as { demoReady: boolean }).demoReady = true;
