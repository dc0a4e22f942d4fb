"""Shared pieces of the peer programs: the synthetic data set (same shape and recipe as `backprop bench`),
timing, JSON result lines, the training configuration (hidden layers, activation, optimizer, batch, weight decay)
that every peer reads the same way, and a description of the BLAS the process actually loaded, down to the kernel
family OpenBLAS chose."""
import ctypes
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


FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def fashion_mnist(directory=FASHION_MNIST_DIR):
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


def write_synthetic_fashion_mnist(directory, train_rows=60000, test_rows=10000):
    """Writes the four Fashion-MNIST IDX files (gzip) of synthetic images (synthetic_images, as bytes 0..255), so
    that `backprop train --dataset fashion-mnist --data-dir DIR` and the peers' --data-dir read the same stand-in
    when the real files are not installed."""
    os.makedirs(directory, exist_ok=True)
    for prefix, rows, seed in (("train", train_rows, 1), ("t10k", test_rows, 2)):
        x, y = synthetic_images(rows, seed=seed)
        pixels = np.rint(x * 255).astype(np.uint8)
        for name, array in ((prefix + "-images-idx3-ubyte", pixels.reshape(rows, 28, 28)),
                            (prefix + "-labels-idx1-ubyte", y.astype(np.uint8))):
            header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
            path = os.path.join(directory, name + ".gz")
            with gzip.open(path + ".partial", "wb", compresslevel=1) as f:
                f.write(header + array.tobytes())
            os.replace(path + ".partial", path)


# The kernel family to force for each CPU feature, newest first: OpenBLAS 0.3.21 falls back to its generic kernels
# (Prescott, SSE3) on CPUs it does not recognise, even when they have AVX-512.
CORETYPE_BY_FLAG = (("avx512_bf16", "Cooperlake"), ("avx512f", "SkylakeX"), ("avx2", "Haswell"))


def cpu_flags(path="/proc/cpuinfo"):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def coretype_for_cpu(flags=None):
    """The OPENBLAS_CORETYPE matching this CPU's flags (Cooperlake, SkylakeX, Haswell), or None for older CPUs."""
    flags = cpu_flags() if flags is None else flags
    for flag, coretype in CORETYPE_BY_FLAG:
        if flag in flags:
            return coretype
    return None


def openblas_kernel():
    """(kernel family, build configuration) that the OpenBLAS loaded in this process reports through
    openblas_get_corename / openblas_get_config, or None when no libopenblas is loaded. Import numpy or torch first."""
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if os.path.basename(line.split()[-1]).startswith("libopenblas")})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode(), lib.openblas_get_config().decode()
        except (OSError, AttributeError):
            continue
    return None


def blas_description():
    """The BLAS libraries loaded in this process, with the kernel family OpenBLAS reports it chose and the
    OPENBLAS_CORETYPE it was given."""
    parts = []
    try:
        import threadpoolctl
        for info in threadpoolctl.threadpool_info():
            if info.get("user_api") == "blas":
                parts.append("{} {} ({}, {})".format(
                    info.get("internal_api"), info.get("version"), info.get("threading_layer"),
                    os.path.basename(info.get("filepath", ""))))
    except ImportError:
        pass
    kernel = openblas_kernel()
    forced = os.environ.get("OPENBLAS_CORETYPE")
    if kernel is not None:
        parts.append("OpenBLAS reports {} kernels (OPENBLAS_CORETYPE{})".format(
            kernel[0], "=" + forced if forced else " unset"))
    return "; ".join(parts) or "no BLAS found"


class _OpenBlasThreads:
    """threadpoolctl's stand-in where it is missing: openblas_set_num_threads through ctypes."""

    def __init__(self, threads):
        self._lib = None
        try:
            with open("/proc/self/maps") as f:
                path = next((line.split()[-1] for line in f if os.path.basename(line.split()[-1]).startswith("libopenblas")), None)
            if path:
                self._lib = ctypes.CDLL(path)
                self._saved = self._lib.openblas_get_num_threads()
                self._lib.openblas_set_num_threads(threads)
        except (OSError, AttributeError):
            self._lib = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._lib is not None:
            self._lib.openblas_set_num_threads(self._saved)


