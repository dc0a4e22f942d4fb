"""Hand-written numpy MLP, softmax + cross-entropy, float32, shuffled mini-batches: the numpy side of
bench/peers/compare.py. By default 784-128-10 ReLU, plain SGD η = 0.1, batch 64; --hidden, --activation
(relu, sigmoid, tanh), --optimizer (sgd, momentum, nesterov, adam, adamw, written out in plain numpy with the update
rules of Backprop and PyTorch), --batch-size and --weight-decay change it. Prints one JSON object per result."""
import statistics
import time

import numpy as np

import common

PEER = "numpy"


# Each activation with its derivative written from its output a (ReLU: a > 0; sigmoid: a (1 − a); tanh: 1 − a²).
def _relu(z):
    return np.maximum(z, 0, out=z)


def _relu_derivative(a):
    return a > 0


def _sigmoid(z):
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1
    return np.reciprocal(z, out=z)


def _sigmoid_derivative(a):
    return a * (1 - a)


def _tanh(z):
    return np.tanh(z, out=z)


def _tanh_derivative(a):
    return 1 - a * a


ACTIVATIONS = {"relu": (_relu, _relu_derivative), "sigmoid": (_sigmoid, _sigmoid_derivative), "tanh": (_tanh, _tanh_derivative)}


class Mlp:
    """Weights (out, in) as in Backprop: He uniform for ReLU layers, Xavier uniform for sigmoid, tanh and the softmax
    layer; biases 0."""

    def __init__(self, hidden=(common.HIDDEN,), activation="relu", seed=0):
        rng = np.random.default_rng(seed)
        sizes = [common.INPUTS, *hidden, common.CLASSES]
        self.activation, self.derivative = ACTIVATIONS[activation]
        self.weights, self.biases = [], []
        for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            he = activation == "relu" and layer < len(hidden)
            limit = np.sqrt(6.0 / fan_in) if he else np.sqrt(6.0 / (fan_in + fan_out))
            self.weights.append(rng.uniform(-limit, limit, (fan_out, fan_in)).astype(np.float32))
            self.biases.append(np.zeros(fan_out, np.float32))

    def parameters(self):
        return self.weights + self.biases

    def forward(self, x):
        """The activations of every layer, the input first; the last is the softmax."""
        a = [x]
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            z = a[-1] @ w.T                               # x is (batch, in), W is (out, in): z is (batch, out)
            z += b
            a.append(self.activation(z))
        z = a[-1] @ self.weights[-1].T
        z += self.biases[-1]
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        a.append(z)
        return a

    def probabilities(self, x):
        return self.forward(x)[-1]

    def gradients(self, xb, tb):
        """∇W and ∇b of the mean cross-entropy over the batch, in the order of parameters()."""
        a = self.forward(xb)
        delta = (a[-1] - tb) / np.float32(len(xb))        # δ of the output layer (softmax + cross-entropy)
        grad_w = [None] * len(self.weights)
        grad_b = [None] * len(self.biases)
        for layer in range(len(self.weights) - 1, -1, -1):
            grad_w[layer] = delta.T @ a[layer]
            grad_b[layer] = delta.sum(axis=0)
            if layer > 0:                                 # δ of the layer below, through f'(z) written from a
                delta = (delta @ self.weights[layer]) * self.derivative(a[layer])
        return grad_w + grad_b

    def epoch(self, x, y, rng, optimizer, batch=64):
        order = rng.permutation(len(x))
        eye = np.eye(common.CLASSES, dtype=np.float32)
        parameters = self.parameters()
        for start in range(0, len(x), batch):
            rows = order[start:start + batch]
            optimizer.step(parameters, self.gradients(x[rows], eye[y[rows]]))


