"""PyTorch peer of `npm run bench` (bench/peers/torchPeer.ts runs it).

Reads one grid workload from a folder (meta.json and raw float32 arrays written by torchPeer.ts) and
computes the loss grid on the CPU the way PyTorch users do: theta = theta0 + alpha*d1 + beta*d2 as a
tensor, sliced into each layer's weights, and a full forward pass over the samples, either one point
at a time (loss-landscape's way) or a whole grid row of points in one batched pass (bmm).
Prints one JSON line: the torch version, threads, and per mode the seconds, rows measured and the
losses at the centre and the corner. Usage: python3 torch_peer.py FOLDER
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load(folder):
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    arrays = {}
    for name in ("x", "y", "center", "direction_x", "direction_y"):
        arrays[name] = torch.from_numpy(np.fromfile(os.path.join(folder, name + ".f32"), dtype="<f4"))
    return meta, arrays


def forward_losses(meta, x, targets, thetas):
    """Losses at stacked parameter vectors thetas [B, P]: one batched forward pass."""
    batch = thetas.shape[0]
    layers = meta["layers"]
    h = x.unsqueeze(0)
    for l, layer in enumerate(layers):
        n_in, n_out, w0, b0 = layer["inputs"], layer["outputs"], layer["weightOffset"], layer["biasOffset"]
        w = thetas[:, w0 : w0 + n_out * n_in].reshape(batch, n_out, n_in)
        z = torch.matmul(h, w.transpose(1, 2))
        if b0 >= 0:
            z = z + thetas[:, b0 : b0 + n_out].unsqueeze(1)
        if l < len(layers) - 1:
            z = torch.tanh(z) if meta["activation"] == "tanh" else torch.relu(z)
        h = z
    if meta["loss"] == "mse":
        return ((h - targets.unsqueeze(0)) ** 2).mean(dim=(1, 2))
    logp = F.log_softmax(h, dim=2)
    return -logp.gather(2, targets.view(1, -1, 1).expand(batch, -1, 1)).squeeze(2).mean(dim=1)


def point_loss(meta, x, targets, theta):
    """One point the plain way: F.linear layer by layer, as a model's forward pass does."""
    h = x
    layers = meta["layers"]
    for l, layer in enumerate(layers):
        n_in, n_out, w0, b0 = layer["inputs"], layer["outputs"], layer["weightOffset"], layer["biasOffset"]
        w = theta[w0 : w0 + n_out * n_in].view(n_out, n_in)
        b = theta[b0 : b0 + n_out] if b0 >= 0 else None
        h = F.linear(h, w, b)
        if l < len(layers) - 1:
            h = torch.tanh(h) if meta["activation"] == "tanh" else torch.relu(h)
    if meta["loss"] == "mse":
        return F.mse_loss(h, targets)
    return F.cross_entropy(h, targets)


def main():
    if len(sys.argv) != 2:
        print("usage: python3 torch_peer.py FOLDER", file=sys.stderr)
        return 2
    meta, a = load(sys.argv[1])
    threads = int(meta.get("threads") or 0)
    if threads > 0:
        torch.set_num_threads(threads)
    m, n0, n_out = meta["m"], meta["inputs"], meta["outputs"]
    x = a["x"].view(m, n0)
    targets = a["y"].view(m, n_out) if meta["loss"] == "mse" else a["y"].round().long()
    c, dx, dy = a["center"], a["direction_x"], a["direction_y"]
    n, span, budget = meta["gridSize"], meta["span"], meta["budgetSeconds"]
    coords = [(-span + i * (2 * span / (n - 1))) if n > 1 else 0.0 for i in range(n)]
    alphas = torch.tensor(coords, dtype=torch.float32).view(n, 1)
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "modes": {}}
    with torch.no_grad():
        for mode in meta["modes"]:
            def row_losses(beta):
                if mode == "point":
                    return torch.stack([point_loss(meta, x, targets, c + alpha * dx + beta * dy) for alpha in coords])
                return forward_losses(meta, x, targets, c + beta * dy + alphas * dx)

            checks = [point_loss(meta, x, targets, c + al * dx + be * dy) for al, be in ((0.0, 0.0), (-span, -span))]
            if mode != "point":
                checks = [forward_losses(meta, x, targets, (c + al * dx + be * dy).view(1, -1))[0] for al, be in ((0.0, 0.0), (-span, -span))]
            t0 = time.perf_counter()
            rows = 0
            for iy in range(n):
                row_losses(coords[iy])
                rows += 1
                if budget > 0 and time.perf_counter() - t0 > budget:
                    break
            measured = time.perf_counter() - t0
            out["modes"][mode] = {
                "seconds": measured * n / rows,
                "rowsMeasured": rows,
                "rows": n,
                "centerLoss": float(checks[0]),
                "cornerLoss": float(checks[1]),
            }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
