import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REGRESSION_DATASETS, clampState, decodeState, encodeState } from '../../src/state/urlCodec';
import { formatFlow, parseFlow } from '../../src/state/flow';
import { COLORMAPS, CONNECTIVITIES, DATASETS, DIGITS_SAMPLES, LIMITS, PLANE_DIRECTIONS, defaultState } from '../../src/state/appState';
import type { AppState, CompareState } from '../../src/state/appState';
import { formatCompare, parseCompare } from '../../src/state/compare';
import { ACTIVATIONS, LOSSES } from '../../src/model/spec';
import { CAMERA_PRESETS, MAX_DISTANCE, MIN_DISTANCE, clampPose } from '../../src/view/camera';
import { REGRESSION_KINDS } from '../../src/data/generators';

const URL_KEYS = [
  'seed',
  'data',
  'm',
  'classes',
  'noise',
  'hidden',
  'act',
  'loss',
  'bias',
  'res',
  'steps',
  'lr',
  'grid',
  'span',
  'fnorm',
  'kbias',
  'log',
  'zclip',
  'cmap',
  'cmp',
  'lvl',
  'lvlog',
  'water',
  'conn',
  'comps',
  'iso',
  'map',
  'cam',
  'flow',
];

function sameKeys(o: object, keys: string[]): boolean {
  return Object.keys(o).sort().join() === [...keys].sort().join();
}

function inRange(v: unknown, [lo, hi]: readonly [number, number], integer: boolean): boolean {
  return typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0) && v >= lo && v <= hi && (!integer || Number.isInteger(v));
}

function oneOf(v: unknown, options: readonly string[]): boolean {
  return typeof v === 'string' && options.includes(v);
}

/** Every field present with the right type, inside LIMITS, integers where required, loss fits the data. */
function isValidState(s: AppState): boolean {
  return (
    sameKeys(s, ['seed', 'data', 'model', 'train', 'plane', 'view', 'sublevel', 'camera', 'flow']) &&
    sameKeys(s.camera, ['azimuth', 'elevation', 'distance']) &&
    inRange(s.camera.azimuth, LIMITS.azimuth, false) &&
    inRange(s.camera.elevation, LIMITS.elevation, false) &&
    inRange(s.camera.distance, LIMITS.distance, false) &&
    sameKeys(s.sublevel, ['level', 'logSlider', 'water', 'connectivity', 'colourComponents', 'contours', 'heatmap']) &&
    inRange(s.sublevel.level, LIMITS.level, false) &&
    typeof s.sublevel.logSlider === 'boolean' &&
    typeof s.sublevel.water === 'boolean' &&
    (CONNECTIVITIES as readonly unknown[]).includes(s.sublevel.connectivity) &&
    typeof s.sublevel.colourComponents === 'boolean' &&
    inRange(s.sublevel.contours, LIMITS.contours, true) &&
    typeof s.sublevel.heatmap === 'boolean' &&
    sameKeys(s.data, ['kind', 'samples', 'classes', 'noise']) &&
    sameKeys(s.model, ['hidden', 'activation', 'loss', 'bias', 'residual']) &&
    sameKeys(s.train, ['steps', 'learningRate']) &&
    sameKeys(s.plane, ['gridSize', 'span', 'filterNormalize', 'keepBiasDirections', 'directions', 'centerAlpha', 'centerBeta']) &&
    oneOf(s.plane.directions, PLANE_DIRECTIONS) &&
    sameKeys(s.view, ['logScale', 'watchTraining', 'zClip', 'colormap', 'compare']) &&
    parseCompare(formatCompare(s.view.compare)).value !== null &&
    inRange(s.seed, LIMITS.seed, true) &&
    oneOf(s.data.kind, DATASETS) &&
    inRange(s.data.samples, LIMITS.samples, true) &&
    inRange(s.data.classes, LIMITS.classes, true) &&
    inRange(s.data.noise, LIMITS.noise, false) &&
    Array.isArray(s.model.hidden) &&
    inRange(s.model.hidden.length, LIMITS.hiddenLayers, true) &&
    s.model.hidden.every((w) => inRange(w, LIMITS.hiddenWidth, true)) &&
    oneOf(s.model.activation, ACTIVATIONS) &&
    oneOf(s.model.loss, LOSSES) &&
    typeof s.model.bias === 'boolean' &&
    inRange(s.train.steps, LIMITS.steps, true) &&
    inRange(s.train.learningRate, LIMITS.learningRate, false) &&
    inRange(s.plane.gridSize, LIMITS.gridSize, true) &&
    inRange(s.plane.span, LIMITS.span, false) &&
    typeof s.model.residual === 'boolean' &&
    typeof s.plane.filterNormalize === 'boolean' &&
    typeof s.plane.keepBiasDirections === 'boolean' &&
    inRange(s.plane.centerAlpha, LIMITS.center, false) &&
    inRange(s.plane.centerBeta, LIMITS.center, false) &&
    typeof s.view.logScale === 'boolean' &&
    inRange(s.view.zClip, LIMITS.zClip, false) &&
    oneOf(s.view.colormap, COLORMAPS) &&
    (!REGRESSION_DATASETS.includes(s.data.kind) || s.model.loss === 'mse') &&
    (s.data.kind !== 'digits' || s.data.samples <= DIGITS_SAMPLES) &&
    typeof s.flow === 'string' &&
    parseFlow(s.flow).error === null &&
    formatFlow(parseFlow(s.flow).flow) === s.flow
  );
}

