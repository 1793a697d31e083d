#!/usr/bin/python3
"""Builds the example "own model" that ships with the app: a small CNN on the 8x8 digits, exported to ONNX.

Run from the repository root with Debian's PyTorch (apt-get install python3-torch python3-h5py):

    /usr/bin/python3 tools/make-onnx-example.py                 # writes public/models/cnn-digits/
    /usr/bin/python3 tools/make-onnx-example.py --out DIR       # the same files elsewhere
    /usr/bin/python3 tools/make-onnx-example.py --wide DIR      # the benchmark's wider model (~0.25 M
                                                                # parameters, 1,000 samples); not committed
    /usr/bin/python3 tools/make-onnx-example.py --wide DIR --untrained   # the same, at its seeded random
                                                                # initialisation (no training: seconds, for timing)

Everything is seeded and runs on one CPU thread, so a rerun writes the same numbers (the .onnx bytes may
differ only if the PyTorch version does). What each file holds is described in docs/onnx-example.md:

    model.onnx, model-b.onnx, model-c.onnx   three checkpoints of one architecture (seeds 1, 2, 3)
    data.npz                                 x float32 [N,1,8,8] (pixel / 16), y int64 class indices
    directions.h5                            loss-landscape's direction file (xdirection/ydirection)
    expected.json                            PyTorch's own losses: centre, a 5x5 grid, a line A -> B
    model-state.npz                          model.onnx's state_dict as plain arrays (no pickle), for
                                             bench/onnx_peers.py

The data are read from the repository's public/data/digits-8x8.bin (format: tools/convert-digits.mjs).
bench/onnx_peers.py imports this file for DigitsCNN, load_example and plane_state.
"""

import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIGITS_FILE = os.path.join(REPO, 'public', 'data', 'digits-8x8.bin')
DEFAULT_OUT = os.path.join(REPO, 'public', 'models', 'cnn-digits')
MAGIC = bytes([0x89, 0x44, 0x49, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

# The shipped example and the benchmark's wider one differ only in width and sample count.
CONFIGS = {
    'small': {'channels': 8, 'samples': 512, 'epochs': 30},
    'wide': {'channels': 136, 'samples': 1000, 'epochs': 12},
}
DATA_SEED = 0
MODEL_SEEDS = {'model.onnx': 1, 'model-b.onnx': 2, 'model-c.onnx': 3}
DIRECTION_SEED = 123
GRID = [-1.0, -0.5, 0.0, 0.5, 1.0]
LINE_POINTS = 11
# loss-landscape's filter normalisation divides by (norm of the random filter + 1e-10).
FILTER_EPSILON = 1e-10
OPSET = 14  # torch 1.13's default opset; onnxruntime-web 1.30 runs opsets up to 21+.
EXPORT_FLAGS = {
    'export_params': True,
    'do_constant_folding': False,
    'training': 'PRESERVE',
    'opset_version': OPSET,
    'input_names': ['x'],
    'output_names': ['logits'],
    'dynamic_axes': {'x': {'0': 'batch'}, 'logits': {'0': 'batch'}},
}


class DigitsCNN(nn.Module):
    """conv3x3 -> BN -> ReLU -> conv3x3 -> BN -> (+ skip) -> ReLU -> flatten -> Linear(10).

    The convolutions have no bias (a BatchNorm follows each), as in ResNets."""

    def __init__(self, channels=8, side=8, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.fc = nn.Linear(channels * side * side, classes)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(h)) + h)
        return self.fc(torch.flatten(out, 1))


def fail(message):
    print(f'make-onnx-example: {message}', file=sys.stderr)
    sys.exit(1)


def read_digits(path=DIGITS_FILE):
    """The digits table: pixels uint8 [rows, 64] (0..16) and labels uint8 [rows]."""
    with open(path, 'rb') as f:
        raw = f.read()
    if len(raw) < 16 or raw[:8] != MAGIC or raw[8] != 1 or raw[9] != 8 or raw[10] != 10 or raw[11] != 16:
        fail(f'{path} is not a digits-8x8 version 1 file')
    rows = int.from_bytes(raw[12:16], 'little')
    if len(raw) != 16 + 65 * rows:
        fail(f'{path}: {len(raw)} bytes, {rows} rows need {16 + 65 * rows}')
    pixels = np.frombuffer(raw, dtype=np.uint8, count=rows * 64, offset=16).reshape(rows, 64)
    labels = np.frombuffer(raw, dtype=np.uint8, count=rows, offset=16 + 64 * rows)
    return pixels, labels


def make_data(samples):
    """A seeded subset of the digits (rows in random order), scaled as the app scales them: pixel / 16."""
    pixels, labels = read_digits()
    rows = np.random.default_rng(DATA_SEED).permutation(len(labels))[:samples]
    x = (pixels[rows].astype(np.float32) / np.float32(16)).reshape(samples, 1, 8, 8)
    y = labels[rows].astype(np.int64)
    return rows, x, y


def train(channels, seed, x, y, epochs):
    """Adam on the subset itself (its landscape is the training loss), minibatches of 64, one thread."""
    torch.manual_seed(seed)
    model = DigitsCNN(channels)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    order = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(ys), generator=order)
        for start in range(0, len(ys), 64):
            batch = perm[start : start + 64]
            opt.zero_grad()
            F.cross_entropy(model(xs[batch]), ys[batch]).backward()
            opt.step()
    return model.eval()


