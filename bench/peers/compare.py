#!/usr/bin/python3
"""Runs Backprop and its peers (numpy, PyTorch, scikit-learn) interleaved, several rounds on the same machine, and
prints a markdown table of medians and ratios, with the BLAS kernels each peer used.

    /usr/bin/python3 bench/peers/compare.py [--rounds 5] [--threads 2] [--fashion-mnist]   # kernels, epoch, inference
    /usr/bin/python3 bench/peers/compare.py --matrix [--rounds 5] [--epochs 5] [--raw FILE] # the training matrix
    /usr/bin/python3 bench/peers/compare.py --matrix --quick --rounds 1 --only adam,sgd    # a smoke run
    /usr/bin/python3 bench/peers/compare.py --matrix --full --rounds 3 --resume full.jsonl  # all 180 combinations
    /usr/bin/python3 bench/peers/compare.py --matrix --full --sample 20 --list              # which rows, and how long

Backprop is published once (ReadyToRun) into artifacts/bench/backprop. Our side is what a user runs: `backprop train
--dataset fashion-mnist ... --metrics FILE` (the per-epoch seconds it logs) and `backprop bench --json`. The peers run
with /usr/bin/python3 (Debian: python3-numpy python3-torch python3-sklearn libopenblas0-openmp).

Honesty measures:
- OpenBLAS kernels: OpenBLAS 0.3.21 falls back to its generic kernels on CPUs it does not know, so the peers run with
  OPENBLAS_CORETYPE chosen from /proc/cpuinfo (Cooperlake with avx512_bf16, SkylakeX with avx512f, Haswell with avx2;
  --coretype overrides, --coretype unset leaves OpenBLAS to choose). The kernel OpenBLAS reports is printed, and a
  kernel check trains each peer one epoch with the forced kernel and with OpenBLAS's own choice and prints both test
  accuracies (--no-kernel-check skips it).
- Quiet rounds: every process's run records the CPU time the rest of the machine used meanwhile (busy jiffies of
  /proc/stat minus this script's and the child's own CPU time; hypervisor steal is recorded apart). A round of a row is
  quiet when in each of its runs the rest of the machine used at most --quiet-threshold cores (default 0.05, 5 % of one
  core). Medians are printed over the quiet rounds and over all rounds, with the count of quiet ones.
- Split rounds: a virtual machine's vCPUs can be moved, for minutes, onto different dies, where a cache line takes
  several times as long to pass from one core to the other (on the 2-vCPU Zen 4 of docs/performance.md, 35 ns became
  175 ns). Programs whose threads meet often then run up to 1.7× slower, and no process of this machine shows it. So
  before and after every run `backprop bench --only handoff` times that hand-off, and a round is quiet only if no run
  of it saw a hand-off above --handoff-factor (default 2) times the fastest one of the invocation. --handoff-factor 0
  skips the probe.
- Ratios: Backprop ÷ the faster of numpy and PyTorch (scikit-learn is shown, not compared), as the ratio of the medians
  and as the median of the per-round ratios (which cancels spells that slow every program of a round).

--full runs the cross product of `backprop bench --matrix --full` (same keys) against numpy and PyTorch only, timing
the median epoch after the first (--epochs defaults to 2). A full run is hours on 2 cores: --sample N measures a
reproducible random subset, and --resume FILE runs only the (row, program, round) samples FILE lacks, appending to it,
so a run can be split over invocations (same settings and build; the tables cover all of FILE).
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"
sys.path.insert(0, HERE)
import common  # noqa: E402  (the peers' shared module: CPU flags, OpenBLAS kernels, the synthetic stand-in)

PEERS = ["backprop", "numpy", "pytorch", "scikit-learn"]
PEER_TITLES = {"backprop": "Backprop", "numpy": "numpy", "pytorch": "PyTorch", "scikit-learn": "scikit-learn"}
COMPARED = ("numpy", "pytorch")      # the ratio's denominator: the faster of these two
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
NOT_MEASURED = "not measured by backprop bench yet"


# ---------------------------------------------------------------------------------------------------- measuring

def machine_cpu_seconds():
    """(busy, steal) CPU seconds of the whole machine since boot, from the first line of /proc/stat. Busy is user,
    nice, system, irq and softirq (guest time is inside user); idle, iowait and steal are not."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq) / CLOCK_TICKS, steal / CLOCK_TICKS


def own_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Run:
    """One process's run: its output, wall time, peak RSS, its own CPU time and what the rest of the machine used."""

    def __init__(self, out, wall, rss_mib, cpu, other, steal, error=None):
        self.out, self.wall, self.rss_mib, self.cpu, self.other, self.steal, self.error = out, wall, rss_mib, cpu, other, steal, error

    @property
    def other_cores(self):
        return self.other / self.wall if self.wall > 0 else 0.0


def run_measured(command, env=None, cwd=None, allow_failure=False):
    """Runs a process to its end and measures it (os.wait4 gives this child's own rusage). A failed run ends the
    script with one error line, unless allow_failure, when the Run carries the error instead."""
    with tempfile.TemporaryFile(mode="w+") as errors:
        busy0, steal0 = machine_cpu_seconds()
        self0 = own_cpu_seconds()
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env, cwd=cwd, text=True)
        out = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        busy1, steal1 = machine_cpu_seconds()
        self1 = own_cpu_seconds()
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stdout.close()
        cpu = usage.ru_utime + usage.ru_stime
        # Jiffies are sampled, rusage is exact: a quiet machine can read slightly below zero.
        other = max(0.0, (busy1 - busy0) - cpu - (self1 - self0))
        if process.returncode != 0:
            errors.seek(0)
            lines = [line for line in errors.read().strip().splitlines() if line.strip()]
            message = f"{' '.join(command)} exited with {process.returncode}: {lines[-1] if lines else 'no message'}"
            if not allow_failure:
                sys.exit("error: " + message)
            return Run(out, wall, usage.ru_maxrss / 1024.0, cpu, other, steal1 - steal0, error=message)
    return Run(out, wall, usage.ru_maxrss / 1024.0, cpu, other, steal1 - steal0)


