"""Writes torch's oldest checkpoint layout (torch <= 0.1.x tar, format spec section 7.2) without torch.

Modern torch can only read this layout, so the file is built by hand: a PAX tar with members sys_info,
pickle, tensors and storages, written exactly as torch 0.1's _save wrote them. A fake 'torch' module makes
pickle emit the GLOBALs torch.FloatStorage / torch.LongStorage / torch.FloatTensor / torch.LongTensor.
Verify with real torch:  /usr/bin/python3 -c "import torch; print(torch.load('old_tar.pt', weights_only=False))"

usage: python3 make_tar_checkpoint.py old_tar.pt
"""
import io
import pickle
import struct
import sys
import tarfile
import types

fake = types.ModuleType("torch")
sys.modules["torch"] = fake
for name in ("FloatStorage", "LongStorage", "FloatTensor", "LongTensor"):
    cls = type(name, (), {})
    cls.__module__ = "torch"
    setattr(fake, name, cls)

PROTO = 2
# storages: key -> (storage class, element format, values)
storages = {
    1001: (fake.FloatStorage, "<f", [0.5 * i for i in range(12)]),
    1002: (fake.LongStorage, "<q", [7, -1, 3]),
}
# tensors: key -> (storage key, tensor class, sizes, strides, storage offset)
tensors = {
    2001: (1001, fake.FloatTensor, (3, 4), (4, 1), 0),
    2002: (1001, fake.FloatTensor, (4, 2), (1, 4), 1),   # a strided view of the same storage
    2003: (1002, fake.LongTensor, (3,), (1,), 0),
}


class Ref:
    def __init__(self, key):
        self.key = key


def persistent_id(obj):
    return str(obj.key) if isinstance(obj, Ref) else None


def member(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def main(path):
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        member(tar, "sys_info", pickle.dumps({"protocol_version": 1000, "little_endian": True,
                                              "type_sizes": {"short": 2, "int": 4, "long": 8}}, PROTO))
        buf = io.BytesIO()
        p = pickle.Pickler(buf, PROTO)
        p.persistent_id = persistent_id
        p.dump({"weight": Ref(2001), "weight_t": Ref(2002), "steps": Ref(2003), "epoch": 7})
        member(tar, "pickle", buf.getvalue())

        buf = io.BytesIO()
        pickle.dump(len(tensors), buf, PROTO)
        for key, (sid, cls, sizes, strides, offset) in tensors.items():
            pickle.dump((key, sid, cls), buf, PROTO)
            buf.write(struct.pack("<q", len(sizes)))
            buf.write(struct.pack("<%dq" % len(sizes), *sizes))
            buf.write(struct.pack("<%dq" % len(strides), *strides))
            buf.write(struct.pack("<q", offset))
        member(tar, "tensors", buf.getvalue())

        buf = io.BytesIO()
        pickle.dump(len(storages), buf, PROTO)
        for key, (cls, fmt, values) in storages.items():
            pickle.dump((key, "cpu", cls), buf, PROTO)
            buf.write(struct.pack("<q", len(values)))
            buf.write(struct.pack("<%d%s" % (len(values), fmt[1]), *values))
        pickle.dump([], buf, PROTO)
        member(tar, "storages", buf.getvalue())


if __name__ == "__main__":
    main(sys.argv[1])
