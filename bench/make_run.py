"""Writes a benchmark training run with real torch: STEPS checkpoints of TENSORS float32 tensors, ~MB_PER_STEP each.

usage: python make_run.py OUT_DIR [--steps 10] [--mb 200] [--tensors 16] [--frozen 2]

Step i is step i-1 plus small noise on every tensor but the first FROZEN, which stay as they are, as an embedding
would. Files are step_<global_step>.pt holding {"state_dict", "global_step"}.
"""
import argparse
import os

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--mb", type=float, default=200)
    ap.add_argument("--tensors", type=int, default=16)
    ap.add_argument("--frozen", type=int, default=2)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    tensors = args.tensors
    cols = 1024
    rows = int(args.mb * 1e6 / 4 / tensors / cols)
    g = torch.Generator().manual_seed(0)
    sd = {f"layers.{i // 2}.{'weight' if i % 2 == 0 else 'other'}": torch.randn(rows, cols, generator=g) * 0.02
          for i in range(tensors)}
    for step in range(args.steps):
        if step > 0:
            for i, k in enumerate(sd):
                if i >= args.frozen:
                    sd[k] = sd[k] + torch.randn(rows, cols, generator=g) * 1e-3
        torch.save({"state_dict": sd, "global_step": step * 100}, os.path.join(args.out, f"step_{step * 100}.pt"))


if __name__ == "__main__":
    main()
