"""Hand-written numpy MLP, 784-128-10 ReLU, softmax + cross-entropy, plain SGD η = 0.1, batch 64, shuffled, float32:
the numpy side of bench/peers/compare.py. Prints one JSON object per result."""
import statistics
import time

import numpy as np

import common

PEER = "numpy"


class Mlp:
    def __init__(self, seed=0):
        rng = np.random.default_rng(seed)
        # He uniform, biases 0, weights (out, in) as in Backprop.
        def he(fan_out, fan_in):
            limit = np.sqrt(6.0 / fan_in)
            return rng.uniform(-limit, limit, (fan_out, fan_in)).astype(np.float32)
        self.w1, self.b1 = he(common.HIDDEN, common.INPUTS), np.zeros(common.HIDDEN, np.float32)
        self.w2, self.b2 = he(common.CLASSES, common.HIDDEN), np.zeros(common.CLASSES, np.float32)

    def probabilities(self, x):
        h = np.maximum(x @ self.w1.T + self.b1, 0)
        z = h @ self.w2.T + self.b2
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    def epoch(self, x, y, rng, lr=np.float32(0.1), batch=64):
        order = rng.permutation(len(x))
        eye = np.eye(common.CLASSES, dtype=np.float32)
        for start in range(0, len(x), batch):
            rows = order[start:start + batch]
            xb, tb = x[rows], eye[y[rows]]
            z1 = xb @ self.w1.T + self.b1
            a1 = np.maximum(z1, 0)
            z2 = a1 @ self.w2.T + self.b2
            z2 -= z2.max(axis=1, keepdims=True)
            p = np.exp(z2)
            p /= p.sum(axis=1, keepdims=True)
            d2 = (p - tb) / np.float32(len(rows))          # δ of the output layer
            d1 = (d2 @ self.w2) * (z1 > 0)                  # δ of the hidden layer, through ReLU'
            self.w2 -= lr * (d2.T @ a1)
            self.b2 -= lr * d2.sum(axis=0)
            self.w1 -= lr * (d1.T @ xb)
            self.b1 -= lr * d1.sum(axis=0)


def main():
    args = common.parse_args(__doc__, ["epoch", "inference", "gemm", "article"])
    limits = common.limit_threads(args.threads)
    blas = common.blas_description()
    if args.only & {"epoch", "inference"}:
        x, y, xt, yt = common.load(args)
        net = Mlp()
        rng = np.random.default_rng(3)
        if "epoch" in args.only:
            if args.epochs:
                epoch_seconds = []
                for _ in range(args.epochs):
                    start = time.perf_counter()
                    net.epoch(x, y, rng)
                    epoch_seconds.append(time.perf_counter() - start)
                accuracy = float((net.probabilities(xt).argmax(axis=1) == yt).mean())
                common.emit(PEER, "accuracy", epochs=args.epochs, test_accuracy=accuracy, epoch_seconds=epoch_seconds, median_epoch_seconds=statistics.median(epoch_seconds), data=args.data, blas=blas)
            else:
                seconds = common.median_seconds(lambda: net.epoch(x, y, rng), args.repeat)
                common.emit(PEER, "epoch", seconds=seconds, rows=len(x), threads=args.threads, blas=blas)
        if "inference" in args.only:
            xi = np.ascontiguousarray(xt[:10000])
            seconds = common.median_seconds(lambda: net.probabilities(xi), max(5, args.repeat), warmup=2)
            common.emit(PEER, "inference", seconds=seconds, rows=len(xi), samples_per_s=len(xi) / seconds, threads=args.threads, blas=blas)
    if "gemm" in args.only:
        rng = np.random.default_rng(4)
        a = rng.random((1024, 1024), dtype=np.float32) - 0.5
        b = rng.random((1024, 1024), dtype=np.float32) - 0.5
        result = {}
        for threads in (1, args.threads):
            with common.limit_threads(threads):
                seconds = common.median_seconds(lambda: a @ b, max(5, args.repeat), warmup=2)
            result["gflops_1" if threads == 1 else "gflops_n"] = 2 * 1024 ** 3 / seconds / 1e9
        common.emit(PEER, "gemm", m=1024, n=1024, k=1024, threads=args.threads, blas=blas, **result)
    if "article" in args.only:
        import article_numpy
        epochs, seconds = article_numpy.timed_loop(repeat=max(20, args.repeat))
        common.emit(PEER, "article", seconds=seconds, epochs=epochs, us_per_epoch=seconds * 1e6 / epochs, blas=blas)
    del limits


if __name__ == "__main__":
    main()
