#!/usr/bin/env python3
"""For each hex pickle given, prints (JSON) whether CPython's own unpickler (the C _pickle module, as torch.load
uses it) reads it. Globals are refused by find_class, so nothing is imported or run.
Usage: pickle_loads.py HEX... ; output {"python": version, "pickles": {HEX: {"loads": bool, "error": str}}}."""
import io
import json
import pickle
import sys


class NoGlobals(pickle.Unpickler):
    def find_class(self, module, name):
        raise pickle.UnpicklingError("global %s.%s refused" % (module, name))


out = {}
for h in sys.argv[1:]:
    try:
        NoGlobals(io.BytesIO(bytes.fromhex(h))).load()
        out[h] = {"loads": True, "error": ""}
    except Exception as e:  # noqa: BLE001 - any refusal is the answer
        out[h] = {"loads": False, "error": "%s: %s" % (type(e).__name__, e)}
print(json.dumps({"python": sys.version.split()[0], "pickles": out}))
