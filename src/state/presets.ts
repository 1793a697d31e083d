/**
 * Presets that teach: each one is a small, exact story from the theory of loss landscapes, stored as
 * data (a partial AppState merged over the defaults, plus the view that shows its point), and each one
 * is a link, `#preset=<id>`, which expands into the full state (other keys in the same hash override it,
 * e.g. `#preset=uvx&grid=33`). Expansion goes through clampState, so a preset obeys the same limits as
 * a hand-written link; a test checks that no preset field is ignored or clamped.
 */
import { defaultState, type AppState, type ColormapName } from './appState';
import { clampState, decodeState, type DecodeResult } from './urlCodec';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** What the 3-D view shows when the preset opens, chosen to show its point. */
export interface PresetView {
  readonly camera: AppState['camera'];
  readonly colormap: ColormapName;
  /** Water level E in loss units (0: auto). */
  readonly level: number;
  readonly logScale: boolean;
}

export interface Preset {
  readonly id: string;
  readonly title: string;
  readonly oneLine: string;
  /** 2–4 sentences on what to look at. */
  readonly explanation: string;
  /** One thing to try. */
  readonly tryThis: string;
  readonly state: DeepPartial<AppState>;
  readonly view: PresetView;
  /** Opens a flow of the app after the state, when the app offers it ('connect': mode connectivity). */
  readonly flow?: 'connect';
}

/** m = 8 distinct inputs on a noisy sine: small enough that n₁ ≥ m is a small network. */
const EIGHT_POINTS = { kind: 'sine', samples: 8, noise: 0.3, classes: 2 } as const;
const THEOREM_TRAIN = { steps: 2000, learningRate: 0.05 } as const;
/** The plain / residual pair: one deep network, one seed, one checkbox apart. */
const SKIP_SEED = 2;
const SKIP_DATA = { kind: 'spiral', samples: 128, classes: 2, noise: 0.1 } as const;
const SKIP_HIDDEN = [16, 16, 16, 16, 16, 16];
const SKIP_TRAIN = { steps: 1000, learningRate: 0.01 } as const;

