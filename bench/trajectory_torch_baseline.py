"""The torch side of bench/trajectory-bench.sh: the per-step figures our trajectory computes, done by torch.

usage: python trajectory_torch_baseline.py OUR_TRAJECTORY.json FILE...   (files in step order)

Loads every checkpoint with mmap=True and, per tensor and step: ||x||, ||x - prev|| / ||prev||,
||x - first|| / ||first||, cosine to the last step, the fraction of elements changed and max |x - prev|, all
threads. Timed twice: in the tensors' own float32 (torch's natural speed) and in float64 (our precision). Prints
the seconds of each (interpreter and torch import excluded) and how far our JSON is from torch's float64 numbers.
"""
import json
import sys
import time

import torch


def figures(paths, dtype):
    sds = [torch.load(p, mmap=True, weights_only=True)["state_dict"] for p in paths]
    out = {}
    for k in sds[0]:
        first = sds[0][k].to(dtype)
        last = sds[-1][k].to(dtype)
        prev = None
        rows = []
        for sd in sds:
            x = sd[k].to(dtype)
            row = [x.norm().item()]
            if prev is None:
                row += [None, None, None]
            else:
                d = x - prev
                row += [(d.norm() / prev.norm()).item(), (x != prev).sum().item() / x.numel(), d.abs().max().item()]
            row.append(((x - first).norm() / first.norm()).item())
            row.append((torch.dot(x.flatten(), last.flatten()) / (x.norm() * last.norm())).item())
            rows.append(row)
            prev = x
        out[k] = rows
    return out


def timed(paths, dtype):
    t0 = time.perf_counter()
    f = figures(paths, dtype)
    return time.perf_counter() - t0, f


def main():
    ours_path, paths = sys.argv[1], sys.argv[2:]
    s32, _ = timed(paths, torch.float32)
    s64, want = timed(paths, torch.float64)
    with open(ours_path) as f:
        ours = json.load(f)
    worst = 0.0
    for t in ours["tensors"]:
        rows = want[t["key"][len("state_dict."):]]
        for i, row in enumerate(rows):
            got = [t["norm"][i], t["rel_prev"][i], t["changed_fraction"][i], t["max_abs_diff"][i],
                   t["rel_first"][i], t["cos_last"][i]]
            for w, g in zip(row, got):
                if w is None or g is None:
                    if (w is None) != (g is None):
                        worst = float("inf")
                    continue
                worst = max(worst, abs(w - g) / max(abs(w), 1e-300) if w else abs(g))
    print(f"torch_float32_seconds={s32:.3f} torch_float64_seconds={s64:.3f} tensors={len(want)} "
          f"ours_vs_torch_float64={worst:.1e} agree={'yes' if worst < 1e-9 else 'NO'}")


if __name__ == "__main__":
    main()
