"""Writes the state_dict of a benchmark checkpoint again as a torch.distributed.checkpoint folder (one process,
FileSystemWriter), so that opening the same tensors from a .pth and from DCP can be compared.

usage: python make_big_dcp.py BIG.pt OUT_DIR
"""
import os
import shutil
import sys
import warnings

import torch
import torch.distributed.checkpoint as dcp


def main():
    src, out = sys.argv[1], sys.argv[2]
    warnings.filterwarnings("ignore")
    sd = torch.load(src, mmap=True, weights_only=True)
    tmp = out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    dcp.save(sd, storage_writer=dcp.FileSystemWriter(tmp))
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print(f"wrote {out}: {size / 1e9:.2f} GB, {len(sd)} tensors")


if __name__ == "__main__":
    main()
