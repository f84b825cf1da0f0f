#!/usr/bin/env python3
"""For each file given, prints (JSON) whether transformers reads it as JSON: PretrainedConfig._dict_from_json_file,
which opens the file as UTF-8 text and hands it to json.loads, as transformers also reads a shard index and torch a
.pt2 archive's JSON records (bytes.decode(), then json.loads).
Usage: json_reads.py FILE... ; output {"transformers": version, "files": {FILE: {"loads": bool, "error": str}}}."""
import json
import sys

import transformers
from transformers import PretrainedConfig

files = {}
for path in sys.argv[1:]:
    try:
        PretrainedConfig._dict_from_json_file(path)
        files[path] = {"loads": True, "error": ""}
    except Exception as e:  # noqa: BLE001 - any refusal is the answer
        files[path] = {"loads": False, "error": "%s: %s" % (type(e).__name__, (str(e).splitlines() or [""])[0])}
print(json.dumps({"transformers": transformers.__version__, "files": files}))
