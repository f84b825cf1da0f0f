#!/usr/bin/env python3
"""Writes the diff test pairs and what real torch says about them (expected.json).

usage:  /opt/torch213/bin/python make_diff_fixtures.py        (torch 2.x with safetensors; calls torch 1.13 itself)
        /usr/bin/python3 make_diff_fixtures.py --versioned OUT OUT_LEGACY  (internal: the torch 1.13 half of the version pair)

Run it in this folder. For every pair (A = the checkpoint, B = the target model's state_dict) expected.json holds:
- "load_state_dict": the text of the RuntimeError torch raises for model.load_state_dict(A) with strict=True and
  with strict=False (null when it loads), and the missing/unexpected key lists torch collected (captured with a
  load_state_dict post hook, so they are there even when torch raises). The model is built from B's state_dict
  (nested nn.Modules with one persistent buffer per key, in B's order, class name "model_class"); where the pair
  names the real model class and its state_dict has B's key order, the script checks that both give the same
  text. B's order is the file's order: a safetensors header lists keys by dtype, then name, so a model rebuilt
  from a safetensors file meets its keys in that order.
- "keys": per key present in both with equal shapes: "identical" (same dtype, bitwise-equal bytes) or the
  Δ statistics in float64 over the positions where both values are finite: max/mean |a-b|, ||a-b||/||b||,
  cosine; null where the statistic does not exist.
- "shape_mismatch", "dtype_mismatch", "only_in_a", "only_in_b": the key lists.
Pairs may name a "rename" (a Python regex, applied to A's keys with re.sub) and a "select" (the sub-dict of a
nested checkpoint A that is compared): what the Java diff should find by itself with --align-prefixes.
"""
import collections
import json
import math
import os
import random
import re
import struct
import subprocess
import sys

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
TORCH113 = os.environ.get("TORCH113_PYTHON", "/usr/bin/python3")


