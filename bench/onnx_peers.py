#!/usr/bin/python3
"""PyTorch on the CPU, loss-landscape's way, for the ONNX example models: the peer the bench sets beside us.

For every grid point the model's parameters are set to theta0 + alpha*x + beta*y (the folder's directions.h5)
and one forward pass over all the folder's data gives the loss: one point at a time, model in eval mode, no
gradients. The grid is gridSize x gridSize over alpha, beta in [-1, 1] (51 x 51 by default).

    /usr/bin/python3 bench/onnx_peers.py public/models/cnn-digits
    /usr/bin/python3 tools/make-onnx-example.py --wide /tmp/cnn-wide && /usr/bin/python3 bench/onnx_peers.py /tmp/cnn-wide
    options: --grid N (51)  --limit-seconds S (stop after S seconds, extrapolate)  --threads default,1
             --batch B (samples per forward pass; 0 = all at once)  --workload NAME (the folder's name)

The folder is one that tools/make-onnx-example.py wrote (model-state.npz, data.npz, directions.h5, expected.json);
the model class is imported from that script. Before timing, the centre loss is checked against
expected.json. One JSON object per thread setting goes to stdout, one a line:
    {"workload", "seconds", "points", "extrapolated", "threads", "torch", "grid", "samples", "parameters"}
`seconds` is the time for the whole grid; with --limit-seconds it may be extrapolated from the `points`
evaluated (then `extrapolated` is true and stderr says so). Needs Debian's python3-torch and python3-h5py.
"""

import argparse
import importlib.util
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(HERE), 'tools', 'make-onnx-example.py')


def load_maker():
    spec = importlib.util.spec_from_file_location('make_onnx_example', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def loss_of(model, xs, ys, batch):
    with torch.no_grad():
        if batch <= 0 or batch >= len(ys):
            return F.cross_entropy(model(xs), ys).item()
        total = 0.0
        for start in range(0, len(ys), batch):
            total += F.cross_entropy(model(xs[start : start + batch]), ys[start : start + batch], reduction='sum').item()
        return total / len(ys)


def time_grid(model, theta0, dx, dy, xs, ys, grid, batch, limit_seconds):
    """Seconds for the whole grid (measured, or extrapolated from the points done within the limit)."""
    params = list(model.parameters())
    coords = [-1.0 + 2.0 * i / (grid - 1) for i in range(grid)] if grid > 1 else [0.0]
    total = grid * grid
    done = 0
    start = time.perf_counter()
    for beta in coords:
        for alpha in coords:
            for p, w, d1, d2 in zip(params, theta0, dx, dy):
                p.data = w + d1 * alpha + d2 * beta
            loss_of(model, xs, ys, batch)
            done += 1
            if limit_seconds is not None and time.perf_counter() - start >= limit_seconds and done < total:
                elapsed = time.perf_counter() - start
                return elapsed / done * total, done, True
    return time.perf_counter() - start, done, False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('folder', help='a folder written by tools/make-onnx-example.py')
    parser.add_argument('--grid', type=int, default=51, help='points per side (default 51)')
    parser.add_argument('--limit-seconds', type=float, default=None, help='stop after this long and extrapolate')
    parser.add_argument('--threads', default='default,1', help="comma-separated: 'default' and/or thread counts")
    parser.add_argument('--batch', type=int, default=0, help='samples per forward pass (0: all in one)')
    parser.add_argument('--workload', default=None, help="name in the output (default: the folder's name)")
    args = parser.parse_args()
    if args.grid < 1:
        parser.error('--grid must be at least 1')

    missing = [f for f in ('expected.json', 'model-state.npz', 'data.npz', 'directions.h5') if not os.path.isfile(os.path.join(args.folder, f))]
    if missing:
        sys.exit(f"onnx_peers: {args.folder} lacks {', '.join(missing)}; write it with tools/make-onnx-example.py")
    maker = load_maker()
    expected, model, x, y, dx, dy = maker.load_example(args.folder)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    theta0 = [p.detach().clone() for p in model.parameters()]
    want = expected['checkpoints']['model.onnx']['centre_loss_f32']
    got = loss_of(model, xs, ys, args.batch)
    if abs(got - want) > 1e-5 * abs(want):
        sys.exit(f'onnx_peers: centre loss {got!r} differs from expected.json ({want!r}): not the exported model')

    workload = args.workload or os.path.basename(os.path.normpath(args.folder))
    default_threads = torch.get_num_threads()
    settings = [default_threads if s.strip() == 'default' else int(s) for s in args.threads.split(',')]
    for threads in dict.fromkeys(settings):  # in order, each count once ('default' may be 1)
        torch.set_num_threads(threads)
        seconds, points, extrapolated = time_grid(model, theta0, dx, dy, xs, ys, args.grid, args.batch, args.limit_seconds)
        if extrapolated:
            print(
                f'onnx_peers: {workload}, {threads} thread(s): extrapolated from {points} of {args.grid ** 2} points '
                f'measured in {args.limit_seconds} s',
                file=sys.stderr,
            )
        print(
            json.dumps(
                {
                    'workload': workload,
                    'seconds': seconds,
                    'points': points,
                    'extrapolated': extrapolated,
                    'threads': threads,
                    'torch': torch.__version__,
                    'grid': args.grid,
                    'samples': int(len(ys)),
                    'parameters': expected['parameter_count'],
                }
            ),
            flush=True,
        )
    for p, w in zip(model.parameters(), theta0):
        p.data = w


if __name__ == '__main__':
    main()
