/**
 * Peers in the same run: TensorFlow.js (wasm backend, in Node) and PyTorch (CPU, through Python) compute
 * the same grid workloads as our engine, on the same machine, right after it; each checks its losses at
 * the centre and a corner against our float64 CPU twin. A peer that is missing or fails gives a line
 * saying why, never a crash.
 */
import { version_core as tfjsVersion } from '@tensorflow/tfjs-core';
import type { Workload } from '../page/workloads';
import { peerProblem, referenceLosses, type PeerRun } from './problem';
import { runTfjsPeer, type TfjsMode } from './tfjsPeer';
import { runTorchPeer, type TorchMode } from './torchPeer';

/** Agreement asked of a peer's loss with ours, relative. */
export const AGREEMENT = 1e-4;

export interface PeerOptions {
  /** Seconds one peer may spend on one workload before the rest of its grid is extrapolated (0: no limit). */
  readonly budgetSeconds: number;
  /** torch.set_num_threads (0: torch's default). */
  readonly torchThreads: number;
  readonly log: (line: string) => void;
}

/** One of our engines timed on a workload (the bench page's grid kernel, …). */
export interface OurTiming {
  readonly engine: string;
  readonly seconds: number;
}

export interface PeerEntry {
  /** Stable key for --json, e.g. "tfjs-wasm-point". */
  readonly name: string;
  /** What ran, for the table. */
  readonly label: string;
  readonly run: PeerRun | null;
  /** Why there is no run, or what to know about it. */
  readonly note: string;
}

export interface PeerWorkloadReport {
  readonly id: string;
  readonly description: string;
  readonly reference: { readonly center: number; readonly corner: number };
  /** Our engines on this workload, fastest first (empty when our measurement did not run). */
  readonly ours: readonly OurTiming[];
  readonly peers: readonly PeerEntry[];
}

const TFJS_MODES: readonly [TfjsMode, string][] = [
  ['point', 'one point at a time'],
  ['row', 'a grid row per batched pass'],
];
const TORCH_MODES: readonly [TorchMode, string][] = [
  ['point', 'one point at a time (loss-landscape’s way)'],
  ['batched', 'a grid row per batched pass (bmm)'],
];

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs every peer on every workload; `ours` maps a workload name to our timings. */
export async function runPeers(
  workloads: readonly Workload[],
  ours: ReadonlyMap<string, readonly OurTiming[]>,
  opts: PeerOptions,
): Promise<PeerWorkloadReport[]> {
  const reports: PeerWorkloadReport[] = [];
  for (const w of workloads) {
    const problem = peerProblem(w);
    opts.log(`peers: ${w.name}: our float64 CPU twin at the centre and a corner`);
    const reference = referenceLosses(w);
    const peers: PeerEntry[] = [];
    for (const [mode, how] of TFJS_MODES) {
      const name = `tfjs-wasm-${mode}`;
      const label = `TensorFlow.js ${tfjsVersion} wasm (Node), ${how}`;
      opts.log(`peers: ${w.name}: ${label}`);
      try {
        peers.push({ name, label, run: await runTfjsPeer(problem, mode, opts.budgetSeconds), note: '' });
      } catch (err) {
        peers.push({ name, label, run: null, note: `failed: ${message(err)}` });
      }
    }
    opts.log(`peers: ${w.name}: PyTorch`);
    const torch = runTorchPeer(
      problem,
      TORCH_MODES.map(([m]) => m),
      opts.budgetSeconds,
      opts.torchThreads,
    );
    for (const [mode, how] of TORCH_MODES) {
      const name = `torch-cpu-${mode}`;
      if (!torch.ok) {
        peers.push({ name, label: `PyTorch on the CPU, ${how}`, run: null, note: `skipped: ${torch.why}` });
        continue;
      }
      const run = torch.runs[mode] ?? null;
      peers.push({
        name,
        label: `PyTorch ${torch.version} on the CPU, ${how}`,
        run,
        note: run === null ? 'failed: no answer for this mode' : '',
      });
    }
    reports.push({
      id: w.name,
      description: w.description,
      reference,
      ours: [...(ours.get(w.name) ?? [])].sort((a, b) => a.seconds - b.seconds),
      peers,
    });
  }
  return reports;
}

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
}

