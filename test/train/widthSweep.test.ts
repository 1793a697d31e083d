import { describe, expect, it } from 'vitest';
import { floorLoss, makeTheoremData } from '../../src/data/theoremData';
import { MinimaList } from '../../src/train/minimaList';
import { trainMultiSeedCpu } from '../../src/train/multiSeedCpu';
import { runWidthSweep } from '../../src/train/widthSweep';

describe('runWidthSweep on the CPU twin', () => {
  it('trains each width with every seed and summarises it; n₁ ≥ m fits, n₁ = 1 does not always', async () => {
    const data = makeTheoremData({ m: 8, loss: 'mse', duplicated: false, seed: 2 });
    const progress: number[] = [];
    const r = await runWidthSweep(
      {
        samples: data,
        outputs: 1,
        widths: [1, 8],
        seeds: [1, 2, 3, 4],
        steps: 1500,
        optimizer: 'adam',
        learningRate: 0.1,
        activation: 'tanh',
        loss: 'mse',
        epsilonRatio: 1e-4,
        floorLoss: floorLoss(data, 'mse'),
        onProgress: (i) => progress.push(i),
      },
      trainMultiSeedCpu,
    );
    expect(r.m).toBe(8);
    expect(r.points.map((p) => p.width)).toEqual([1, 8]);
    expect(r.points.map((p) => p.spec.hidden)).toEqual([[1], [8]]);
    const [narrow, wide] = r.points;
    expect(wide?.fraction).toBe(1);
    expect(narrow?.fraction).toBeLessThan(1);
    expect(new Set(progress)).toEqual(new Set([0, 1]));
  });

  it('the kept list holds every network of a run with its snapshots, and drops by id', async () => {
    const data = makeTheoremData({ m: 4, loss: 'bce', duplicated: false, seed: 3 });
    const spec = { inputs: 2, hidden: [3], outputs: 1, activation: 'tanh', loss: 'bce', bias: true } as const;
    const result = await trainMultiSeedCpu({
      spec,
      samples: data,
      seeds: [5, 6],
      steps: 20,
      optimizer: 'adam',
      learningRate: 0.05,
      snapshotEvery: 10,
    });
    const list = new MinimaList();
    const { ids } = list.addRun(result, { spec, samples: data, dataKey: 'k', source: 'train', label: 'run 1', seeds: [5, 6] });
    expect(ids).toHaveLength(2);
    const second = list.get(ids[1] ?? -1);
    expect(second?.name).toBe('run 1 · seed 6');
    expect(second?.theta).toEqual(result.thetas.slice(result.paramCount));
    expect(second?.snapshots.map((s) => s.step)).toEqual([0, 10, 20]);
    expect(second?.accuracy).toBeGreaterThanOrEqual(0);
    expect(list.setEndpoint(ids[0] ?? -1, true)).toBe(true);
    expect(list.all()[0]?.endpoint).toBe(true);
    expect(list.remove(ids[0] ?? -1)).toBe(true);
    expect(list.all()).toHaveLength(1);
  });
});