def limit_threads(threads):
    """Limits BLAS/OpenMP threads for the rest of the process (or a `with` block); returns the handle to keep alive."""
    try:
        import threadpoolctl
        return threadpoolctl.threadpool_limits(threads)
    except ImportError:
        return _OpenBlasThreads(threads)


def emit(peer, workload, **values):
    values = {"peer": peer, "workload": workload, **values}
    print(json.dumps(values), flush=True)


OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "adamw")
ACTIVATIONS = ("relu", "sigmoid", "tanh")
# The learning rate when none is given: η = 0.1 for plain SGD (the headline run), else the CLI's defaults.
DEFAULT_LR = {"sgd": 0.1, "momentum": 0.01, "nesterov": 0.01, "adam": 0.001, "adamw": 0.001}


def parse_args(description, workloads, optimizers=OPTIMIZERS):
    """The peers' common options. The training configuration mirrors `backprop train`: --hidden 128 or 512,256,
    --activation, --optimizer (momentum and nesterov with --momentum μ), --lr, --batch-size, --weight-decay (L2 added
    to the gradient, decoupled for adamw, on every parameter as in Backprop and PyTorch)."""
    import argparse
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--only", default=",".join(workloads), help="comma-separated: " + ", ".join(workloads))
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", choices=["synthetic", "fashion-mnist"], default="synthetic")
    parser.add_argument("--data-dir", default=FASHION_MNIST_DIR, help="folder of the Fashion-MNIST IDX files")
    parser.add_argument("--epochs", type=int, default=0, help="train this many epochs and report each epoch's seconds and the test accuracy")
    parser.add_argument("--hidden", default=str(HIDDEN), help="hidden layer sizes, e.g. 128 or 512,256")
    parser.add_argument("--activation", choices=ACTIVATIONS, default="relu", help="hidden activation")
    parser.add_argument("--optimizer", choices=optimizers, default="sgd")
    parser.add_argument("--lr", type=float, default=None, help="learning rate (default: 0.1 for sgd, 0.01 for momentum/nesterov, 0.001 for adam/adamw)")
    parser.add_argument("--momentum", type=float, default=0.9, help="μ of momentum and nesterov")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--predict-calls", type=int, default=2000, help="one-row predictions timed by the predict1 workload")
    args = parser.parse_args()
    args.only = set(args.only.split(","))
    unknown = args.only - set(workloads)
    if unknown:
        parser.error("unknown workload(s): " + ", ".join(sorted(unknown)))
    try:
        args.hidden = [int(h) for h in args.hidden.split(",")]
    except ValueError:
        parser.error(f"--hidden: '{args.hidden}' is not a comma-separated list of sizes")
    if any(h < 1 for h in args.hidden):
        parser.error(f"--hidden: sizes must be at least 1 (got {args.hidden})")
    if args.batch_size < 1:
        parser.error(f"--batch-size must be at least 1 (got {args.batch_size})")
    if args.weight_decay < 0:
        parser.error(f"--weight-decay must be zero or positive (got {args.weight_decay})")
    if args.lr is None:
        args.lr = DEFAULT_LR[args.optimizer]
    return args


def configuration(args):
    """The training set-up as one dictionary, echoed in every result line so a sample says what it measured."""
    return {"hidden": args.hidden, "activation": args.activation, "optimizer": args.optimizer, "lr": args.lr,
            "momentum": args.momentum if args.optimizer in ("momentum", "nesterov") else 0.0,
            "batch_size": args.batch_size, "weight_decay": args.weight_decay}


def one_row_seconds(predict, rows, calls):
    """Median seconds of predict(one row), cycling over the given rows after a warm-up of a tenth of the calls."""
    for i in range(max(10, calls // 10)):
        predict(i % rows)
    times = []
    for i in range(calls):
        start = time.perf_counter()
        predict(i % rows)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load(args):
    if args.data == "fashion-mnist":
        return fashion_mnist(args.data_dir)
    x, y = synthetic_images(args.rows, seed=1)
    xt, yt = synthetic_images(10000, seed=2)
    return x, y, xt, yt
