/**
 * PyTorch peer: finds a Python with torch (PYTHON, then python3, then /usr/bin/python3), hands it a
 * workload as raw float32 files and runs bench/peers/torch_peer.py on it. Every way of failing is an
 * answer with a reason, never a throw, so a bench without PyTorch still prints its other rows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerProblem, PeerRun } from './problem';

export type TorchMode = 'point' | 'batched';

const SCRIPT = join(import.meta.dirname, 'torch_peer.py');

export type TorchAnswer =
  | { readonly ok: true; readonly version: string; readonly runs: Partial<Record<TorchMode, PeerRun>> }
  | { readonly ok: false; readonly why: string };

let found: { python: string; version: string } | { why: string } | null = null;

/** The first Python that imports torch, or why there is none (checked once). */
export function findTorchPython(): { python: string; version: string } | { why: string } {
  if (found !== null) return found;
  const candidates = [process.env['PYTHON'], 'python3', '/usr/bin/python3'].filter((c): c is string => c !== undefined && c !== '');
  const tried: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (r.status === 0) return (found = { python, version: r.stdout.trim() });
    const reason = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status ?? '?'}`);
    tried.push(`${python}: ${reason}`);
  }
  return (found = { why: `no Python with torch (\`python3 -c "import torch"\` fails; tried ${tried.join('; ')})` });
}

function bytes(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Runs the PyTorch peer on one workload in the given modes; `threads` 0 keeps torch's default. */
export function runTorchPeer(p: PeerProblem, modes: readonly TorchMode[], budgetSeconds: number, threads: number): TorchAnswer {
  const py = findTorchPython();
  if ('why' in py) return { ok: false, why: py.why };
  const folder = mkdtempSync(join(tmpdir(), 'bench-torch-'));
  try {
    const meta = {
      activation: p.activation,
      loss: p.loss,
      layers: p.layers,
      m: p.m,
      inputs: p.inputs,
      outputs: p.outputs,
      gridSize: p.gridSize,
      span: p.span,
      budgetSeconds,
      modes,
      threads,
    };
    writeFileSync(join(folder, 'meta.json'), JSON.stringify(meta));
    writeFileSync(join(folder, 'x.f32'), bytes(p.x));
    writeFileSync(join(folder, 'y.f32'), bytes(p.y));
    writeFileSync(join(folder, 'center.f32'), bytes(p.center));
    writeFileSync(join(folder, 'direction_x.f32'), bytes(p.directionX));
    writeFileSync(join(folder, 'direction_y.f32'), bytes(p.directionY));
    const r = spawnSync(py.python, [SCRIPT, folder], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.error) return { ok: false, why: `${py.python} ${SCRIPT} could not run: ${r.error.message}` };
    if (r.status !== 0)
      return {
        ok: false,
        why: `torch_peer.py failed (exit ${r.status ?? r.signal ?? '?'}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`,
      };
    return parseTorchAnswer(r.stdout, py.version);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** What torch_peer.py printed (its last line, JSON), or why it cannot be used. */
export function parseTorchAnswer(stdout: string, version: string): TorchAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    return { ok: false, why: `torch_peer.py printed no JSON: ${stdout.slice(0, 200)}` };
  }
  if (typeof parsed !== 'object' || parsed === null || !('modes' in parsed))
    return { ok: false, why: 'torch_peer.py answered without "modes"' };
  const threads = 'threads' in parsed && typeof parsed.threads === 'number' ? parsed.threads : undefined;
  const runs: Partial<Record<TorchMode, PeerRun>> = {};
  const modes = parsed.modes as Record<string, Partial<PeerRun> | undefined>;
  for (const mode of ['point', 'batched'] as const) {
    const m = modes[mode];
    if (m === undefined) continue;
    const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);
    runs[mode] = {
      seconds: num(m.seconds),
      rowsMeasured: num(m.rowsMeasured),
      rows: num(m.rows),
      centerLoss: num(m.centerLoss),
      cornerLoss: num(m.cornerLoss),
      ...(threads === undefined ? {} : { threads }),
    };
  }
  return { ok: true, version, runs };
}
