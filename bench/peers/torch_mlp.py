"""PyTorch MLP, softmax + cross-entropy (nn.CrossEntropyLoss), float32, shuffled mini-batches gathered from one
tensor by index (faster than a DataLoader), torch.set_num_threads(--threads). By default 784-128-10 ReLU, plain SGD
η = 0.1, batch 64; --hidden, --activation, --optimizer (torch.optim.SGD with momentum or nesterov, Adam, AdamW, each
given --weight-decay), --batch-size change it. Weights are initialised as Backprop does (He uniform for ReLU layers,
Xavier uniform otherwise, biases 0). The PyTorch side of bench/peers/compare.py; prints one JSON object per result."""
import statistics
import time

import numpy as np
import torch

import common

PEER = "pytorch"
ACTIVATIONS = {"relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh}


def build(hidden=(common.HIDDEN,), activation="relu"):
    torch.manual_seed(0)
    sizes = [common.INPUTS, *hidden, common.CLASSES]
    layers = []
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = torch.nn.Linear(fan_in, fan_out)
        he = activation == "relu" and layer < len(hidden)
        limit = (6.0 / fan_in) ** 0.5 if he else (6.0 / (fan_in + fan_out)) ** 0.5
        with torch.no_grad():
            linear.weight.uniform_(-limit, limit)
            linear.bias.zero_()
        layers.append(linear)
        if layer < len(hidden):
            layers.append(ACTIVATIONS[activation]())
    return torch.nn.Sequential(*layers)


def make_optimizer(parameters, args):
    if args.optimizer == "sgd":
        return torch.optim.SGD(parameters, lr=args.lr, weight_decay=args.weight_decay)
    if args.optimizer in ("momentum", "nesterov"):
        return torch.optim.SGD(parameters, lr=args.lr, momentum=args.momentum, nesterov=args.optimizer == "nesterov",
                               weight_decay=args.weight_decay)
    kind = torch.optim.Adam if args.optimizer == "adam" else torch.optim.AdamW
    return kind(parameters, lr=args.lr, weight_decay=args.weight_decay)


def epoch(model, optimizer, loss_fn, x, y, generator, batch=64):
    order = torch.randperm(len(x), generator=generator)
    for start in range(0, len(x), batch):
        rows = order[start:start + batch]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[rows]), y[rows])
        loss.backward()
        optimizer.step()


def main():
    args = common.parse_args(__doc__, ["epoch", "inference", "predict1", "gemm"])
    torch.set_num_threads(args.threads)
    blas = "torch {} ({}); {}".format(torch.__version__, "BLAS_INFO=" + _config("BLAS_INFO"), common.blas_description())
    config = common.configuration(args)
    if args.only & {"epoch", "inference", "predict1"}:
        xn, yn, xtn, ytn = common.load(args)
        x, y = torch.from_numpy(xn), torch.from_numpy(yn)
        xt, yt = torch.from_numpy(xtn), torch.from_numpy(ytn)
        model = build(args.hidden, args.activation)
        optimizer = make_optimizer(model.parameters(), args)
        loss_fn = torch.nn.CrossEntropyLoss()
        generator = torch.Generator().manual_seed(3)
        train = lambda: epoch(model, optimizer, loss_fn, x, y, generator, args.batch_size)
        if "epoch" in args.only:
            if args.epochs:
                epoch_seconds = []
                for _ in range(args.epochs):
                    start = time.perf_counter()
                    train()
                    epoch_seconds.append(time.perf_counter() - start)
                with torch.no_grad():
                    accuracy = float((model(xt).argmax(dim=1) == yt).float().mean())
                common.emit(PEER, "accuracy", epochs=args.epochs, test_accuracy=accuracy, epoch_seconds=epoch_seconds, median_epoch_seconds=statistics.median(epoch_seconds), data=args.data, threads=args.threads, blas=blas, **config)
            else:
                seconds = common.median_seconds(train, args.repeat)
                common.emit(PEER, "epoch", seconds=seconds, rows=len(x), threads=args.threads, blas=blas, **config)
        if "inference" in args.only:
            xi = xt[:10000].contiguous()

            def infer():
                with torch.inference_mode():
                    torch.softmax(model(xi), dim=1)
            seconds = common.median_seconds(infer, max(5, args.repeat), warmup=2)
            common.emit(PEER, "inference", seconds=seconds, rows=len(xi), samples_per_s=len(xi) / seconds, threads=args.threads, blas=blas)
        if "predict1" in args.only:
            rows = [xt[i:i + 1].contiguous() for i in range(min(1000, len(xt)))]

            def predict(i):
                with torch.inference_mode():
                    torch.softmax(model(rows[i]), dim=1)
            seconds = common.one_row_seconds(predict, len(rows), args.predict_calls)
            common.emit(PEER, "predict1", seconds=seconds, rows=1, calls=args.predict_calls, threads=args.threads, blas=blas)
    if "gemm" in args.only:
        a = torch.rand(1024, 1024) - 0.5
        b = torch.rand(1024, 1024) - 0.5
        result = {}
        for threads in (1, args.threads):
            torch.set_num_threads(threads)
            seconds = common.median_seconds(lambda: torch.mm(a, b), max(5, args.repeat), warmup=2)
            result["gflops_1" if threads == 1 else "gflops_n"] = 2 * 1024 ** 3 / seconds / 1e9
        common.emit(PEER, "gemm", m=1024, n=1024, k=1024, threads=args.threads, blas=blas, **result)


def _config(key):
    import re
    match = re.search(re.escape(key) + r"=([^,\s]+)", torch.__config__.show())
    return match.group(1) if match else "?"


if __name__ == "__main__":
    main()
