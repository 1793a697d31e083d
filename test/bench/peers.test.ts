/**
 * The bench's peers (bench/peers): on a small workload each peer computes the same losses as our float64
 * twin, its timing covers the rows it says, and the flags refuse what they do not know. PyTorch is
 * optional: without it the answer must say why.
 */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/peers/args';
import { agrees, peersJson, peersMarkdown } from '../../bench/peers/peers';
import { peerProblem, referenceLosses } from '../../bench/peers/problem';
import { runTfjsPeer } from '../../bench/peers/tfjsPeer';
import { parseTorchAnswer, runTorchPeer } from '../../bench/peers/torchPeer';
import { toyWorkload, type Workload } from '../../bench/page/workloads';
import { makeDataset } from '../../src/data/generators';
import { randomDirection } from '../../src/landscape/directions';
import { initParams } from '../../src/model/init';
import type { MlpSpec } from '../../src/model/spec';

/** A small classifier with two hidden layers, 5² points. */
function smallWorkload(): Workload {
  const spec: MlpSpec = { inputs: 2, hidden: [6, 5], outputs: 3, activation: 'relu', loss: 'cross_entropy', bias: true };
  const data = makeDataset('blobs', { samples: 40, classes: 3, noise: 0.3, seed: 4 }, 'cross_entropy');
  const center = initParams(spec, 9);
  const opts = { filterNormalize: true, keepBias: false };
  return {
    name: 'small',
    description: 'blobs m=40, 2-6-5-3 relu cross-entropy, 5²',
    spec,
    samples: { m: data.m, inputs: data.inputs, x: data.x, y: data.y },
    center,
    directionX: randomDirection(spec, center, 10, opts),
    directionY: randomDirection(spec, center, 11, opts),
    gridSize: 5,
    span: 0.7,
  };
}

describe('bench peers', () => {
  it('TensorFlow.js (wasm, in Node) computes our losses one point at a time and a row at a time', async () => {
    for (const w of [smallWorkload(), { ...toyWorkload(), gridSize: 3 }]) {
      const reference = referenceLosses(w);
      for (const mode of ['point', 'row'] as const) {
        const run = await runTfjsPeer(peerProblem(w), mode, 0);
        expect(run.rowsMeasured, `${w.name} ${mode}`).toBe(w.gridSize);
        expect(run.seconds).toBeGreaterThan(0);
        expect(agrees(run, reference), `${w.name} ${mode}: ${run.centerLoss} vs ${reference.center}`).toBe(true);
      }
    }
  });

  it('PyTorch computes our losses, or says why it cannot run', () => {
    const w = smallWorkload();
    const answer = runTorchPeer(peerProblem(w), ['point', 'batched'], 0, 1);
    if (!answer.ok) {
      expect(answer.why).toMatch(/torch/);
      return;
    }
    const reference = referenceLosses(w);
    for (const mode of ['point', 'batched'] as const) {
      const run = answer.runs[mode];
      expect(run, mode).toBeDefined();
      if (run === undefined) continue;
      expect(run.rowsMeasured).toBe(w.gridSize);
      expect(agrees(run, reference), `${mode}: ${run.centerLoss} vs ${reference.center}`).toBe(true);
    }
  });

  it("reads the PyTorch script's answer, and refuses a malformed one with a reason", () => {
    const good = parseTorchAnswer(
      'noise\n{"torch": "1.13", "threads": 2, "modes": {"point": {"seconds": 3, "rowsMeasured": 5, "rows": 5, "centerLoss": 1, "cornerLoss": 2}}}\n',
      '1.13',
    );
    expect(good).toMatchObject({ ok: true, runs: { point: { seconds: 3, rowsMeasured: 5, threads: 2 } } });
    expect(good.ok && good.runs.batched).toBeUndefined();
    for (const [stdout, message] of [
      ['', /printed no JSON/],
      ['Traceback (most recent call last):', /printed no JSON/],
      ['{"torch": "1.13"}', /without "modes"/],
      ['[1, 2]', /without "modes"/],
    ] as const) {
      const r = parseTorchAnswer(stdout, '1.13');
      expect(r.ok, stdout).toBe(false);
      if (!r.ok) expect(r.why).toMatch(message);
    }
  });

  it('a missing peer is a line in the table and absent from the JSON, and a different loss is marked', () => {
    const run = { seconds: 2, rowsMeasured: 3, rows: 5, centerLoss: 1.5, cornerLoss: 2, threads: 1 };
    const reports = [
      {
        id: 'toy',
        description: 'd',
        reference: { center: 1, corner: 2 },
        ours: [{ engine: 'ours', seconds: 1 }],
        peers: [
          { name: 'torch-cpu-point', label: 'PyTorch', run: null, note: 'skipped: no Python with torch' },
          { name: 'tfjs-wasm-point', label: 'TF.js', run, note: '' },
        ],
      },
    ];
    const md = peersMarkdown(reports, 60);
    expect(md).toContain('skipped: no Python with torch');
    expect(md).toContain('≈ 2.00 (3 of 5 rows timed)');
    expect(md).toContain('2.00×');
    expect(md).toContain('DIFFERENT');
    expect(peersJson(reports)).toMatchObject({
      workloads: [{ id: 'toy', ours: { engine: 'ours', seconds: 1 }, peers: { 'tfjs-wasm-point': 2 } }],
    });
  });

  it('reads the bench flags and refuses unknown ones with a reason', () => {
    const all = parseBenchArgs([]);
    expect('only' in all && [...all.only].sort()).toEqual([
      'barriers',
      'cpu',
      'first-picture',
      'onnx',
      'page',
      'page-grid',
      'peers',
      'sublevel',
    ]);
    const some = parseBenchArgs(['--only', 'peers,grid', '--json', 'out.json', '--peer-budget', '0', '--torch-threads', '2']);
    expect(some).toMatchObject({ json: 'out.json', peerBudget: 0, torchThreads: 2 });
    const cases: [string[], RegExp][] = [
      [['--only', 'peers,gpu'], /unknown part "gpu"/],
      [['--only'], /--only needs a value/],
      [['--peer-budget', '-1'], /not a number ≥ 0/],
      [['--torch-threads', '1.5'], /not a number ≥ 0/],
      [['--json', 'x.json', '--only', 'grid'], /add peers to --only/],
      [['--fast'], /unknown argument "--fast"/],
    ];
    for (const [argv, message] of cases)
      expect(parseBenchArgs(argv), argv.join(' ')).toMatchObject({ error: expect.stringMatching(message) as unknown });
  });
});
