#!/opt/torch213/bin/python
"""Hostile corpus for the classification (issue 13, class 5) and benign look-alikes.

Each hostile file is a real torch.save state_dict whose data.pkl first calls one global that reaches processes,
files or code, or names it through a module alias or a private twin, then returns the state_dict (the known attack
of injecting code into a real model's data.pkl). The payloads are assembled as opcodes and never unpickled here;
their arguments are harmless strings. Each benign file is torch.save of a state_dict next to an ordinary value
whose class lives in a module that also holds dangerous callables (pathlib, uuid, logging, numpy's RNG, the DCP
metadata dataclasses). manifest.json says what each file names and how the scanner must classify it.

Run with torch 2.13: /opt/torch213/bin/python make_policy_corpus.py
"""
import collections
import io
import json
import logging
import os
import pathlib
import pickle
import shutil
import struct
import tempfile
import uuid
import warnings
import zipfile

import numpy
import torch
import torch.distributed.checkpoint as dcp

HERE = os.path.dirname(os.path.abspath(__file__))
ENTRIES = []

MARK, STOP, TUPLE, REDUCE, POP, EMPTY_TUPLE = b"(", b".", b"t", b"R", b"0", b")"
STACK_GLOBAL = b"\x93"

# (module, name, args): every callable of class 5, called the way a payload would call it.
HOSTILE = [
    ("_operator", "attrgetter", ["system"]),
    ("_operator", "methodcaller", ["system", "echo CKPT"]),
    ("_functools", "reduce", ["x", "y"]),
    ("argparse", "_os.system", ["echo CKPT"]),
    ("argparse", "_os.remove", ["/tmp/ckpt-policy-victim"]),
    ("logging", "os.system", ["echo CKPT"]),
    ("tempfile", "_shutil.rmtree", ["/tmp/ckpt-policy-victim"]),
    ("uuid", "_get_command_stdout", ["echo", "CKPT"]),
    ("_osx_support", "_read_output", ["echo CKPT"]),
    ("_aix_support", "_read_cmd_output", ["echo CKPT"]),
    ("_pyrepl.pager", "pipe_pager", ["text", "echo CKPT"]),
    ("mailcap", "findmatch", ["caps", "text/plain"]),
    ("logging", "FileHandler", ["/tmp/ckpt-policy-victim"]),
    ("logging.handlers", "RotatingFileHandler", ["/tmp/ckpt-policy-victim"]),
    ("idlelib.pyshell", "main", []),
    ("lib2to3.main", "main", ["lib2to3.fixes"]),
    ("torch.utils.bottleneck.__main__", "run_cprofile", ["print(1)", "{}"]),
    ("torch", "UntypedStorage.from_file", ["/etc/passwd"]),
    ("torch.storage", "TypedStorage.from_file", ["/etc/passwd"]),
    ("numpy._core.memmap", "memmap", ["/tmp/ckpt-policy-victim"]),
    ("numpy.core.memmap", "memmap", ["/tmp/ckpt-policy-victim"]),
    ("pip._internal.cli.main", "main", ["install"]),
    ("ensurepip", "bootstrap", []),
    ("venv", "create", ["/tmp/ckpt-policy-venv"]),
    ("pty", "spawn", ["echo"]),
    ("code", "interact", []),
    ("pydoc", "pipepager", ["text", "echo CKPT"]),
    ("bdb", "Bdb", []),
    ("pdb", "run", ["print(1)"]),
    ("profile", "run", ["print(1)"]),
    ("cProfile", "run", ["print(1)"]),
    ("timeit", "timeit", ["print(1)"]),
    ("trace", "Trace", []),
    ("doctest", "debug_src", [">>> print(1)"]),
    ("webbrowser", "open", ["https://example.invalid/"]),
    ("numpy.f2py", "run_main", [["-c", "x.f"]]),
    ("torch._inductor.codecache", "PyCodeCache.load", ["print(1)"]),
    ("pkgutil", "resolve_name", ["os:system"]),
]


def sbu(s):  # SHORT_BINUNICODE
    b = s.encode()
    return b"\x8c" + bytes([len(b)]) + b


def arg(v):
    if isinstance(v, list):
        return b"]" + (MARK + b"".join(arg(x) for x in v) + b"e" if v else b"")
    return sbu(v)