export const PRESETS: readonly Preset[] = [
  {
    id: 'uvx',
    title: 'f(x) = u·v·x: a saddle',
    oneLine: 'Two weights, the whole landscape: convex loss, non-convex in the weights.',
    explanation:
      'The network f(x) = u·v·x has exactly two weights, so this plane is the entire weight space: α is u and β is v, centred at the origin. ' +
      'The squared loss (uv − 1)²·mean(x²) is convex in the output uv but not in (u, v): the origin is a saddle, Hessian [[0, −2c], [−2c, 0]] with c = mean(x²) ≈ 0.33, eigenvalues ±2c ≈ ±0.66. ' +
      'The global minima form the hyperbola uv = 1, two valleys that never meet in this picture.',
    tryThis:
      'The water level starts just below the saddle (loss c ≈ 0.33): {L < E} has two components, one per branch of the hyperbola. Drag it above 0.33 and they merge at the origin.',
    state: { data: { kind: 'uvx', samples: 16, noise: 0 }, plane: { span: 2 }, sublevel: { contours: 16, water: true } },
    view: { camera: { azimuth: -20, elevation: 32, distance: 6.4 }, colormap: 'turbo', level: 0.3, logScale: false },
  },
  {
    id: 'deep-linear',
    title: 'Deep linear network',
    oneLine: 'Three identity layers: non-convex, yet every local minimum is global.',
    explanation:
      'With the identity activation the network computes a product of matrices W₃W₂W₁x, a linear map, so the best fit is the least-squares line. ' +
      'The loss is still non-convex in the weights (rescaling one layer up and the next down changes nothing, and the origin is a saddle). ' +
      'Kawaguchi (2016) and Laurent & von Brecht (2018): every local minimum of a deep linear network is global. Look for valleys, not pits.',
    tryThis: 'Open “Train many seeds” and train 16 seeds: every final loss is the same least-squares value.',
    state: {
      data: { kind: 'sine', samples: 64, noise: 0.1 },
      model: { hidden: [4, 4], activation: 'identity', loss: 'mse', bias: true },
      train: { steps: 600, learningRate: 0.02 },
    },
    view: { camera: { azimuth: 35, elevation: 30, distance: 5.6 }, colormap: 'viridis', level: 0, logScale: true },
  },
  {
    id: 'wide-tanh',
    title: 'Wide tanh: all minima global',
    oneLine: 'One hidden layer, n₁ = 10 ≥ m = 8 distinct points, squared loss: every seed reaches zero.',
    explanation:
      'For one hidden layer with an analytic bounded activation (tanh), squared loss, distinct inputs and n₁ ≥ m, every local minimum is global (Theorem 1). ' +
      'Here m = 8 points and n₁ = 10, so training from any seed ends at zero loss, up to the finite number of steps. ' +
      'The surface around θ₀ dips to the floor of the log scale: the fit is exact.',
    tryThis:
      'Open “Are all minima global?” below the view and run the width sweep: from n₁ = 5 on every seed reaches ε (the theorem’s n₁ ≥ m is sufficient, not necessary).',
    state: {
      data: EIGHT_POINTS,
      model: { hidden: [10], activation: 'tanh', loss: 'mse', bias: true },
      train: THEOREM_TRAIN,
      plane: { span: 1 },
    },
    view: { camera: { azimuth: 35, elevation: 32, distance: 5.6 }, colormap: 'viridis', level: 0, logScale: true },
  },
  {
    id: 'narrow-tanh',
    title: 'Narrow tanh: bad local minima',
    oneLine: 'The same 8 points with n₁ = 2: seeds stop at different, non-zero losses.',
    explanation:
      'Below n₁ = m the theorem says nothing, and in practice the seeds disagree: they end in different basins, at different losses well above zero. ' +
      'The surface around θ₀ has a floor well above zero. ' +
      'Compare the colour bar with the wide preset.',
    tryThis:
      'Train 16 seeds (the card starts at this preset’s 2000 steps at 0.05): the dots sit at two or more loss levels, none near zero; then open “Are all minima global?” for the whole width sweep.',
    state: {
      data: EIGHT_POINTS,
      model: { hidden: [2], activation: 'tanh', loss: 'mse', bias: true },
      train: THEOREM_TRAIN,
      plane: { span: 1 },
    },
    view: { camera: { azimuth: 35, elevation: 32, distance: 5.6 }, colormap: 'viridis', level: 0, logScale: true },
  },
  {
    id: 'relu',
    title: 'ReLU instead of tanh',
    oneLine: 'Same data and width, but ReLU is not analytic: the theorem’s argument fails.',
    explanation:
      'The proof for wide tanh networks needs an analytic activation; ReLU is piecewise linear, and the surface shows it: flat pieces stitched along creases where a unit switches on or off. ' +
      'A unit that is off for every input is dead: its incoming weights are exactly flat directions, and θ₀ has dead units here. ' +
      'So although n₁ = 10 ≥ m, the seeds stall far above zero, where tanh at the same width reaches it.',
    tryThis: 'Train 16 seeds and compare the fraction below ε with the wide tanh preset (same data, same width).',
    state: {
      data: EIGHT_POINTS,
      model: { hidden: [10], activation: 'relu', loss: 'mse', bias: true },
      train: THEOREM_TRAIN,
      plane: { span: 1 },
    },
    view: { camera: { azimuth: 60, elevation: 35, distance: 5.4 }, colormap: 'magma', level: 0, logScale: true },
  },
  {
    id: 'width-m',
    title: 'Width m: sublevel sets may split',
    oneLine: 'n₁ = m = 8: Nguyen shows one neuron less than m + 1 can give disconnected sublevel sets.',
    explanation:
      'Nguyen (“A note on connectivity of sublevel sets in deep learning”) proves that one hidden layer of width m + 1 makes every sublevel set connected, and that width m can fail. ' +
      'The coloured regions are the components of {L < E} in this slice: at the preset’s level there are two, θ₀’s basin and a second basin that joins it only higher up; count them as you move the water level. ' +
      'A slice can show a split that the full weight space joins around it, so compare with the m + 1 preset rather than trust one picture: width m gives no guarantee, not a certain split.',
    tryThis:
      'Press “sweep” and watch the component count (and the persistence diagram: the second basin’s point is where it merges); then connect two seeds in the Mode connectivity card.',
    state: {
      data: EIGHT_POINTS,
      model: { hidden: [8], activation: 'tanh', loss: 'mse', bias: true },
      train: THEOREM_TRAIN,
      plane: { span: 1.5 },
      sublevel: { connectivity: 8, colourComponents: true, water: true },
    },
    view: { camera: { azimuth: 0, elevation: 89.9, distance: 5.4 }, colormap: 'viridis', level: 2.5, logScale: true },
  },
  {
    id: 'width-m1',
    title: 'Width m + 1: connected sublevel sets',
    oneLine: 'n₁ = m + 1 = 9: every sublevel set is connected in the full weight space.',
    explanation:
      'One more hidden unit than samples, and Nguyen’s theorem applies: {θ : L(θ) < E} is connected for every E. ' +
      'From the top you see the components of this slice; the theorem speaks about the whole space, so a slice may still show several (two at the preset’s level), but they are joined through other directions. ' +
      'Compare the persistence diagram with the width-m preset.',
    tryThis:
      'Connect two seeds in the Mode connectivity card: the straight line between the minima climbs, a trained Bezier curve stays at their level, as the theorem promises.',
    state: {
      data: EIGHT_POINTS,
      model: { hidden: [9], activation: 'tanh', loss: 'mse', bias: true },
      train: THEOREM_TRAIN,
      plane: { span: 1.5 },
      sublevel: { connectivity: 8, colourComponents: true, water: true },
    },
    view: { camera: { azimuth: 0, elevation: 89.9, distance: 5.4 }, colormap: 'viridis', level: 0.7, logScale: true },
  },
  {
    id: 'xor-3-sigmoid',
    title: 'XOR with 3 sigmoid units',
    oneLine: 'P = 4 points, P − 1 = 3 sigmoid hidden units: no bad local minima (Yu & Chen 1995).',
    explanation:
      'Yu & Chen (1995) show that a one-hidden-layer sigmoid network with P − 1 hidden units has no suboptimal local minima on P distinct points. ' +
      'Here P = 4 (the XOR truth table) and 3 sigmoid units: training reaches zero squared loss. ' +
      'The slice around θ₀ shows a basin that reaches the bottom of the log scale.',
    tryThis: 'Set hidden to 1 and retrain: with one unit XOR cannot be fitted and the floor rises.',
    state: {
      data: { kind: 'xor', samples: 4, noise: 0 },
      model: { hidden: [3], activation: 'sigmoid', loss: 'mse', bias: true },
      train: { steps: 3000, learningRate: 0.1 },
      plane: { span: 1 },
    },
    view: { camera: { azimuth: 35, elevation: 35, distance: 5.6 }, colormap: 'inferno', level: 0, logScale: true },
  },
  {
    id: 'ce-ray',
    title: 'Cross-entropy: no minimum',
    oneLine: 'Separable data: the loss keeps falling along the ray t·θ₀ and never reaches its infimum 0.',
    explanation:
      'On separable data a linear classifier with cross-entropy can always do better by scaling its weights up: L(t·θ₀) decreases towards 0 as t grows and is never 0. ' +
      'So there is no minimum at all, only a direction to run away in; gradient descent keeps growing ‖θ‖. ' +
      'The large span shows the surface flattening into a valley that goes on to the edge of the plane. ' +
      'Far out in that valley the loss falls below what float32 can hold, and on the GPU it reads exactly 0 (the flat floor of the colour bar): a rounding, the exact loss there is tiny but positive.',
    tryThis: 'Double the training steps: θ₀ moves further out and its loss drops again, but never to 0.',
    state: {
      data: { kind: 'blobs', samples: 64, classes: 2, noise: 0 },
      model: { hidden: [], activation: 'identity', loss: 'cross_entropy', bias: true },
      train: { steps: 400, learningRate: 0.2 },
      plane: { span: 3, filterNormalize: true },
    },
    view: { camera: { azimuth: 20, elevation: 28, distance: 5.8 }, colormap: 'viridis', level: 5e-5, logScale: true },
  },
  {
    id: 'fnorm-on',
    title: 'Filter normalisation on',
    oneLine: 'Directions scaled filter by filter to θ₀: the picture means the same at any weight scale (Li et al. 2018).',
    explanation:
      'Each filter (row of a weight matrix) of a random direction is rescaled to the norm of the same filter in θ₀. ' +
      'A ReLU or rescaled network has the same function at many weight scales; without this step a plane through large weights looks flat and one through small weights looks sharp. ' +
      'Compare the loss range on the colour bar with the “off” preset: same network, same seed.',
    tryThis: 'Open the “Filter normalisation off” preset and compare the colour bar.',
    state: {
      data: { kind: 'spiral', samples: 128, classes: 2, noise: 0.1 },
      model: { hidden: [64, 64], activation: 'tanh', loss: 'mse', bias: true },
      train: { steps: 400, learningRate: 0.02 },
      plane: { span: 1, filterNormalize: true },
    },
    view: { camera: { azimuth: 35, elevation: 30, distance: 5.6 }, colormap: 'viridis', level: 0, logScale: true },
  },
  {
    id: 'fnorm-off',
    title: 'Filter normalisation off',
    oneLine: 'Raw Gaussian directions: the scale of the picture depends on the layer sizes, not on θ₀.',
    explanation:
      'The same network (2-64-64-1) and seed with raw N(0, 1) directions: each filter of the direction has norm about √fan-in = 8 in the wide layers, and the whole direction is about twice as long as with filter normalisation here. ' +
      'The same span therefore walks further from θ₀ and the surface looks sharper. ' +
      'Sharpness read from such a plot says more about the direction scale than about the minimum.',
    tryThis: 'Lower the span until the surface looks like the “on” preset: the ratio is the scale mismatch.',
    state: {
      data: { kind: 'spiral', samples: 128, classes: 2, noise: 0.1 },
      model: { hidden: [64, 64], activation: 'tanh', loss: 'mse', bias: true },
      train: { steps: 400, learningRate: 0.02 },
      plane: { span: 1, filterNormalize: false },
    },
    view: { camera: { azimuth: 35, elevation: 30, distance: 5.6 }, colormap: 'viridis', level: 0, logScale: true },
  },
  {
    id: 'mode-connectivity',
    title: 'Mode connectivity',
    oneLine: 'Two minima: the straight line crosses a barrier, a trained Bezier curve does not.',
    explanation:
      'Independently trained minima look isolated, yet a low-loss curve joins them (Garipov et al. 2018, Draxler et al. 2018). ' +
      'Opening this preset trains two seeds of a 2-16-2 tanh network on two moons and a Bezier curve between them, then shows the plane through both minima and the bend. ' +
      'The straight line between them crosses a barrier; the curve stays low all the way (the chart in the Mode connectivity card).',
    tryThis: 'Press “travel along curve” in the Mode connectivity card and watch the marker stay low while the line’s chart climbs.',
    state: {
      data: { kind: 'moons', samples: 64, classes: 2, noise: 0.1 },
      model: { hidden: [16], activation: 'tanh', loss: 'cross_entropy', bias: true },
      train: { steps: 600, learningRate: 0.02 },
      plane: { gridSize: 65 },
    },
    view: { camera: { azimuth: 35, elevation: 30, distance: 5.6 }, colormap: 'viridis', level: 0, logScale: true },
    flow: 'connect',
  },
  {
    id: 'plain-deep',
    title: 'Deep plain MLP: a rugged slice',
    oneLine: 'Six tanh layers of 16 without skip connections: a rugged slice with several pits around θ₀ (Li et al. 2018).',
    explanation:
      'A 2-16-16-16-16-16-16-1 tanh network on the spiral, trained for 1,000 Adam steps, seen on a filter-normalised plane of span 2. ' +
      'Without skip connections the slice is rugged: besides θ₀’s own basin its walls hold several more local minima (the persistence diagram on the left counts the ones the grid resolves). ' +
      'Li et al. (2018) saw the same with deep convolutional networks: without skips the landscape turns chaotic as depth grows, and training gets harder.',
    tryThis:
      'Tick “residual (skip) connections” in the Model panel (or open the next preset): same network, same seed; read the count under the persistence diagram again.',
    state: {
      seed: SKIP_SEED,
      data: SKIP_DATA,
      model: { hidden: SKIP_HIDDEN, activation: 'tanh', loss: 'mse', bias: true, residual: false },
      train: SKIP_TRAIN,
      plane: { span: 2, gridSize: 65 },
      sublevel: { colourComponents: true, connectivity: 8 },
    },
    view: { camera: { azimuth: 35, elevation: 38, distance: 5.6 }, colormap: 'magma', level: 0, logScale: true },
  },
  {
    id: 'residual',
    title: 'The same MLP with skip connections',
    oneLine: 'h ← h + tanh(W·h + b) between equal-width layers: fewer pits, and every seed trains.',
    explanation:
      'The same six hidden layers, now residual: each layer between two of width 16 adds its output to its input. ' +
      'The slice around θ₀ becomes a smoother bowl with fewer local minima than the plain network’s, as in Li et al.’s ResNet pictures. ' +
      'Skips also make training reliable: across seeds the worst final loss is far lower than without them.',
    tryThis: 'Open “Train many seeds”, train 8 seeds here and in the plain preset, and compare the spread of the dots.',
    state: {
      seed: SKIP_SEED,
      data: SKIP_DATA,
      model: { hidden: SKIP_HIDDEN, activation: 'tanh', loss: 'mse', bias: true, residual: true },
      train: SKIP_TRAIN,
      plane: { span: 2, gridSize: 65 },
      sublevel: { colourComponents: true, connectivity: 8 },
    },
    view: { camera: { azimuth: 35, elevation: 38, distance: 5.6 }, colormap: 'magma', level: 0, logScale: true },
  },
  {
    id: 'digits',
    title: '8×8 handwritten digits',
    oneLine: 'Real data: 1,797 images of 64 pixels, 10 classes, a 64-32-10 tanh classifier.',
    explanation:
      'The handwritten digits of the UCI collection (8×8 pixels, grey levels 0–16), all 1,797 of them: 64 inputs, 10 classes, cross-entropy. ' +
      'After 300 full-batch Adam steps θ₀ classifies almost every training image correctly, and the slice shows a single smooth basin around it. ' +
      'With 2,410 weights the plane is a tiny part of the weight space; filter-normalised directions keep its scale meaningful.',
    tryThis:
      'Raise the water level: in the top view the basin’s isolines stay closed rings around θ₀, one component at every level. Then set the span to 3 and watch the walls flatten out far from θ₀, where the tanh units saturate.',
    state: {
      data: { kind: 'digits', samples: 1797, noise: 0 },
      model: { hidden: [32], activation: 'tanh', loss: 'cross_entropy', bias: true },
      train: { steps: 300, learningRate: 0.01 },
      plane: { span: 1, gridSize: 65, filterNormalize: true },
      sublevel: { water: true },
    },
    view: { camera: { azimuth: 35, elevation: 30, distance: 5.6 }, colormap: 'viridis', level: 0, logScale: true },
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** The full state of a preset: its partial state and its view merged over the defaults, validated. */
export function presetState(preset: Preset): DecodeResult {
  const first = clampState(preset.state, defaultState());
  const { camera, colormap, level, logScale } = preset.view;
  const second = clampState({ camera, view: { colormap, logScale }, sublevel: { level } }, first.state);
  return { state: second.state, ignored: [...first.ignored, ...second.ignored] };
}

/** The link of a preset, relative to the page: `#preset=<id>`. */
export function presetHash(preset: Preset): string {
  return `#preset=${encodeURIComponent(preset.id)}`;
}

export interface LinkResult extends DecodeResult {
  /** The preset the link named, when it named one that can open. */
  preset: Preset | null;
}

/**
 * Reads a URL hash that may name a preset: `preset=<id>` expands into the preset's state, and the
 * other keys of the hash apply over it. An unknown or coming preset → the default state and a notice.
 * Without `preset` this is exactly decodeState. Never throws.
 */
export function decodeLink(hash: string): LinkResult {
  const text = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  const rest: string[] = [];
  const named: string[] = [];
  for (const pair of text.split('&')) {
    if (pair.startsWith('preset=')) named.push(pair.slice('preset='.length));
    else if (pair !== '') rest.push(pair);
  }
  const ignored: string[] = [];
  let preset: Preset | null = null;
  let base = defaultState();
  const raw = named.at(-1);
  if (named.length > 1) ignored.push('key "preset" given more than once; the last value wins');
  if (raw !== undefined) {
    let id: string | null;
    try {
      id = decodeURIComponent(raw);
    } catch {
      id = null;
    }
    const found = id === null ? undefined : presetById(id);
    if (found === undefined) {
      ignored.push(`unknown preset ${JSON.stringify((id ?? raw).slice(0, 40))}; opened the default view (see the Gallery)`);
    } else {
      preset = found;
      const expanded = presetState(found);
      base = expanded.state;
      ignored.push(...expanded.ignored);
    }
  }
  const decoded = decodeState(rest.join('&'), base);
  return { state: decoded.state, ignored: [...ignored, ...decoded.ignored], preset };
}
