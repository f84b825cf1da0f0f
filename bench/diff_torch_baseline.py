"""The torch side of bench/diff-bench.sh: the same per-tensor comparisons our diff makes, done by torch.

usage: python diff_torch_baseline.py A.pt B.pt OUR_DIFF.json

Loads both checkpoints with mmap=True, and per key: torch.equal, then for tensors that differ max |a-b|,
mean |a-b|, ||a-b|| / ||b|| and cosine similarity (torch's float32 kernels, all threads). Prints the seconds
this took (interpreter and torch import excluded) and checks our JSON against torch's numbers.
"""
import json
import sys
import time

import torch


def main():
    a_path, b_path, ours_path = sys.argv[1:4]
    t0 = time.perf_counter()
    a = torch.load(a_path, mmap=True, weights_only=True)
    b = torch.load(b_path, mmap=True, weights_only=True)
    stats = {}
    identical = []
    for k, tb in b.items():
        ta = a.get(k)
        if ta is None or ta.shape != tb.shape:
            continue
        if ta.dtype == tb.dtype and torch.equal(ta, tb):
            identical.append(k)
            continue
        d = ta - tb
        ad = d.abs()
        nb = tb.norm()
        stats[k] = (ad.max().item(), ad.mean().item(), (d.norm() / nb).item(),
                    torch.nn.functional.cosine_similarity(ta.flatten(), tb.flatten(), dim=0).item())
    seconds = time.perf_counter() - t0
    with open(ours_path) as f:
        ours = json.load(f)
    worst = 0.0
    for c in ours["changed"]:
        mx, mean, rel, cos = stats[c["key"]]
        for want, got in ((mx, c["max_abs_diff"]), (mean, c["mean_abs_diff"]), (rel, c["rel_l2"])):
            worst = max(worst, abs(want - got) / abs(want))
        worst = max(worst, abs(cos - c["cosine"]))
    agree = (sorted(ours["identical"]) == sorted(identical) and len(ours["changed"]) == len(stats)
             and worst < 1e-4)
    print(f"torch_seconds={seconds:.3f} changed={len(stats)} identical={len(identical)} "
          f"max_relative_disagreement={worst:.2e} agree={'yes' if agree else 'NO'}")


if __name__ == "__main__":
    main()
