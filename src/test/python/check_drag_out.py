#!/usr/bin/env python3
"""Checks a file dragged out of Checkpoint Inspector against its source, with real torch.

Usage: python check_drag_out.py DRAGGED SOURCE PREFIX -> prints one JSON document:
  {"keys": [...], "expected": [...], "equal": true | false}
DRAGGED is read as torch.load(weights_only=True) (.pth) or safetensors.torch.load_file (.safetensors); SOURCE
(a .safetensors file) the same way. "expected" are SOURCE's keys under PREFIX ("fc1" -> "fc1.*"); "equal" says
whether every dragged tensor has the source's dtype, shape and values.
"""
import json
import sys

import torch
from safetensors.torch import load_file


def load(path):
    if path.endswith(".safetensors"):
        return load_file(path)
    return torch.load(path, weights_only=True)


def main():
    dragged, source, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
    got = load(dragged)
    src = load(source)
    expected = [k for k in src if k.startswith(prefix + ".")]
    equal = all(k in src and got[k].dtype == src[k].dtype and got[k].shape == src[k].shape
                and torch.equal(got[k], src[k]) for k in got)
    print(json.dumps({"keys": list(got), "expected": expected, "equal": equal}))


if __name__ == "__main__":
    main()
