"""Records what torch >= 2.6 says when it loads each training fixture with its default weights_only=True.

  /opt/torch213/bin/python check_weights_only.py     (in this folder, after make_training.py)

weights_only.json, per "<folder>/<file>": "loads" (torch.load(f) succeeded), "error" (the first line of the
message otherwise), "needed": the globals torch asked for one after another (each failure names the next one;
they are allowed with add_safe_globals and the load is retried) and "loads_after_allowing" (the load succeeded once
they were all allowed).
"""
import glob
import importlib
import json
import re

import torch
import __main__


class Net(torch.nn.Module):  # the classes of quantized.pt, found in __main__ as when it was saved
    pass


class QNet(torch.nn.Module):
    pass


def resolve(name):
    module, _, attr = name.rpartition(".")
    module = module or "builtins"
    obj = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def asked_for(message):
    m = re.search(r"GLOBAL ([\w.]+) was not an allowed global", message)
    if m:
        return m.group(1)
    m = re.search(r"allowlisted via `add_safe_globals`, but got <class '([\w.]+)'>", message)
    return m.group(1) if m else None


def first_line(message):
    """torch's own reason: the WeightsUnpickler line when there is one."""
    for line in message.splitlines():
        if "WeightsUnpickler error:" in line:
            return line.strip()
    return message.strip().splitlines()[0]


def check(path):
    torch.serialization.clear_safe_globals()
    result = {"needed": []}
    for attempt in range(30):
        try:
            torch.load(path)
            if attempt == 0:
                result["loads"] = True
            else:
                result["loads_after_allowing"] = True
            return result
        except Exception as e:  # noqa: BLE001 -- the message is the oracle
            message = str(e)
            if attempt == 0:
                result["loads"] = False
                result["error"] = first_line(message)
            name = asked_for(message)
            if name is None:
                result["loads_after_allowing"] = False
                result["last_error"] = first_line(message)
                return result
            result["needed"].append(name)
            obj = resolve(name)
            actual = getattr(obj, "__module__", "") + "." + getattr(obj, "__qualname__", "")
            # numpy 2 answers numpy.core.* with numpy._core.* objects: allow them under the pickled name
            torch.serialization.add_safe_globals([obj if actual in (name, "builtins." + name) else (obj, name)])
    result["loads_after_allowing"] = False
    return result


def main():
    __main__.QNet = QNet
    out = {}
    for path in sorted(glob.glob("torch-*/*.pt") + glob.glob("torch-*/*.ckpt")):
        out[path] = check(path)
    with open("weights_only.json", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
