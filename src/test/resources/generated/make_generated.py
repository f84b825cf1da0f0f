"""Writes the generated reader test files and their ground truth, using real torch (2.x).

  /opt/torch213/bin/python make_generated.py        (run in this folder)

- old_tar.pt       torch <= 0.1 tar layout, built by make_tar_checkpoint.py (torch cannot write it any more)
- torchscript.pt   torch.jit.save of a small scripted module
- deflated.pt      a torch.save zip re-packed with DEFLATE compression (zip tools do this; torch only reads it)
- big_endian.pt    a torch.save zip as a big-endian machine writes it: byteorder "big", storages byte-swapped
- sparse_more.pt   sparse layouts the fixture corpus lacks: BSR, BSC, hybrid and uncoalesced COO
manifest.json records, for each file, what torch loads from it: per state_dict key dtype, shape, stride,
storage offset and the sha256 of t.contiguous().numpy().tobytes() (bfloat16 viewed as int16).
"""
import hashlib
import io
import json
import subprocess
import sys
import zipfile

import torch


def sha(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return hashlib.sha256(t.numpy().tobytes()).hexdigest()


def describe(tensors):
    out = {}
    for k, v in tensors.items():
        dense = v.layout == torch.strided
        out[k] = {"dtype": str(v.dtype)[6:], "shape": list(v.shape),
                  "stride": list(v.stride()) if dense else None,
                  "storage_offset": v.storage_offset() if dense else None,
                  "sha256": sha(v if dense else v.to_dense())}
    return out


class Scripted(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 2)
        self.register_buffer("scale", torch.tensor([2.0, 3.0]))

    def forward(self, x):
        return self.fc(x) * self.scale


def repack(src, dst, compression, transform=lambda name, data: data):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, transform(info.filename, zin.read(info.filename)), compression)


def main():
    torch.manual_seed(0)
    manifest = {}

    subprocess.run([sys.executable, "make_tar_checkpoint.py", "old_tar.pt"], check=True)
    manifest["old_tar.pt"] = describe({k: v for k, v in torch.load("old_tar.pt", weights_only=False).items()
                                       if torch.is_tensor(v)})

    module = torch.jit.script(Scripted())
    torch.jit.save(module, "torchscript.pt")
    manifest["torchscript.pt"] = describe(torch.jit.load("torchscript.pt").state_dict())

    plain = {"w": torch.randn(4, 5), "b": torch.arange(6, dtype=torch.int64)[1:5], "h": torch.randn(3).half()}
    buf = io.BytesIO()
    torch.save(plain, buf)
    repack(io.BytesIO(buf.getvalue()), "deflated.pt", zipfile.ZIP_DEFLATED)
    manifest["deflated.pt"] = describe(torch.load("deflated.pt", weights_only=True))

    values = {"f32": torch.randn(2, 3), "f64": torch.randn(4, dtype=torch.float64),
              "c64": torch.randn(3, dtype=torch.complex64), "i16": torch.arange(-3, 3, dtype=torch.int16),
              "bf16": torch.randn(5).bfloat16(), "u8": torch.arange(4, dtype=torch.uint8)}
    buf = io.BytesIO()
    torch.save(values, buf)
    item = {}
    for k, v in values.items():   # storage keys follow first-reference order
        item[str(len(item))] = v.element_size() // (2 if v.is_complex() else 1)

    def to_big_endian(name, data):
        if name.endswith("/byteorder"):
            return b"big"
        key = name.rsplit("/data/", 1)[-1] if "/data/" in name else None
        if key in item and item[key] > 1:
            n = item[key]
            return b"".join(data[i:i + n][::-1] for i in range(0, len(data), n))
        return data

    repack(io.BytesIO(buf.getvalue()), "big_endian.pt", zipfile.ZIP_STORED, to_big_endian)
    loaded = torch.load("big_endian.pt", weights_only=True)
    assert all(torch.equal(loaded[k], values[k]) for k in values), "torch reads back different values"
    manifest["big_endian.pt"] = describe(loaded)

    dense = torch.arange(1, 25, dtype=torch.float32).reshape(4, 6) * (torch.rand(4, 6) > 0.4)
    sparse = {
        "bsr": dense.to_sparse_bsr((2, 3)),
        "bsc": dense.to_sparse_bsc((2, 3)),
        "coo_hybrid": torch.sparse_coo_tensor(torch.tensor([[0, 2]]), torch.tensor([[1.0, 2.0], [3.0, 4.0]]),
                                              (3, 2)),
        "coo_uncoalesced": torch.sparse_coo_tensor(torch.tensor([[0, 1, 0], [1, 1, 1]]),
                                                   torch.tensor([1.5, 2.0, 4.0]), (2, 3)),
        "coo_int64": torch.sparse_coo_tensor(torch.tensor([[1], [0]]), torch.tensor([-7]), (2, 2)),
    }
    torch.save(sparse, "sparse_more.pt")
    manifest["sparse_more.pt"] = describe(torch.load("sparse_more.pt", weights_only=True))

    with open("manifest.json", "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
