"""Writes large.safetensors into the folder given: tensors big enough to be split over several workers.

Also large_sparse.pt: a coalesced sparse COO tensor too large to densify in memory, and quantized tensors
(per tensor and per channel) whose dequantize() results go to dequantized.safetensors.
float32 with a large mean (precision of the merged moments) and NaN/Inf sprinkled in, bfloat16 and int16
(one-pass code counting), int32 with a small range (exact value counts), float64, a uint8 tensor, complex64.
"""
import sys
import warnings

import torch
from safetensors.torch import save_file

warnings.filterwarnings("ignore")  # deprecation notices of quantized and sparse constructors

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

# A sparse tensor whose dense form (6000 x 6000 float32, 144 MB) is larger than what is densified in memory.
idx = torch.randint(0, 6000, (2, 5000), generator=g)
sparse = torch.sparse_coo_tensor(idx, torch.randn(5000, generator=g), (6000, 6000)).coalesce()
x = torch.randn(300, 400, generator=g) * 3
quantized = {
    "q_tensor_qint8": torch.quantize_per_tensor(x, 0.0371, -5, torch.qint8),
    "q_tensor_quint8": torch.quantize_per_tensor(x, 0.0371, 117, torch.quint8),
    "q_tensor_qint32": torch.quantize_per_tensor(x, 0.00371, 17, torch.qint32),
    "q_channel_qint8": torch.quantize_per_channel(x, torch.rand(400, generator=g, dtype=torch.float64) * 0.1 + 0.01,
                                                  torch.randint(-20, 20, (400,), generator=g), 1, torch.qint8),
}
torch.save({"big_sparse": sparse} | quantized, sys.argv[1] + "/large_sparse.pt")
# What torch's dequantize() gives, to compare value by value.
save_file({k: q.dequantize() for k, q in quantized.items()}, sys.argv[1] + "/dequantized.safetensors")
