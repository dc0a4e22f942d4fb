"""The article's worked example as a plain numpy program: the 3-2-3 network (sigmoid hidden layer, softmax output,
cross-entropy) from its fixed weights, trained on x = [1, 1, 1], t = class 0 with η = 0.1 until the loss is below 0.01.
Run as a script it prints the stopping epoch and the final parameters (the whole process is what cold start compares);
numpy_mlp.py imports timed_loop() to time the loop in process."""
import statistics
import time

import numpy as np


def train(report=None):
    w1 = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    b1 = np.array([[0.1], [0.1]])
    w2 = np.array([[0.7, 0.8], [0.9, 1.0], [1.1, 1.2]])
    b2 = np.array([[0.2], [0.2], [0.2]])
    x = np.ones((3, 1))
    t = np.array([[1.0], [0.0], [0.0]])
    lr = 0.1
    for epoch in range(1, 10001):
        a1 = 1.0 / (1.0 + np.exp(-(w1 @ x + b1)))
        z2 = w2 @ a1 + b2
        e = np.exp(z2 - z2.max())
        a2 = e / e.sum()
        loss = float(-(t * np.log(a2 + 1e-12)).sum())
        if loss < 0.01:
            break
        d2 = a2 - t                               # softmax + cross-entropy
        d1 = (w2.T @ d2) * a1 * (1.0 - a1)        # back through the sigmoid
        w2 -= lr * (d2 @ a1.T)
        b2 -= lr * d2
        w1 -= lr * (d1 @ x.T)
        b1 -= lr * d1
        if report is not None and epoch % 500 == 0:
            report(epoch, loss)
    return epoch, loss, (w1, b1, w2, b2)


def timed_loop(repeat=20):
    train()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        epoch, _, _ = train()
        times.append(time.perf_counter() - start)
    return epoch, statistics.median(times)


if __name__ == "__main__":
    epoch, loss, params = train(lambda e, l: print(f"Epoch={e}, Loss={l:.6f}"))
    print(f"Epoch={epoch}, Loss={loss:.6f}")
    for name, value in zip(("W1", "b1", "W2", "b2"), params):
        print(f"{name} =\n{value}")
