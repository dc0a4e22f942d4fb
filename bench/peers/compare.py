#!/usr/bin/python3
"""Runs Backprop and its peers (numpy, PyTorch, scikit-learn) interleaved, several rounds on the same machine, and
prints the median of every measurement, the ratios, and which BLAS each peer used.

    /usr/bin/python3 bench/peers/compare.py [--rounds 5] [--threads 2] [--rows 60000]

Backprop is published once (ReadyToRun) into artifacts/bench/backprop, then every round runs, in a rotating order:
`backprop bench --json` (training epoch and inference; GEMM and the article's loop), each peer program, and the
whole-process cold start of `backprop train` against `python3 article_numpy.py`. The Python side runs with
/usr/bin/python3 (Debian: python3-numpy python3-torch python3-sklearn libopenblas0-openmp) with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE removed from its environment, so OpenBLAS picks its kernels itself. Peak memory is each process's
maximum resident set size."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"


def run_measured(command, env=None, cwd=None):
    """Runs a process and returns (stdout, wall seconds, peak RSS in MiB) using os.wait4 for this child alone."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, text=True)
    out, err = process.stdout.read(), process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"error: {' '.join(command)} exited with {process.returncode}:\n{err.strip()}")
    return out, wall, usage.ru_maxrss / 1024.0


