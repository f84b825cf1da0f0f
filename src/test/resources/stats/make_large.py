"""Writes large.safetensors into the folder given: tensors big enough to be split over several workers.

float32 with a large mean (precision of the merged moments) and NaN/Inf sprinkled in, bfloat16 and int16
(one-pass code counting), int32 with a small range (exact value counts), float64, a uint8 tensor, complex64.
"""
import sys

import torch
from safetensors.torch import save_file

g = torch.Generator().manual_seed(1234)
n = 3_000_001
f32 = torch.randn(n, generator=g) * 3 + 1000
f32[::100_003] = float("nan")
f32[7::250_000] = float("inf")
f32[11::333_333] = -float("inf")
f32[13::50_000] = 0.0
tensors = {
    "f32": f32.reshape(3, -1) if n % 3 == 0 else f32,
    "bf16": (torch.randn(2_500_000, generator=g) * 0.02).to(torch.bfloat16),
    "i16": torch.randint(-30000, 30000, (2_200_000,), generator=g).to(torch.int16),
    "i32": torch.randint(-50, 200, (2_100_000,), generator=g).to(torch.int32),
    "f64": torch.rand(2_000_000, generator=g, dtype=torch.float64) * 1e-300,
    "u8": torch.randint(0, 256, (1_500_000,), generator=g).to(torch.uint8),
    "c64": torch.randn(1_200_000, generator=g, dtype=torch.complex64),
}
save_file(tensors, sys.argv[1] + "/large.safetensors")
