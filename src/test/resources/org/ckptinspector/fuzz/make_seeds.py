#!/usr/bin/env python3
"""Fills CheckpointFuzzTestInputs/<target>/ with the seed corpus of each fuzz target: the small fixtures and
hostile files of the matching format (data.pkl records for the pickle target). Regression inputs found by
fuzzing are added to the same folders by hand, under names that say what they caught, and are kept when this
script runs again. Run from this folder: python3 make_seeds.py"""
import hashlib
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SOURCES = [os.path.join(RES, d) for d in ("fixtures/torch-1.13", "fixtures/torch-2.13", "generated", "hostile")]
# The LLM formats' readers: their small fixtures and the container corpus's files of each kind, by extension.
LLM_SOURCES = [os.path.join(RES, d) for d in ("fixtures/llm", "fixtures/llm-folders", "containers", "hostile-policy")]
LLM_TARGETS = {".gguf": "ggufReader", ".npy": "npyReader", ".npz": "npzReader", ".pt2": "pt2Reader",
               ".metadata": "dcpMetadata"}
MAX_SEED = 64 * 1024


def files():
    for root in SOURCES:
        for dirpath, _, names in os.walk(root):
            for n in sorted(names):
                if not n.endswith((".py", ".json", ".md")) or n.endswith("index.json"):
                    yield os.path.join(dirpath, n)


def kind(data):
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:14] == bytes.fromhex("80028a0a6cfc9c46f9206aa85019"):
        return "legacy"
    if len(data) > 262 and data[257:262] == b"ustar":
        return "tar"
    if len(data) > 9 and data[8:9] == b"{":
        return "safetensors"
    return "pickle"


def put(target, data):
    if len(data) > MAX_SEED:
        return
    d = os.path.join(HERE, "CheckpointFuzzTestInputs", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def main():
    for path in files():
        data = open(path, "rb").read()
        k = kind(data)
        if "v7" in path:
            k = "tar"
        put("scanner", data)
        if k == "zip":
            put("zipReader", data)
            try:
                z = zipfile.ZipFile(path)
                for n in z.namelist():
                    if n.endswith(".pkl"):
                        put("pickleInterpreter", z.read(n))
            except Exception:
                pass
        elif k == "legacy":
            put("legacyReader", data)
        elif k == "tar":
            put("tarReader", data)
        elif k == "safetensors" or path.endswith(".safetensors"):
            put("safetensorsReader", data)
        else:
            put("pickleInterpreter", data)
    for root in LLM_SOURCES:
        for dirpath, _, names in os.walk(root):
            for n in sorted(names):
                target = LLM_TARGETS.get(os.path.splitext(n)[1] or n)
                if target:
                    data = open(os.path.join(dirpath, n), "rb").read()
                    put(target, data)
                    put("scanner", data)
    for t in ("pickleInterpreter", "zipReader", "legacyReader", "tarReader", "safetensorsReader", "scanner",
              *LLM_TARGETS.values()):
        print(t, len(os.listdir(os.path.join(HERE, "CheckpointFuzzTestInputs", t))))


if __name__ == "__main__":
    main()
