/** The flags of `npm run bench -- …` (bench/run.ts). */

export const BENCH_PARTS = ['page', 'grid', 'cpu', 'peers', 'sublevel', 'first-picture', 'barriers', 'onnx', 'page-grid'] as const;
export type BenchPart = (typeof BENCH_PARTS)[number];

export interface BenchArgs {
  /** The parts to run; all but `grid` (which `page` includes) by default. */
  readonly only: ReadonlySet<BenchPart>;
  /** Where to write the peers' comparison as JSON, or null. */
  readonly json: string | null;
  /** Seconds a peer (and, in the onnx part, each side) may spend on one workload before extrapolating. */
  readonly peerBudget: number;
  readonly torchThreads: number;
}

export const BENCH_USAGE = `usage: npm run bench -- [--only ${BENCH_PARTS.join(',')}] [--json FILE] [--peer-budget S] [--torch-threads N]

  --only LIST        run only these parts (comma-separated): page (the whole bench page), grid (its grid
                     workloads only), peers (TensorFlow.js and PyTorch on the toy and wide workloads, with our
                     grid workloads beside them), cpu (the SIMD CPU engine beside the float64 twin; its times
                     join ours in the peers' table when both run), sublevel, first-picture, barriers (the barrier
                     matrix of 8 minima, pairs one after another vs side by side; Node WebGPU), onnx (a
                     model of one's own: the example CNN and a wide one at 51² on onnxruntime-web's wasm
                     provider beside PyTorch on the CPU), page-grid (the app's own end-to-end toy grid time,
                     with the engine picked and with eng=cpu and eng=gpu, beside the SIMD CPU engine's bench
                     time); default: all
  --json FILE        write the peers' comparison as JSON ({ workloads: [{ id, description, ours, peers }] })
  --peer-budget S    seconds a peer may spend on one workload before the rest of its grid is extrapolated
                     from the rows it timed (default 60; 0: always the whole grid)
  --torch-threads N  torch.set_num_threads(N) for the PyTorch peer (default: torch's own choice)`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs | { error: string } {
  let only = new Set<BenchPart>(['page', 'cpu', 'peers', 'sublevel', 'first-picture', 'barriers', 'onnx', 'page-grid']);
  let json: string | null = null;
  let peerBudget = 60;
  let torchThreads = 0;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const value = argv[i + 1];
    const needValue = (): string | { error: string } =>
      value === undefined || value.startsWith('--') ? { error: `${flag} needs a value` } : value;
    switch (flag) {
      case '--only': {
        const v = needValue();
        if (typeof v !== 'string') return v;
        const parts = v.split(',').map((p) => p.trim());
        const unknown = parts.filter((p) => !(BENCH_PARTS as readonly string[]).includes(p));
        if (unknown.length > 0)
          return { error: `--only: unknown part ${unknown.map((u) => `"${u}"`).join(', ')} (parts: ${BENCH_PARTS.join(', ')})` };
        only = new Set(parts as BenchPart[]);
        i++;
        break;
      }
      case '--json': {
        const v = needValue();
        if (typeof v !== 'string') return v;
        json = v;
        i++;
        break;
      }
      case '--peer-budget':
      case '--torch-threads': {
        const v = needValue();
        if (typeof v !== 'string') return v;
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0 || (flag === '--torch-threads' && !Number.isInteger(n)))
          return { error: `${flag}: "${v}" is not a number ≥ 0` };
        if (flag === '--peer-budget') peerBudget = n;
        else torchThreads = n;
        i++;
        break;
      }
      default:
        return { error: `unknown argument "${flag}"` };
    }
  }
  if (json !== null && !only.has('peers')) return { error: "--json writes the peers' comparison: add peers to --only" };
  return { only, json, peerBudget, torchThreads };
}
