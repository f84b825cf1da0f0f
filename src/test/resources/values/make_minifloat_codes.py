"""Writes what real torch decodes every code of the float8 dtypes to (minifloat_codes.json), or with --all
also float16 and bfloat16 to standard output (the Java test runs that live when torch is at hand).

Run with torch 2.13: /opt/torch213/bin/python make_minifloat_codes.py
Values are float.hex() of torch's float64 conversion ('nan', 'inf', '-inf' as such), so the Java test compares
bit-exact values, -0.0 included. float4_e2m1fn_x2 is absent: torch 2.13 cannot convert it to any other dtype.
"""
import json
import sys
import torch


def codes(dtype, bits):
    n = 1 << bits
    raw = torch.arange(n, dtype=torch.int64)
    raw = raw.to(torch.uint8) if bits == 8 else raw.to(torch.int32).to(torch.int16)
    return [float.hex(v) if v == v and abs(v) != float("inf") else repr(v)
            for v in raw.view(dtype).to(torch.float64).tolist()]


out = {"torch_version": torch.__version__}
for name in ("float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu"):
    out[name] = codes(getattr(torch, name), 8)
if "--all" in sys.argv:
    for name in ("float16", "bfloat16"):
        out[name] = codes(getattr(torch, name), 16)
    json.dump(out, sys.stdout, separators=(",", ":"))
else:
    with open("minifloat_codes.json", "w") as f:
        json.dump(out, f, separators=(",", ":"))
