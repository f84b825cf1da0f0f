#!/usr/bin/env python3
"""Checks a slim export of a training checkpoint against what torch itself reads from the source.

Usage: python check_slim_export.py OUT.pth SPEC.json  -> prints {"loaded": bool, "error", "keys", "problems"}
SPEC: {"sources": {"prefix": "file", ...} (prefix "" for a single file), "root": "model_state_dict" or "",
       "exclude": ["optimizer_state_dict", ...]}
The expected tensors are every tensor torch.load(source, weights_only=False) holds (numpy arrays as tensors),
named by dotted path, under the prefix of its file, below `root` (with `root.` removed), outside the excluded
prefixes. OUT must load with torch.load(weights_only=True) and hold exactly those, equal value for value.
"""
import json
import sys
import warnings

import numpy as np
import torch

warnings.filterwarnings("ignore")


def flatten(obj, prefix, out):
    if isinstance(obj, np.ndarray) and obj.dtype.kind in "biuf":
        obj = torch.from_numpy(obj.astype(obj.dtype.newbyteorder("=")))
    if isinstance(obj, torch.Tensor):
        out[prefix] = obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            flatten(v, f"{prefix}.{i}" if prefix else str(i), out)


def main():
    out_file, spec = sys.argv[1], json.load(open(sys.argv[2]))
    expected = {}
    for prefix, file in spec["sources"].items():
        if file.endswith(".safetensors"):
            from safetensors.torch import load_file
            obj = load_file(file)
        else:
            obj = torch.load(file, map_location="cpu", weights_only=False)
        flatten(obj, prefix, expected)
    root = spec["root"]
    chosen = {}
    for k, t in expected.items():
        if any(k.startswith(e + ".") for e in spec["exclude"]):
            continue
        if root:
            if not k.startswith(root + "."):
                continue
            k = k[len(root) + 1:]
        chosen[k] = t
    report = {"loaded": False, "error": None, "keys": [], "problems": []}
    try:
        sd = torch.load(out_file, map_location="cpu", weights_only=True)
    except Exception as e:  # what torch says is the finding
        report["error"] = f"{type(e).__name__}: {e}"[:2000]
        print(json.dumps(report))
        return
    report["loaded"] = True
    report["keys"] = list(sd.keys())
    if sorted(sd) != sorted(chosen):
        report["problems"].append(f"keys differ: extra {sorted(set(sd) - set(chosen))[:8]}, "
                                  f"missing {sorted(set(chosen) - set(sd))[:8]}")
    for k in sorted(set(sd) & set(chosen)):
        a, b = sd[k], chosen[k]
        if a.dtype != b.dtype or a.shape != b.shape or not torch.equal(a, b):
            report["problems"].append(f"{k}: {a.dtype}{list(a.shape)} differs from {b.dtype}{list(b.shape)}")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
