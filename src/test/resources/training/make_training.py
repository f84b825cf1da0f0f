"""Writes training checkpoints as researchers save them, and what torch itself says about them.

  /usr/bin/python3 make_training.py torch-1.13           (torch 1.13, numpy 1.x)
  /opt/torch213/bin/python make_training.py torch-2.13   (torch 2.13, numpy 2.x)
  /opt/torch213/bin/python check_weights_only.py         (afterwards: torch >= 2.6 weights_only verdicts)

Files in <folder>/:
- adamw.pt       {'epoch', 'model_state_dict', 'optimizer_state_dict' (AdamW, decay / no-decay groups, so ids
                 are not state_dict order), 'scheduler', 'args' (argparse.Namespace), 'rng_state' (torch, numpy,
                 python), 'loss', 'best_acc' (numpy float64)}
- adamw_b.pt     the same run later: other epoch, loss, lr, an extra value, other RNG state
- sgd.pt         {'model', 'optimizer'}: SGD with momentum over a model with BatchNorm (buffers beside parameters)
- lightning.ckpt a Lightning-style dict: 'state_dict' ('model.' prefixed), 'optimizer_states', 'lr_schedulers',
                 'epoch', 'global_step', 'hyper_parameters'
- ambiguous.pt   two groups over two parameters of one shape: two assignments fit
- tied.pt        {'model', 'optimizer'} of a model whose head shares the embedding's weight
- numpy.pt       numpy arrays of every numpy dtype torch has, little- and big-endian, C and Fortran order, and
                 numpy scalars
- quantized.pt   torch.save of a statically quantized whole model
- qtensors.pt    quantized tensors: per-channel (axis 0 and 1) and per-tensor
manifest.json: per file, each optimizer's parameter names by id (from the optimizer's own param_groups, matched
by identity to model.named_parameters()), the model's parameter count (tied once), the numpy arrays' dtype,
shape and sha256 (row-major little-endian), numpy scalars' values, the non-tensor values that differ between
adamw.pt and adamw_b.pt, and the quantized model's state_dict() tensors (a tuple's items as key.0, key.1) with
their quantization parameters.
"""
import argparse
import hashlib
import json
import os
import random
import sys

import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
np.random.seed(0)
random.seed(0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 8)
        self.ln = nn.LayerNorm(8)
        self.fc2 = nn.Linear(8, 8)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        return self.head(torch.relu(self.fc2(self.ln(self.fc1(x)))))


class BnNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 4)
        self.bn = nn.BatchNorm1d(4)
        self.out = nn.Linear(4, 2)

    def forward(self, x):
        return self.out(self.bn(self.fc(x)))


class Twins(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4, bias=False)
        self.b = nn.Linear(4, 4, bias=False)

    def forward(self, x):
        return self.b(self.a(x))


class TiedLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4)
        self.proj = nn.Linear(4, 4)
        self.head = nn.Linear(4, 10, bias=False)
        self.head.weight = self.emb.weight

    def forward(self, idx):
        return self.head(self.proj(self.emb(idx)))


class QNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = torch.quantization.QuantStub()
        self.fc1 = nn.Linear(4, 6)
        self.fc2 = nn.Linear(6, 3)
        self.dequant = torch.quantization.DeQuantStub()

    def forward(self, x):
        return self.dequant(self.fc2(torch.relu(self.fc1(self.quant(x)))))


def train(model, opt, steps, make_input):
    for _ in range(steps):
        opt.zero_grad()
        model(make_input()).float().pow(2).mean().backward()
        opt.step()


def mapping(model, opt):
    """The parameter name of every id of opt.state_dict(), as torch numbers them."""
    names = {}
    for n, p in model.named_parameters():   # tied parameters: the first name, as named_parameters() gives
        names.setdefault(id(p), n)
    out = {}
    i = 0
    for g in opt.param_groups:
        for p in g["params"]:
            out[str(i)] = names[id(p)]
            i += 1
    return out


def param_count(model):
    return sum(p.numel() for p in model.parameters())   # parameters() yields a tied parameter once


def decay_groups(model, lr):
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    return [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0, "lr": lr / 10}]