class Optimizer:
    """SGD (momentum μ, Nesterov), Adam and AdamW in place over the parameter arrays, with the update rules of
    Backprop's Sgd and Adam (and PyTorch's): L2 weight decay λ p added to the gradient, except AdamW, which first
    scales p by 1 − η λ. Every parameter is decayed, biases too."""

    def __init__(self, kind, lr, momentum=0.9, weight_decay=0.0, beta1=0.9, beta2=0.999, epsilon=1e-8):
        self.kind, self.lr, self.mu, self.wd = kind, np.float32(lr), np.float32(momentum), np.float32(weight_decay)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, np.float32(epsilon)
        self.state = None
        self.steps = 0

    def step(self, parameters, gradients):
        if self.state is None:
            count = {"sgd": 0, "momentum": 1, "nesterov": 1, "adam": 2, "adamw": 2}[self.kind]
            self.state = [[np.zeros_like(p) for p in parameters] for _ in range(count)]
        self.steps += 1
        decoupled = self.kind == "adamw"
        if self.wd and not decoupled:
            for p, g in zip(parameters, gradients):       # g ← g + λ p
                g += self.wd * p
        if self.kind == "sgd":
            for p, g in zip(parameters, gradients):
                g *= self.lr
                p -= g
        elif self.kind in ("momentum", "nesterov"):
            for p, g, v in zip(parameters, gradients, self.state[0]):
                v *= self.mu                              # v ← μ v + g
                v += g
                if self.kind == "nesterov":               # p ← p − η (g + μ v)
                    g += self.mu * v
                    g *= self.lr
                    p -= g
                else:                                     # p ← p − η v
                    p -= self.lr * v
        else:
            # η m̂ / (√v̂ + ε) = η / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε), as Backprop's Adam writes it
            step_size = np.float32(self.lr / (1 - self.beta1 ** self.steps))
            root_correction = np.float32(np.sqrt(1 - self.beta2 ** self.steps))
            b1, b2 = np.float32(self.beta1), np.float32(self.beta2)
            for p, g, m, v in zip(parameters, gradients, self.state[0], self.state[1]):
                m *= b1
                m += (1 - b1) * g
                g *= g
                v *= b2
                v += (1 - b2) * g
                if decoupled and self.wd:
                    p -= (self.lr * self.wd) * p
                denominator = np.sqrt(v)
                denominator /= root_correction
                denominator += self.epsilon
                np.divide(m, denominator, out=denominator)
                denominator *= step_size
                p -= denominator


def main():
    args = common.parse_args(__doc__, ["epoch", "inference", "predict1", "gemm", "article"])
    limits = common.limit_threads(args.threads)
    blas = common.blas_description()
    config = common.configuration(args)
    if args.only & {"epoch", "inference", "predict1"}:
        x, y, xt, yt = common.load(args)
        net = Mlp(args.hidden, args.activation)
        optimizer = Optimizer(args.optimizer, args.lr, args.momentum, args.weight_decay)
        rng = np.random.default_rng(3)
        train = lambda: net.epoch(x, y, rng, optimizer, args.batch_size)
        if "epoch" in args.only:
            if args.epochs:
                epoch_seconds = []
                for _ in range(args.epochs):
                    start = time.perf_counter()
                    train()
                    epoch_seconds.append(time.perf_counter() - start)
                accuracy = float((net.probabilities(xt).argmax(axis=1) == yt).mean())
                common.emit(PEER, "accuracy", epochs=args.epochs, test_accuracy=accuracy, epoch_seconds=epoch_seconds, median_epoch_seconds=statistics.median(epoch_seconds), data=args.data, threads=args.threads, blas=blas, **config)
            else:
                seconds = common.median_seconds(train, args.repeat)
                common.emit(PEER, "epoch", seconds=seconds, rows=len(x), threads=args.threads, blas=blas, **config)
        if "inference" in args.only:
            xi = np.ascontiguousarray(xt[:10000])
            seconds = common.median_seconds(lambda: net.probabilities(xi), max(5, args.repeat), warmup=2)
            common.emit(PEER, "inference", seconds=seconds, rows=len(xi), samples_per_s=len(xi) / seconds, threads=args.threads, blas=blas)
        if "predict1" in args.only:
            rows = [np.ascontiguousarray(xt[i:i + 1]) for i in range(min(1000, len(xt)))]
            seconds = common.one_row_seconds(lambda i: net.probabilities(rows[i]), len(rows), args.predict_calls)
            common.emit(PEER, "predict1", seconds=seconds, rows=1, calls=args.predict_calls, threads=args.threads, blas=blas)
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