def results(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions inside each process")
    parser.add_argument("--no-publish", action="store_true", help="reuse artifacts/bench/backprop")
    parser.add_argument("--fashion-mnist", action="store_true",
                        help="also train 5 epochs on the real Fashion-MNIST files (/usr/share/datasets/fashion-mnist): "
                             "`backprop train --dataset fashion-mnist ...` against each peer's --data fashion-mnist run")
    parser.add_argument("--skip", default="", help="comma-separated peers to leave out: numpy, pytorch, scikit-learn")
    args = parser.parse_args()

    publish = os.path.join(ROOT, "artifacts", "bench", "backprop")
    if not args.no_publish:
        subprocess.run(["dotnet", "publish", os.path.join(ROOT, "src", "Backprop.Cli"), "-c", "Release", "-o", publish,
                        "-r", _rid(), "--self-contained", "false", "--nologo", "-v", "q"],
                       check=True, stdout=subprocess.DEVNULL)
    backprop = os.path.join(publish, "Backprop.Cli")

    peer_env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    peer_env["PYTHONDONTWRITEBYTECODE"] = "1"
    common = ["--threads", str(args.threads), "--rows", str(args.rows), "--repeat", str(args.repeat)]
    skip = set(filter(None, args.skip.split(",")))
    tasks = [
        ("backprop", "train", [backprop, "bench", "--json", "--only", "epoch,inference", "--threads", str(args.threads), "--rows", str(args.rows), "--repeat", str(args.repeat)], None),
        ("backprop", "kernels", [backprop, "bench", "--json", "--only", "gemm,article", "--threads", str(args.threads), "--repeat", str(args.repeat)], None),
        ("backprop", "cold", [backprop, "train"], None),
        ("numpy", "train", [PYTHON, "numpy_mlp.py", "--only", "epoch,inference"] + common, peer_env),
        ("numpy", "kernels", [PYTHON, "numpy_mlp.py", "--only", "gemm,article"] + common, peer_env),
        ("numpy", "cold", [PYTHON, "article_numpy.py"], peer_env),
        ("pytorch", "train", [PYTHON, "torch_mlp.py", "--only", "epoch,inference"] + common, peer_env),
        ("pytorch", "kernels", [PYTHON, "torch_mlp.py", "--only", "gemm"] + common, peer_env),
        ("scikit-learn", "train", [PYTHON, "sklearn_mlp.py", "--only", "epoch,inference"] + common, peer_env),
    ]
    if args.fashion_mnist:
        model = os.path.join(ROOT, "artifacts", "bench", "fashion-model.json")
        tasks += [
            ("backprop", "fashion", [backprop, "train", "--dataset", "fashion-mnist", "--hidden", "128", "--activation", "relu",
                                     "--optimizer", "sgd", "--lr", "0.1", "--batch-size", "64", "--epochs", "5", "--scale", "none",
                                     "--seed", "1", "--out", model], None),
            ("numpy", "fashion", [PYTHON, "numpy_mlp.py", "--only", "epoch", "--data", "fashion-mnist", "--epochs", "5", "--threads", str(args.threads)], peer_env),
            ("pytorch", "fashion", [PYTHON, "torch_mlp.py", "--only", "epoch", "--data", "fashion-mnist", "--epochs", "5", "--threads", str(args.threads)], peer_env),
            ("scikit-learn", "fashion", [PYTHON, "sklearn_mlp.py", "--only", "epoch", "--data", "fashion-mnist", "--epochs", "5", "--threads", str(args.threads)], peer_env),
        ]
    tasks = [t for t in tasks if t[0] not in skip]

    samples = {}   # (peer, metric) -> [values]
    blas = {}
    def add(peer, metric, value):
        samples.setdefault((peer, metric), []).append(value)

    for round_index in range(args.rounds):
        shift = round_index % len(tasks)
        for peer, kind, command, env in tasks[shift:] + tasks[:shift]:
            out, wall, rss = run_measured(command, env=env, cwd=HERE)
            if kind == "cold":
                add(peer, "cold start, whole process (s)", wall)
                add(peer, "cold start peak RSS (MiB)", rss)
                continue
            if kind == "train":
                add(peer, "training process peak RSS (MiB)", rss)
            if kind == "fashion":
                add(peer, "Fashion-MNIST 5 epochs: process peak RSS (MiB)", rss)
                if peer == "backprop":
                    # The command's own per-epoch times, from the metrics log it writes beside the model.
                    with open(os.path.join(ROOT, "artifacts", "bench", "fashion-model.metrics.csv")) as f:
                        rows = [line.strip().split(",") for line in f][1:]
                    add(peer, "Fashion-MNIST epoch, median of 5 (s)", statistics.median(float(r[-1]) for r in rows))
                    accuracy = [line for line in out.splitlines() if line.startswith("Test accuracy")]
                    if accuracy:
                        add(peer, "Fashion-MNIST test accuracy after 5 epochs", float(accuracy[0].split()[2].rstrip(",")))
            for r in results(out):
                if "blas" in r:
                    blas[peer] = r["blas"]
                w = r["workload"]
                if w == "epoch":
                    add(peer, "epoch, batch 64 (s)", r["seconds"])
                elif w == "inference":
                    add(peer, "inference 10k rows (samples/s)", r["samples_per_s"])
                elif w == "gemm" and r.get("m") == 1024:
                    add(peer, "GEMM 1024^3 f32, 1 thread (GFLOP/s)", r["gflops_1"])
                    add(peer, f"GEMM 1024^3 f32, {args.threads} threads (GFLOP/s)", r["gflops_n"])
                    if "peak_1" in r:
                        add(peer, "FMA peak f32, 1 thread (GFLOP/s)", r["peak_1"])
                        add(peer, f"FMA peak f32, {args.threads} threads (GFLOP/s)", r["peak_n"])
                elif w == "accuracy":
                    add(peer, "Fashion-MNIST epoch, median of 5 (s)", r["median_epoch_seconds"])
                    add(peer, "Fashion-MNIST test accuracy after 5 epochs", r["test_accuracy"])
                elif w == "article":
                    add(peer, "article's loop (us/epoch)", r["us_per_epoch"])
            print(f"round {round_index + 1}/{args.rounds}: {peer} {kind} done in {wall:.1f} s", file=sys.stderr, flush=True)

    print(f"Medians of {args.rounds} interleaved rounds; {args.threads} threads; {args.rows} synthetic rows shaped like Fashion-MNIST (784 pixels in [0, 1], 10 classes)"
          + ("; Fashion-MNIST rows: the real files, 5 epochs per run." if args.fashion_mnist else "."))
    print(f"machine: {_cpu()}; load average before/after: see uptime")
    peers = [p for p in ["backprop", "numpy", "pytorch", "scikit-learn"] if any(k[0] == p for k in samples)]
    metrics = []
    for (_, metric) in samples:
        if metric not in metrics:
            metrics.append(metric)
    lower_is_better = lambda m: "(s)" in m or "MiB" in m or "us/epoch" in m
    width = max(len(m) for m in metrics) + 2
    print("\n" + "measurement".ljust(width) + "".join(p.rjust(14) for p in peers) + "   backprop / best peer")
    for metric in metrics:
        row = metric.ljust(width)
        medians = {}
        for p in peers:
            values = samples.get((p, metric))
            if values:
                medians[p] = statistics.median(values)
                row += f"{medians[p]:14.4g}"
            else:
                row += "-".rjust(14)
        others = {p: v for p, v in medians.items() if p != "backprop"}
        if "backprop" in medians and others:
            best_peer = min(others, key=others.get) if lower_is_better(metric) else max(others, key=others.get)
            ratio = medians["backprop"] / others[best_peer]
            better = "lower is better" if lower_is_better(metric) else "higher is better"
            row += f"   {ratio:.2f}x {best_peer} ({better})"
        print(row)
    print("\nBLAS used:")
    for p in peers:
        if p in blas:
            print(f"  {p}: {blas[p]}")
    print("  backprop: its own packed GEMM (no BLAS); kernel reported by `backprop bench`")
    print("\nRaw samples:")
    for (p, metric), values in samples.items():
        print(f"  {p:13} {metric}: " + ", ".join(f"{v:.4g}" for v in values))


def _rid():
    import platform
    machine = platform.machine().lower()
    return "linux-arm64" if machine in ("aarch64", "arm64") else "linux-x64"


def _cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip() + f", {os.cpu_count()} logical processors"
    except OSError:
        pass
    return "unknown"


if __name__ == "__main__":
    main()