def training_checkpoint(epoch, lr, extra):
    torch.manual_seed(epoch)
    np.random.seed(epoch)
    random.seed(epoch)
    model = Net()
    opt = torch.optim.AdamW(decay_groups(model, lr), lr=lr, betas=(0.9, 0.98), eps=1e-8)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    train(model, opt, 2, lambda: torch.randn(5, 6))
    sched.step()
    args = argparse.Namespace(lr=lr, batch_size=32, model="net", tags=["a", "b"])
    ckpt = {"epoch": epoch, "model_state_dict": model.state_dict(), "optimizer_state_dict": opt.state_dict(),
            "scheduler": sched.state_dict(), "args": args,
            "rng_state": {"torch": torch.get_rng_state(), "numpy": np.random.get_state(),
                          "python": random.getstate()},
            "loss": 0.25 + epoch, "best_acc": np.float64(0.5 + epoch / 1000)}
    ckpt.update(extra)
    return ckpt, model, opt


def values(v, path, out):
    """The non-tensor leaves of a checkpoint as {dotted path: python value}; numpy arrays count as tensors."""
    if torch.is_tensor(v) or isinstance(v, np.ndarray):
        return
    if isinstance(v, argparse.Namespace):
        v = vars(v)
    if isinstance(v, dict):
        for k, x in v.items():
            values(x, path + [str(k)], out)
    elif isinstance(v, (list, tuple)):
        for i, x in enumerate(v):
            values(x, path + [str(i)], out)
    else:
        out[".".join(path)] = v.item() if isinstance(v, np.generic) else v


def value_changes(a, b):
    va, vb = {}, {}
    values(a, [], va)
    values(b, [], vb)
    return {"changed": sorted(k for k in va if k in vb and va[k] != vb[k]),
            "only_in_a": sorted(k for k in va if k not in vb), "only_in_b": sorted(k for k in vb if k not in va)}


def numpy_sha(a):
    le = a.astype(a.dtype.newbyteorder("<")) if a.dtype.byteorder == ">" else a
    return hashlib.sha256(np.ascontiguousarray(le).tobytes()).hexdigest()


TORCH_NAMES = {"f8": "float64", "f4": "float32", "f2": "float16", "i8": "int64", "i4": "int32", "i2": "int16",
               "i1": "int8", "u8": "uint64", "u4": "uint32", "u2": "uint16", "u1": "uint8", "b1": "bool",
               "c16": "complex128", "c8": "complex64"}


def numpy_arrays():
    rng = np.random.default_rng(0)
    arrays = {}
    for code in TORCH_NAMES:
        base = rng.standard_normal((3, 4)) * 50
        if code.startswith("c"):
            base = base + 1j * rng.standard_normal((3, 4))
        a = (base > 0) if code == "b1" else base.astype(code)
        arrays[code] = a
        if a.dtype.itemsize > 1:
            arrays[code + "_big"] = a.astype(a.dtype.newbyteorder(">"))
        arrays[code + "_fortran"] = np.asfortranarray(a)
    arrays["f4_big_fortran"] = np.asfortranarray(arrays["f4"].astype(">f4"))
    arrays["f8_3d"] = rng.standard_normal((2, 3, 4))
    arrays["f8_0d"] = np.array(2.5)
    arrays["i8_empty"] = np.zeros((0, 3), dtype=np.int64)
    scalars = {"s_f8": np.float64(0.125), "s_f4": np.float32(-1.5), "s_i8": np.int64(-7), "s_u1": np.uint8(200),
               "s_b1": np.bool_(True)}
    return arrays, scalars


def quantized_model():
    torch.backends.quantized.engine = "qnnpack" if "qnnpack" in torch.backends.quantized.supported_engines \
        else torch.backends.quantized.supported_engines[-1]
    m = QNet().eval()
    m.qconfig = torch.quantization.get_default_qconfig(torch.backends.quantized.engine)
    torch.quantization.prepare(m, inplace=True)
    m(torch.randn(16, 4))
    torch.quantization.convert(m, inplace=True)
    return m


