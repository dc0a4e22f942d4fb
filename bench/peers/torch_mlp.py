"""PyTorch MLP, 784-128-10 ReLU, softmax + cross-entropy (nn.CrossEntropyLoss), plain SGD η = 0.1, batch 64,
shuffled, float32, torch.set_num_threads(--threads); batches are gathered from one tensor by index (faster than a
DataLoader). The PyTorch side of bench/peers/compare.py; prints one JSON object per result."""
import statistics
import time

import numpy as np
import torch

import common

PEER = "pytorch"


def build():
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(common.INPUTS, common.HIDDEN), torch.nn.ReLU(), torch.nn.Linear(common.HIDDEN, common.CLASSES))


def epoch(model, optimizer, loss_fn, x, y, generator, batch=64):
    order = torch.randperm(len(x), generator=generator)
    for start in range(0, len(x), batch):
        rows = order[start:start + batch]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[rows]), y[rows])
        loss.backward()
        optimizer.step()


def main():
    args = common.parse_args(__doc__, ["epoch", "inference", "gemm"])
    torch.set_num_threads(args.threads)
    blas = "torch {} ({}); {}".format(torch.__version__, "BLAS_INFO=" + _config("BLAS_INFO"), common.blas_description())
    if args.only & {"epoch", "inference"}:
        xn, yn, xtn, ytn = common.load(args)
        x, y = torch.from_numpy(xn), torch.from_numpy(yn)
        xt, yt = torch.from_numpy(xtn), torch.from_numpy(ytn)
        model = build()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        loss_fn = torch.nn.CrossEntropyLoss()
        generator = torch.Generator().manual_seed(3)
        if "epoch" in args.only:
            if args.epochs:
                epoch_seconds = []
                for _ in range(args.epochs):
                    start = time.perf_counter()
                    epoch(model, optimizer, loss_fn, x, y, generator)
                    epoch_seconds.append(time.perf_counter() - start)
                with torch.no_grad():
                    accuracy = float((model(xt).argmax(dim=1) == yt).float().mean())
                common.emit(PEER, "accuracy", epochs=args.epochs, test_accuracy=accuracy, epoch_seconds=epoch_seconds, median_epoch_seconds=statistics.median(epoch_seconds), data=args.data, blas=blas)
            else:
                seconds = common.median_seconds(lambda: epoch(model, optimizer, loss_fn, x, y, generator), args.repeat)
                common.emit(PEER, "epoch", seconds=seconds, rows=len(x), threads=args.threads, blas=blas)
        if "inference" in args.only:
            xi = xt[:10000].contiguous()

            def infer():
                with torch.no_grad():
                    torch.softmax(model(xi), dim=1)
            seconds = common.median_seconds(infer, max(5, args.repeat), warmup=2)
            common.emit(PEER, "inference", seconds=seconds, rows=len(xi), samples_per_s=len(xi) / seconds, threads=args.threads, blas=blas)
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
