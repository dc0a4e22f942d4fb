#!/usr/bin/env python3
"""Makes the PyTorch-exported ONNX files the import tests read, with PyTorch's own outputs for fixed inputs.

Run from this folder with Debian's PyTorch (apt-get install python3-torch):  /usr/bin/python3 make_onnx_files.py
Each NAME.onnx comes with NAME.json: {"input": [[...]], "probabilities": [[...]]} (softmax of the network's outputs
when it ends in logits). Seeds are fixed, so a rerun writes the same numbers; the files are small and committed.
"""
import json
import os

import torch
from torch import nn

torch.manual_seed(0)
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Files")
os.makedirs(HERE, exist_ok=True)


class MatMulAdd(nn.Module):
    """A linear layer written as x @ W + b, which exports as MatMul + Add instead of Gemm."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.w = nn.Parameter(torch.randn(n_in, n_out) * 0.5)
        self.b = nn.Parameter(torch.randn(n_out) * 0.1)

    def forward(self, x):
        return torch.matmul(x, self.w) + self.b


def export(name, net, input_shape, softmax_in_model=False):
    net.eval()
    x = torch.randn(*input_shape)
    with torch.no_grad():
        y = net(x)
        p = y if softmax_in_model else torch.softmax(y, dim=1)
    torch.onnx.export(net, x, os.path.join(HERE, name + ".onnx"), input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=14)
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump({"input": x.reshape(input_shape[0], -1).tolist(), "probabilities": p.tolist()}, f)


export("relu_mlp", nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)), (6, 4))
export("mixed_mlp", nn.Sequential(nn.Linear(5, 6), nn.Tanh(), nn.Linear(6, 5), nn.Sigmoid(), nn.Linear(5, 4),
                                  nn.LeakyReLU(0.01), nn.Linear(4, 4), nn.Identity(), nn.Linear(4, 3), nn.Softmax(dim=1)),
       (6, 5), softmax_in_model=True)
export("flatten_mlp", nn.Sequential(nn.Flatten(), nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10)), (3, 1, 28, 28))
export("matmul_mlp", nn.Sequential(MatMulAdd(3, 5), nn.ReLU(), MatMulAdd(5, 2)), (4, 3))
export("elu_mlp", nn.Sequential(nn.Linear(4, 8), nn.ELU(), nn.Linear(8, 3)), (2, 4))
