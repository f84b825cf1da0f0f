"""Writes tiny_gpt_lightning.ckpt: the GUI's sample checkpoint.

A Lightning-style training checkpoint of a 2-layer character GPT trained for 40 Adam steps on a toy text:
nested state_dict, optimizer state, LR scheduler, hyper-parameters, a tied embedding (one storage, two keys)
and bool attention-mask buffers. Run with torch 2.x: python make_sample.py
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
TEXT = ("the quick brown fox jumps over the lazy dog. " * 40)
CHARS = sorted(set(TEXT))
VOCAB, CTX, EMBD, LAYERS, HEADS = 32, 16, 32, 2, 4


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(EMBD)
        self.attn = nn.Module()
        self.attn.c_attn = nn.Linear(EMBD, 3 * EMBD)
        self.attn.c_proj = nn.Linear(EMBD, EMBD)
        self.attn.register_buffer("bias", torch.tril(torch.ones(CTX, CTX, dtype=torch.bool)))
        self.ln_2 = nn.LayerNorm(EMBD)
        self.mlp = nn.Sequential()
        self.mlp.c_fc = nn.Linear(EMBD, 4 * EMBD)
        self.mlp.c_proj = nn.Linear(4 * EMBD, EMBD)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.attn.c_attn(self.ln_1(x)).split(EMBD, dim=2)
        q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / (c // HEADS) ** 0.5
        att = att.masked_fill(~self.attn.bias[:t, :t], float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.attn.c_proj(y)
        return x + self.mlp.c_proj(F.gelu(self.mlp.c_fc(self.ln_2(x))))


class TinyGPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(VOCAB, EMBD)
        self.transformer.wpe = nn.Embedding(CTX, EMBD)
        self.transformer.h = nn.ModuleList([Block() for _ in range(LAYERS)])
        self.transformer.ln_f = nn.LayerNorm(EMBD)
        self.lm_head = nn.Linear(EMBD, VOCAB, bias=False)
        self.lm_head.weight = self.transformer.wte.weight

    def forward(self, idx):
        x = self.transformer.wte(idx) + self.transformer.wpe(torch.arange(idx.shape[1]))
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


class Module(nn.Module):
    def __init__(self):
        super().__init__()
        self.model = TinyGPT()


lit = Module()
opt = torch.optim.AdamW(lit.parameters(), lr=3e-3, weight_decay=0.01)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=20, gamma=0.5)
data = torch.tensor([CHARS.index(ch) for ch in TEXT])
for step in range(40):
    i = torch.randint(0, len(data) - CTX - 1, (8,))
    x = torch.stack([data[j:j + CTX] for j in i])
    y = torch.stack([data[j + 1:j + CTX + 1] for j in i])
    loss = F.cross_entropy(lit.model(x).reshape(-1, VOCAB), y.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()

checkpoint = {
    "epoch": 3,
    "global_step": 40,
    "pytorch-lightning_version": "2.4.0",
    "state_dict": lit.state_dict(),
    "optimizer_states": [opt.state_dict()],
    "lr_schedulers": [sched.state_dict()],
    "hyper_parameters": {"vocab_size": VOCAB, "block_size": CTX, "n_embd": EMBD, "n_layer": LAYERS,
                         "n_head": HEADS, "lr": 3e-3, "weight_decay": 0.01, "tokenizer": "char"},
    "loss": round(loss.item(), 4),
}
torch.save(checkpoint, "tiny_gpt_lightning.ckpt")
print("loss", loss.item())
torch.load("tiny_gpt_lightning.ckpt", weights_only=True)
