"""Writes convnet.pt, a small ResNet-like state_dict after one training step, and convnet.json, torch's own
values of the slices the N-D value views are tested with (so no expected value is written by hand).

convnet.pt holds a 7x7 stem convolution [64, 3, 7, 7], a 1x1 convolution [128, 64, 1, 1], a 3-D convolution
(rank 5), BatchNorm buffers with the 0-dim num_batches_tracked, and a Linear [200, 128].
Run with torch 2.x: /opt/torch213/bin/python make_convnet.py
"""
import json
import torch
import torch.nn as nn


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.proj = nn.Conv2d(64, 128, 1, bias=False)
        self.conv3d = nn.Conv3d(2, 4, 3)
        self.fc = nn.Linear(128, 200)

    def forward(self, x, v):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.proj(x).mean(dim=(2, 3))
        return self.fc(x).sum() + self.conv3d(v).sum()


torch.manual_seed(0)
model = ConvNet()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
opt.zero_grad()
model(torch.randn(2, 3, 32, 32), torch.randn(1, 2, 5, 5, 5)).backward()
opt.step()
sd = model.state_dict()
torch.save(sd, "convnet.pt")


def plane(key, row_dim, col_dim, fixed):
    t = sd[key]
    index = [slice(None) if d in (row_dim, col_dim) else fixed[d] for d in range(t.dim())]
    p = t[tuple(index)]
    if row_dim > col_dim:
        p = p.t()
    return {"key": key, "row_dim": row_dim, "col_dim": col_dim, "fixed": fixed,
            "values": [[float(v) for v in row] for row in p.tolist()]}


w = sd["conv1.weight"]
expected = {
    "planes": [
        plane("conv1.weight", 2, 3, [0, 0, 0, 0]),
        plane("conv1.weight", 2, 3, [37, 2, 0, 0]),
        plane("conv1.weight", 0, 1, [0, 0, 3, 4]),
        plane("conv1.weight", 3, 0, [0, 1, 6, 0]),
        plane("proj.weight", 0, 1, [0, 0, 0, 0]),
        plane("conv3d.weight", 3, 4, [3, 1, 2, 0, 0]),
    ],
    "elements": [
        {"key": "fc.weight", "index": [199, 127], "value": float(sd["fc.weight"][199, 127])},
        {"key": "conv1.weight", "index": [63, 2, 6, 6], "value": float(w[63, 2, 6, 6])},
        {"key": "conv1.weight", "index": list(torch.unravel_index(torch.tensor(5000), w.shape)),
         "position": 5000, "value": float(w.flatten()[5000])},
    ],
    "scalars": {"bn1.num_batches_tracked": int(sd["bn1.num_batches_tracked"])},
}
for e in expected["elements"]:
    e["index"] = [int(i) for i in e["index"]]
with open("convnet.json", "w") as f:
    json.dump(expected, f)
