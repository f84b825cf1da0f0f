"""Prints, as JSON, what real torch says the `stats --json` numbers of each tensor of a flat checkpoint are.

Usage: python torch_contract_stats.py FILE [BINS]   (a .safetensors file or a torch.save'd flat dict of tensors;
with BINS, also numpy's histograms of the finite values over [min, max] and of log |x| of the non-zero ones)
Conventions of the CLI contract: over the finite values; complex tensors by magnitude (torch.abs), quantized
ones dequantized, bool as 0/1; std unbiased; NaN/Inf counted; zeros include -0.0. Statistics that do not exist
are null. float4_e2m1fn_x2 (which torch cannot convert) is decoded with the OCP e2m1 table, low nibble first.
"""
import json
import sys
import warnings

import numpy as np
import torch

warnings.filterwarnings("ignore")  # deprecation notices of quantized and sparse constructors

E2M1 = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0]


def as_float64(t):
    if t.layout != torch.strided:
        t = t.to_dense()
    if t.is_quantized:
        t = t.dequantize()
    if t.is_conj():
        t = t.resolve_conj()
    if t.is_neg():
        t = t.resolve_neg()
    if t.is_complex():
        t = t.abs()
    if t.dtype == getattr(torch, "float4_e2m1fn_x2", None):
        b = t.contiguous().reshape(-1).view(torch.uint8).numpy()
        return np.array(E2M1)[np.stack([b & 0xF, b >> 4], 1).ravel()]
    if t.dtype in (getattr(torch, "uint16", None), getattr(torch, "uint32", None), getattr(torch, "uint64", None)):
        return t.contiguous().numpy().astype(np.float64).ravel()
    return t.contiguous().to(torch.float64).numpy().ravel()


def tiny(t):
    """Smallest normal of the dtype the values are in after dequantize/abs (0 for integers)."""
    if t.is_quantized:
        return torch.finfo(torch.float32).tiny
    dt = {torch.complex128: torch.float64, torch.complex64: torch.float32,
          torch.complex32: torch.float16}.get(t.dtype, t.dtype)
    if dt == getattr(torch, "float4_e2m1fn_x2", None):
        return 1.0
    return torch.finfo(dt).tiny if dt.is_floating_point else 0.0


def stats(t, bins=None):
    a = as_float64(t)
    fin = a[np.isfinite(a)]
    n = int(fin.size)
    with np.errstate(over="ignore"):
        scale = float(np.abs(fin).max()) if n else 0.0
        scaled = fin / scale if scale > 0 else fin
        mean = float(scaled.mean()) * (scale or 1.0) if n else None
        std = float(scaled.std(ddof=1)) * (scale or 1.0) if n > 1 else None
        l2 = float(np.sqrt((scaled * scaled).sum())) * (scale or 1.0) if n else None
    out = {}
    if bins and n:
        lo, hi = float(fin.min()), float(fin.max())
        out["histogram"] = np.histogram(fin, bins=bins, range=(lo, hi) if lo < hi else None)[0].tolist()
        logs = np.log(np.abs(fin[fin != 0]))
        if logs.size:
            out["log_histogram"] = np.histogram(logs, bins=bins, range=(logs.min(), logs.max())
                                                if logs.min() < logs.max() else None)[0].tolist()
    if n:
        out["p1"], out["p50"], out["p99"] = (float(x) for x in np.percentile(fin, [1, 50, 99]))
    return out | {
        "count": int(a.size),
        "min": float(fin.min()) if n else None,
        "max": float(fin.max()) if n else None,
        "mean": mean,
        "std": std,
        "l2": l2,
        "nan": int(np.isnan(a).sum()),
        "posinf": int(np.isposinf(a).sum()),
        "neginf": int(np.isneginf(a).sum()),
        "zeros": int((a == 0).sum()),
        "neg_zeros": int(((a == 0) & np.signbit(a)).sum()),
        "subnormals": int(((a != 0) & np.isfinite(a) & (np.abs(a) < tiny(t))).sum()),
    }


def load(path):
    if path.endswith(".safetensors"):
        from safetensors.torch import load_file
        return load_file(path)
    return torch.load(path, weights_only=True)


if __name__ == "__main__":
    tensors = load(sys.argv[1])
    bins = int(sys.argv[2]) if len(sys.argv) > 2 else None
    json.dump({k: stats(v, bins) for k, v in tensors.items() if isinstance(v, torch.Tensor)}, sys.stdout)
