#!/usr/bin/env python3
"""Checks files written by Checkpoint Inspector's `export` with real torch, many files per process.

Usage: python check_export.py JOBS.json FIXTURES_DIR  -> prints one JSON document on stdout:
  {"torch": "2.13.0", "jobs": [{"id": ..., "status": "ok" | "fail" | "skipped", "problems": [...]}]}

Job kinds (fields of each JSON object in JOBS.json, a list):
  load     file, format ("pth" | "safetensors"), min_torch (or null), expect {key: {dtype, shape, sha256}},
           shared [[key, ...], ...]: keys that must still view one storage after loading;
           metadata_keys (optional): the module names the state_dict's _metadata must hold, in order;
           ordered (default true): a .pth must hold the keys in the expected order;
           storage (optional) {key: [nbytes, storage_offset]}: the size of the storage a tensor views, and where.
           pth: torch.load(file, weights_only=True); safetensors: safetensors.torch.load_file (torch 2.x venv only).
           The loaded keys must be exactly the expected ones; sha256 as in check_roundtrip.tensor_sha256.
  convert  file (the exported .pth), source, source_format ("safetensors" | "pth"), dtype, keys {out: source key}:
           every output tensor must hold the bits torch's own source.to(dtype) gives. NaN inputs must give NaN;
           their exact bits are compared only where torch is self-consistent (see `_nan_bits_compared`).
           unchanged {out: source key}: tensors the conversion must leave as they are.
  seed     file: the article's scenario. The exported `fc` keys load into ComplexModel with strict=False,
           missing_keys are exactly conv1's, nothing is unexpected, and the fc parameters hold the file's values.
"""
import json
import os
import re
import sys
import traceback
import warnings

import numpy as np
import torch

warnings.filterwarnings("ignore")
TORCH = tuple(int(x) for x in re.findall(r"\d+", torch.__version__)[:2])


def _version(s):
    return tuple(int(x) for x in s.split("."))


def _storage(t):
    return t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()


def load_job(job, sha256):
    problems = []
    if job["format"] == "pth":
        sd = torch.load(job["file"], map_location="cpu", weights_only=True)
    else:
        from safetensors.torch import load_file
        sd = load_file(job["file"])
    if not isinstance(sd, dict):
        return [f"loaded a {type(sd).__name__}, not a dict"]
    want = job["expect"]
    if sorted(sd.keys()) != sorted(want.keys()):
        extra, missing = sorted(set(sd) - set(want))[:5], sorted(set(want) - set(sd))[:5]
        problems.append(f"keys differ: extra {extra}, missing {missing}")
    if job.get("ordered", True) and job["format"] == "pth" and list(sd.keys()) != list(want.keys()) \
            and sorted(sd) == sorted(want):
        problems.append("keys are not in the expected order")
    for k, w in want.items():
        t = sd.get(k)
        if t is None:
            continue
        name = str(t.dtype).replace("torch.", "")
        if name != w["dtype"]:
            problems.append(f"{k}: dtype {name}, expected {w['dtype']}")
        if list(t.shape) != list(w["shape"]):
            problems.append(f"{k}: shape {list(t.shape)}, expected {w['shape']}")
        elif w.get("sha256") and sha256(t) != w["sha256"]:
            problems.append(f"{k}: sha256 {sha256(t)[:16]}... expected {w['sha256'][:16]}...")
        if t.requires_grad:
            problems.append(f"{k}: requires_grad is set")
    if "metadata_keys" in job:
        got = list(getattr(sd, "_metadata", {}).keys())
        if got != job["metadata_keys"]:
            problems.append(f"_metadata modules {got}, expected {job['metadata_keys']}")
    for k, (nbytes, offset) in job.get("storage", {}).items():
        got = (_storage(sd[k]).nbytes(), sd[k].storage_offset())
        if got != (nbytes, offset):
            problems.append(f"{k}: storage of {got[0]} bytes at offset {got[1]}, expected {nbytes} at {offset}")
    for group in job.get("shared", []):
        ptrs = {k: _storage(sd[k]).data_ptr() for k in group if k in sd}
        if len(set(ptrs.values())) != 1:
            problems.append(f"{group} no longer share one storage")
    return problems


def _read_safetensors(path):
    """The tensors of a safetensors file, parsed with numpy only (Debian's torch has no safetensors package)."""
    codes = {"F32": (np.uint32, torch.float32), "F16": (np.uint16, torch.float16),
             "BF16": (np.uint16, torch.bfloat16)}
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, e in header.items():
        if k == "__metadata__" or e["dtype"] not in codes:
            continue
        npdt, tdt = codes[e["dtype"]]
        b, en = e["data_offsets"]
        raw = np.frombuffer(data[b:en], dtype=npdt).copy().reshape(e["shape"])
        signed = {np.uint32: np.int32, np.uint16: np.int16}[npdt]
        out[k] = torch.from_numpy(raw.view(signed)).view(tdt)
    return out


def _bits(t):
    """Raw bits as a numpy unsigned array."""
    if t.element_size() == 4:
        return t.contiguous().view(torch.int32).numpy().view(np.uint32).ravel()
    return t.contiguous().view(torch.int16).numpy().view(np.uint16).ravel()