/** Whether a peer computed the same losses as ours (centre and corner within AGREEMENT). */
export function agrees(run: PeerRun, reference: { center: number; corner: number }): boolean {
  return relDiff(run.centerLoss, reference.center) <= AGREEMENT && relDiff(run.cornerLoss, reference.corner) <= AGREEMENT;
}

function secondsText(run: PeerRun): string {
  const s = run.seconds < 10 ? run.seconds.toFixed(2) : run.seconds.toFixed(1);
  return run.rowsMeasured < run.rows ? `≈ ${s} (${run.rowsMeasured} of ${run.rows} rows timed)` : s;
}

/** The markdown section: one table per run, ours first, then every peer with its ratio and agreement. */
export function peersMarkdown(reports: readonly PeerWorkloadReport[], budgetSeconds: number): string {
  const out: string[] = ['## Peers in the same run', ''];
  out.push(
    `Same workloads, same machine, one after another. A peer's time over ${budgetSeconds > 0 ? `${budgetSeconds} s per workload is extrapolated from the rows it timed (every row costs the same)` : 'any length is measured in full'}; ` +
      `its losses at the centre and the corner are checked against our float64 CPU twin (≤ ${AGREEMENT} relative).`,
    '',
  );
  const head = ['workload', 'engine', 'threads', 'seconds', '× our time', 'centre loss', 'rel. diff centre / corner', 'note'];
  const rows: string[][] = [];
  for (const r of reports) {
    const best = r.ours[0];
    // The workload is named on its first row only.
    let named = false;
    const label = (): string => {
      if (named) return '';
      named = true;
      return `**${r.id}** (${r.description})`;
    };
    if (r.ours.length === 0)
      rows.push([label(), 'ours', '', '—', '', r.reference.center.toPrecision(7), '', 'our measurement did not run']);
    for (const o of r.ours)
      rows.push([
        label(),
        `**ours**: ${o.engine}`,
        '',
        o.seconds.toFixed(2),
        '1',
        r.reference.center.toPrecision(7),
        '',
        'centre loss: float64 CPU twin',
      ]);
    for (const p of r.peers) {
      const run = p.run;
      if (run === null) {
        rows.push([label(), p.label, '', '—', '', '', '', p.note]);
        continue;
      }
      const ok = agrees(run, r.reference);
      rows.push([
        label(),
        p.label,
        run.threads === undefined ? '' : String(run.threads),
        secondsText(run),
        best === undefined ? '' : `${(run.seconds / best.seconds).toFixed(2)}×`,
        run.centerLoss.toPrecision(7),
        `${relDiff(run.centerLoss, r.reference.center).toExponential(1)} / ${relDiff(run.cornerLoss, r.reference.corner).toExponential(1)}${ok ? '' : ' **DIFFERENT ✗**'}`,
        p.note,
      ]);
    }
  }
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  out.push(line(head), line(head.map(() => '---')), ...rows.map(line), '');
  out.push('"× our time": the peer\'s seconds over our fastest engine\'s on the same workload (above 1: we are faster).', '');
  return out.join('\n');
}

/** The `--json FILE` shape: `{ workloads: [{ id, description, ours: { engine, seconds }, peers: { name: seconds } }] }`. */
export function peersJson(reports: readonly PeerWorkloadReport[]): unknown {
  return {
    workloads: reports.map((r) => ({
      id: r.id,
      description: r.description,
      ours: r.ours[0] ?? null,
      peers: Object.fromEntries(r.peers.filter((p) => p.run !== null).map((p) => [p.name, p.run?.seconds ?? null])),
      // Beyond the asked shape: what each peer is, how much was timed, agreement, and why a peer is missing.
      details: {
        centerLoss: r.reference.center,
        oursAll: r.ours,
        peers: Object.fromEntries(
          r.peers.map((p) => [
            p.name,
            p.run === null
              ? { label: p.label, note: p.note }
              : {
                  label: p.label,
                  rowsMeasured: p.run.rowsMeasured,
                  rows: p.run.rows,
                  centerLoss: p.run.centerLoss,
                  agrees: agrees(p.run, r.reference),
                  ...(p.run.threads === undefined ? {} : { threads: p.run.threads }),
                },
          ]),
        ),
      },
    })),
  };
}
