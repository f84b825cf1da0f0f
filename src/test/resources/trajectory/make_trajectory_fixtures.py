#!/usr/bin/env python3
"""Writes a real training run and a real LoRA-style fine-tune, with torch's own float64 figures (manifest.json).

usage:  /opt/torch213/bin/python make_trajectory_fixtures.py      (run it in this folder)

run/: a small model (a frozen embedding, two linear layers) trained with Adam, one checkpoint per step as
Lightning writes them ({"state_dict", "global_step", "epoch"}). File names are random, so only global_step
orders them. At step NAN_STEP the saved fc1.weight carries a NaN (training itself goes on clean); from step
HEAD_FROM on the model has a second head, so its keys are in some files only.
manifest "run": per step and tensor, the figures of docs/cli-contract.md (trajectory) computed by torch in float64
over the positions where the values involved are finite; per module the same from the summed squares.

lora/: base.pt and finetuned.pt: matrices changed by a merged low-rank update (base + B@A, float32, of known rank),
a conv weight whose update has rank 2 once reshaped to (out, in*kh*kw), a full-rank update, a sparse update, an
untouched tensor and a changed bias. manifest "lora": per changed key the rank torch.linalg.svdvals finds on the
float64 delta with the tolerance of docs/cli-contract.md, the rank the update was built with, the fraction of
elements changed and the verdict.
"""
import json
import math
import os
import random

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 7
NAN_STEP = 4
HEAD_FROM = 3
RTOL = 1e-6
EPS = {torch.float32: 2.0 ** -23, torch.float64: 2.0 ** -52, torch.float16: 2.0 ** -10, torch.bfloat16: 2.0 ** -7}


class Net(nn.Module):
    def __init__(self, second_head):
        super().__init__()
        self.embed = nn.Embedding(40, 8)
        self.fc1 = nn.Linear(8, 16)
        self.fc2 = nn.Linear(16, 4)
        if second_head:
            self.head2 = nn.Linear(16, 2)

    def forward(self, idx):
        h = torch.tanh(self.fc1(self.embed(idx).mean(1)))
        out = self.fc2(h)
        if hasattr(self, "head2"):
            out = out + self.head2(h).sum(1, keepdim=True)
        return out


def sums(x, prev, first, last):
    """Raw float64 sums of one tensor at one step, as the Java side keeps them."""
    x = x.double().flatten()
    fin = torch.isfinite(x)
    out = {"numel": x.numel(), "sq": float((x[fin] ** 2).sum()), "nonfinite": int((~fin).sum())}
    for name, y in (("prev", prev), ("first", first), ("last", last)):
        if y is None:
            out[name] = None
            continue
        y = y.double().flatten()
        both = fin & torch.isfinite(y)
        d = x[both] - y[both]
        same = (x == y) | (torch.isnan(x) & torch.isnan(y))
        out[name] = {"diff_sq": float((d ** 2).sum()), "other_sq": float((y[both] ** 2).sum()),
                     "own_sq": float((x[both] ** 2).sum()), "dot": float((x[both] * y[both]).sum()),
                     "max_abs": float(d.abs().max()) if d.numel() else None, "pairs": int(both.sum()),
                     "changed": int((~same).sum())}
    return out


def figures(per_step):
    """The trajectory figures from summed sums (one tensor, or all tensors of a module)."""
    n = len(per_step)
    f = {"norm": [], "rel_prev": [], "rel_first": [], "cos_last": [], "changed_fraction": [], "max_abs_diff": []}
    for i in range(n):
        s = per_step[i]
        if s is None:
            for k in f:
                f[k].append(None)
            continue
        f["norm"].append(math.sqrt(s["sq"]))
        p, fi, la = s["prev"], s["first"], s["last"]
        f["rel_prev"].append(math.sqrt(p["diff_sq"]) / math.sqrt(p["other_sq"])
                             if p and p["pairs"] and p["other_sq"] > 0 else None)
        f["changed_fraction"].append(p["changed"] / s["numel"] if p else None)
        f["max_abs_diff"].append(p["max_abs"] if p and p["pairs"] else None)
        f["rel_first"].append(math.sqrt(fi["diff_sq"]) / math.sqrt(fi["other_sq"])
                              if fi and fi["pairs"] and fi["other_sq"] > 0 else None)
        f["cos_last"].append(la["dot"] / math.sqrt(la["own_sq"] * la["other_sq"])
                             if la and la["pairs"] and la["own_sq"] > 0 and la["other_sq"] > 0 else None)
    return f


def add(a, b):
    if a is None:
        return b
    out = {"numel": a["numel"] + b["numel"], "sq": a["sq"] + b["sq"], "nonfinite": a["nonfinite"] + b["nonfinite"]}
    for name in ("prev", "first", "last"):
        x, y = a[name], b[name]
        if x is None or y is None:
            out[name] = x or y
            continue
        m = [v for v in (x["max_abs"], y["max_abs"]) if v is not None]
        out[name] = {k: x[k] + y[k] for k in ("diff_sq", "other_sq", "own_sq", "dot", "pairs", "changed")}
        out[name]["max_abs"] = max(m) if m else None
    return out


