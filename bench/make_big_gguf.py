"""Writes a ~2 GB GGUF file with gguf-py, laid out like a real LLM file: a 32,000-token vocabulary (tokens,
scores, types), llama hyper-parameters, and 9 tensors per block over 22 blocks (Q8_0 weights, F32 norms) plus
F16 embeddings, ~200 tensors in all. Block bytes are random (the open benchmark reads headers, not values).

usage: python make_big_gguf.py OUT.gguf [--gb 2.0]
"""
import argparse

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--gb", type=float, default=2.0)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    w = gguf.GGUFWriter(args.out, "llama", use_temp_file=True)
    blocks, dim, vocab = 22, 2048, 32000
    w.add_context_length(4096)
    w.add_embedding_length(dim)
    w.add_block_count(blocks)
    w.add_head_count(32)
    w.add_head_count_kv(4)
    w.add_rope_freq_base(10000.0)
    w.add_tokenizer_model("llama")
    w.add_token_list([f"<tok{i}>" for i in range(vocab)])
    w.add_token_scores([float(-i) for i in range(vocab)])
    w.add_token_types([1] * vocab)
    per_block = args.gb * 1e9 / blocks
    # 7 Q8_0 matrices per block share the block's bytes; rows of `dim` values are 2048/32*34 bytes
    rows = max(1, int(per_block / 7 / (dim // 32 * 34)))
    w.add_tensor("token_embd.weight", rng.standard_normal((vocab // 64, dim)).astype(np.float16))
    for b in range(blocks):
        w.add_tensor(f"blk.{b}.attn_norm.weight", np.ones(dim, dtype=np.float32))
        w.add_tensor(f"blk.{b}.ffn_norm.weight", np.ones(dim, dtype=np.float32))
        for name in ("attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"):
            raw = rng.integers(0, 256, size=(rows, dim // 32 * 34), dtype=np.uint8)
            w.add_tensor(f"blk.{b}.{name}.weight", raw, raw_dtype=Q.Q8_0)
    w.add_tensor("output_norm.weight", np.ones(dim, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    main()