def _nan_bits_compared(src_dtype, dst_dtype):
    """Whether torch's NaN bits are compared exactly. torch 2.13's float16->float32 widening gives different NaN
    bits depending on the element's position (vectorised body vs scalar tail), and 1.13 writes float16 NaNs as
    0x7E00 with the sign: there only NaN-ness is compared. Every other NaN result is the same whatever the size."""
    if TORCH < (2, 0):
        return dst_dtype in (torch.bfloat16, torch.float32)
    return (src_dtype, dst_dtype) != (torch.float16, torch.float32)


def convert_job(job, sha256):
    problems = []
    if job["source_format"] == "safetensors":
        src = _read_safetensors(job["source"])
    else:
        src = torch.load(job["source"], map_location="cpu", weights_only=True)
    out = torch.load(job["file"], map_location="cpu", weights_only=True)
    dst_dtype = getattr(torch, job["dtype"])
    for ok, sk in job["keys"].items():
        s = src[sk]
        o = out.get(ok)
        if o is None:
            problems.append(f"{ok}: missing")
            continue
        want = s.to(dst_dtype)
        if o.dtype != want.dtype or o.shape != want.shape:
            problems.append(f"{ok}: {o.dtype} {list(o.shape)}, expected {want.dtype} {list(want.shape)}")
            continue
        got_bits, want_bits = _bits(o), _bits(want)
        src_nan = torch.isnan(s.float()).contiguous().numpy().ravel()
        got_nan = torch.isnan(o.float()).contiguous().numpy().ravel()
        if not np.array_equal(src_nan, got_nan):
            problems.append(f"{ok}: NaN positions differ ({int(src_nan.sum())} in the source, "
                            f"{int(got_nan.sum())} written)")
        mask = np.ones_like(src_nan) if _nan_bits_compared(s.dtype, dst_dtype) else ~src_nan
        bad = np.nonzero((got_bits != want_bits) & mask)[0]
        if bad.size:
            i = int(bad[0])
            problems.append(f"{ok}: {bad.size} elements differ from torch's {s.dtype}->{dst_dtype}, first at {i}: "
                            f"source bits {hex(int(_bits(s)[i]))}, torch {hex(int(want_bits[i]))}, "
                            f"written {hex(int(got_bits[i]))}")
    for ok, sk in job.get("unchanged", {}).items():
        if ok not in out or sha256(out[ok]) != sha256(src[sk]):
            problems.append(f"{ok}: should be written unchanged")
    return problems


class ComplexModel(torch.nn.Module):
    """The article's model."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 16, kernel_size=3)
        self.relu1 = torch.nn.ReLU()
        self.fc1 = torch.nn.Linear(16 * 26 * 26, 10)
        self.fc2 = torch.nn.Linear(10, 2)

    def forward(self, x):
        x = self.relu1(self.conv1(x))
        x = x.view(-1, 16 * 26 * 26)
        x = torch.relu(self.fc1(x))
        return self.fc2(x)


def seed_job(job, sha256):
    problems = []
    sd = torch.load(job["file"], map_location="cpu", weights_only=True)
    model = ComplexModel()
    result = model.load_state_dict(sd, strict=False)
    if sorted(result.missing_keys) != ["conv1.bias", "conv1.weight"]:
        problems.append(f"missing_keys {result.missing_keys}, expected the conv1 keys")
    if result.unexpected_keys:
        problems.append(f"unexpected_keys {result.unexpected_keys}")
    state = model.state_dict()
    for k, v in sd.items():
        if not torch.equal(state[k], v):
            problems.append(f"{k}: the model does not hold the file's values after loading")
    x = torch.randn(1, 3, 28, 28)
    if tuple(model(x).shape) != (1, 2):
        problems.append("the loaded model does not run")
    return problems


def main():
    jobs_path, fixtures = sys.argv[1], sys.argv[2]
    sys.path.insert(0, fixtures)
    from check_roundtrip import tensor_sha256
    with open(jobs_path) as f:
        jobs = json.load(f)
    results = []
    for job in jobs:
        entry = {"id": job["id"], "status": "ok", "problems": []}
        try:
            if job.get("min_torch") and TORCH < _version(job["min_torch"]):
                entry["status"] = "skipped"
            elif job["kind"] == "load" and job["format"] == "safetensors" and TORCH < (2, 0):
                entry["status"] = "skipped"
            else:
                run = {"load": load_job, "convert": convert_job, "seed": seed_job}[job["kind"]]
                entry["problems"] = run(job, tensor_sha256)
        except Exception as e:  # noqa: BLE001 - every failure is reported, none stops the batch
            entry["problems"] = [f"{type(e).__name__}: {str(e)[:400]}",
                                 traceback.format_exc().strip().splitlines()[-1][:200]]
        if entry["problems"]:
            entry["status"] = "fail"
        results.append(entry)
    print(json.dumps({"torch": torch.__version__, "jobs": results}))


if __name__ == "__main__":
    main()
