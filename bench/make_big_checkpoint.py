"""Writes the benchmark checkpoints with real torch: 64 float32 tensors, about 2 GB in all.

usage: python make_big_checkpoint.py OUT.pt [--perturb] [--seed N] [--gb 2.0]

--perturb writes the same tensors (same seed) with a small change in every 97th element, for diff benchmarks.
"""
import argparse
import os

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--perturb", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gb", type=float, default=2.0)
    ap.add_argument("--tensors", type=int, default=64)
    args = ap.parse_args()
    per_tensor = int(args.gb * 1e9 / 4 / args.tensors)
    cols = 1024
    rows = max(1, per_tensor // cols)
    g = torch.Generator().manual_seed(args.seed)
    sd = {}
    for i in range(args.tensors):
        t = torch.randn(rows, cols, generator=g) * 0.02
        if args.perturb:
            flat = t.view(-1)
            flat[::97] += 1e-3
        sd[f"layers.{i // 4}.block{i % 4}.weight"] = t
    tmp = args.out + ".tmp"
    torch.save(sd, tmp)
    os.replace(tmp, args.out)
    print(f"wrote {args.out}: {os.path.getsize(args.out) / 1e9:.2f} GB, {args.tensors} tensors of {rows}x{cols}")


if __name__ == "__main__":
    main()
