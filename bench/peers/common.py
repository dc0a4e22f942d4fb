"""Shared pieces of the peer programs: the synthetic data set (same shape and recipe as `backprop bench`),
timing, JSON result lines, and a description of the BLAS the process actually loaded."""
import gzip
import json
import os
import statistics
import struct
import sys
import time

import numpy as np

INPUTS, HIDDEN, CLASSES = 784, 128, 10
# Forward, the weight gradients, and δ W of the top layer, per training sample (as BenchWorkloads.cs counts them).
FLOPS_PER_TRAINING_SAMPLE = 2.0 * 2 * (INPUTS * HIDDEN + HIDDEN * CLASSES) + 2.0 * HIDDEN * CLASSES
FLOPS_PER_INFERENCE_SAMPLE = 2.0 * (INPUTS * HIDDEN + HIDDEN * CLASSES)


def synthetic_images(rows, seed=1):
    """Pixels in [0, 1], 10 classes; each class brightens its own band of pixels (the recipe of BenchWorkloads.cs).
    Built in float32 chunks so that generating it does not raise the process's peak memory above the data itself."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, CLASSES, size=rows)
    x = rng.random((rows, INPUTS), dtype=np.float32)
    column_class = np.arange(INPUTS) * CLASSES // INPUTS
    for start in range(0, rows, 4096):
        chunk = x[start:start + 4096]
        chunk *= np.float32(0.6)
        chunk += np.float32(0.4) * (column_class[None, :] == labels[start:start + 4096, None])
        np.minimum(chunk, np.float32(1.0), out=chunk)
    return x, labels.astype(np.int64)


def _idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion_mnist(directory="/usr/share/datasets/fashion-mnist"):
    """(x_train, y_train, x_test, y_test), images flattened and scaled to [0, 1] as float32."""
    def images(name):
        return (_idx(os.path.join(directory, name)).reshape(-1, INPUTS).astype(np.float32) / 255.0)

    def labels(name):
        return _idx(os.path.join(directory, name)).astype(np.int64)

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


def median_seconds(work, repeat, warmup=1):
    for _ in range(warmup):
        work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def blas_description():
    """The BLAS libraries loaded in this process, with the kernel family OpenBLAS chose (threadpoolctl)."""
    try:
        import threadpoolctl
        parts = []
        for info in threadpoolctl.threadpool_info():
            if info.get("user_api") == "blas":
                parts.append("{} {} ({}, {} kernels, {})".format(
                    info.get("internal_api"), info.get("version"), info.get("threading_layer"),
                    info.get("architecture"), os.path.basename(info.get("filepath", ""))))
        return "; ".join(parts) or "no BLAS found by threadpoolctl"
    except ImportError:
        return "unknown (threadpoolctl missing)"


def limit_threads(threads):
    """Limits BLAS/OpenMP threads for the rest of the process; returns the threadpoolctl handle to keep alive."""
    import threadpoolctl
    return threadpoolctl.threadpool_limits(threads)


def emit(peer, workload, **values):
    values = {"peer": peer, "workload": workload, **values}
    print(json.dumps(values), flush=True)


def parse_args(description, workloads):
    import argparse
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--only", default=",".join(workloads), help="comma-separated: " + ", ".join(workloads))
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", choices=["synthetic", "fashion-mnist"], default="synthetic")
    parser.add_argument("--epochs", type=int, default=0, help="with --data fashion-mnist: train this many epochs and report test accuracy")
    args = parser.parse_args()
    args.only = set(args.only.split(","))
    unknown = args.only - set(workloads)
    if unknown:
        parser.error("unknown workload(s): " + ", ".join(sorted(unknown)))
    return args


def load(args):
    if args.data == "fashion-mnist":
        return fashion_mnist()
    x, y = synthetic_images(args.rows, seed=1)
    xt, yt = synthetic_images(10000, seed=2)
    return x, y, xt, yt