def call(module, name, args):
    """module.name(*args) with STACK_GLOBAL, which protocol 4 resolves attribute by attribute."""
    return sbu(module) + sbu(name) + STACK_GLOBAL + MARK + b"".join(arg(a) for a in args) + TUPLE + REDUCE


def state_dict():
    torch.manual_seed(0)
    return collections.OrderedDict([("fc.weight", torch.randn(3, 4)), ("fc.bias", torch.randn(3))])


def torch_zip(obj):
    b = io.BytesIO()
    torch.save(obj, b)
    return b.getvalue()


def with_data_pkl(zip_bytes, make):
    src = zipfile.ZipFile(io.BytesIO(zip_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename.endswith("/data.pkl"):
                payload = make(payload)
            z.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), payload)
    return out.getvalue()


def injected(clean_zip, module, name, args):
    def make(clean):
        assert clean[:2] == b"\x80\x02"
        # PROTO 4: CPython walks a dotted STACK_GLOBAL name only from protocol 4 on.
        return b"\x80\x04" + call(module, name, args) + POP + clean[2:]
    return with_data_pkl(clean_zip, make)


def add(file, data, kind, names, description):
    path = os.path.join(HERE, file)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    ENTRIES.append({"file": file, "kind": kind, "globals": names, "description": description})


def dcp_metadata():
    d = tempfile.mkdtemp()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dcp.save({"w": torch.zeros(3), "extra": {"step": 1}}, checkpoint_id=d)
        with open(os.path.join(d, ".metadata"), "rb") as f:
            return f.read()
    finally:
        shutil.rmtree(d)


def main():
    sd = state_dict()
    clean = torch_zip(sd)
    for module, name, args in HOSTILE:
        file = "p5_%s.%s.pt" % (module, name)
        add(file, injected(clean, module, name, args), "dangerous", [module + "." + name],
            "state_dict whose data.pkl first calls %s.%s" % (module, name))

    meta_bytes = dcp_metadata()
    meta = pickle.loads(meta_bytes)  # torch's own metadata, written by dcp.save above
    lookalikes = [
        ("b5_pathlib.pt", {"state_dict": sd, "run_dir": pathlib.PosixPath("/data/run1")}, "a PosixPath"),
        ("b5_uuid.pt", {"state_dict": sd, "run_id": uuid.UUID(int=1)}, "a uuid.UUID"),
        ("b5_logger.pt", {"state_dict": sd, "log": logging.getLogger("train")}, "a logging.Logger"),
        ("b5_numpy_rng.pt", {"state_dict": sd, "rng": numpy.random.RandomState(0)}, "numpy's RandomState"),
        ("b5_dcp_metadata.pt", {"state_dict": sd, "dcp": meta}, "a DCP checkpoint's Metadata"),
    ]
    for file, obj, what in lookalikes:
        add(file, torch_zip(obj), "benign", sorted(globals_of(torch_zip(obj))),
            "torch.save of a state_dict and %s: no global of it reaches code" % what)
    add("b5_dcp/.metadata", meta_bytes, "benign", sorted(globals_in(meta_bytes)),
        "the .metadata pickle of a real torch.distributed.checkpoint folder")

    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"generator": "make_policy_corpus.py", "torch_version": torch.__version__,
                   "files": ENTRIES}, f, indent=1)
        f.write("\n")


def globals_of(zip_bytes):
    z = zipfile.ZipFile(io.BytesIO(zip_bytes))
    return globals_in(z.read([n for n in z.namelist() if n.endswith("/data.pkl")][0]))


def globals_in(data):
    """The globals a pickle names, read with pickletools (nothing is unpickled)."""
    import pickletools
    names, strings, memo = set(), [], {}
    for op, a, _ in pickletools.genops(data):
        if op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
            strings.append(a)
        elif op.name in ("BINPUT", "LONG_BINPUT", "PUT"):
            memo[a] = strings[-1] if strings else None
        elif op.name == "MEMOIZE":
            memo[len(memo)] = strings[-1] if strings else None
        elif op.name in ("BINGET", "LONG_BINGET", "GET"):
            strings.append(memo.get(a))
        elif op.name == "GLOBAL":
            names.add(a.replace(" ", "."))
        elif op.name == "STACK_GLOBAL":
            names.add(strings[-2] + "." + strings[-1])
    return names


if __name__ == "__main__":
    main()
