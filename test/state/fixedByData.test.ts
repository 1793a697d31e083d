import { describe, expect, it } from 'vitest';
import { buildData } from '../../src/data/recipe';
import { LOSSES } from '../../src/model/spec';
import { DATASETS, defaultState, type AppState } from '../../src/state/appState';
import { axisNamesOf, describeNetworkInUse, fixedByData, widthsInUse } from '../../src/state/fixedByData';
import { REGRESSION_DATASETS } from '../../src/state/urlCodec';

describe('the network in use, as the panel shows it', () => {
  it('has the widths, activation, loss and biases of the network the engine builds, for every data set the engine builds here', () => {
    for (const kind of DATASETS.filter((k) => k !== 'digits')) {
      for (const loss of REGRESSION_DATASETS.includes(kind) ? (['mse'] as const) : LOSSES) {
        for (const classes of [2, 3, 5]) {
          const s: AppState = defaultState();
          s.data = { ...s.data, kind, classes, samples: 12 };
          s.model = { hidden: [7, 5], activation: 'tanh', loss, bias: true, residual: true };
          const { spec } = buildData(s);
          expect(widthsInUse(s), `${kind} ${loss} ${classes}`).toEqual([spec.inputs, ...spec.hidden, spec.outputs]);
          const fixed = fixedByData(s)?.model ?? {};
          expect(fixed.activation ?? s.model.activation).toBe(spec.activation);
          expect(fixed.loss ?? s.model.loss).toBe(spec.loss);
          expect(fixed.bias ?? s.model.bias).toBe(spec.bias);
        }
      }
    }
  });

  it('u·v·x fixes the 1-1-1 identity network without bias and the squared loss, whatever the state says', () => {
    const s = defaultState();
    s.data.kind = 'uvx';
    expect(describeNetworkInUse(s)).toBe('1-1-1 identity · mse · no bias');
    expect(fixedByData(s)?.reason).toMatch(/u·v·x/);
  });

  it('digits: 64 inputs and 10 classes (10 outputs with cross-entropy); spiral fixes nothing', () => {
    const s = defaultState();
    s.data.kind = 'digits';
    s.model = { ...s.model, hidden: [32], loss: 'cross_entropy' };
    expect(widthsInUse(s)).toEqual([64, 32, 10]);
    expect(fixedByData(s)?.classes).toBe(10);
    expect(fixedByData(defaultState())).toBeNull();
  });
});

describe('axis titles', () => {
  it('u and v where the plane is the whole weight space of u·v·x, α and β elsewhere', () => {
    const s = defaultState();
    expect(axisNamesOf(s)).toEqual(['α', 'β']);
    s.data.kind = 'uvx';
    expect(axisNamesOf(s)).toEqual(['u', 'v']);
  });
});