const int = ([min, max]: readonly [number, number]): fc.Arbitrary<number> => fc.integer({ min, max });
const float = ([min, max]: readonly [number, number]): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(min, max),
    fc.double({ min, max, noNaN: true }).map((v) => v + 0),
  );

const validState: fc.Arbitrary<AppState> = fc
  .record({
    seed: int(LIMITS.seed),
    data: fc.record({
      kind: fc.constantFrom(...DATASETS),
      samples: int(LIMITS.samples),
      classes: int(LIMITS.classes),
      noise: float(LIMITS.noise),
    }),
    model: fc.record({
      hidden: fc.array(int(LIMITS.hiddenWidth), { maxLength: LIMITS.hiddenLayers[1] }),
      activation: fc.constantFrom(...ACTIVATIONS),
      loss: fc.constantFrom(...LOSSES),
      bias: fc.boolean(),
      residual: fc.boolean(),
    }),
    train: fc.record({ steps: int(LIMITS.steps), learningRate: float(LIMITS.learningRate) }),
    plane: fc.record({
      gridSize: int(LIMITS.gridSize),
      span: float(LIMITS.span),
      filterNormalize: fc.boolean(),
      keepBiasDirections: fc.boolean(),
      centerAlpha: float(LIMITS.center),
      centerBeta: float(LIMITS.center),
      directions: fc.constantFrom(...PLANE_DIRECTIONS),
    }),
    view: fc.record({
      logScale: fc.boolean(),
      watchTraining: fc.boolean(),
      zClip: float(LIMITS.zClip),
      colormap: fc.constantFrom(...COLORMAPS),
      compare: fc.oneof(
        fc.constant<CompareState>({ kind: 'off' }),
        fc.constant<CompareState>({ kind: 'filterNormalize' }),
        fc.constantFrom(...PLANE_DIRECTIONS).map((directions): CompareState => ({ kind: 'directions', directions })),
        fc
          .tuple(fc.constantFrom('directionSeed' as const, 'trainSeed' as const), int(LIMITS.seed))
          .map(([kind, seed]): CompareState => ({ kind, seed })),
      ),
    }),
    sublevel: fc.record({
      level: float(LIMITS.level),
      logSlider: fc.boolean(),
      water: fc.boolean(),
      connectivity: fc.constantFrom(...CONNECTIVITIES),
      colourComponents: fc.boolean(),
      contours: int(LIMITS.contours),
      heatmap: fc.boolean(),
    }),
    camera: fc.record({ azimuth: float(LIMITS.azimuth), elevation: float(LIMITS.elevation), distance: float(LIMITS.distance) }),
    flow: fc.constantFrom('', 'connect:kind=bezier,steps=300', 'trajectory:seed=2,snapshots=10', 'connect:lr=0.05,optimizer=sgd'),
  })
  .map((s) => {
    if (REGRESSION_DATASETS.includes(s.data.kind)) s.model.loss = 'mse';
    if (s.data.kind === 'digits') s.data.samples = Math.min(s.data.samples, DIGITS_SAMPLES);
    return s;
  });