def results(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


# ---------------------------------------------------------------------------------------------------- what runs

class Task:
    """One process of a row: who runs it, the command, and how its output becomes named measurements."""

    def __init__(self, peer, name, command, env, parse, allow_failure=False, before=None, config=None, epochs=None):
        self.peer, self.name, self.command, self.env, self.parse = peer, name, command, env, parse
        self.allow_failure, self.before = allow_failure, before
        self.config, self.epochs = config, epochs      # a training run's configuration, for the time estimate


class Line:
    """One line of the table: our measurement `ours` against the peers' `theirs` of the same row."""

    def __init__(self, row, label, ours, theirs=None, lower_is_better=True, missing_ours=None, fmt="{:.4g}"):
        self.row, self.label, self.ours, self.theirs = row, label, ours, theirs or ours
        self.lower_is_better, self.missing_ours, self.fmt = lower_is_better, missing_ours, fmt


class Row:
    def __init__(self, key, title, tasks, lines, config=None):
        self.key, self.title, self.tasks, self.lines, self.config = key, title, tasks, lines, config

    @property
    def training(self):
        return self.config is not None


# The matrix: a base row varied one factor at a time, plus the SGD headline (and it with weight decay).
BASE = {"hidden": "128", "activation": "relu", "optimizer": "adam", "lr": 0.001, "batch": 64, "wd": 0.0}
TRAINING_ROWS = [
    ("adam", "784-128-10 ReLU, Adam 0.001, batch 64 (base)", {}),
    ("sgd", "SGD 0.1 (the headline)", {"optimizer": "sgd", "lr": 0.1}),
    ("sgd-wd", "SGD 0.1, weight decay 1e-4", {"optimizer": "sgd", "lr": 0.1, "wd": 1e-4}),
    ("momentum", "momentum 0.9, η 0.01", {"optimizer": "momentum", "lr": 0.01}),
    ("nesterov", "Nesterov 0.9, η 0.01", {"optimizer": "nesterov", "lr": 0.01}),
    ("adamw", "AdamW 0.001, decoupled weight decay 1e-4", {"optimizer": "adamw", "wd": 1e-4}),
    ("sigmoid", "sigmoid hidden", {"activation": "sigmoid"}),
    ("tanh", "tanh hidden", {"activation": "tanh"}),
    ("wide", "784-512-256-10", {"hidden": "512,256"}),
    ("batch16", "batch 16", {"batch": 16}),
    ("batch256", "batch 256", {"batch": 256}),
    ("wd", "weight decay 1e-4 (L2)", {"wd": 1e-4}),
]
OTHER_ROWS = ["process", "predict"]
MATRIX_ROWS = [key for key, _, _ in TRAINING_ROWS] + OTHER_ROWS
# Weight decay on ÷ off: (row with decay, the same row without)
DECAY_PAIRS = [("wd", "adam", "Adam, L2 1e-4 ÷ 0"), ("sgd-wd", "sgd", "SGD, L2 1e-4 ÷ 0"), ("adamw", "adam", "AdamW 1e-4 ÷ Adam")]

# --full: every combination the speed targets name, in the order and under the keys of BenchMatrix.Full() in
# src/Backprop.Cli/Commands/BenchMatrix.cs (a test checks `--matrix --full --list` against it).
FULL_OPTIMIZERS = [("sgd", 0.1), ("momentum", 0.01), ("nesterov", 0.01), ("adam", 0.001), ("adamw", 0.001)]
FULL_ACTIVATIONS = ["relu", "sigmoid", "tanh"]
FULL_HIDDEN = ["128", "512,256"]
FULL_BATCHES = [16, 64, 256]
FULL_DECAYS = [0.0, 1e-4]
FULL_DEFAULT_EPOCHS = 2     # the first epoch and one after it: the table times the epochs after the first
TARGET = 0.6                # every training row ≤ 0.6× the faster of numpy and PyTorch
DECAY_TARGET = 1.05         # weight decay on ≤ 5 % over off


def _number(value):
    """A number as C#'s invariant ToString() writes the matrix's values: 0 as "0", 0.0001 as "0.0001"."""
    return str(int(value)) if value == int(value) else repr(value)


def full_rows():
    """(key, title, config) of every combination, keyed optimizer-activation-hidden-bBATCH-wdλ."""
    rows = []
    for optimizer, lr in FULL_OPTIMIZERS:
        for activation in FULL_ACTIVATIONS:
            for hidden in FULL_HIDDEN:
                for batch in FULL_BATCHES:
                    for wd in FULL_DECAYS:
                        key = f"{optimizer}-{activation}-{hidden.replace(',', '-')}-b{batch}-wd{_number(wd)}"
                        title = f"784-{hidden.replace(',', '-')}-10 {activation}, {optimizer} {_number(lr)}, batch {batch}, wd {_number(wd)}"
                        rows.append((key, title, {"hidden": hidden, "activation": activation, "optimizer": optimizer,
                                                  "lr": lr, "batch": batch, "wd": wd}))
    return rows


def full_decay_pairs(keys):
    """Every (row with λ = 10⁻⁴, the same row with λ = 0, label) of the product among `keys`."""
    on_suffix, off_suffix = f"-wd{_number(FULL_DECAYS[1])}", f"-wd{_number(FULL_DECAYS[0])}"
    return [(key, key[:-len(on_suffix)] + off_suffix, key[:-len(on_suffix)]) for key in keys
            if key.endswith(on_suffix) and key[:-len(on_suffix)] + off_suffix in keys]


def _epoch_metrics(epoch_seconds, accuracy):
    median = statistics.median(epoch_seconds)
    values = {"epoch_s": median}
    if len(epoch_seconds) > 1:      # with one epoch the ratio is 1 by definition
        values["first_over_median"] = epoch_seconds[0] / median
        values["after_first_s"] = statistics.median(epoch_seconds[1:])
        values["first_over_rest"] = epoch_seconds[0] / values["after_first_s"]
    if accuracy is not None:
        values["accuracy"] = accuracy
    return values


def _test_accuracy(out):
    for line in out.splitlines():
        if line.startswith("Test accuracy"):
            return float(line.split()[2].rstrip(","))
    return None


def _peer_epochs(run):
    for r in results(run.out):
        if r["workload"] == "accuracy":
            return _epoch_metrics(r["epoch_seconds"], r["test_accuracy"]) | {"blas": r.get("blas")}
    sys.exit("error: no accuracy line in the output of a peer's training run")


def _backprop_epochs(metrics_path):
    def parse(run):
        try:
            with open(metrics_path) as f:
                lines = [line.strip().split(",") for line in f if line.strip()]
        except OSError as e:
            sys.exit(f"error: {metrics_path}: the metrics log of `backprop train` is missing ({e.strerror})")
        column = lines[0].index("seconds")
        return _epoch_metrics([float(r[column]) for r in lines[1:]], _test_accuracy(run.out))
    return parse


def _remover(path):
    """Removes a stale metrics log before the run that writes it, so an old file is never read as new."""
    return lambda: os.path.exists(path) and os.remove(path)


def training_command(backprop, config, epochs, data_dir, metrics_path, scale="none"):
    command = [backprop, "train", "--dataset", "fashion-mnist", "--data-dir", data_dir]
    if scale is not None:
        command += ["--scale", scale]
    command += ["--hidden", config["hidden"], "--activation", config["activation"], "--optimizer", config["optimizer"],
                "--lr", repr(config["lr"]), "--batch-size", str(config["batch"]), "--weight-decay", repr(config["wd"]),
                "--epochs", str(epochs), "--seed", "1"]
    if config["optimizer"] in ("momentum", "nesterov"):
        command += ["--momentum", "0.9"]
    if metrics_path:
        command += ["--metrics", metrics_path]
    return command


def peer_command(script, config, epochs, threads, data_dir):
    return [PYTHON, script, "--only", "epoch", "--data", "fashion-mnist", "--data-dir", data_dir, "--epochs", str(epochs),
            "--threads", str(threads), "--hidden", config["hidden"], "--activation", config["activation"],
            "--optimizer", config["optimizer"], "--lr", repr(config["lr"]), "--batch-size", str(config["batch"]),
            "--weight-decay", repr(config["wd"]), "--momentum", "0.9"]


def training_specs(full):
    """(key, title, config) of every training row: --full's product, or the base row varied one factor at a time."""
    return full_rows() if full else [(key, title, BASE | change) for key, title, change in TRAINING_ROWS]


def epoch_metric(args):
    """The training rows' time: with --full the median of the epochs after the first (where there are any), the base
    matrix's the median of all N epochs."""
    return "after_first_s" if args.full and args.epochs > 1 else "epoch_s"


def matrix_rows(args, backprop, our_env, peer_env, skip):
    """Every row of the matrix (all 180 with --full, whatever --only and --sample pick: the tables cover every row
    with samples, which a resumed run may have from earlier invocations)."""
    work = os.path.join(ROOT, "artifacts", "bench", "matrix")
    os.makedirs(work, exist_ok=True)
    rows = []
    for key, title, config in training_specs(args.full):
        metrics_path = os.path.join(work, key + ".metrics.csv")
        tasks = [Task("backprop", "train", training_command(backprop, config, args.epochs, args.data_dir, metrics_path),
                      our_env, _backprop_epochs(metrics_path), before=_remover(metrics_path))]
        tasks.append(Task("numpy", "train", peer_command("numpy_mlp.py", config, args.epochs, args.threads, args.data_dir), peer_env, _peer_epochs))
        tasks.append(Task("pytorch", "train", peer_command("torch_mlp.py", config, args.epochs, args.threads, args.data_dir), peer_env, _peer_epochs))
        # scikit-learn has no AdamW; --full leaves it out: it is shown, never compared, and as slow as the rest together.
        if config["optimizer"] != "adamw" and not args.full:
            tasks.append(Task("scikit-learn", "train", peer_command("sklearn_mlp.py", config, args.epochs, args.threads, args.data_dir), peer_env, _peer_epochs))
        for task in tasks:
            task.config, task.epochs = config, args.epochs
        label = key if args.full else f"{title}: epoch (s)"
        rows.append(Row(key, title, [t for t in tasks if t.peer not in skip], [Line(key, label, epoch_metric(args))], config=config))
    if args.full:
        return rows
    if "process" in args.only:
        # The headline as a user types it, with the CLI's default scaling (standardise), whole process including
        # start-up and loading, against numpy's whole program (which divides the pixels by 255).
        config = BASE | {"optimizer": "sgd", "lr": 0.1}
        whole = lambda run: {"whole_s": run.wall, "whole_rss_mib": run.rss_mib}
        whole_none = lambda run: {"whole_none_s": run.wall, "whole_none_rss_mib": run.rss_mib}
        tasks = [
            Task("backprop", "standard", training_command(backprop, config, args.epochs, args.data_dir, None, scale=None), our_env, whole),
            Task("backprop", "scale-none", training_command(backprop, config, args.epochs, args.data_dir, None), our_env, whole_none),
            Task("numpy", "program", peer_command("numpy_mlp.py", config, args.epochs, args.threads, args.data_dir), peer_env, whole),
        ]
        label = f"SGD headline, {args.epochs} epoch{'s' if args.epochs != 1 else ''}, whole process"
        rows.append(Row("process", "the default command (--scale standard), whole process", [t for t in tasks if t.peer not in skip], [
            Line("process", f"{label}, default --scale standard (s)", "whole_s"),
            Line("process", f"{label}, --scale none (s)", "whole_none_s", "whole_s"),
            Line("process", f"{label}, default --scale standard, peak memory (MiB)", "whole_rss_mib"),
        ]))
    if "predict" in args.only:
        def ours(run):
            if run.error:
                return {"error": run.error}
            values = {}
            for r in results(run.out):
                w = r["workload"]
                if w == "predict1":
                    values["predict1_s"] = r["seconds"]
                elif w == "predict_model" and r.get("rows") == 10000:
                    values["predict10k_model_s"] = r["seconds"]
                elif w == "inference" and r.get("rows") == 10000:
                    values["predict10k_s"] = r["seconds"]
                elif w == "predict_concurrent":
                    values["concurrent2_ratio"] = r["ratio"]
            return values

        def theirs(run):
            values = {}
            for r in results(run.out):
                if r["workload"] == "predict1":
                    values["predict1_s"] = r["seconds"]
                elif r["workload"] == "inference":
                    # The peers have one API for both: their model called on the batch.
                    values["predict10k_s"] = values["predict10k_model_s"] = r["seconds"]
            return values
        peer_args = ["--only", "predict1,inference", "--threads", str(args.threads), "--repeat", str(args.repeat),
                     "--predict-calls", str(args.predict_calls), "--rows", "10000"]
        tasks = [
            Task("backprop", "bench", [backprop, "bench", "--json", "--only", "inference,predict", "--threads", str(args.threads),
                                       "--rows", "10000", "--repeat", str(args.repeat)], our_env, ours, allow_failure=True),
            Task("numpy", "predict", [PYTHON, "numpy_mlp.py"] + peer_args, peer_env, theirs),
            Task("pytorch", "predict", [PYTHON, "torch_mlp.py"] + peer_args, peer_env, theirs),
        ]
        rows.append(Row("predict", "prediction, 784-128-10", [t for t in tasks if t.peer not in skip], [
            Line("predict", "predict one row, 784-128-10 (µs, median call; ours: through Model)", "predict1_s", missing_ours=NOT_MEASURED, fmt="{:.1f}"),
            Line("predict", "predict 10 000 rows through Model (ms)", "predict10k_model_s", missing_ours=NOT_MEASURED, fmt="{:.3g}"),
            Line("predict", "predict 10 000 rows in one batch (ms; ours: Network.Predict in `backprop bench`)", "predict10k_s", fmt="{:.3g}"),
            Line("predict", "one-row predictions, 2 threads ÷ 1 thread through one Model (throughput; ours only)", "concurrent2_ratio",
                 lower_is_better=False, missing_ours=NOT_MEASURED, fmt="{:.2f}"),
        ]))
    return rows


def classic_rows(args, backprop, our_env, peer_env, skip):
    """The kernels, the synthetic epoch, inference, cold start and (--fashion-mnist) the real 5-epoch run."""
    common_args = ["--threads", str(args.threads), "--rows", str(args.rows), "--repeat", str(args.repeat)]

    def parse_results(run):
        values = {}
        for r in results(run.out):
            if "blas" in r:
                values["blas"] = r["blas"]
            w = r["workload"]
            if w == "epoch":
                values["epoch, batch 64 (s)"] = r["seconds"]
            elif w == "inference":
                values["inference 10k rows (samples/s)"] = r["samples_per_s"]
            elif w == "predict1":
                values["predict one row (µs)"] = r["seconds"] * 1e6
            elif w == "gemm" and r.get("m") == 1024:
                values["GEMM 1024^3 f32, 1 thread (GFLOP/s)"] = r["gflops_1"]
                values[f"GEMM 1024^3 f32, {args.threads} threads (GFLOP/s)"] = r["gflops_n"]
                if "peak_1" in r:
                    values["FMA peak f32, 1 thread (GFLOP/s)"] = r["peak_1"]
                    values[f"FMA peak f32, {args.threads} threads (GFLOP/s)"] = r["peak_n"]
                if "share_1" in r:
                    # Measured in alternation with peak slices (bench's ShareOfPeak): the median of the rounds' ratios.
                    values["GEMM 1024^3 f32, 1 thread, share of the FMA peak"] = r["share_1"]
                    values[f"GEMM 1024^3 f32, {args.threads} threads, share of the FMA peak"] = r["share_n"]
            elif w == "accuracy":
                values["Fashion-MNIST epoch, median of 5 (s)"] = r["median_epoch_seconds"]
                values["Fashion-MNIST test accuracy after 5 epochs"] = r["test_accuracy"]
            elif w == "article":
                values["article's loop (us/epoch)"] = r["us_per_epoch"]
        return values

    def train(run):
        return parse_results(run) | {"training process peak RSS (MiB)": run.rss_mib}

    def cold(run):
        return {"cold start, whole process (s)": run.wall, "cold start peak RSS (MiB)": run.rss_mib}

    model = os.path.join(ROOT, "artifacts", "bench", "fashion-model.json")
    metrics = os.path.join(ROOT, "artifacts", "bench", "fashion-model.metrics.csv")

    def fashion_ours(run):
        epochs = _backprop_epochs(metrics)(run)
        values = {"Fashion-MNIST epoch, median of 5 (s)": epochs["epoch_s"], "Fashion-MNIST 5 epochs: process peak RSS (MiB)": run.rss_mib}
        if "accuracy" in epochs:
            values["Fashion-MNIST test accuracy after 5 epochs"] = epochs["accuracy"]
        return values

    def fashion_theirs(run):
        return parse_results(run) | {"Fashion-MNIST 5 epochs: process peak RSS (MiB)": run.rss_mib}

    rows = {
        "train": [
            Task("backprop", "train", [backprop, "bench", "--json", "--only", "epoch,inference,predict"] + common_args, our_env, train),
            Task("numpy", "train", [PYTHON, "numpy_mlp.py", "--only", "epoch,inference,predict1"] + common_args, peer_env, train),
            Task("pytorch", "train", [PYTHON, "torch_mlp.py", "--only", "epoch,inference,predict1"] + common_args, peer_env, train),
            Task("scikit-learn", "train", [PYTHON, "sklearn_mlp.py", "--only", "epoch,inference"] + common_args, peer_env, train),
        ],
        "kernels": [
            Task("backprop", "kernels", [backprop, "bench", "--json", "--only", "gemm,article", "--threads", str(args.threads), "--repeat", str(args.repeat)], our_env, parse_results),
            Task("numpy", "kernels", [PYTHON, "numpy_mlp.py", "--only", "gemm,article"] + common_args, peer_env, parse_results),
            Task("pytorch", "kernels", [PYTHON, "torch_mlp.py", "--only", "gemm"] + common_args, peer_env, parse_results),
        ],
        "cold": [
            Task("backprop", "cold", [backprop, "train"], our_env, cold),
            Task("numpy", "cold", [PYTHON, "article_numpy.py"], peer_env, cold),
        ],
    }
    if args.fashion_mnist:
        config = BASE | {"optimizer": "sgd", "lr": 0.1}
        ours = training_command(backprop, config, 5, args.data_dir, None) + ["--out", model]
        rows["fashion"] = [Task("backprop", "fashion", ours, our_env, fashion_ours, before=_remover(metrics))] + [
            Task(peer, "fashion", peer_command(script, config, 5, args.threads, args.data_dir), peer_env, fashion_theirs)
            for peer, script in (("numpy", "numpy_mlp.py"), ("pytorch", "torch_mlp.py"), ("scikit-learn", "sklearn_mlp.py"))]
    return [Row(key, key, [t for t in tasks if t.peer not in skip], None) for key, tasks in rows.items()]


def classic_lines(rows, samples):
    """Every measurement the classic rows produced, in first-seen order; higher is better for rates and accuracy."""
    lines, seen = [], set()
    for row in rows:
        for s in samples:
            if s["row"] != row.key:
                continue
            for metric in s["metrics"]:
                if metric != "blas" and (row.key, metric) not in seen:
                    seen.add((row.key, metric))
                    lower = "(s)" in metric or "MiB" in metric or "us/epoch" in metric or "µs" in metric
                    missing = NOT_MEASURED if "one row" in metric else None
                    lines.append(Line(row.key, metric, metric, lower_is_better=lower, missing_ours=missing))
    return lines


# ---------------------------------------------------------------------------------------------------- the estimate

# What a run costs on the 2-vCPU Xeon of docs/performance.md (its matrix's medians): a process's start-up and loading,
# an epoch of 784-128-10 at batch 64 per optimizer, the factor for 512,256 and for batch 16 and 256, and what the first
# epoch costs in epochs. Rough: the estimate printed before a run, rescaled by the runs measured so far.
ESTIMATE = {
    "backprop": {"start": 0.4, "epoch": {"sgd": 0.155, "momentum": 0.16, "nesterov": 0.17, "adam": 0.2, "adamw": 0.21},
                 "wide": 7.4, "batch": {16: 3.4, 64: 1.0, 256: 0.74}, "first": 2.2},
    "numpy": {"start": 0.7, "epoch": {"sgd": 0.32, "momentum": 0.38, "nesterov": 0.4, "adam": 0.61, "adamw": 0.63},
              "wide": 5.6, "batch": {16: 4.0, 64: 1.0, 256: 0.43}, "first": 1.0},
    "pytorch": {"start": 1.5, "epoch": {"sgd": 0.43, "momentum": 0.45, "nesterov": 0.49, "adam": 0.66, "adamw": 0.71},
                "wide": 3.7, "batch": {16: 3.9, 64: 1.0, 256: 0.45}, "first": 1.0},
    "scikit-learn": {"start": 1.5, "epoch": {"sgd": 0.7, "momentum": 0.69, "nesterov": 0.75, "adam": 1.26, "adamw": 1.26},
                     "wide": 4.5, "batch": {16: 3.8, 64: 1.0, 256: 0.32}, "first": 1.0},
}
OTHER_TASK_SECONDS = 3.0    # a process or predict run


def predicted_seconds(task):
    """The wall time ESTIMATE gives a task."""
    if task.config is None or task.peer not in ESTIMATE:
        return OTHER_TASK_SECONDS
    model, config = ESTIMATE[task.peer], task.config
    epoch = model["epoch"][config["optimizer"]] * model["batch"].get(config["batch"], 1.0)
    if config["hidden"] != "128":
        epoch *= model["wide"]
    return model["start"] + epoch * (task.epochs - 1 + model["first"])


def duration(seconds):
    minutes = round(seconds / 60)
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


class Estimate:
    """The time left: the runs still to do as ESTIMATE predicts them, times measured ÷ predicted over the runs done."""

    def __init__(self, pending):
        self.left = sum(predicted_seconds(task) for task in pending)
        self.measured = self.predicted = 0.0

    def done(self, task, wall, pending=True):
        predicted = predicted_seconds(task)
        self.measured += wall
        self.predicted += predicted
        if pending:
            self.left -= predicted

    @property
    def scale(self):
        return self.measured / self.predicted if self.predicted > 0 else 1.0

    def remaining(self):
        return max(0.0, self.left) * self.scale


# ---------------------------------------------------------------------------------------------------- the kernels

def openblas_probe(env):
    """The kernel OpenBLAS reports in a fresh /usr/bin/python3 that imported numpy, with this environment."""
    code = "import numpy, common; k = common.openblas_kernel(); print(k[0] if k else 'no OpenBLAS loaded')"
    done = subprocess.run([PYTHON, "-c", code], env=env, cwd=HERE, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else "unknown (" + (done.stderr.strip().splitlines() or ["probe failed"])[-1] + ")"


def kernel_check(args, forced_env, free_env, skip, coretype, free_kernel, raw):
    """Trains each peer one epoch (the SGD headline) with the forced kernel and with OpenBLAS's own choice and prints
    both test accuracies and epoch times: forcing a kernel must change speed, not results."""
    config = BASE | {"optimizer": "sgd", "lr": 0.1}
    _kernel_check_header(args.kernel_check_epochs, coretype, free_kernel)
    for peer, script in (("numpy", "numpy_mlp.py"), ("pytorch", "torch_mlp.py"), ("scikit-learn", "sklearn_mlp.py")):
        if peer in skip:
            continue
        command = peer_command(script, config, args.kernel_check_epochs, args.threads, args.data_dir)
        both = []
        for env in (forced_env, free_env):
            both.append(_peer_epochs(run_measured(command, env=env, cwd=HERE)))
            print(f"kernel check: {peer} done", file=sys.stderr, flush=True)
        _kernel_check_line(peer, both[0], both[1])
        raw.write({"type": "kernel_check", "peer": peer, "coretype": coretype, "own_choice": free_kernel,
                   "forced": both[0], "own": both[1], "epochs": args.kernel_check_epochs})


def _kernel_check_header(epochs, coretype, free_kernel, source=None):
    print(f"\nKernel check{' (' + source + ')' if source else ''}: each peer trains the SGD headline {epochs} epoch(s) with "
          f"OPENBLAS_CORETYPE={coretype} and with OpenBLAS's own choice ({free_kernel}), same seeds:\n")
    print("| peer | test accuracy, forced | test accuracy, own choice | difference | epoch (s), forced | epoch (s), own choice |")
    print("|---|---|---|---|---|---|")


def _kernel_check_line(peer, forced, own):
    difference = forced["accuracy"] - own["accuracy"]
    verdict = "unchanged" if difference == 0 else (f"{difference:+.4f} (rounding: within 0.005)" if abs(difference) <= 0.005 else f"**{difference:+.4f}, changed**")
    print(f"| {PEER_TITLES[peer]} | {forced['accuracy']:.4f} | {own['accuracy']:.4f} | {verdict} | {forced['epoch_s']:.3f} | {own['epoch_s']:.3f} |")


# ---------------------------------------------------------------------------------------------------- reporting

class RawLog:
    """JSON lines of every sample, written to FILE.partial as they come and renamed to FILE at the end; or, to resume,
    appended to FILE itself as they come, so that an interrupted run leaves every sample it finished there."""

    def __init__(self, path, append=False):
        self.path, self.append = path, append
        if path and append:
            torn = os.path.exists(path) and os.path.getsize(path) > 0 and not _ends_with_newline(path)
            self.file = open(path, "a")
            if torn:            # a run killed while writing a line: start on a fresh line
                self.file.write("\n")
        else:
            self.file = open(path + ".partial", "w") if path else None

    def write(self, record):
        if self.file:
            self.file.write(json.dumps(record) + "\n")
            self.file.flush()

    def close(self):
        if self.file:
            self.file.close()
            if not self.append:
                os.replace(self.path + ".partial", self.path)


def _ends_with_newline(path):
    with open(path, "rb") as f:
        f.seek(-1, os.SEEK_END)
        return f.read(1) == b"\n"


def read_raw(path):
    """The records of a raw file, and how many of its lines were not JSON (a line cut short by a killed run)."""
    records, unreadable = [], 0
    with open(path) as f:
        for line in f:
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    unreadable += 1
    return records, unreadable


# What must be the same for samples of two invocations to go into one table.
RESUME_FIELDS = ("mode", "full", "epochs", "threads", "quick", "data", "machine", "coretype", "openblas_kernel", "build")


def check_resume(path, previous, setup, fields=RESUME_FIELDS):
    """Ends the script when the file's first set-up differs from this invocation's in one of `fields`."""
    for field in fields:
        if previous.get(field) != setup.get(field):
            sys.exit(f"error: --resume {path}: its samples were taken with {field} {previous.get(field)!r}, this invocation "
                     f"has {setup.get(field)!r}; resume with the same settings and build, or start another file")


def quiet_rounds(samples, row, threshold, handoff_limit=None):
    """The rounds in which every run of this row saw the rest of the machine use at most `threshold` cores and, where
    a limit is given, no core-to-core hand-off slower than `handoff_limit` ns (a sample without one passes)."""
    rounds = {}
    for s in samples:
        if s["row"] == row:
            quiet = s["other_cores"] <= threshold and not split(s, handoff_limit)
            rounds[s["round"]] = rounds.get(s["round"], True) and quiet
    return {r for r, quiet in rounds.items() if quiet}, set(rounds)


HANDOFF_NOTE = ", and no run saw the cores apart"


def split(sample, handoff_limit):
    """Whether a run saw the two cores apart: a hand-off before or after it slower than `handoff_limit` ns."""
    return handoff_limit is not None and (sample.get("handoff_ns") or 0.0) > handoff_limit


def handoff_limit(samples, factor):
    """`factor` times the fastest hand-off of the samples, or None without a factor or any hand-off."""
    times = [s["handoff_ns"] for s in samples if s.get("handoff_ns")]
    return factor * min(times) if factor > 0 and times else None


def measure_handoff(backprop):
    """The core-to-core hand-off of a cache line `backprop bench` measures now (ns), or None where it cannot."""
    try:
        done = subprocess.run([backprop, "bench", "--only", "handoff", "--json"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return next((r["ns"] for r in results(done.stdout) if "ns" in r), None) if done.returncode == 0 else None


def measure_peak(backprop, env, threads):
    """The float32 FMA peak `backprop bench` measures now on `threads` threads (GFLOP/s), or None where it cannot."""
    try:
        done = subprocess.run([backprop, "bench", "--only", "peak", "--json", "--threads", str(threads)], env=env,
                              capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return next((r["gflops_n"] for r in results(done.stdout) if "gflops_n" in r), None) if done.returncode == 0 else None


TRAINING_ROWS_PER_EPOCH = 60000     # Fashion-MNIST's training split (and its synthetic stand-in)
FASHION_INPUTS, FASHION_CLASSES = 784, 10


def layer_weights(hidden):
    """n_in · n_out of each layer of a Fashion-MNIST MLP with these hidden sizes ("128", "512,256")."""
    widths = [FASHION_INPUTS] + [int(h) for h in str(hidden).split(",")] + [FASHION_CLASSES]
    return [a * b for a, b in zip(widths, widths[1:])]


def epoch_gflop(config, rows=TRAINING_ROWS_PER_EPOCH):
    """The multiply-adds of one training epoch of an MLP, as floating-point operations (GFLOP): for every layer of
    n_in × n_out weights, the forward product z = x Wᵀ and the gradient ∇W = δᵀ x (n_in · n_out multiply-adds a row
    each), and for every layer but the first the backward product δ W. Activations, the loss and the optimizer's step
    are left out: they are a few operations per value, not per weight."""
    weights = layer_weights(config["hidden"])
    multiply_adds = 2 * sum(weights) + sum(weights[1:])
    return 2 * multiply_adds * rows / 1e9


def compare_quiet_or_all(samples, line, key, quiet_of, all_of):
    """compare() over a row's quiet rounds, or over all its rounds where none is quiet."""
    c = compare(samples, line, quiet_of(key))
    return c if c.ratio is not None else compare(samples, line, all_of(key))


def values_by_round(samples, row, peer, metric):
    return {s["round"]: s["metrics"][metric] for s in samples
            if s["row"] == row and s["peer"] == peer and metric in s["metrics"]}


def table(lines, samples, rounds_of, title, scale_of):
    peers = [p for p in PEERS if any(s["peer"] == p for s in samples)]
    if not any(rounds_of(line.row) for line in lines):
        print(f"\n{title}: none.")
        return
    print(f"\n{title} (ratios below 1 are better for times and memory, above 1 for rates):\n")
    print("| measurement | " + " | ".join(PEER_TITLES[p] for p in peers)
          + " | Backprop ÷ faster of numpy, PyTorch | median of per-round ratios | rounds |")
    print("|---|" + "---|" * len(peers) + "---|---|---|")
    for line in lines:
        rounds = rounds_of(line.row)
        scale = scale_of(line)
        c = compare(samples, line, rounds)
        cells = []
        for p in peers:
            if p in c.medians:
                cells.append(line.fmt.format(c.medians[p] * scale))
            elif p == "backprop" and line.missing_ours:
                ran = [s for s in samples if s["row"] == line.row and s["peer"] == "backprop" and s["round"] in rounds]
                cells.append("–" if not ran else "failed (see the note)" if all(s["error"] for s in ran) else line.missing_ours)
            else:
                cells.append("–")
        ratio = f"{c.ratio:.3g}× {PEER_TITLES[c.faster]}" if c.ratio is not None else "–"
        round_ratio = f"{c.round_ratio:.3g}×" if c.round_ratio is not None else "–"
        print(f"| {line.label} | " + " | ".join(cells) + f" | {ratio} | {round_ratio} | {len(rounds)} |")


class Comparison:
    """A line over some rounds: each program's median, the faster of numpy and PyTorch, Backprop ÷ it as the ratio of
    the medians and as the median of the per-round ratios (None where a side is missing)."""

    def __init__(self, medians, faster, ratio, round_ratio):
        self.medians, self.faster, self.ratio, self.round_ratio = medians, faster, ratio, round_ratio


def compare(samples, line, rounds):
    medians, per_round = {}, {}
    for p in PEERS:
        metric = line.ours if p == "backprop" else line.theirs
        values = {r: v for r, v in values_by_round(samples, line.row, p, metric).items() if r in rounds}
        per_round[p] = values
        if values:
            medians[p] = statistics.median(values.values())
    best = min if line.lower_is_better else max
    compared = {p: medians[p] for p in COMPARED if p in medians}
    if "backprop" not in medians or not compared:
        return Comparison(medians, None, None, None)
    faster = best(compared, key=compared.get)
    ratios = []
    for r, ours in per_round["backprop"].items():
        theirs = [per_round[p][r] for p in COMPARED if r in per_round[p]]
        if theirs:
            ratios.append(ours / best(theirs))
    return Comparison(medians, faster, medians["backprop"] / compared[faster], statistics.median(ratios) if ratios else None)


def matrix_extras(rows, samples, quiet_of, all_of, args):
    """Accuracy and first ÷ median epoch of every training row, and weight decay on ÷ off per peer."""
    training = [r for r in rows if r.training]
    peers = [p for p in PEERS if any(s["peer"] == p for s in samples)]
    # With --full's few epochs the median of all would include the first: there it is first ÷ median of the rest.
    first, first_title, column = (("first_over_rest", "first epoch ÷ median of the epochs after it", "first ÷ rest") if args.full
                                  else ("first_over_median", "first epoch ÷ median epoch", "first ÷ median"))
    if training:
        print(f"\nTest accuracy after the run and {first_title} (medians over all rounds):\n")
        print("| row | " + " | ".join(f"accuracy {PEER_TITLES[p]}" for p in peers) + " | "
              + " | ".join(f"{column} {PEER_TITLES[p]}" for p in peers) + " |")
        print("|---|" + "---|" * (2 * len(peers)))
        for row in training:
            cells = []
            for metric, fmt in (("accuracy", "{:.4f}"), (first, "{:.2f}")):
                for p in peers:
                    values = list(values_by_round(samples, row.key, p, metric).values())
                    cells.append(fmt.format(statistics.median(values)) if values else "–")
            print(f"| {row.key if args.full else row.title} | " + " | ".join(cells) + " |")
    keys = {r.key for r in rows}
    if args.full:
        pairs = full_decay_pairs([r.key for r in training])
    else:
        pairs = [(on, off, label) for on, off, label in DECAY_PAIRS if on in keys and off in keys]
    if not pairs:
        return
    metric = epoch_metric(args)
    print("\nWeight decay on ÷ off, each program against itself (median of per-round ratios; quiet rounds, all rounds):\n")
    print("| pair | " + " | ".join(PEER_TITLES[p] for p in peers) + " |")
    print("|---|" + "---|" * len(peers))
    overall = {p: [] for p in peers}    # (quiet ratio or, without quiet rounds, all rounds' ratio, pair)
    for on, off, label in pairs:
        cells = []
        for p in peers:
            a = values_by_round(samples, on, p, metric)
            b = values_by_round(samples, off, p, metric)
            texts, found = [], []
            for rounds in (quiet_of(on) & quiet_of(off), all_of(on) & all_of(off)):
                ratios = [a[r] / b[r] for r in rounds if r in a and r in b]
                found.append(statistics.median(ratios) if ratios else None)
                texts.append(f"{found[-1]:.3f}" if ratios else "–")
            cells.append(" / ".join(texts))
            if found[0] is not None or found[1] is not None:
                overall[p].append((found[0] if found[0] is not None else found[1], label))
        print(f"| {label} | " + " | ".join(cells) + " |")
    if args.full:
        print(f"\nWeight decay on ÷ off over the product (each pair's quiet rounds, all rounds where it has none quiet; "
              f"the target: on ≤ {DECAY_TARGET:g}× off):\n")
        print(f"| program | pairs | median | worst | pairs ≤ {DECAY_TARGET:g} |")
        print("|---|---|---|---|---|")
        for p in peers:
            values = sorted(overall[p])
            if values:
                within = sum(1 for v, _ in values if v <= DECAY_TARGET)
                print(f"| {PEER_TITLES[p]} | {len(values)} | {statistics.median(v for v, _ in values):.3f} | "
                      f"{values[-1][0]:.3f} ({values[-1][1]}) | {within} of {len(values)} |")


def floor_table(rows, samples, quiet_of, all_of, args, peak):
    """What dense arithmetic allows: each training row's epoch at the FMA peak (its multiply-adds ÷ the fastest peak
    measured on this machine) against the faster peer. Where that floor is already above the target's share of the
    peer, no kernel meets the target by summing every term: only leaving work out could (δ's zero terms behind ReLU)."""
    if not peak:
        return
    predict_floor(rows, samples, quiet_of, all_of, peak)
    training = [r for r in rows if r.training]
    if not training:
        return
    found = []
    for row in training:
        c = compare_quiet_or_all(samples, row.lines[0], row.key, quiet_of, all_of)
        if c.ratio is None:
            continue
        gflop = epoch_gflop(row.config)
        floor = gflop / peak
        found.append((row, gflop, floor, c))
    if not found:
        return
    beyond = [row.key for row, _, floor, c in found if floor / c.medians[c.faster] > args.target]
    print(f"\nWhat dense arithmetic allows: each training row's multiply-adds (forward, ∇W, δ W below the first layer; "
          f"{TRAINING_ROWS_PER_EPOCH} rows) at the fastest two-thread FMA peak measured in the runs ({peak:.1f} GFLOP/s), "
          f"against the faster peer's epoch (quiet rounds; all rounds where a row has none):\n")
    print("| row | GFLOP an epoch | floor at the peak (s) | Backprop (s) | Backprop's share of the peak | faster peer (s) | floor ÷ faster peer |")
    print("|---|---|---|---|---|---|---|")
    for row, gflop, floor, c in sorted(found, key=lambda item: item[2] / item[3].medians[item[3].faster], reverse=True):
        ours = c.medians["backprop"]
        theirs = c.medians[c.faster]
        print(f"| {row.key if args.full else row.title} | {gflop:.1f} | {floor:.3f} | {ours:.3f} | {floor / ours:.0%} | "
              f"{theirs:.3f} ({PEER_TITLES[c.faster]}) | {floor / theirs:.3g}× |")
    if beyond:
        print(f"\n{len(beyond)} of {len(found)} rows cannot meet {args.target:g}× by summing every term even at the FMA peak "
              f"(floor ÷ faster peer above {args.target:g}×): {', '.join(beyond)}.")
    else:
        print(f"\nEvery row's floor is within {args.target:g}× of the faster peer.")


PREDICT_THROUGHPUT_TARGET = 1.5    # 10 000 rows through Model ≥ 1.5× PyTorch's throughput


def predict_floor(rows, samples, quiet_of, all_of, peak):
    """The same floor for predicting 10 000 rows through 784-128-10 (its forward products alone), and the share of the
    peak that 1.5× the faster peer's throughput needs."""
    row = next((r for r in rows if r.key == "predict"), None)
    line = next((l for l in row.lines if l.ours == "predict10k_model_s"), None) if row else None
    if line is None:
        return
    c = compare_quiet_or_all(samples, line, row.key, quiet_of, all_of)
    if c.ratio is None:
        return
    gflop = 2 * sum(layer_weights(128)) * 10000 / 1e9     # z = x Wᵀ of each layer
    floor = gflop / peak
    ours, theirs = c.medians["backprop"], c.medians[c.faster]
    needed = floor / (theirs / PREDICT_THROUGHPUT_TARGET)
    print(f"\nPredicting 10 000 rows through 784-128-10 is {gflop:.2f} GFLOP of forward products: {floor * 1e3:.2f} ms at the "
          f"peak. Backprop took {ours * 1e3:.2f} ms ({floor / ours:.0%} of the peak), {PEER_TITLES[c.faster]} "
          f"{theirs * 1e3:.2f} ms; {PREDICT_THROUGHPUT_TARGET:g}× its throughput needs {needed:.0%} of the peak.")


def full_summary(rows, samples, quiet_of, all_of, args):
    """--full against the target: every training row's Backprop ÷ the faster of numpy and PyTorch, how many rows are
    at most --target, and the worst rows, sorted."""
    found = []
    for row in rows:
        if row.training:
            line = row.lines[0]
            quiet, every = compare(samples, line, quiet_of(row.key)), compare(samples, line, all_of(row.key))
            if every.ratio is not None:
                found.append((row, quiet, every))
    total = len(full_rows())
    print(f"\nAgainst the target, every training row ≤ {args.target:g}× the faster of numpy and PyTorch "
          f"({len(found)} of the {total} rows measured):\n")
    print("| rounds | rows with a ratio | ≤ target: ratio of medians | ≤ target: median of per-round ratios | ≤ target: both |")
    print("|---|---|---|---|---|")
    for name, pick in (("quiet", lambda q, e: q), ("all", lambda q, e: e)):
        compared = [pick(q, e) for _, q, e in found if pick(q, e).ratio is not None]
        by_medians = sum(1 for c in compared if c.ratio <= args.target)
        by_rounds = sum(1 for c in compared if c.round_ratio is not None and c.round_ratio <= args.target)
        both = sum(1 for c in compared if c.ratio <= args.target and c.round_ratio is not None and c.round_ratio <= args.target)
        print(f"| {name} | {len(compared)} | {by_medians} | {by_rounds} | {both} |")
    if not found:
        return
    # Sorted by the quiet rounds' ratio of medians, or the ratio over all rounds for a row without quiet rounds.
    key = lambda item: item[1].ratio if item[1].ratio is not None else item[2].ratio
    ranked = sorted(found, key=key, reverse=True)
    above = sum(1 for item in ranked if key(item) > args.target)
    shown = ranked[:max(args.worst, above)]
    print(f"\nThe worst rows ({len(shown)} of {len(found)}, {above} above {args.target:g}×), sorted by the ratio of medians over "
          f"the quiet rounds (over all rounds where a row has none):\n")
    print("| row | ratio of medians, quiet | per-round ratios, quiet | ratio of medians, all | per-round ratios, all | faster peer | rounds quiet / all |")
    print("|---|---|---|---|---|---|---|")
    fmt = lambda v: f"{v:.3g}×" if v is not None else "–"
    for row, q, e in shown:
        print(f"| {row.key} | {fmt(q.ratio)} | {fmt(q.round_ratio)} | {fmt(e.ratio)} | {fmt(e.round_ratio)} | "
              f"{PEER_TITLES[(q.faster or e.faster)]} | {len(quiet_of(row.key))} / {len(all_of(row.key))} |")


# ---------------------------------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--rows", type=int, default=60000, help="rows of the synthetic training set (classic mode)")
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions inside each process")
    parser.add_argument("--no-publish", action="store_true", help="reuse artifacts/bench/backprop")
    parser.add_argument("--fashion-mnist", action="store_true",
                        help="classic mode: also train 5 epochs on Fashion-MNIST: `backprop train --dataset fashion-mnist ...` "
                             "against each peer's --data fashion-mnist run")
    parser.add_argument("--matrix", action="store_true",
                        help="the training matrix on Fashion-MNIST (a base row, 784-128-10 ReLU Adam 0.001 batch 64, varied "
                             "one factor at a time), the default command's whole process, and prediction")
    parser.add_argument("--full", action="store_true",
                        help="with --matrix: every combination of optimizer, activation, hidden layers, batch and weight decay "
                             "(180 training rows, the keys of `backprop bench --matrix --full`), against numpy and PyTorch")
    parser.add_argument("--only", help="with --matrix, comma-separated rows: " + ", ".join(MATRIX_ROWS)
                                       + "; with --full, keys such as adam-relu-128-b64-wd0 (--list names them)")
    parser.add_argument("--sample", type=int, help="with --matrix: measure N of the rows, picked at random by --sample-seed "
                                                   "(a smaller N with the same seed picks a subset of a larger one)")
    parser.add_argument("--sample-seed", type=int, default=1)
    parser.add_argument("--list", action="store_true", help="with --matrix: print the rows that would run, one JSON line each, and stop")
    parser.add_argument("--epochs", type=int,
                        help=f"with --matrix: epochs per training run (default 5; with --full {FULL_DEFAULT_EPOCHS}, and the "
                             "table times the epochs after the first)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 epoch per training run, --repeat 1, 200 one-row predictions")
    parser.add_argument("--predict-calls", type=int, default=2000, help="one-row predictions each peer times")
    parser.add_argument("--skip", default="", help="comma-separated peers to leave out: numpy, pytorch, scikit-learn")
    parser.add_argument("--coretype", default="auto",
                        help="OPENBLAS_CORETYPE for the peers: auto (from /proc/cpuinfo: Cooperlake, SkylakeX, Haswell), "
                             "a kernel name, or unset (OpenBLAS chooses)")
    parser.add_argument("--no-kernel-check", action="store_true", help="skip training the peers with and without the forced kernel")
    parser.add_argument("--kernel-check-epochs", type=int, default=1)
    parser.add_argument("--quiet-threshold", type=float, default=0.05,
                        help="a round is quiet when the rest of the machine used at most this many cores in each run (default 0.05)")
    parser.add_argument("--handoff-factor", type=float, default=2.0,
                        help="a round is quiet only if no run of it saw a core-to-core hand-off above this many times the "
                             "invocation's fastest (default 2; 0 skips the probe)")
    parser.add_argument("--data-dir", default=common.FASHION_MNIST_DIR,
                        help="Fashion-MNIST IDX files; when they are missing a synthetic stand-in of the same shape is written to artifacts/bench/")
    parser.add_argument("--raw", help="write every sample as JSON lines to this file")
    parser.add_argument("--resume", metavar="FILE",
                        help="with --matrix: the raw samples of earlier invocations (same settings and build); runs only the "
                             "(row, program, round) samples FILE lacks, appends them to FILE as they come, and prints the "
                             "tables from all of FILE")
    parser.add_argument("--target", type=float, default=TARGET, help=f"with --full: the ratio every row should meet (default {TARGET:g})")
    parser.add_argument("--worst", type=int, default=15, help="with --full: the rows the worst-rows table shows at least (default 15)")
    args = parser.parse_args()
    for option, given in (("--full", args.full), ("--only", args.only is not None), ("--sample", args.sample is not None),
                          ("--list", args.list), ("--resume", args.resume), ("--epochs", args.epochs is not None)):
        if given and not args.matrix:
            parser.error(f"{option} needs --matrix")
    if args.raw and args.resume:
        parser.error("--resume writes its samples to its own FILE; leave out --raw")
    if args.epochs is None:
        args.epochs = FULL_DEFAULT_EPOCHS if args.full else 5
    if args.rounds < 1 or args.epochs < 1 or args.threads < 1 or args.repeat < 1 or args.kernel_check_epochs < 1:
        parser.error("--rounds, --epochs, --threads, --repeat and --kernel-check-epochs must be at least 1")
    if args.sample is not None and args.sample < 1:
        parser.error("--sample must be at least 1")
    all_keys = [key for key, _, _ in training_specs(args.full)] + ([] if args.full else OTHER_ROWS)
    args.only = set(all_keys if args.only is None else filter(None, args.only.split(",")))
    if args.only - set(all_keys):
        unknown = ", ".join(sorted(args.only - set(all_keys)))
        parser.error(f"--only: unknown row(s) {unknown}; use " + (", ".join(all_keys) if not args.full else
                                                                   "keys such as adam-relu-128-b64-wd0 (--matrix --full --list names all 180)"))
    skip = set(filter(None, args.skip.split(",")))
    if skip - set(PEERS[1:]):
        parser.error("--skip: unknown peer(s) " + ", ".join(sorted(skip - set(PEERS[1:]))))
    if args.quick:
        args.epochs, args.repeat, args.predict_calls = 1, 1, 200
    if args.raw:
        args.raw = os.path.abspath(args.raw)
    if args.resume:
        args.resume = os.path.abspath(args.resume)

    # The rows this invocation measures: --only's, then --sample's random but reproducible pick among them.
    chosen = [key for key in all_keys if key in args.only]
    if args.sample is not None:
        import random
        shuffled = list(chosen)
        random.Random(args.sample_seed).shuffle(shuffled)
        picked = set(shuffled[:args.sample])
        chosen = [key for key in chosen if key in picked]

    # Samples of earlier invocations (--resume): what they measured is not measured again.
    mode = "matrix" if args.matrix else "classic"
    previous, previous_setup, previous_checks, previous_peaks = [], None, {}, []
    if args.resume and os.path.exists(args.resume):
        records, unreadable = read_raw(args.resume)
        if unreadable:
            print(f"note: {args.resume}: {unreadable} line(s) that are not JSON (a run killed while writing) left out", file=sys.stderr)
        setups = [r for r in records if r.get("type") == "setup"]
        previous_setup = setups[0] if setups else None
        previous = [r for r in records if r.get("type") == "sample"]
        previous_checks = {r["peer"]: r for r in records if r.get("type") == "kernel_check"}
        previous_peaks = [r["gflops"] for r in records if r.get("type") == "peak"]
        if previous_setup is None and previous:
            sys.exit(f"error: --resume {args.resume}: samples without a set-up line; it is not a file compare.py wrote")
    arguments = {"mode": mode, "full": args.full, "epochs": args.epochs, "threads": args.threads, "quick": args.quick}
    if previous_setup:
        check_resume(args.resume, previous_setup, arguments, fields=arguments.keys())
    done = {(s["row"], s["peer"], s["task"], s["round"]) for s in previous}

    publish = os.path.join(ROOT, "artifacts", "bench", "backprop")
    backprop = os.path.join(publish, "Backprop.Cli")
    free_env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    free_env["PYTHONDONTWRITEBYTECODE"] = "1"
    coretype = common.coretype_for_cpu() if args.coretype == "auto" else None if args.coretype == "unset" else args.coretype
    peer_env = dict(free_env)
    if coretype:
        peer_env["OPENBLAS_CORETYPE"] = coretype
    our_env = dict(os.environ)
    if args.threads != os.cpu_count():
        our_env["DOTNET_PROCESSOR_COUNT"] = str(args.threads)   # `backprop train` uses every processor it is given

    def pending_of(rows):
        return [(row, task, r) for r in range(args.rounds) for row in rows if row.key in chosen
                for task in row.tasks if (row.key, task.peer, task.name, r) not in done]

    if args.list:
        rows = matrix_rows(args, backprop, our_env, peer_env, skip)
        pending = pending_of(rows)
        for row in rows:
            if row.key in chosen:
                runs = sum(1 for r, _, _ in pending if r is row)
                print(json.dumps({"key": row.key, "title": row.title} | (row.config or {})
                                 | {"runs": runs, "done": len(row.tasks) * args.rounds - runs}))
        print(f"{len(chosen)} row(s), {len(pending)} process run(s) to do; estimate "
              f"{duration(Estimate([task for _, task, _ in pending]).remaining())} (the 2-vCPU Xeon's times)", file=sys.stderr)
        return

    # The data: the real files, or a synthetic stand-in of the same shape that both sides read.
    data_note = f"Fashion-MNIST from {args.data_dir}"
    if not all(os.path.exists(os.path.join(args.data_dir, f)) or os.path.exists(os.path.join(args.data_dir, f + ".gz"))
               for f in common.FASHION_MNIST_FILES):
        stand_in = os.path.join(ROOT, "artifacts", "bench", "synthetic-fashion-mnist")
        if not all(os.path.exists(os.path.join(stand_in, f + ".gz")) for f in common.FASHION_MNIST_FILES):
            common.write_synthetic_fashion_mnist(stand_in)
        data_note = f"no Fashion-MNIST in {args.data_dir}: a SYNTHETIC stand-in of the same shape ({stand_in}); accuracies mean nothing"
        args.data_dir = stand_in

    rows = matrix_rows(args, backprop, our_env, peer_env, skip) if args.matrix else classic_rows(args, backprop, our_env, peer_env, skip)
    pending = pending_of(rows) if args.matrix else [(row, task, r) for r in range(args.rounds) for row in rows for task in row.tasks]
    free_kernel = openblas_probe(free_env)
    peer_kernel = openblas_probe(peer_env)
    setup = arguments | {"type": "setup", "machine": _cpu(), "rounds": args.rounds, "data": data_note,
                         "coretype": coretype, "openblas_kernel": peer_kernel, "openblas_own_choice": free_kernel,
                         "quiet_threshold_cores": args.quiet_threshold, "build": _build_id(), "argv": sys.argv[1:]}
    if not args.matrix:
        setup["epochs"] = None
    if previous_setup:
        check_resume(args.resume, previous_setup, setup)

    if pending and not args.no_publish:
        subprocess.run(["dotnet", "publish", os.path.join(ROOT, "src", "Backprop.Cli"), "-c", "Release", "-o", publish,
                        "-r", _rid(), "--self-contained", "false", "--nologo", "-v", "q"],
                       check=True, stdout=subprocess.DEVNULL)

    raw = RawLog(args.resume or args.raw, append=bool(args.resume))
    raw.write(setup)

    print(f"# compare.py {mode}{' --full' if args.full else ''}{' (quick)' if args.quick else ''}: {args.rounds} round(s), "
          f"{args.threads} threads" + (f", {args.epochs} epoch(s) per training run" if args.matrix else ""))
    print(f"\nmachine: {_cpu()}; data: {data_note}")
    how = {"auto": "chosen from the CPU flags", "unset": "unset"}.get(args.coretype, "given by --coretype")
    print(f"OpenBLAS for the peers: OPENBLAS_CORETYPE={coretype or '(unset)'} ({how}); OpenBLAS reports {peer_kernel} kernels "
          f"(left to itself: {free_kernel})")
    checked = [p for p in ("numpy", "pytorch", "scikit-learn") if p not in skip]
    if not coretype:
        print("Kernel check: none, no kernel is forced.")
    elif args.no_kernel_check:
        print("Kernel check: skipped (--no-kernel-check); the peers' accuracy with the forced kernel is not checked in this invocation.")
    elif checked and all(p in previous_checks for p in checked):
        first = previous_checks[checked[0]]
        _kernel_check_header(first.get("epochs", args.kernel_check_epochs), coretype, first["own_choice"], source=f"from {args.resume}")
        for p in checked:
            _kernel_check_line(p, previous_checks[p]["forced"], previous_checks[p]["own"])
    elif checked and not pending:
        print("Kernel check: not run, nothing is left to measure in this invocation.")
    elif checked:
        kernel_check(args, peer_env, free_env, skip, coretype, free_kernel, raw)

    estimate = Estimate([task for _, task, _ in pending])
    tasks_of = {(row.key, task.peer, task.name): task for row in rows for task in row.tasks}
    for s in previous:
        if (s["row"], s["peer"], s["task"]) in tasks_of:
            estimate.done(tasks_of[(s["row"], s["peer"], s["task"])], s["wall_s"], pending=False)
    if args.matrix:
        print(f"\n{len(chosen)} row(s) × {args.rounds} round(s){' (--sample ' + str(args.sample) + ', --sample-seed ' + str(args.sample_seed) + ')' if args.sample else ''}: "
              f"{len(pending)} process run(s) to do" + (f", {len(previous)} already in {args.resume}" if args.resume else "")
              + f"; estimate {duration(estimate.remaining())}"
              + (f" (the 2-vCPU Xeon's times × {estimate.scale:.2f}, measured ÷ predicted over the runs in {args.resume})"
                 if estimate.predicted else " (from the 2-vCPU Xeon's times in docs/performance.md)"), flush=True)

    # The FMA peak before and after the rounds (and from earlier invocations of a resumed run): the fastest is the
    # floor's denominator, so a slow moment of the machine never makes a floor look higher than it is.
    peaks = list(previous_peaks)
    measure_peaks = args.matrix and "backprop" not in skip and bool(pending)

    def record_peak():
        gflops = measure_peak(backprop, our_env, args.threads)
        if gflops:
            peaks.append(gflops)
            raw.write({"type": "peak", "gflops": gflops, "threads": args.threads})

    if measure_peaks:
        record_peak()

    samples = list(previous)
    by_row = {}
    for row, task, round_index in pending:
        by_row.setdefault(round_index, {}).setdefault(row.key, []).append(task)
    count = 0
    for round_index in range(args.rounds):
        todo = [row for row in rows if row.key in by_row.get(round_index, {})]
        if not todo:
            continue
        shift = round_index % len(todo)
        for row in todo[shift:] + todo[:shift]:
            inner = round_index % max(1, len(row.tasks))
            for task in row.tasks[inner:] + row.tasks[:inner]:
                if task not in by_row[round_index][row.key]:
                    continue
                if task.before:
                    task.before()
                before = measure_handoff(backprop) if args.handoff_factor > 0 else None
                run = run_measured(task.command, env=task.env, cwd=HERE, allow_failure=task.allow_failure)
                after = measure_handoff(backprop) if args.handoff_factor > 0 else None
                handoff = max((h for h in (before, after) if h is not None), default=None)
                metrics = task.parse(run)
                sample = {"type": "sample", "round": round_index, "row": row.key, "peer": task.peer, "task": task.name,
                          "metrics": {k: v for k, v in metrics.items() if k not in ("blas", "error")},
                          "wall_s": run.wall, "rss_mib": run.rss_mib, "cpu_s": run.cpu, "other_cpu_s": run.other,
                          "other_cores": run.other_cores, "steal_s": run.steal, "quiet": run.other_cores <= args.quiet_threshold,
                          "handoff_ns": handoff,
                          "blas": metrics.get("blas") or next((r["blas"] for r in results(run.out) if "blas" in r), None),
                          "error": run.error, "command": task.command}
                samples.append(sample)
                raw.write(sample)
                count += 1
                estimate.done(task, run.wall)
                print(f"round {round_index + 1}/{args.rounds}: {row.key} {task.peer} {task.name} {run.wall:.1f} s, "
                      f"other processes {run.other_cores:.2f} cores"
                      + (f", hand-off {handoff:.0f} ns" if handoff is not None else "")
                      + (f" (failed: {run.error})" if run.error else "")
                      + (f" [{count}/{len(pending)}, about {duration(estimate.remaining())} left]" if args.matrix else ""),
                      file=sys.stderr, flush=True)

    if measure_peaks:
        record_peak()

    # The tables cover every row with samples: this invocation's and, resumed, the earlier ones'.
    rows = [row for row in rows if any(s["row"] == row.key for s in samples)]
    limit = handoff_limit(samples, args.handoff_factor)
    quiet_of = lambda key: quiet_rounds(samples, key, args.quiet_threshold, limit)[0]
    all_of = lambda key: quiet_rounds(samples, key, args.quiet_threshold, limit)[1]
    if limit is not None:
        keys = {row.key for row in rows}
        ran = [s for s in samples if s["row"] in keys]
        apart = [s for s in ran if split(s, limit)]
        print(f"\nCore-to-core hand-off: fastest {limit / args.handoff_factor:.0f} ns; {len(apart)} of {len(ran)} runs saw more than {limit:.0f} ns "
              f"(--handoff-factor {args.handoff_factor:g}) before or after them, the vCPUs on two dies; their rounds are not quiet.")
    lines = [line for row in rows for line in row.lines] if args.matrix else classic_lines(rows, samples)
    scale_of = lambda line: 1e6 if line.ours == "predict1_s" else 1e3 if line.ours in ("predict10k_s", "predict10k_model_s") else 1.0
    if args.full:
        counts = [(len(quiet_of(row.key)), len(all_of(row.key))) for row in rows]
        none = [row.key for row, (q, _) in zip(rows, counts) if q == 0]
        print(f"\nQuiet rounds (the rest of the machine used ≤ {args.quiet_threshold:g} cores in every run of the row{HANDOFF_NOTE if limit is not None else ''}): "
              f"{sum(q for q, _ in counts)} of {sum(a for _, a in counts)} rounds of {len(rows)} rows; "
              + (f"rows without a quiet round: {', '.join(none)}." if none else "every row has a quiet round."))
    else:
        quiet_counts = ", ".join(f"{row.key} {len(quiet_of(row.key))}/{len(all_of(row.key))}" for row in rows)
        print(f"\nQuiet rounds (the rest of the machine used ≤ {args.quiet_threshold:g} cores in every run of the row{HANDOFF_NOTE if limit is not None else ''}): {quiet_counts}.")
    if args.full:
        what = "the median epoch after the first (s)" if args.epochs > 1 else "the one epoch (s)"
        print(f"\nEvery training row: {what}, keyed optimizer-activation-hidden-bBATCH-wdλ.")
    table(lines, samples, quiet_of, "Medians over the quiet rounds", scale_of)
    table(lines, samples, all_of, "Medians over all rounds", scale_of)
    if args.full:
        full_summary(rows, samples, quiet_of, all_of, args)
    if args.matrix:
        matrix_extras(rows, samples, quiet_of, all_of, args)
        floor_table(rows, samples, quiet_of, all_of, args, max(peaks, default=None))
    blas = {}
    for s in samples:
        if s["blas"]:
            blas.setdefault(s["peer"], s["blas"])
    print("\nBLAS used:")
    for p, text in blas.items():
        print(f"- {PEER_TITLES[p]}: {text}")
    print("- Backprop: its own packed GEMM (no BLAS); kernel reported by `backprop bench`")
    errors = {s["error"] for s in samples if s["error"]}
    for error in errors:
        print(f"\nnote: {error}")
    steal = sum(s["steal_s"] for s in samples)
    if steal > 0:
        print(f"\nhypervisor steal during the runs: {steal:.1f} CPU seconds in all (not counted as other processes)")
    raw.close()
    if args.raw or args.resume:
        print(f"\nraw samples: {args.raw or args.resume}")


def _build_id():
    """The source the CLI is built from: the git tree of src/ at HEAD, and a hash of uncommitted changes under src/;
    None outside a git checkout."""
    try:
        git = lambda *a: subprocess.run(["git", "-C", ROOT, *a], capture_output=True, text=True, check=True).stdout
        tree = git("rev-parse", "HEAD:src").strip()
        changes = git("status", "--porcelain", "--untracked-files=all", "--", "src")
        if changes:
            import hashlib
            tree += "+" + hashlib.sha1((changes + git("diff", "HEAD", "--", "src")).encode()).hexdigest()[:12]
        return tree
    except (OSError, subprocess.CalledProcessError):
        return None


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