class SimpleModel(nn.Module):
    def __init__(self):
        super(SimpleModel, self).__init__()
        self.fc1 = nn.Linear(10, 5)
        self.fc2 = nn.Linear(5, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class SimpleModelDifferent(nn.Module):
    def __init__(self):
        super(SimpleModelDifferent, self).__init__()
        self.fc1 = nn.Linear(10, 6)
        self.fc2 = nn.Linear(6, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class ModifiedComplexModel(nn.Module):
    """The article's last example: fc1 and fc2 resized, to which it loads an fc-only checkpoint with strict=False."""

    def __init__(self):
        super(ModifiedComplexModel, self).__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3)
        self.relu1 = nn.ReLU()
        self.fc1 = nn.Linear(16 * 26 * 26, 12)
        self.fc2 = nn.Linear(12, 2)

    def forward(self, x):
        x = self.relu1(self.conv1(x)).view(-1, 16 * 26 * 26)
        return self.fc2(torch.relu(self.fc1(x)))


def versioned_state_dict():
    """The same values under any torch version: drawn by Python's own generator, not torch's."""
    rnd = random.Random(1234)
    floats = lambda n: [rnd.gauss(0.0, 0.5) for _ in range(n)]  # noqa: E731
    sd = collections.OrderedDict()
    sd["encoder.weight"] = torch.tensor(floats(48), dtype=torch.float32).reshape(6, 8)
    sd["encoder.bias"] = torch.tensor(floats(6), dtype=torch.float32)
    sd["norm.running_mean"] = torch.tensor(floats(6), dtype=torch.float64)
    sd["norm.num_batches_tracked"] = torch.tensor(17, dtype=torch.int64)
    sd["head.weight"] = torch.tensor(floats(12), dtype=torch.float16).reshape(2, 6)
    sd["head.bf16"] = torch.tensor(floats(8), dtype=torch.float32).to(torch.bfloat16)
    sd["mask"] = torch.tensor([rnd.random() < 0.5 for _ in range(10)])
    sd["codes"] = torch.tensor([rnd.randrange(-128, 128) for _ in range(9)], dtype=torch.int8).reshape(3, 3)
    sd["transposed"] = sd["encoder.weight"].t()            # a view sharing the encoder's storage
    return sd


def write_versioned(out, legacy=False):
    torch.save(versioned_state_dict(), out, _use_new_zipfile_serialization=not legacy)


# ------------------------------------------------------------------ torch's verdicts ---

def module_from_state_dict(sd, class_name):
    """A module tree whose state_dict() has exactly sd's keys (all persistent buffers), modules and buffers
    registered in the order sd first names them; state_dict() then lists them module by module."""
    root = type(class_name, (nn.Module,), {})()
    for key, value in sd.items():
        *parents, leaf = key.split(".")
        m = root
        for p in parents:
            if p not in m._modules:
                m.add_module(p, nn.Module())
            m = m._modules[p]
        m.register_buffer(leaf, torch.zeros_like(value))
    assert sorted(root.state_dict().keys()) == sorted(sd.keys())
    return root


def torch_load_verdict(model_factory, ckpt):
    verdict = {}
    for strict in (True, False):
        model = model_factory()
        seen = {}
        model.register_load_state_dict_post_hook(
            lambda m, inc: seen.update(missing=list(inc.missing_keys), unexpected=list(inc.unexpected_keys)))
        try:
            model.load_state_dict(ckpt, strict=strict)
            err = None
        except RuntimeError as e:
            err = str(e)
        verdict["strict_error" if strict else "non_strict_error"] = err
        verdict["missing_keys"] = seen["missing"]
        verdict["unexpected_keys"] = seen["unexpected"]
    return verdict


def finite_stats(a, b):
    a = a.double().reshape(-1)
    b = b.double().reshape(-1)
    mask = torch.isfinite(a) & torch.isfinite(b)
    a, b = a[mask], b[mask]
    if a.numel() == 0:
        return {"max_abs_diff": None, "mean_abs_diff": None, "rel_l2": None, "cosine": None}
    d = (a - b).abs()
    nb, na = b.norm().item(), a.norm().item()
    return {"max_abs_diff": d.max().item(), "mean_abs_diff": d.mean().item(),
            "rel_l2": (a - b).norm().item() / nb if nb > 0 else None,
            "cosine": torch.dot(a, b).item() / (na * nb) if na > 0 and nb > 0 else None}


def raw_bytes(t):
    return t.contiguous().reshape(-1).view(torch.uint8).tolist() if t.numel() else []


def compare(a_sd, b_sd):
    shape_mm, dtype_mm, keys = [], [], {}
    for k, b in b_sd.items():
        if k not in a_sd:
            continue
        a = a_sd[k]
        if a.shape != b.shape:
            shape_mm.append(k)
            if a.dtype != b.dtype:
                dtype_mm.append(k)
            continue
        if a.dtype != b.dtype:
            dtype_mm.append(k)
        elif raw_bytes(a) == raw_bytes(b):
            keys[k] = "identical"
            continue
        keys[k] = finite_stats(a, b)
    return {"only_in_a": [k for k in a_sd if k not in b_sd], "only_in_b": [k for k in b_sd if k not in a_sd],
            "shape_mismatch": shape_mm, "dtype_mismatch": dtype_mm, "keys": keys}


def load(rel):
    path = os.path.join(HERE, rel)
    if rel.endswith(".safetensors"):
        from safetensors.torch import load_file
        tensors = load_file(path)
        return collections.OrderedDict((k, tensors[k]) for k in safetensors_header_order(path))
    return torch.load(path, map_location="cpu", weights_only=True)


def safetensors_header_order(path):
    """The keys in the order the header lists them (load_file returns them sorted by name)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n), object_pairs_hook=collections.OrderedDict)
    return [k for k in header if k != "__metadata__"]


def pair(name, a_rel, b_rel, model_class="StateDictModel", real_model=None, rename=None, select=None):
    a_sd, b_sd = load(a_rel), load(b_rel)
    if select:
        a_sd = a_sd[select]
    if rename:
        pattern, repl = rename
        a_sd = collections.OrderedDict((re.sub(pattern, repl, k), v) for k, v in a_sd.items())
    verdict = torch_load_verdict(lambda: module_from_state_dict(b_sd, model_class), a_sd)
    if real_model is not None and list(real_model().state_dict().keys()) == list(b_sd.keys()):
        real = torch_load_verdict(real_model, a_sd)
        assert real == verdict, f"{name}: generic module differs from {model_class}:\n{real}\n{verdict}"
    entry = {"name": name, "a": a_rel, "b": b_rel, "model_class": model_class, "load_state_dict": verdict}
    if rename:
        entry["rename"] = {"from": rename[0], "to": rename[1]}
    if select:
        entry["select"] = select
    entry.update(compare(a_sd, b_sd))
    return entry


# ------------------------------------------------------------------ files ---

def save_pair_files(stem, sd):
    """stem.safetensors and stem.pt with the same tensors."""
    from safetensors.torch import save_file
    sd = collections.OrderedDict((k, v.contiguous()) for k, v in sd.items())
    save_file(sd, os.path.join(HERE, stem + ".safetensors"))
    torch.save(sd, os.path.join(HERE, stem + ".pt"))


def seed_models():
    """The article's scenario: a SimpleModel trained as in its first example, and a SimpleModelDifferent."""
    torch.manual_seed(42)
    model = SimpleModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    for _ in range(10):
        x = torch.randn(1, 10)
        y = torch.tensor([1]).float()
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
    save_pair_files("seed_simple", model.state_dict())
    torch.manual_seed(43)
    save_pair_files("seed_different", SimpleModelDifferent().state_dict())
    lightning_style = {"epoch": 3, "global_step": 30,
                       "state_dict": collections.OrderedDict(("model." + k, v) for k, v in model.state_dict().items()),
                       "optimizer_states": [optimizer.state_dict()]}
    torch.save(lightning_style, os.path.join(HERE, "seed_lightning.ckpt"))
    compiled = torch.compile(model)                 # never called: only the wrapper's key names are wanted
    sd = compiled.state_dict()
    assert all(k.startswith("_orig_mod.") for k in sd), list(sd)
    save_pair_files("seed_compiled", sd)
    torch.manual_seed(44)
    torch.save(ModifiedComplexModel().state_dict(), os.path.join(HERE, "modified_complex.pt"))


def value_pair():
    """Δ statistics cases: NaN/Inf placement, dtype mismatches compared as values, shape mismatch, one-sided keys."""
    g = torch.Generator().manual_seed(5)
    nan, inf = float("nan"), float("inf")
    a, b = collections.OrderedDict(), collections.OrderedDict()
    base = torch.randn(64, 33, generator=g)
    a["layer1.weight"] = base
    b["layer1.weight"] = base + 1e-3 * torch.randn(64, 33, generator=g)
    a["layer1.bias"] = torch.randn(64, generator=g)
    b["layer1.bias"] = a["layer1.bias"].clone()
    nans = torch.tensor([1.0, nan, 3.0, -inf, 5.0, nan, 7.0, inf])
    a["nan.same_positions"] = nans.clone()
    b["nan.same_positions"] = nans.clone()
    b["nan.same_positions"][0] = 1.5
    a["nan.payload"] = torch.tensor([nan, 2.0, 3.0])
    b["nan.payload"] = torch.tensor([nan, 2.0, 3.0])
    b["nan.payload"].view(torch.int32)[0] = 0x7FC00001           # another quiet NaN: not bitwise equal
    a["nan.vs_number"] = torch.tensor([nan, 2.0, 3.0, 4.0, inf, -1.0])
    b["nan.vs_number"] = torch.tensor([1.0, nan, 3.5, 4.0, 9.0, -inf])
    a["nan.all"] = torch.tensor([nan, inf])
    b["nan.all"] = torch.tensor([1.0, 2.0])
    a["zero.vs_negzero"] = torch.tensor([0.0, 1.0])
    b["zero.vs_negzero"] = torch.tensor([-0.0, 1.0])
    a["zeros.b"] = torch.tensor([1.0, -2.0])
    b["zeros.b"] = torch.zeros(2)
    w = torch.randn(16, 8, generator=g)
    a["dtype.f32_vs_f16"] = w
    b["dtype.f32_vs_f16"] = w.half()
    a["dtype.bf16_vs_f32"] = w.bfloat16()
    b["dtype.bf16_vs_f32"] = w.bfloat16().float()               # same values: max_abs_diff 0
    a["dtype.i64_vs_i32"] = torch.tensor([1, -5, 2**40, 7], dtype=torch.int64)
    b["dtype.i64_vs_i32"] = torch.tensor([1, -5, 3, 7], dtype=torch.int32)
    a["dtype.bool_vs_u8"] = torch.tensor([True, False, True])
    b["dtype.bool_vs_u8"] = torch.tensor([1, 1, 1], dtype=torch.uint8)
    a["ints.changed"] = torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)
    b["ints.changed"] = torch.tensor([[1, 2], [3, -4]], dtype=torch.int32)
    a["f64.changed"] = torch.randn(5, dtype=torch.float64, generator=g)
    b["f64.changed"] = a["f64.changed"] * (1 + 1e-12)
    a["bf16.changed"] = torch.randn(40, generator=g).bfloat16()
    b["bf16.changed"] = (a["bf16.changed"].float() * 1.01).bfloat16()
    a["scalar"] = torch.tensor(3.0)
    b["scalar"] = torch.tensor(3.25)
    a["empty"] = torch.zeros(0, 4)
    b["empty"] = torch.zeros(0, 4)
    a["shape.mismatch"] = torch.zeros(3, 4)
    b["shape.mismatch"] = torch.zeros(4, 3)
    a["shape.and_dtype"] = torch.zeros(2)
    b["shape.and_dtype"] = torch.zeros(3, dtype=torch.float64)
    a["scalar_vs_one"] = torch.tensor([2.0])                     # torch loads [1] into a 0-dim param
    b["scalar_vs_one"] = torch.tensor(2.0)
    a["only.in_a"] = torch.ones(2)
    b["only.in_b"] = torch.ones(2)
    a["layer2.extra.weight"] = torch.ones(1)
    b["layer2.weight"] = torch.ones(1)
    save_pair_files("values_a", a)
    save_pair_files("values_b", b)


