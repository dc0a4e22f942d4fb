"""The float32 gradient error of PyTorch: one batch of 64 through a 784-128-10 ReLU/softmax network with mean
cross-entropy, float32 gradients against float64 gradients computed from the same float32 inputs and parameters.
The relative error of a seed is ‖g32 − g64‖₂ / ‖g64‖₂ over all four gradients (∇W1, ∇b1, ∇W2, ∇b2) together.

The batch and the parameters are made by SplitMix64 exactly as tests/Backprop.Tests/Tensors/GradientAccuracyTests.cs
makes them, so both measure the same sums: for each seed, W1 (128 × 784, He uniform, limit √(6/784)), then W2
(10 × 128, Xavier uniform, limit √(6/138)), each value (2u − 1) · limit with u = (next >> 11) / 2⁵³ rounded to
float32; biases 0; then 64 × 784 pixels (next >> 56) / 255 rounded to float32; then 64 labels, next mod 10.

Usage: /usr/bin/python3 bench/peers/gradient_error.py [--threads 1]; prints one JSON line per seed and the mean."""
import argparse
import json

import numpy as np
import torch

MASK = (1 << 64) - 1
SEEDS = (1, 2, 3)
SIZES = (784, 128, 10)
BATCH = 64


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 11) * (1.0 / (1 << 53))


def problem(seed):
    rng = SplitMix64(seed)
    limits = ((6.0 / SIZES[0]) ** 0.5, (6.0 / (SIZES[1] + SIZES[2])) ** 0.5)
    weights = []
    for layer, limit in enumerate(limits):
        count = SIZES[layer + 1] * SIZES[layer]
        values = [(2.0 * rng.uniform() - 1.0) * limit for _ in range(count)]
        weights.append(np.array(values, dtype=np.float64).astype(np.float32).reshape(SIZES[layer + 1], SIZES[layer]))
    pixels = [(rng.next() >> 56) / 255.0 for _ in range(BATCH * SIZES[0])]
    x = np.array(pixels, dtype=np.float64).astype(np.float32).reshape(BATCH, SIZES[0])
    labels = np.array([rng.next() % SIZES[2] for _ in range(BATCH)], dtype=np.int64)
    return weights, x, labels


def gradients(weights, x, labels, dtype):
    w1, w2 = (torch.tensor(w, dtype=dtype, requires_grad=True) for w in weights)
    b1 = torch.zeros(SIZES[1], dtype=dtype, requires_grad=True)
    b2 = torch.zeros(SIZES[2], dtype=dtype, requires_grad=True)
    hidden = torch.relu(torch.tensor(x, dtype=dtype) @ w1.T + b1)
    loss = torch.nn.functional.cross_entropy(hidden @ w2.T + b2, torch.tensor(labels))
    loss.backward()
    return np.concatenate([p.grad.double().numpy().ravel() for p in (w1, b1, w2, b2)])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    errors = []
    for seed in SEEDS:
        weights, x, labels = problem(seed)
        g32 = gradients(weights, x, labels, torch.float32)
        g64 = gradients(weights, x, labels, torch.float64)
        error = float(np.linalg.norm(g32 - g64) / np.linalg.norm(g64))
        errors.append(error)
        print(json.dumps({"peer": "pytorch", "torch": torch.__version__, "seed": seed, "relative_error": error,
                          "gradient_norm": float(np.linalg.norm(g64))}))
    print(json.dumps({"peer": "pytorch", "mean_relative_error": sum(errors) / len(errors)}))


if __name__ == "__main__":
    main()