def parameter_kind(name, tensor):
    if tensor.dim() > 1:
        return 'weight'
    return 'norm' if name.startswith('bn') else 'bias'


def make_directions(model, seed):
    """loss-landscape's random directions ('weights', norm='filter', ignore='biasbn'): a Gaussian per
    parameter tensor in parameters() order; each output channel (conv filter, linear row) scaled to the
    norm of the same filter of the weights; 1-D tensors (biases, BatchNorm weight and bias) set to zero.
    The x direction is drawn first, then y, from one generator."""
    gen = torch.Generator().manual_seed(seed)
    pair = []
    for _ in range(2):
        direction = []
        for p in model.parameters():
            w = p.detach()
            d = torch.randn(w.shape, generator=gen, dtype=torch.float32)
            if w.dim() <= 1:
                d.zero_()
            else:
                for i in range(w.shape[0]):
                    d[i].mul_(w[i].norm() / (d[i].norm() + FILTER_EPSILON))
            direction.append(d)
        pair.append(direction)
    return pair


def plane_state(model, dx, dy, alpha, beta, dtype):
    """The state_dict at theta0 + alpha*dx + beta*dy (parameters only; buffers as they are), in dtype.
    float32: formed in float32 as loss-landscape does; float64: everything cast first."""
    state = {k: v.detach().clone().to(dtype) if v.is_floating_point() else v for k, v in model.state_dict().items()}
    for (name, _), d1, d2 in zip(model.named_parameters(), dx, dy):
        state[name] = state[name] + d1.to(dtype) * alpha + d2.to(dtype) * beta
    return state


def evaluate(channels, state, x, y, dtype):
    """Cross-entropy (mean over all samples) and accuracy (fraction) of the model in eval mode."""
    model = DigitsCNN(channels).to(dtype)
    model.load_state_dict(state)
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(x).to(dtype))
        target = torch.from_numpy(y)
        loss = F.cross_entropy(logits, target).item()
        accuracy = (logits.argmax(1) == target).double().mean().item()
    return loss, accuracy


def f32(v):
    """A float32 result as JSON: the double that equals the float32 value."""
    return float(np.float32(v))


def export_onnx(model, path):
    flags = dict(EXPORT_FLAGS)
    flags['training'] = getattr(torch.onnx.TrainingMode, flags['training'])
    flags['dynamic_axes'] = {k: {int(a): n for a, n in v.items()} for k, v in flags['dynamic_axes'].items()}
    torch.onnx.export(model.eval(), torch.zeros(1, 1, 8, 8), path, **flags)


def write_directions(path, dx, dy):
    import h5py  # imported here so bench/onnx_peers.py runs without h5py until it reads a file

    with h5py.File(path, 'w') as f:
        for group, direction in (('xdirection', dx), ('ydirection', dy)):
            g = f.create_group(group)
            for i, d in enumerate(direction):
                g.create_dataset(str(i), data=d.numpy())