/** Values that are wrong for every key (hidden accepts "", so "" is not in here). */
const BAD_FOR_ALL = [
  'NaN',
  'abc',
  '%',
  '%zz',
  '1e400',
  '-1e400',
  'Infinity',
  '-1',
  '1e13',
  '0x10',
  '1_000',
  '３２',
  '½',
  '∞',
  '💥',
  'true1',
  '1 1',
  '1.2.3',
  '++1',
];

const junkValue = fc.oneof(
  fc.constantFrom(
    ...BAD_FOR_ALL,
    '',
    '1.5',
    '0',
    '1',
    'tanh',
    'spiral',
    '32,32',
    ',,',
    '1e-400',
    '-0',
    '%E2%82%AC',
    '1,2',
    '1,2,3,4',
    '10,20,x',
    '200,100,0',
    '35,30,5.6',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.double().map(String),
  fc.integer().map(String),
);
const junkKey = fc.oneof(
  fc.constantFrom(...URL_KEYS),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('foo', '__proto__', 'constructor', '%', 'SEED'),
);

describe('encodeState / decodeState', () => {
  it('the default state encodes every field, in a readable form', () => {
    expect(encodeState(defaultState())).toBe(
      'seed=1&data=spiral&m=256&classes=2&noise=0.1&hidden=32,32&act=tanh&loss=mse&bias=1&res=0&steps=600&lr=0.02&grid=129&span=1&ca=0&cb=0&fnorm=1&kbias=0&dirs=random&log=1&watch=1&zclip=0&cmap=viridis&cmp=off' +
        '&lvl=0&lvlog=1&water=0&conn=4&comps=1&iso=10&map=1&cam=35,30,5.6&flow=',
    );
    expect(isValidState(defaultState())).toBe(true);
  });

  it('round-trips 1000 random valid states exactly, with nothing ignored, with or without "#"', () => {
    fc.assert(
      fc.property(validState, fc.boolean(), (s, hash) => {
        expect(isValidState(s)).toBe(true);
        const text = encodeState(s);
        const { state, ignored } = decodeState(hash ? `#${text}` : text);
        expect(state).toEqual(s);
        expect(ignored).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('decodes over the given base and leaves missing keys alone', () => {
    const base = defaultState();
    base.seed = 42;
    const { state, ignored } = decodeState('#m=10', base);
    expect(state.seed).toBe(42);
    expect(state.data.samples).toBe(10);
    expect(ignored).toEqual([]);
    expect(base.data.samples).toBe(256);
    expect(decodeState('').state).toEqual(defaultState());
    expect(decodeState('#').ignored).toEqual([]);
  });

  it('reports clamping, rounding, defaults and unknown keys in plain words', () => {
    const { state, ignored } = decodeState('#grid=99999&foo=1&seed=1.5&noise=NaN&lr=0&act=swish&bias=yes&hidden=&m=');
    expect(state.plane.gridSize).toBe(1024);
    expect(state.seed).toBe(2);
    expect(state.data.noise).toBe(0.1);
    expect(state.train.learningRate).toBe(1e-6);
    expect(state.model.activation).toBe('tanh');
    expect(state.model.bias).toBe(true);
    expect(state.model.hidden).toEqual([]);
    expect(state.data.samples).toBe(256);
    expect(ignored).toEqual([
      'unknown key "foo"',
      'gridSize "99999" clamped to 1024',
      'seed "1.5" rounded to 2',
      'noise "NaN" is not a number; kept 0.1',
      'learningRate "0" clamped to 0.000001',
      'activation "swish" is not one of tanh, sigmoid, relu, leaky_relu, softplus, gelu, identity; kept "tanh"',
      'bias "yes" is not a boolean (use 1/0 or true/false); kept 1',
      'samples "" is not a number; kept 256',
    ]);
  });

  it('hidden: at most 6 layers, widths rounded and clamped, junk keeps the base', () => {
    const many = decodeState('hidden=1,2,3,4,5,6,7,8');
    expect(many.state.model.hidden).toEqual([1, 2, 3, 4, 5, 6]);
    expect(many.ignored[0]).toMatch(/8 layers, kept the first 6/);
    const clamped = decodeState('hidden=0,5000,2.4');
    expect(clamped.state.model.hidden).toEqual([1, 1024, 2]);
    expect(clamped.ignored).toHaveLength(1);
    const junk = decodeState('hidden=32,,32');
    expect(junk.state.model.hidden).toEqual([32, 32]);
    expect(junk.ignored[0]).toMatch(/width 2 "" is not a number; kept "32,32"/);
    expect(decodeState('hidden=%2016%20,8').state.model.hidden).toEqual([16, 8]);
  });

  it('repeated keys: the last wins and the repeat is reported', () => {
    const { state, ignored } = decodeState('seed=3&seed=4');
    expect(state.seed).toBe(4);
    expect(ignored).toEqual(['key "seed" given more than once; the last value wins']);
  });

  it('broken escapes and pairs without "=" are skipped and reported', () => {
    const { state, ignored } = decodeState('seed=%E0%A4%A&steps&m=%zz&grid=%31%30');
    expect(state.seed).toBe(1);
    expect(state.data.samples).toBe(256);
    expect(state.plane.gridSize).toBe(10);
    expect(ignored).toHaveLength(3);
  });

  it('forces mse for regression data', () => {
    const { state, ignored } = decodeState('data=uvx&loss=cross_entropy');
    expect(state.model.loss).toBe('mse');
    expect(ignored).toEqual(['loss "cross_entropy" needs class labels, but "uvx" is regression data; using mse']);
  });

  it('keeps the regression list equal to the generators’ list', () => {
    expect([...REGRESSION_DATASETS].sort()).toEqual([...REGRESSION_KINDS].sort());
  });

  it('never throws on 2000 random strings and always yields a valid state', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 80 })), (hash) => {
        const { state, ignored } = decodeState(hash);
        expect(isValidState(state)).toBe(true);
        expect(Array.isArray(ignored)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on 2000 random key=value junk hashes and always yields a valid state', () => {
    const pair = fc.oneof(
      fc.tuple(junkKey, junkValue).map(([k, v]) => `${k}=${v}`),
      junkKey,
      fc.constantFrom('=', '==', '&', '%', '=%'),
    );
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 25 }), fc.boolean(), (pairs, hash) => {
        const text = (hash ? '#' : '') + pairs.join('&');
        const { state } = decodeState(text);
        expect(isValidState(state)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reports every targeted corruption of a valid link (1000 cases)', () => {
    const corruption = fc.oneof(
      fc.tuple(fc.constantFrom(...URL_KEYS), fc.constantFrom(...BAD_FOR_ALL)).map(([k, v]) => ({ key: k, text: `${k}=${v}` })),
      fc.constantFrom('foo=1', '%=1', 'seed', 'x=%', '__proto__=1').map((text) => ({ key: null, text })),
      fc.constantFrom(...URL_KEYS).map((k) => ({ key: null, text: `${k}=${k === 'hidden' ? '' : '1'}&${k}=2` })),
    );
    fc.assert(
      fc.property(validState, corruption, fc.boolean(), (s, bad, front) => {
        const pairs = encodeState(s).split('&');
        // A bad value replaces the good pair for its key, so no "given more than once" hides the report.
        const kept = bad.key === null ? pairs : pairs.filter((p) => !p.startsWith(`${bad.key}=`));
        const text = (front ? [bad.text, ...kept] : [...kept, bad.text]).join('&');
        const { state, ignored } = decodeState(text);
        expect(isValidState(state)).toBe(true);
        expect(ignored.length).toBeGreaterThan(0);
        if (bad.key !== null) {
          const others = (t: string): string[] => t.split('&').filter((p) => !p.startsWith(`${bad.key}=`));
          expect(others(encodeState(state))).toEqual(kept);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('clampState', () => {
  it('merges nested objects field-wise over the base', () => {
    const base = defaultState();
    const { state, ignored } = clampState({ seed: 5, data: { samples: 5 }, view: { colormap: 'magma' } }, base);
    expect(ignored).toEqual([]);
    expect(state).toEqual({ ...base, seed: 5, data: { ...base.data, samples: 5 }, view: { ...base.view, colormap: 'magma' } });
    expect(base).toEqual(defaultState());
  });

  it('accepts URL-style text and arrays, clamps and reports', () => {
    const { state, ignored } = clampState(
      { model: { hidden: [64, 0, 2.5], bias: 'false' }, train: { learningRate: '1e-3', steps: 1e9 }, plane: { span: -1 } },
      defaultState(),
    );
    expect(state.model.hidden).toEqual([64, 1, 3]);
    expect(state.model.bias).toBe(false);
    expect(state.train.learningRate).toBe(0.001);
    expect(state.train.steps).toBe(20000);
    expect(state.plane.span).toBe(1e-4);
    expect(ignored).toEqual([
      'hidden [3 items]: width 2 0 clamped to 1; width 3 2.5 rounded to 3',
      'steps 1000000000 clamped to 20000',
      'span -1 clamped to 0.0001',
    ]);
  });

  it('reports unknown keys, wrong types and non-objects', () => {
    const { state, ignored } = clampState(
      { foo: 1, data: { sample: 3, noise: Number.POSITIVE_INFINITY }, model: 'x', view: { logScale: null } },
      defaultState(),
    );
    expect(state).toEqual(defaultState());
    expect(ignored).toEqual([
      'unknown key "foo"',
      'unknown key "data.sample"',
      'noise Infinity is not a finite number; kept 0.1',
      'model must be an object, got the string "x"; kept',
      'logScale null is not a boolean (use 1/0 or true/false); kept 1',
    ]);
    for (const v of [null, undefined, 3, 'seed=1', [1, 2]]) {
      const r = clampState(v, defaultState());
      expect(r.state).toEqual(defaultState());
      expect(r.ignored).toHaveLength(1);
    }
  });

  it('never throws on 1000 arbitrary values, shaped like the state or not', () => {
    const loose = (keys: string[]): fc.Arbitrary<Record<string, unknown>> =>
      fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 4 })), fc.anything({ maxDepth: 2 }), { maxKeys: 6 });
    const shaped = fc.record(
      {
        seed: fc.anything(),
        data: loose(['kind', 'samples', 'classes', 'noise']),
        model: loose(['hidden', 'activation', 'loss', 'bias']),
        train: loose(['steps', 'learningRate']),
        plane: loose(['gridSize', 'span', 'filterNormalize', 'keepBiasDirections', 'directions']),
        view: loose(['logScale', 'zClip', 'colormap']),
        sublevel: loose(['level', 'logSlider', 'water', 'connectivity', 'colourComponents', 'contours', 'heatmap']),
        camera: fc.oneof(loose(['azimuth', 'elevation', 'distance']), fc.anything({ maxDepth: 1 })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), shaped), (input) => {
        const { state } = clampState(input, defaultState());
        expect(isValidState(state)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('a valid state passed whole comes back unchanged', () => {
    fc.assert(
      fc.property(validState, (s) => {
        const { state, ignored } = clampState(structuredClone(s), defaultState());
        expect(state).toEqual(s);
        expect(ignored).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('sublevel fields', () => {
  it('decode, clamp and report like every other field', () => {
    const { state, ignored } = decodeState('lvl=0.25&lvlog=0&water=0&conn=8&comps=0&iso=99&map=0');
    expect(state.sublevel).toEqual({
      level: 0.25,
      logSlider: false,
      water: false,
      connectivity: 8,
      colourComponents: false,
      contours: 64,
      heatmap: false,
    });
    expect(ignored).toEqual(['contours "99" clamped to 64']);
    const bad = decodeState('conn=6&lvl=-1&iso=2.5');
    expect(bad.state.sublevel.connectivity).toBe(4);
    expect(bad.state.sublevel.level).toBe(0);
    expect(bad.state.sublevel.contours).toBe(3);
    expect(bad.ignored).toEqual(['connectivity "6" is not 4 or 8; kept 4', 'level "-1" clamped to 0', 'contours "2.5" rounded to 3']);
  });

  it('the console API may set the water level alone, as a number or as text', () => {
    const { state, ignored } = clampState({ sublevel: { level: 0.5, connectivity: 8 } }, defaultState());
    expect(ignored).toEqual([]);
    expect(state).toEqual({ ...defaultState(), sublevel: { ...defaultState().sublevel, level: 0.5, connectivity: 8 } });
    expect(clampState({ sublevel: { connectivity: '8' } }, defaultState()).state.sublevel.connectivity).toBe(8);
    const wrong = clampState({ sublevel: { connectivity: 3, level: 'low' } }, defaultState());
    expect(wrong.state).toEqual(defaultState());
    expect(wrong.ignored).toEqual(['connectivity 3 is not 4 or 8; kept 4', 'level "low" is not a number; kept 0']);
  });
});

describe('camera field', () => {
  it("keeps the default equal to the view's default pose and the bounds equal to the view's", () => {
    expect(defaultState().camera).toEqual(CAMERA_PRESETS.default);
    expect(LIMITS.distance).toEqual([MIN_DISTANCE, MAX_DISTANCE]);
    // A pose the view clamps to is a pose the codec accepts unchanged.
    for (const pose of [
      { azimuth: 500, elevation: 95, distance: 100 },
      { azimuth: -181, elevation: -95, distance: 0 },
    ]) {
      const c = clampPose(pose);
      expect(clampState({ camera: c }, defaultState()).ignored).toEqual([]);
    }
  });

  it('decodes "cam=azimuth,elevation,distance", clamps each part and reports', () => {
    expect(decodeState('cam=120,45,7').state.camera).toEqual({ azimuth: 120, elevation: 45, distance: 7 });
    const clamped = decodeState('cam=200, -95 ,0.5');
    expect(clamped.state.camera).toEqual({ azimuth: 180, elevation: -89.9, distance: 1.2 });
    expect(clamped.ignored).toEqual([
      'camera "200, -95 ,0.5": azimuth "200" clamped to 180; elevation "-95" clamped to -89.9; distance "0.5" clamped to 1.2',
    ]);
    for (const bad of ['cam=1,2', 'cam=1,2,3,4', 'cam=10,x,3', 'cam=', 'cam=NaN,1,2']) {
      const r = decodeState(bad);
      expect(r.state.camera).toEqual(defaultState().camera);
      expect(r.ignored).toHaveLength(1);
      expect(r.ignored[0]).toMatch(/^camera /);
    }
  });

  it('the console API sets the camera alone, part by part, without touching anything else', () => {
    const r = clampState({ camera: { azimuth: -90 } }, defaultState());
    expect(r.ignored).toEqual([]);
    expect(r.state).toEqual({ ...defaultState(), camera: { ...defaultState().camera, azimuth: -90 } });
    expect(clampState({ camera: [10, 20, 3] }, defaultState()).state.camera).toEqual({ azimuth: 10, elevation: 20, distance: 3 });
    const wrong = clampState({ camera: { azimuth: 'left', roll: 3 } }, defaultState());
    expect(wrong.state).toEqual(defaultState());
    expect(wrong.ignored).toEqual(['unknown key "camera.roll"', 'camera object: azimuth "left" is not a number; kept "35,30,5.6"']);
    expect(clampState({ camera: 7 }, defaultState()).ignored).toEqual(['camera 7 is not "azimuth,elevation,distance"; kept "35,30,5.6"']);
  });

  it('round-trips 1000 random cameras through the hash exactly', () => {
    fc.assert(
      fc.property(float(LIMITS.azimuth), float(LIMITS.elevation), float(LIMITS.distance), (azimuth, elevation, distance) => {
        const s = { ...defaultState(), camera: { azimuth, elevation, distance } };
        const { state, ignored } = decodeState(encodeState(s));
        expect(ignored).toEqual([]);
        expect(state.camera).toEqual(s.camera);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('residual (skip connections) in the link', () => {
  it('round-trips res=1 and res=0; a link without res (older links) means off', () => {
    const s = defaultState();
    s.model.residual = true;
    s.model.hidden = [16, 16, 16];
    const text = encodeState(s);
    expect(text).toContain('&res=1&');
    const back = decodeState(text);
    expect(back.state).toEqual(s);
    expect(back.ignored).toEqual([]);
    const old = decodeState('#seed=3&hidden=8,8&bias=1');
    expect(old.state.model.residual).toBe(false);
    expect(old.ignored).toEqual([]);
    expect(decodeState('#res=true').state.model.residual).toBe(true);
  });

  it('a bad value keeps the base value with a notice, and never throws', () => {
    const { state, ignored } = decodeState('#res=maybe');
    expect(state.model.residual).toBe(false);
    expect(ignored).toEqual(['residual "maybe" is not a boolean (use 1/0 or true/false); kept 0']);
    expect(clampState({ model: { residual: true } }, defaultState()).state.model.residual).toBe(true);
    const bad = clampState({ model: { residual: 3 } }, defaultState());
    expect(bad.state.model.residual).toBe(false);
    expect(bad.ignored).toHaveLength(1);
  });
});

describe('digits in the link', () => {
  it('round-trips kind=digits with its sample count', () => {
    const s = defaultState();
    s.data.kind = 'digits';
    s.data.samples = 1797;
    s.model.loss = 'cross_entropy';
    const text = encodeState(s);
    expect(text).toContain('data=digits&m=1797&');
    const back = decodeState(text);
    expect(back.state).toEqual(s);
    expect(back.ignored).toEqual([]);
  });

  it('clamps m to the 1,797 images with a notice, in links and in set()', () => {
    const { state, ignored } = decodeState('#data=digits&m=5000&loss=cross_entropy');
    expect(state.data.kind).toBe('digits');
    expect(state.data.samples).toBe(DIGITS_SAMPLES);
    expect(ignored).toEqual(['samples 5000 clamped to 1797: the digits data has 1797 images']);
    // The order of keys does not matter, and other data sets keep their larger limit.
    expect(decodeState('#m=20000&data=digits').state.data.samples).toBe(DIGITS_SAMPLES);
    expect(decodeState('#m=20000&data=spiral').state.data.samples).toBe(20000);
    const base = decodeState('#data=digits&m=256').state;
    const more = clampState({ data: { samples: 4096 } }, base);
    expect(more.state.data.samples).toBe(DIGITS_SAMPLES);
    expect(more.ignored).toHaveLength(1);
    const switched = clampState({ data: { kind: 'digits' } }, { ...defaultState(), data: { ...defaultState().data, samples: 3000 } });
    expect(switched.state.data.samples).toBe(DIGITS_SAMPLES);
    expect(switched.ignored[0]).toMatch(/clamped to 1797/);
    // Classification losses all apply to digits.
    for (const loss of LOSSES) expect(decodeState(`#data=digits&loss=${loss}`).state.model.loss).toBe(loss);
  });
});

describe('flow in the link', () => {
  it('round-trips and normalises the order of options', () => {
    const r = decodeState('flow=connect:steps=300,kind=bezier,lr=0.05');
    expect(r.ignored).toEqual([]);
    expect(r.state.flow).toBe('connect:kind=bezier,lr=0.05,steps=300');
    expect(decodeState(encodeState(r.state)).state.flow).toBe(r.state.flow);
    expect(decodeState('flow=trajectory').state.flow).toBe('trajectory:');
    expect(decodeState('flow=').state.flow).toBe('');
  });

  it('a malformed flow keeps the base value with a readable notice', () => {
    const base = { ...defaultState(), flow: 'trajectory:seed=3' };
    for (const bad of [
      'neb:steps=3',
      'connect:steps',
      'connect:steps=1e400',
      'connect:1x=2',
      'connect:a=1,a=2',
      'connect:kind=<b>',
      'x'.repeat(500),
    ]) {
      const r = decodeState(`flow=${encodeURIComponent(bad)}`, base);
      expect(r.state.flow, bad).toBe('trajectory:seed=3');
      expect(r.ignored.join(' '), bad).toMatch(/flow/);
    }
    expect(clampState({ flow: 42 }, base).ignored.join(' ')).toContain('not text');
  });
});
