"""The torch side of bench/diff-bench.sh: the same per-tensor comparisons our diff makes, done by torch.

usage: python diff_torch_baseline.py A.pt B.pt OUR_DIFF.json

Loads both checkpoints with mmap=True, and per key: torch.equal, then for tensors that differ max |a-b|,
mean |a-b|, ||a-b|| / ||b|| and cosine similarity, all threads. Timed twice: in the tensors' own float32
(torch's natural speed; its float32 sums drift by ~1e-4 relative on 8M elements) and in float64 (the precision
our diff computes in). Prints the seconds of each (interpreter and torch import excluded) and how far our JSON is
from torch's float64 numbers.
"""
import json
import sys
import time

import torch


def compare(a, b, dtype):
    stats, identical = {}, []
    for k, tb in b.items():
        ta = a.get(k)
        if ta is None or ta.shape != tb.shape:
            continue
        if ta.dtype == tb.dtype and torch.equal(ta, tb):
            identical.append(k)
            continue
        ta, tb = ta.to(dtype).flatten(), tb.to(dtype).flatten()
        d = ta - tb
        ad = d.abs()
        nb = tb.norm()
        stats[k] = (ad.max().item(), ad.mean().item(), (d.norm() / nb).item(),
                    (torch.dot(ta, tb) / (ta.norm() * nb)).item())
    return stats, identical


def timed(a_path, b_path, dtype):
    t0 = time.perf_counter()
    a = torch.load(a_path, mmap=True, weights_only=True)
    b = torch.load(b_path, mmap=True, weights_only=True)
    stats, identical = compare(a, b, dtype)
    return time.perf_counter() - t0, stats, identical


def main():
    a_path, b_path, ours_path = sys.argv[1:4]
    s32, _, _ = timed(a_path, b_path, torch.float32)
    s64, stats, identical = timed(a_path, b_path, torch.float64)
    with open(ours_path) as f:
        ours = json.load(f)
    worst = 0.0
    for c in ours["changed"]:
        mx, mean, rel, cos = stats[c["key"]]
        for want, got in ((mx, c["max_abs_diff"]), (mean, c["mean_abs_diff"]), (rel, c["rel_l2"])):
            worst = max(worst, abs(want - got) / abs(want))
        worst = max(worst, abs(cos - c["cosine"]))
    agree = (sorted(ours["identical"]) == sorted(identical) and len(ours["changed"]) == len(stats)
             and worst < 1e-9)
    print(f"torch_float32_seconds={s32:.3f} torch_float64_seconds={s64:.3f} changed={len(stats)} "
          f"identical={len(identical)} ours_vs_torch_float64={worst:.1e} agree={'yes' if agree else 'NO'}")


if __name__ == "__main__":
    main()