def make_run():
    os.makedirs(os.path.join(HERE, "run"), exist_ok=True)
    for f in os.listdir(os.path.join(HERE, "run")):
        os.remove(os.path.join(HERE, "run", f))
    torch.manual_seed(7)
    rng = random.Random(7)
    net = Net(False)
    net.embed.weight.requires_grad_(False)
    data = torch.randint(0, 40, (32, 5))
    target = torch.randn(32, 4)
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=0.05)
    saved = []
    names = []
    for step in range(STEPS):
        if step == HEAD_FROM:
            old = net
            net = Net(True)
            net.load_state_dict(old.state_dict(), strict=False)
            net.embed.weight.requires_grad_(False)
            opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=0.05)
        if step > 0:
            opt.zero_grad()
            nn.functional.mse_loss(net(data), target).backward()
            opt.step()
        sd = {k: v.detach().clone() for k, v in net.state_dict().items()}
        if step == NAN_STEP:
            sd["fc1.weight"][2, 3] = float("nan")
        name = "ckpt-%06x.ckpt" % rng.getrandbits(24)
        torch.save({"state_dict": sd, "global_step": step * 10, "epoch": 0}, os.path.join(HERE, "run", name))
        saved.append(sd)
        names.append(name)
    keys = []
    for sd in saved:
        keys += [k for k in sd if k not in keys]
    tensors = []
    module_sums = {}
    for key in keys:
        present = [i for i in range(STEPS) if key in saved[i]]
        first, last = present[0], present[-1]
        per_step = []
        for i in range(STEPS):
            if key not in saved[i]:
                per_step.append(None)
                continue
            prev = saved[i - 1].get(key) if i > 0 and i - 1 in present else None
            per_step.append(sums(saved[i][key], prev, saved[first][key], saved[last][key]))
        nonfinite = [i for i in range(STEPS) if per_step[i] and per_step[i]["nonfinite"]]
        frozen = len(present) == STEPS and all(
            per_step[i]["prev"]["changed"] == 0 for i in range(1, STEPS))
        entry = {"key": "state_dict." + key, "frozen": frozen,
                 "first_nonfinite": nonfinite[0] if nonfinite else None,
                 "absent": [i for i in range(STEPS) if i not in present]}
        entry.update(figures(per_step))
        tensors.append(entry)
        module = ("state_dict." + key).rsplit(".", 1)[0]
        acc = module_sums.setdefault(module, [None] * STEPS)
        for i in range(STEPS):
            if per_step[i] is not None:
                acc[i] = add(acc[i], per_step[i])
    modules = []
    for module, per_step in module_sums.items():
        entry = {"module": module}
        entry.update(figures(per_step))
        modules.append(entry)
    return {"files": names, "steps": [i * 10 for i in range(STEPS)], "nan_step": NAN_STEP,
            "frozen": ["state_dict.embed.weight"], "tensors": tensors, "modules": modules}


def make_lora():
    os.makedirs(os.path.join(HERE, "lora"), exist_ok=True)
    g = torch.Generator().manual_seed(11)
    base = {
        "q.weight": torch.randn(64, 48, generator=g) * 0.05,
        "v.weight": torch.randn(32, 40, generator=g) * 0.05,
        "conv.weight": torch.randn(16, 8, 3, 3, generator=g) * 0.1,
        "full.weight": torch.randn(24, 20, generator=g) * 0.05,
        "sparse.weight": torch.randn(30, 30, generator=g),
        "frozen.weight": torch.randn(10, 12, generator=g),
        "q.bias": torch.randn(64, generator=g),
    }
    tuned = {k: v.clone() for k, v in base.items()}
    built = {}
    for key, r in (("q.weight", 3), ("v.weight", 5)):
        m, n = base[key].shape
        b = torch.randn(m, r, generator=g, dtype=torch.float64) * 0.02
        a = torch.randn(r, n, generator=g, dtype=torch.float64) * 0.02
        tuned[key] = (base[key].double() + 2.0 * (b @ a)).float()
        built[key] = r
    b = torch.randn(16, 2, generator=g, dtype=torch.float64) * 0.05
    a = torch.randn(2, 72, generator=g, dtype=torch.float64) * 0.05
    tuned["conv.weight"] = (base["conv.weight"].double() + (b @ a).reshape(16, 8, 3, 3)).float()
    built["conv.weight"] = 2
    tuned["full.weight"] = base["full.weight"] + torch.randn(24, 20, generator=g) * 0.01
    idx = torch.randperm(900, generator=g)[:27]
    flat = tuned["sparse.weight"].flatten()
    flat[idx] += 0.5
    tuned["sparse.weight"] = flat.reshape(30, 30)
    tuned["q.bias"] = base["q.bias"] + 0.01
    torch.save(base, os.path.join(HERE, "lora", "base.pt"))
    torch.save(tuned, os.path.join(HERE, "lora", "finetuned.pt"))
    changed = []
    for key in base:
        x, y = tuned[key].double(), base[key].double()
        if torch.equal(x, y):
            continue
        entry = {"key": key, "changed_fraction": float((x != y).sum()) / x.numel()}
        if x.dim() >= 2:
            d = (x - y).reshape(x.shape[0], -1)
            sv = torch.linalg.svdvals(d)
            tol = max(RTOL * float(sv[0]), EPS[tuned[key].dtype] * float(torch.linalg.norm(x))
                      + EPS[base[key].dtype] * float(torch.linalg.norm(y)))
            entry["delta_rank"] = int((sv > tol).sum())
            entry["built_rank"] = built.get(key)
            if key in built:
                assert entry["delta_rank"] == built[key], (key, entry["delta_rank"], sv[:8])
        changed.append(entry)
    return {"a": "finetuned.pt", "b": "base.pt", "identical": ["frozen.weight"], "changed": changed,
            "expected_kind": {"q.weight": "low-rank (rank 3)", "v.weight": "low-rank (rank 5)",
                              "conv.weight": "low-rank (rank 2)", "full.weight": "full",
                              "sparse.weight": "sparse", "q.bias": "full"}}


def main():
    manifest = {"torch": torch.__version__, "run": make_run(), "lora": make_lora()}
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
