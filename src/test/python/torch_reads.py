#!/usr/bin/env python3
"""For each file given, prints (JSON) the SHA-256 of every byte stream torch.load(path, weights_only=False)
would hand to an unpickler, found with torch's own readers and never unpickling anything:
  - zip: torch._C.PyTorchFileReader(path).get_record('data.pkl') (miniz's lookup, torch's archive folder);
  - tar: tarfile.open(fileobj=f, mode='r:', format=PAX_FORMAT) as torch.serialization calls it, then
    extract('storages'), extract('tensors') into one temp folder and extractfile('pickle');
  - any TarError there, or no tar at all: the whole file, read from offset 0 as the legacy pickle stream.
Usage: torch_reads.py FILE... ; output {"torch": version, "files": {FILE: {"sha256": [...], "note": ...}}}."""
import hashlib
import json
import os
import sys
import tarfile
import tempfile

import torch


def sha(b):
    return hashlib.sha256(b).hexdigest()


def zip_reads(path):
    try:
        reader = torch._C.PyTorchFileReader(path)
    except Exception as e:  # noqa: BLE001 - torch refuses the archive
        return [], "refused: %s" % str(e).splitlines()[0]
    try:
        return [sha(bytes(reader.get_record("data.pkl")))], "data.pkl"
    except Exception as e:  # noqa: BLE001
        return [], "no data.pkl: %s" % str(e).splitlines()[0]


def tar_reads(path):
    """Returns (hashes, note), or None when torch falls back to the legacy stream."""
    read = []
    with open(path, "rb") as f:
        try:
            with tarfile.open(fileobj=f, mode="r:", format=tarfile.PAX_FORMAT) as tar, \
                    tempfile.TemporaryDirectory() as tmp:
                for name in ("storages", "tensors"):
                    try:
                        tar.extract(name, path=tmp)
                    except KeyError:
                        return read, "no member %s" % name
                    target = os.path.join(tmp, name)
                    real = os.path.realpath(target)
                    if not real.startswith(os.path.realpath(tmp) + os.sep):
                        return read, "%s leaves the archive" % name
                    if not os.path.isfile(real):
                        return read, "%s is no file" % name
                    with open(real, "rb") as g:
                        read.append(sha(g.read()))
                try:
                    member = tar.extractfile("pickle")
                except KeyError:
                    return read, "no member pickle"
                if member is None:
                    return read, "pickle is no file"
                read.append(sha(member.read()))
                return read, "tar"
        except tarfile.TarError:
            return None


def reads(path):
    with open(path, "rb") as f:
        head = f.read(4)
    if head == b"PK\x03\x04":
        return zip_reads(path)
    tar = tar_reads(path)
    if tar is not None:
        return tar
    with open(path, "rb") as f:
        return [sha(f.read())], "legacy stream"


def main():
    out = {}
    for path in sys.argv[1:]:
        hashes, note = reads(path)
        out[path] = {"sha256": hashes, "note": note}
    json.dump({"torch": torch.__version__, "files": out}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
