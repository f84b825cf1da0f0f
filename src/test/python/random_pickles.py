#!/usr/bin/env python3
"""Makes COUNT random protocol-2 pickles from SEED, short runs of stack, container, memo and constant opcodes (no
globals, so nothing is imported or run), and prints (JSON) whether CPython's C unpickler loads each one.
Usage: random_pickles.py SEED COUNT ; output {"python": version, "pickles": {HEX: {"loads": bool, "error": str}}}."""
import io
import json
import pickle
import random
import sys

OPS = [b"K\x01", b"K\x02", b"M\x01\x00", b"J\x01\x00\x00\x00", b"\x8a\x01\x05", b"\x8b\x00\x00\x00\x00", b"N",
       b"\x88", b"\x89", b"G?\xf0\x00\x00\x00\x00\x00\x00", b"I01\n", b"I00\n", b"I7\n", b"I-3\n", b"L5\n", b"L5L\n",
       b"F1.5\n", b"Ffoo\n", b"I1.5\n", b"S'x'\n", b"S\"q\"\n", b"Sbad\n", b"Vab\n", b"X\x01\x00\x00\x00a", b"\x8c\x01a",
       b"C\x01x", b"B\x01\x00\x00\x00y", b"T\x01\x00\x00\x00s", b"U\x01u", b"(", b"0", b"1", b"2", b")", b"]", b"}",
       b"\x8f", b"t", b"l", b"d", b"a", b"e", b"s", b"u", b"\x90", b"\x91", b"\x85", b"\x86", b"\x87", b"\x94",
       b"h\x00", b"q\x00", b"j\x00\x00\x00\x00", b"r\x00\x00\x00\x00", b"p0\n", b"g0\n", b"p1\n", b"g1\n", b"b",
       b"\x98", b"\x97", b"\x80\x05", b"\x95\x02\x00\x00\x00\x00\x00\x00"]
# BYTEARRAY8 is left out: the reader keeps a bytearray as bytes, so it cannot tell that one takes APPEND and
# cannot be a dict key.


class NoGlobals(pickle.Unpickler):
    def find_class(self, module, name):
        raise pickle.UnpicklingError("global %s.%s refused" % (module, name))


rng = random.Random(int(sys.argv[1]))
count = int(sys.argv[2])
out = {}
while len(out) < count:
    data = b"\x80\x02" + b"".join(rng.choice(OPS) for _ in range(rng.randint(1, 7))) + b"."
    try:
        NoGlobals(io.BytesIO(data)).load()
        out[data.hex()] = {"loads": True, "error": ""}
    except Exception as e:  # noqa: BLE001 - any refusal is the answer
        out[data.hex()] = {"loads": False, "error": "%s: %s" % (type(e).__name__, e)}
print(json.dumps({"python": sys.version.split()[0], "pickles": out}))