def read_directions(path):
    import h5py

    with h5py.File(path, 'r') as f:
        return [[torch.from_numpy(np.array(f[g][str(i)])) for i in range(len(f[g]))] for g in ('xdirection', 'ydirection')]


def load_example(folder):
    """(expected.json, model in eval mode, x, y, dx, dy) of a folder this script wrote."""
    with open(os.path.join(folder, 'expected.json')) as f:
        expected = json.load(f)
    model = DigitsCNN(expected['architecture']['channels'])
    with np.load(os.path.join(folder, 'model-state.npz')) as state:
        model.load_state_dict({k: torch.from_numpy(state[k]) for k in state.files})
    model.eval()
    with np.load(os.path.join(folder, 'data.npz')) as data:
        x, y = data['x'], data['y']
    dx, dy = read_directions(os.path.join(folder, 'directions.h5'))
    return expected, model, x, y, dx, dy


def build(out, config_name, untrained=False):
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    config = CONFIGS[config_name]
    channels, samples = config['channels'], config['samples']
    os.makedirs(out, exist_ok=True)
    rows, x, y = make_data(samples)
    np.savez(os.path.join(out, 'data.npz'), x=x, y=y)

    # Untrained (timing only): one checkpoint, its centre only, no line; the values do not change the cost.
    seeds = {'model.onnx': MODEL_SEEDS['model.onnx']} if untrained else MODEL_SEEDS
    grid_at = [0.0] if untrained else GRID
    models = {}
    for file, seed in seeds.items():
        models[file] = train(channels, seed, x, y, 0 if untrained else config['epochs'])
        if untrained:
            # At initialisation BatchNorm's weight and running variance are all ones and its bias and mean all
            # zeros: the exporter would share equal tensors between them. A seeded nudge keeps each its own.
            nudge = torch.Generator().manual_seed(seed)
            with torch.no_grad():
                for tensor in models[file].state_dict().values():
                    if tensor.is_floating_point() and tensor.dim() == 1:
                        tensor.add_(torch.rand(tensor.shape, generator=nudge) * 0.1)
        export_onnx(models[file], os.path.join(out, file))
        print(f"{'initialised' if untrained else 'trained'} and exported {file} (seed {seed})")
    centre = models['model.onnx']
    np.savez(os.path.join(out, 'model-state.npz'), **{k: v.numpy() for k, v in centre.state_dict().items()})

    dx, dy = make_directions(centre, DIRECTION_SEED)
    write_directions(os.path.join(out, 'directions.h5'), dx, dy)

    def at(alpha, beta):
        l32, a32 = evaluate(channels, plane_state(centre, dx, dy, alpha, beta, torch.float32), x, y, torch.float32)
        l64, _ = evaluate(channels, plane_state(centre, dx, dy, alpha, beta, torch.float64), x, y, torch.float64)
        return f32(l32), l64, a32

    grid = [at(a, b) for b in grid_at for a in grid_at]
    checkpoints = {}
    for file, seed in seeds.items():
        state = models[file].state_dict()
        l32, acc = evaluate(channels, state, x, y, torch.float32)
        l64, _ = evaluate(channels, {k: v.double() if v.is_floating_point() else v for k, v in state.items()}, x, y, torch.float64)
        checkpoints[file] = {'seed': seed, 'centre_loss_f32': f32(l32), 'centre_loss_f64': l64, 'centre_accuracy': acc}

    ts = [] if untrained else [i / (LINE_POINTS - 1) for i in range(LINE_POINTS)]
    line32, line64 = [], []
    a_state, b_state = centre.state_dict(), models.get('model-b.onnx', centre).state_dict()
    for t in ts:
        for dtype, out_list in ((torch.float32, line32), (torch.float64, line64)):
            state = {}
            for k, va in a_state.items():
                if va.is_floating_point():
                    va, vb = va.to(dtype), b_state[k].to(dtype)
                    state[k] = va + (vb - va) * t
                else:
                    state[k] = va
            loss, _ = evaluate(channels, state, x, y, dtype)
            out_list.append(f32(loss) if dtype == torch.float32 else loss)

    params = [
        {'name': n, 'shape': list(p.shape), 'kind': parameter_kind(n, p), 'direction': 'filter-normalised' if p.dim() > 1 else 'zero'}
        for n, p in centre.named_parameters()
    ]
    buffers = [{'name': n, 'shape': list(b.shape)} for n, b in centre.named_buffers() if b.is_floating_point()]
    expected = {
        'format': 'onnx-example expected values, version 1',
        'generator': 'tools/make-onnx-example.py' + (' --wide' if config_name == 'wide' else '') + (' --untrained' if untrained else ''),
        'torch': torch.__version__,
        'architecture': {'name': 'DigitsCNN', 'channels': channels, 'side': 8, 'classes': 10},
        'parameter_count': sum(p.numel() for p in centre.parameters()),
        'export': {**EXPORT_FLAGS, 'training': 'torch.onnx.TrainingMode.PRESERVE (model.eval() first)'},
        'data': {
            'file': 'data.npz',
            'samples': samples,
            'x': {'dtype': 'float32', 'shape': list(x.shape), 'scale': 'pixel / 16'},
            'y': {'dtype': 'int64', 'shape': list(y.shape)},
            'source': 'public/data/digits-8x8.bin',
            'rows': [int(r) for r in rows],
        },
        'loss': 'cross_entropy, mean over all samples, model in eval mode (BatchNorm uses its running statistics)',
        'accuracy': 'fraction of samples whose largest logit is the label (0 to 1)',
        'parameters': params,
        'buffers': buffers,
        'checkpoints': checkpoints,
        'directions': {
            'file': 'directions.h5',
            'seed': DIRECTION_SEED,
            'method': "loss-landscape's random directions: weights, norm 'filter', ignore 'biasbn'",
            'filter_epsilon': FILTER_EPSILON,
            'layout': 'groups xdirection and ydirection; dataset str(i) is parameters()[i], float32, the shape of that parameter',
        },
        'grid': {
            'model': 'model.onnx',
            'alphas': grid_at,
            'betas': grid_at,
            'layout': 'row-major over beta then alpha: loss[iy * 5 + ix] = L(theta0 + alphas[ix] * x + betas[iy] * y)',
            'float32': 'theta formed in float32 (theta0 + alpha*dx + beta*dy), forward pass in float32',
            'float64': 'theta0 and the directions cast to float64 first, everything in float64',
            'loss_f32': [g[0] for g in grid],
            'loss_f64': [g[1] for g in grid],
            'accuracy': [g[2] for g in grid],
        },
        'line': {
            'from': 'model.onnx',
            'to': 'model-b.onnx',
            't': ts,
            'interpolates': 'every float tensor: (1 - t) * A + t * B for parameters and BatchNorm running statistics alike',
            'loss_f32': line32,
            'loss_f64': line64,
        },
    }
    with open(os.path.join(out, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
        f.write('\n')
    centre_entry = checkpoints['model.onnx']
    print(
        f"wrote {out}: {expected['parameter_count']} parameters, {samples} samples; "
        f"centre loss {centre_entry['centre_loss_f32']!r} (f32), {centre_entry['centre_loss_f64']!r} (f64), "
        f"accuracy {centre_entry['centre_accuracy']}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=DEFAULT_OUT, help='folder for the example files (default public/models/cnn-digits)')
    parser.add_argument('--wide', metavar='OUTDIR', help='write the wider benchmark model (~0.25 M parameters, 1,000 samples) to OUTDIR instead')
    parser.add_argument(
        '--untrained',
        action='store_true',
        help='with --wide: export the seeded random initialisation without training (seconds; for timing, whose cost does not depend on the values)',
    )
    args = parser.parse_args()
    if args.untrained and not args.wide:
        parser.error('--untrained goes with --wide')
    if args.wide:
        build(args.wide, 'wide', untrained=args.untrained)
    else:
        build(args.out, 'small')


if __name__ == '__main__':
    main()
