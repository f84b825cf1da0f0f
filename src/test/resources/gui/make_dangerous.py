"""Writes dangerous_reduce.pt: a real torch.save checkpoint whose pickle would call os.system when loaded with
torch.load(weights_only=False). The GUI must show it with the red security banner and never run it.
Run with torch 2.x: python make_dangerous.py
"""
import os
import torch


class Payload:
    def __reduce__(self):
        return (os.system, ("echo this would run on torch.load",))


torch.manual_seed(0)
torch.save({"model": {"fc.weight": torch.randn(4, 3), "fc.bias": torch.zeros(4)}, "extra": Payload()},
           "dangerous_reduce.pt")