def qparams(t):
    if not t.is_quantized:
        return None
    s = t.qscheme()
    if s in (torch.per_tensor_affine, torch.per_tensor_symmetric):
        return {"qscheme": str(s)[6:], "scale": t.q_scale(), "zero_point": t.q_zero_point()}
    return {"qscheme": str(s)[6:], "scales": t.q_per_channel_scales().tolist(),
            "zero_points": t.q_per_channel_zero_points().tolist(), "axis": t.q_per_channel_axis()}


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    manifest = {}

    a, model, opt = training_checkpoint(3, 1e-3, {})
    torch.save(a, os.path.join(folder, "adamw.pt"))
    b, _, _ = training_checkpoint(99, 5e-4, {"note": "resumed"})
    torch.save(b, os.path.join(folder, "adamw_b.pt"))
    manifest["adamw.pt"] = {"optimizers": {"optimizer_state_dict": mapping(model, opt)},
                            "parameters": param_count(model)}
    manifest["adamw.pt vs adamw_b.pt"] = value_changes(a, b)

    model = BnNet()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    train(model.train(), opt, 2, lambda: torch.randn(6, 5))
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, os.path.join(folder, "sgd.pt"))
    manifest["sgd.pt"] = {"optimizers": {"optimizer": mapping(model, opt)}, "parameters": param_count(model)}

    model = Net()
    wrapper = nn.Module()
    wrapper.model = model
    opt = torch.optim.Adam(decay_groups(model, 1e-3), lr=1e-3)
    train(model, opt, 1, lambda: torch.randn(5, 6))
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    sched.step()
    torch.save({"epoch": 2, "global_step": 120, "pytorch-lightning_version": "2.1.0",
                "state_dict": wrapper.state_dict(), "loops": {"fit_loop": {"epoch_progress": {"current": 2}}},
                "callbacks": {}, "optimizer_states": [opt.state_dict()],
                "lr_schedulers": [sched.state_dict()], "hparams_name": "kwargs",
                "hyper_parameters": {"lr": 1e-3, "hidden": 8}}, os.path.join(folder, "lightning.ckpt"))
    manifest["lightning.ckpt"] = {"optimizers": {"optimizer_states.0": mapping(wrapper, opt)},
                                  "parameters": param_count(model)}

    model = Twins()
    opt = torch.optim.SGD([{"params": [model.b.weight]}, {"params": [model.a.weight], "lr": 0.5}], lr=0.1,
                          momentum=0.9)
    train(model, opt, 1, lambda: torch.randn(3, 4))
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, os.path.join(folder, "ambiguous.pt"))
    manifest["ambiguous.pt"] = {"optimizers": {"optimizer": mapping(model, opt)}, "parameters": param_count(model)}

    model = TiedLM()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    train(model, opt, 1, lambda: torch.randint(0, 10, (2, 3)))
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, os.path.join(folder, "tied.pt"))
    manifest["tied.pt"] = {"optimizers": {"optimizer": mapping(model, opt)}, "parameters": param_count(model)}

    arrays, scalars = numpy_arrays()
    torch.save({**arrays, **scalars}, os.path.join(folder, "numpy.pt"))
    manifest["numpy.pt"] = {
        "arrays": {k: {"dtype": TORCH_NAMES[a.dtype.str[1:]] if a.dtype != bool else "bool",
                       "shape": list(a.shape), "sha256": numpy_sha(a)} for k, a in arrays.items()},
        "scalars": {k: s.item() for k, s in scalars.items()}, "numpy": np.__version__}

    q = quantized_model()
    torch.save(q, os.path.join(folder, "quantized.pt"))
    described = {}
    for k, v in q.state_dict().items():   # a tuple of tensors (packed params) is listed item by item
        for key, t in ([(f"{k}.{i}", x) for i, x in enumerate(v)] if isinstance(v, tuple) else [(k, v)]):
            if torch.is_tensor(t):
                described[key] = {"dtype": str(t.dtype)[6:], "shape": list(t.shape), "quantization": qparams(t),
                                  "item": t.item() if t.numel() == 1 and not t.is_quantized else None}
    manifest["quantized.pt"] = {"state_dict": described}

    w = torch.randn(3, 5)
    qtensors = {"per_channel": torch.quantize_per_channel(w, torch.tensor([0.01, 0.02, 0.05], dtype=torch.float64),
                                                          torch.tensor([0, 3, -2]), 0, torch.qint8),
                "per_channel_axis1": torch.quantize_per_channel(w, torch.rand(5, dtype=torch.float64) / 10 + 0.01,
                                                                torch.tensor([1, 2, 3, 4, 5]), 1, torch.quint8),
                "per_tensor": torch.quantize_per_tensor(w, 0.03, 7, torch.quint8)}
    torch.save(qtensors, os.path.join(folder, "qtensors.pt"))
    manifest["qtensors.pt"] = {k: qparams(v) for k, v in qtensors.items()}

    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