def tree_pair():
    """Keys at several depths, so that torch's module-by-module walk decides the order of its messages."""
    g = torch.Generator().manual_seed(9)
    r = lambda *shape: torch.randn(*shape, generator=g)  # noqa: E731
    b = collections.OrderedDict()
    b["embed.weight"] = r(4, 3)
    b["blocks.0.attn.weight"] = r(3, 3)
    b["blocks.0.attn.bias"] = r(3)
    b["blocks.0.norm.weight"] = r(3).double()
    b["blocks.1.attn.weight"] = r(3, 3)
    b["blocks.1.norm.weight"] = r(3).double()
    b["head.weight"] = r(2, 3)
    b["scale"] = torch.tensor(0.5)
    b["blocks.0.mlp.weight"] = r(6, 3)
    b["blocks.1.steps"] = torch.tensor(3, dtype=torch.int64)
    a = collections.OrderedDict()
    a["scale"] = torch.tensor([0.5])                          # [1] into a 0-dim tensor: torch accepts it
    a["head"] = r(2, 3)                                       # names a module, not a tensor
    a["blocks.0.attn.weight"] = r(3, 4)
    a["blocks.0.norm.weight"] = b["blocks.0.norm.weight"].clone()
    a["blocks.2.attn.weight"] = r(3, 3)
    a["blocks.1.attn.extra"] = r(1)
    a["embed.weight"] = b["embed.weight"].clone()
    a["decoder.weight"] = r(2)
    a["blocks.1.norm.weight"] = b["blocks.1.norm.weight"].float()
    a["blocks.0.mlp.weight"] = b["blocks.0.mlp.weight"].half()
    a["blocks.1.steps"] = torch.tensor([3], dtype=torch.int64)
    save_pair_files("tree_a", a)
    save_pair_files("tree_b", b)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--versioned":
        write_versioned(sys.argv[2])
        write_versioned(sys.argv[3], legacy=True)
        return
    os.chdir(HERE)
    seed_models()
    value_pair()
    tree_pair()
    write_versioned(os.path.join(HERE, "same_torch213.pt"))
    subprocess.run([TORCH113, os.path.abspath(__file__), "--versioned", os.path.join(HERE, "same_torch113.pt"),
                    os.path.join(HERE, "same_torch113_legacy.pt")],
                   check=True)
    v113 = subprocess.run([TORCH113, "-c", "import torch; print(torch.__version__)"], check=True,
                          capture_output=True, text=True).stdout.strip()
    pairs = [
        pair("seed", "seed_simple.safetensors", "seed_different.safetensors", "SimpleModelDifferent",
             SimpleModelDifferent),
        pair("seed_pt", "seed_simple.pt", "seed_different.pt", "SimpleModelDifferent", SimpleModelDifferent),
        pair("seed_reverse", "seed_different.safetensors", "seed_simple.safetensors", "SimpleModel", SimpleModel),
        pair("compiled_raw", "seed_compiled.safetensors", "seed_simple.safetensors", "SimpleModel", SimpleModel),
        pair("compiled_renamed", "seed_compiled.safetensors", "seed_simple.safetensors", "SimpleModel", SimpleModel,
             rename=(r"^_orig_mod\.", "")),
        pair("tree", "tree_a.safetensors", "tree_b.safetensors", "Net"),
        pair("tree_pt", "tree_a.pt", "tree_b.pt", "Net"),
        pair("values", "values_a.safetensors", "values_b.safetensors"),
        pair("values_pt", "values_a.pt", "values_b.pt"),
        pair("fc_only_into_modified", "../fixtures/torch-2.13/complex_model_fc_only.pt", "modified_complex.pt",
             "ModifiedComplexModel", ModifiedComplexModel),
        pair("complex_into_fc_only", "../fixtures/torch-2.13/complex_model.pt",
             "../fixtures/torch-2.13/complex_model_fc_only.pt"),
        pair("fc_only_into_complex", "../fixtures/torch-2.13/complex_model_fc_only.pt",
             "../fixtures/torch-2.13/complex_model.pt", "ComplexModel"),
        pair("dataparallel_raw", "../fixtures/torch-2.13/dataparallel.pt", "../fixtures/torch-2.13/simple_adam.pt",
             "SimpleModel", SimpleModel),
        pair("dataparallel_renamed", "../fixtures/torch-2.13/dataparallel.pt",
             "../fixtures/torch-2.13/simple_adam.pt", "SimpleModel", SimpleModel, rename=(r"^module\.", "")),
        pair("plain_into_dataparallel", "../fixtures/torch-2.13/simple_adam.pt",
             "../fixtures/torch-2.13/dataparallel.pt", "DataParallel"),
        pair("lightning_nested", "seed_lightning.ckpt", "seed_simple.pt", "SimpleModel", SimpleModel,
             select="state_dict", rename=(r"^model\.", "")),
        pair("torch113_vs_torch213", "same_torch113.pt", "same_torch213.pt"),
        pair("torch113_legacy_vs_torch213", "same_torch113_legacy.pt", "same_torch213.pt"),
        pair("pth_vs_safetensors", "../fixtures/torch-2.13/simple_adam.pt",
             "../fixtures/torch-2.13/safetensors/simple_model.safetensors", "SimpleModel", SimpleModel),
        pair("pth113_vs_safetensors", "../fixtures/torch-1.13/simple_adam.pt",
             "../fixtures/torch-2.13/safetensors/simple_model.safetensors", "SimpleModel", SimpleModel),
    ]
    doc = {"generator": "make_diff_fixtures.py", "torch_version": torch.__version__, "torch113_version": v113,
           "pairs": pairs}
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(doc, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"{len(pairs)} pairs written to expected.json")


if __name__ == "__main__":
    main()
