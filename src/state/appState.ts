import type { Activation, LossKind } from '../model/spec';

export const DATASETS = ['spiral', 'moons', 'circles', 'xor', 'blobs', 'sine', 'uvx', 'digits'] as const;
export type DatasetKind = (typeof DATASETS)[number];

/**
 * Images in the digits file (public/data/digits-8x8.bin): the most samples 'digits' can have. `state` may
 * not import `data`, so this mirrors DIGITS_ROWS in src/data/digits.ts; a test keeps the two equal.
 */
export const DIGITS_SAMPLES = 1797;

export const COLORMAPS = ['viridis', 'magma', 'inferno', 'turbo', 'greys'] as const;
export type ColormapName = (typeof COLORMAPS)[number];

/** The whole app state. It round-trips through the URL hash, seed included. */
export interface AppState {
  /** Seed for data, initialisation and directions. */
  seed: number;
  data: {
    kind: DatasetKind;
    /** Sample count m. */
    samples: number;
    /** Spiral arms / blob count (2 or 3 for spirals). */
    classes: number;
    noise: number;
  };
  model: {
    hidden: number[];
    activation: Activation;
    loss: LossKind;
    bias: boolean;
    /** Skip connections around equal-width hidden → hidden layers (MlpSpec.residual). */
    residual: boolean;
  };
  train: {
    steps: number;
    learningRate: number;
  };
  plane: {
    gridSize: number;
    span: number;
    filterNormalize: boolean;
    keepBiasDirections: boolean;
    /**
     * The plane's centre moved off θ₀ to θ₀ + centerAlpha·d₁ + centerBeta·d₂ (directions kept, in their
     * units); 0, 0 is θ₀. Moved by a shift-drag on the surface or the top view.
     */
    centerAlpha: number;
    centerBeta: number;
    /** 'hessian': the plane of v_max and v_min at θ₀ (unit vectors); 'hessian-top': v₁ and v₂ (docs/curvature.md). */
    directions: PlaneDirections;
  };
  view: {
    logScale: boolean;
    /** While θ₀ trains on a GPU, redraw a coarse surface around the current iterate (never changes θ₀). */
    watchTraining: boolean;
    /** Heights above this loss are clipped; 0 means "the surface maximum". */
    zClip: number;
    colormap: ColormapName;
    /**
     * Compare mode: a second view beside the first showing the same state with one thing changed (the
     * plane's directions, filter normalisation, the directions' seed or θ₀'s training seed), both drawn
     * against one colour scale with linked cameras (src/state/compare.ts). Never part of the first
     * surface's cache keys.
     */
    compare: CompareState;
  };
  /** The water level E and what is drawn of {L < E}; never part of an engine cache key. */
  sublevel: {
    /** Water level E in loss units; 0 means "auto" (40% up the level slider). */
    level: number;
    /** Level slider moves in log10(loss) instead of loss. */
    logSlider: boolean;
    /** Show the water level: the region below E highlighted, a plane at height E. */
    water: boolean;
    /** Grid neighbours: 4 share an edge, 8 share an edge or a corner. */
    connectivity: Connectivity;
    /** Paint each component of {L < E} in its own colour. */
    colourComponents: boolean;
    /** Number of isolines, evenly spaced in the current (linear or log) loss scale. */
    contours: number;
    /** Show the top-down 2-D heatmap inset. */
    heatmap: boolean;
  };
  /** Where the 3-D camera looks from (orbit around the box centre); never part of an engine cache key. */
  camera: CameraState;
  /**
   * The path view replayed after the surface is drawn ('' for none): the plane through two minima
   * trained from seeds, or a training trajectory (src/state/flow.ts). Set by connect() and trajectory(),
   * cleared when a data, model, training or plane field changes.
   */
  flow: string;
}

/**
 * Camera placement, structurally the view's CameraPose (state may not import view; a test keeps the
 * default equal to CAMERA_PRESETS.default and the bounds equal to the view's).
 */
export interface CameraState {
  /** Degrees around the vertical axis, −180..180; 0 looks from the −β side, 90 from +α. */
  azimuth: number;
  /** Degrees above the horizontal plane. */
  elevation: number;
  /** Distance to the orbit target in world units (the α,β square is 2 units wide). */
  distance: number;
}

/** The plane's directions: seeded random ones, or Hessian eigenvectors at θ₀ ((v_max, v_min) or (v₁, v₂)). */
export const PLANE_DIRECTIONS = ['random', 'hessian', 'hessian-top'] as const;
export type PlaneDirections = (typeof PLANE_DIRECTIONS)[number];

/**
 * What the second view of compare mode changes ('off': no second view). 'filterNormalize' flips the
 * state's filter normalisation; 'directionSeed' draws the random directions from another seed (same θ₀);
 * 'trainSeed' trains θ₀ from another initialisation seed on the same data (same direction seed).
 */
export type CompareState =
  | { kind: 'off' }
  | { kind: 'directions'; directions: PlaneDirections }
  | { kind: 'filterNormalize' }
  | { kind: 'directionSeed'; seed: number }
  | { kind: 'trainSeed'; seed: number };
export const COMPARE_KINDS = ['off', 'directions', 'filterNormalize', 'directionSeed', 'trainSeed'] as const;
export type CompareKind = (typeof COMPARE_KINDS)[number];

export const CONNECTIVITIES = [4, 8] as const;
export type Connectivity = (typeof CONNECTIVITIES)[number];

/** Bounds that the UI, the console API and the URL decoder all clamp to. */
export const LIMITS = {
  seed: [0, 2 ** 31 - 1],
  samples: [1, 20000],
  classes: [2, 10],
  noise: [0, 2],
  hiddenLayers: [0, 6],
  hiddenWidth: [1, 1024],
  steps: [0, 20000],
  learningRate: [1e-6, 10],
  gridSize: [3, 1024],
  span: [1e-4, 100],
  center: [-1e4, 1e4],
  zClip: [0, 1e12],
  level: [0, 1e12],
  contours: [0, 64],
  azimuth: [-180, 180],
  elevation: [-89.9, 89.9],
  distance: [1.2, 12],
} as const;

export function defaultState(): AppState {
  return {
    seed: 1,
    data: { kind: 'spiral', samples: 256, classes: 2, noise: 0.1 },
    model: { hidden: [32, 32], activation: 'tanh', loss: 'mse', bias: true, residual: false },
    train: { steps: 600, learningRate: 0.02 },
    plane: {
      gridSize: 129,
      span: 1,
      filterNormalize: true,
      keepBiasDirections: false,
      directions: 'random',
      centerAlpha: 0,
      centerBeta: 0,
    },
    view: { logScale: true, watchTraining: true, zClip: 0, colormap: 'viridis', compare: { kind: 'off' } },
    sublevel: { level: 0, logSlider: true, water: false, connectivity: 4, colourComponents: true, contours: 10, heatmap: true },
    camera: { azimuth: 35, elevation: 30, distance: 5.6 },
    flow: '',
  };
}

export function cloneState(s: AppState): AppState {
  return structuredClone(s);
}
