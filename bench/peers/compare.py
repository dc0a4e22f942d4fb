#!/usr/bin/python3
"""Runs Backprop and its peers (numpy, PyTorch, scikit-learn) interleaved, several rounds on the same machine, and
prints a markdown table of medians and ratios, with the BLAS kernels each peer used.

    /usr/bin/python3 bench/peers/compare.py [--rounds 5] [--threads 2] [--fashion-mnist]   # kernels, epoch, inference
    /usr/bin/python3 bench/peers/compare.py --matrix [--rounds 5] [--epochs 5] [--raw FILE] # the training matrix
    /usr/bin/python3 bench/peers/compare.py --matrix --quick --rounds 1 --only adam,sgd    # a smoke run

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
- Ratios: Backprop ÷ the faster of numpy and PyTorch (scikit-learn is shown, not compared), as the ratio of the medians
  and as the median of the per-round ratios (which cancels spells that slow every program of a round).
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

    def __init__(self, peer, name, command, env, parse, allow_failure=False, before=None):
        self.peer, self.name, self.command, self.env, self.parse = peer, name, command, env, parse
        self.allow_failure, self.before = allow_failure, before


class Line:
    """One line of the table: our measurement `ours` against the peers' `theirs` of the same row."""

    def __init__(self, row, label, ours, theirs=None, lower_is_better=True, missing_ours=None, fmt="{:.4g}"):
        self.row, self.label, self.ours, self.theirs = row, label, ours, theirs or ours
        self.lower_is_better, self.missing_ours, self.fmt = lower_is_better, missing_ours, fmt


class Row:
    def __init__(self, key, title, tasks, lines):
        self.key, self.title, self.tasks, self.lines = key, title, tasks, lines


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


def _epoch_metrics(epoch_seconds, accuracy):
    median = statistics.median(epoch_seconds)
    values = {"epoch_s": median}
    if len(epoch_seconds) > 1:      # with one epoch the ratio is 1 by definition
        values["first_over_median"] = epoch_seconds[0] / median
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


def matrix_rows(args, backprop, our_env, peer_env, skip):
    work = os.path.join(ROOT, "artifacts", "bench", "matrix")
    os.makedirs(work, exist_ok=True)
    rows = []
    for key, title, change in TRAINING_ROWS:
        if key not in args.only:
            continue
        config = BASE | change
        metrics_path = os.path.join(work, key + ".metrics.csv")
        tasks = [Task("backprop", "train", training_command(backprop, config, args.epochs, args.data_dir, metrics_path),
                      our_env, _backprop_epochs(metrics_path), before=_remover(metrics_path))]
        tasks.append(Task("numpy", "train", peer_command("numpy_mlp.py", config, args.epochs, args.threads, args.data_dir), peer_env, _peer_epochs))
        tasks.append(Task("pytorch", "train", peer_command("torch_mlp.py", config, args.epochs, args.threads, args.data_dir), peer_env, _peer_epochs))
        if config["optimizer"] != "adamw":      # scikit-learn has no AdamW
            tasks.append(Task("scikit-learn", "train", peer_command("sklearn_mlp.py", config, args.epochs, args.threads, args.data_dir), peer_env, _peer_epochs))
        rows.append(Row(key, title, [t for t in tasks if t.peer not in skip],
                        [Line(key, f"{title}: epoch (s)", "epoch_s")]))
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
    print(f"\nKernel check: each peer trains the SGD headline {args.kernel_check_epochs} epoch(s) with "
          f"OPENBLAS_CORETYPE={coretype} and with OpenBLAS's own choice ({free_kernel}), same seeds:\n")
    print("| peer | test accuracy, forced | test accuracy, own choice | difference | epoch (s), forced | epoch (s), own choice |")
    print("|---|---|---|---|---|---|")
    for peer, script in (("numpy", "numpy_mlp.py"), ("pytorch", "torch_mlp.py"), ("scikit-learn", "sklearn_mlp.py")):
        if peer in skip:
            continue
        command = peer_command(script, config, args.kernel_check_epochs, args.threads, args.data_dir)
        both = []
        for env in (forced_env, free_env):
            both.append(_peer_epochs(run_measured(command, env=env, cwd=HERE)))
            print(f"kernel check: {peer} done", file=sys.stderr, flush=True)
        difference = both[0]["accuracy"] - both[1]["accuracy"]
        verdict = "unchanged" if difference == 0 else (f"{difference:+.4f} (rounding: within 0.005)" if abs(difference) <= 0.005 else f"**{difference:+.4f}, changed**")
        print(f"| {PEER_TITLES[peer]} | {both[0]['accuracy']:.4f} | {both[1]['accuracy']:.4f} | {verdict} | {both[0]['epoch_s']:.3f} | {both[1]['epoch_s']:.3f} |")
        raw.write({"type": "kernel_check", "peer": peer, "coretype": coretype, "own_choice": free_kernel,
                   "forced": both[0], "own": both[1]})


# ---------------------------------------------------------------------------------------------------- reporting

class RawLog:
    """JSON lines of every sample, written to FILE.partial as they come and renamed to FILE at the end."""

    def __init__(self, path):
        self.path = path
        self.file = open(path + ".partial", "w") if path else None

    def write(self, record):
        if self.file:
            self.file.write(json.dumps(record) + "\n")
            self.file.flush()

    def close(self):
        if self.file:
            self.file.close()
            os.replace(self.path + ".partial", self.path)


def quiet_rounds(samples, row, threshold):
    """The rounds in which every run of this row saw the rest of the machine use at most `threshold` cores."""
    rounds = {}
    for s in samples:
        if s["row"] == row:
            rounds[s["round"]] = rounds.get(s["round"], True) and s["other_cores"] <= threshold
    return {r for r, quiet in rounds.items() if quiet}, set(rounds)


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
        cells, medians, per_round = [], {}, {}
        for p in peers:
            metric = line.ours if p == "backprop" else line.theirs
            values = {r: v for r, v in values_by_round(samples, line.row, p, metric).items() if r in rounds}
            per_round[p] = values
            if values:
                medians[p] = statistics.median(values.values())
                cells.append(line.fmt.format(medians[p] * scale))
            elif p == "backprop" and line.missing_ours:
                ran = [s for s in samples if s["row"] == line.row and s["peer"] == "backprop" and s["round"] in rounds]
                cells.append("–" if not ran else "failed (see the note)" if all(s["error"] for s in ran) else line.missing_ours)
            else:
                cells.append("–")
        best = min if line.lower_is_better else max
        compared = {p: medians[p] for p in COMPARED if p in medians}
        ratio = round_ratio = "–"
        if "backprop" in medians and compared:
            faster = best(compared, key=compared.get)
            ratio = f"{medians['backprop'] / compared[faster]:.3g}× {PEER_TITLES[faster]}"
            ratios = []
            for r, ours in per_round["backprop"].items():
                theirs = [per_round[p][r] for p in COMPARED if r in per_round.get(p, {})]
                if theirs:
                    ratios.append(ours / best(theirs))
            if ratios:
                round_ratio = f"{statistics.median(ratios):.3g}×"
        print(f"| {line.label} | " + " | ".join(cells) + f" | {ratio} | {round_ratio} | {len(rounds)} |")


def matrix_extras(rows, samples, quiet_of, all_of):
    """Accuracy and first ÷ median epoch of every training row, and weight decay on ÷ off per peer."""
    training = [r for r in rows if r.key in {k for k, _, _ in TRAINING_ROWS}]
    peers = [p for p in PEERS if any(s["peer"] == p for s in samples)]
    if training:
        print("\nTest accuracy after the run and first epoch ÷ median epoch (medians over all rounds):\n")
        print("| row | " + " | ".join(f"accuracy {PEER_TITLES[p]}" for p in peers) + " | "
              + " | ".join(f"first ÷ median {PEER_TITLES[p]}" for p in peers) + " |")
        print("|---|" + "---|" * (2 * len(peers)))
        for row in training:
            cells = []
            for metric, fmt in (("accuracy", "{:.4f}"), ("first_over_median", "{:.2f}")):
                for p in peers:
                    values = list(values_by_round(samples, row.key, p, metric).values())
                    cells.append(fmt.format(statistics.median(values)) if values else "–")
            print(f"| {row.title} | " + " | ".join(cells) + " |")
    keys = {r.key for r in rows}
    pairs = [(on, off, label) for on, off, label in DECAY_PAIRS if on in keys and off in keys]
    if pairs:
        print("\nWeight decay on ÷ off, each program against itself (median of per-round ratios; quiet rounds, all rounds):\n")
        print("| pair | " + " | ".join(PEER_TITLES[p] for p in peers) + " |")
        print("|---|" + "---|" * len(peers))
        for on, off, label in pairs:
            cells = []
            for p in peers:
                texts = []
                for rounds in (quiet_of(on) & quiet_of(off), all_of(on) & all_of(off)):
                    a = values_by_round(samples, on, p, "epoch_s")
                    b = values_by_round(samples, off, p, "epoch_s")
                    ratios = [a[r] / b[r] for r in rounds if r in a and r in b]
                    texts.append(f"{statistics.median(ratios):.3f}" if ratios else "–")
                cells.append(" / ".join(texts))
            print(f"| {label} | " + " | ".join(cells) + " |")


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
    parser.add_argument("--only", default=",".join(MATRIX_ROWS), help="with --matrix, comma-separated rows: " + ", ".join(MATRIX_ROWS))
    parser.add_argument("--epochs", type=int, default=5, help="with --matrix: epochs per training run (the table shows each run's median epoch)")
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
    parser.add_argument("--data-dir", default=common.FASHION_MNIST_DIR,
                        help="Fashion-MNIST IDX files; when they are missing a synthetic stand-in of the same shape is written to artifacts/bench/")
    parser.add_argument("--raw", help="write every sample as JSON lines to this file")
    args = parser.parse_args()
    if args.rounds < 1 or args.epochs < 1 or args.threads < 1 or args.repeat < 1 or args.kernel_check_epochs < 1:
        parser.error("--rounds, --epochs, --threads, --repeat and --kernel-check-epochs must be at least 1")
    args.only = set(filter(None, args.only.split(",")))
    if args.only - set(MATRIX_ROWS):
        parser.error("--only: unknown row(s) " + ", ".join(sorted(args.only - set(MATRIX_ROWS))) + "; use " + ", ".join(MATRIX_ROWS))
    skip = set(filter(None, args.skip.split(",")))
    if skip - set(PEERS[1:]):
        parser.error("--skip: unknown peer(s) " + ", ".join(sorted(skip - set(PEERS[1:]))))
    if args.quick:
        args.epochs, args.repeat, args.predict_calls = 1, 1, 200
    if args.raw:
        args.raw = os.path.abspath(args.raw)

    # The data: the real files, or a synthetic stand-in of the same shape that both sides read.
    data_note = f"Fashion-MNIST from {args.data_dir}"
    if not all(os.path.exists(os.path.join(args.data_dir, f)) or os.path.exists(os.path.join(args.data_dir, f + ".gz"))
               for f in common.FASHION_MNIST_FILES):
        stand_in = os.path.join(ROOT, "artifacts", "bench", "synthetic-fashion-mnist")
        if not all(os.path.exists(os.path.join(stand_in, f + ".gz")) for f in common.FASHION_MNIST_FILES):
            common.write_synthetic_fashion_mnist(stand_in)
        data_note = f"no Fashion-MNIST in {args.data_dir}: a SYNTHETIC stand-in of the same shape ({stand_in}); accuracies mean nothing"
        args.data_dir = stand_in

    publish = os.path.join(ROOT, "artifacts", "bench", "backprop")
    if not args.no_publish:
        subprocess.run(["dotnet", "publish", os.path.join(ROOT, "src", "Backprop.Cli"), "-c", "Release", "-o", publish,
                        "-r", _rid(), "--self-contained", "false", "--nologo", "-v", "q"],
                       check=True, stdout=subprocess.DEVNULL)
    backprop = os.path.join(publish, "Backprop.Cli")

    # The peers' kernels.
    free_env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    free_env["PYTHONDONTWRITEBYTECODE"] = "1"
    coretype = common.coretype_for_cpu() if args.coretype == "auto" else None if args.coretype == "unset" else args.coretype
    peer_env = dict(free_env)
    if coretype:
        peer_env["OPENBLAS_CORETYPE"] = coretype
    our_env = dict(os.environ)
    if args.threads != os.cpu_count():
        our_env["DOTNET_PROCESSOR_COUNT"] = str(args.threads)   # `backprop train` uses every processor it is given
    free_kernel = openblas_probe(free_env)
    peer_kernel = openblas_probe(peer_env)

    raw = RawLog(args.raw)
    mode = "matrix" if args.matrix else "classic"
    setup = {"type": "setup", "mode": mode, "machine": _cpu(), "threads": args.threads, "rounds": args.rounds,
             "epochs": args.epochs if args.matrix else None, "quick": args.quick, "data": data_note,
             "coretype": coretype, "openblas_kernel": peer_kernel, "openblas_own_choice": free_kernel,
             "quiet_threshold_cores": args.quiet_threshold, "argv": sys.argv[1:]}
    raw.write(setup)

    print(f"# compare.py {mode}{' (quick)' if args.quick else ''}: {args.rounds} round(s), {args.threads} threads")
    print(f"\nmachine: {_cpu()}; data: {data_note}")
    how = {"auto": "chosen from the CPU flags", "unset": "unset"}.get(args.coretype, "given by --coretype")
    print(f"OpenBLAS for the peers: OPENBLAS_CORETYPE={coretype or '(unset)'} ({how}); OpenBLAS reports {peer_kernel} kernels "
          f"(left to itself: {free_kernel})")
    if not coretype:
        print("Kernel check: none, no kernel is forced.")
    elif args.no_kernel_check:
        print("Kernel check: skipped (--no-kernel-check); the peers' accuracy with the forced kernel is not checked in this invocation.")
    elif skip != set(PEERS[1:]):
        kernel_check(args, peer_env, free_env, skip, coretype, free_kernel, raw)

    rows = matrix_rows(args, backprop, our_env, peer_env, skip) if args.matrix else classic_rows(args, backprop, our_env, peer_env, skip)
    samples = []
    for round_index in range(args.rounds):
        shift = round_index % len(rows)
        for row in rows[shift:] + rows[:shift]:
            inner = round_index % max(1, len(row.tasks))
            for task in row.tasks[inner:] + row.tasks[:inner]:
                if task.before:
                    task.before()
                run = run_measured(task.command, env=task.env, cwd=HERE, allow_failure=task.allow_failure)
                metrics = task.parse(run)
                sample = {"type": "sample", "round": round_index, "row": row.key, "peer": task.peer, "task": task.name,
                          "metrics": {k: v for k, v in metrics.items() if k not in ("blas", "error")},
                          "wall_s": run.wall, "rss_mib": run.rss_mib, "cpu_s": run.cpu, "other_cpu_s": run.other,
                          "other_cores": run.other_cores, "steal_s": run.steal, "quiet": run.other_cores <= args.quiet_threshold,
                          "blas": metrics.get("blas") or next((r["blas"] for r in results(run.out) if "blas" in r), None),
                          "error": run.error, "command": task.command}
                samples.append(sample)
                raw.write(sample)
                print(f"round {round_index + 1}/{args.rounds}: {row.key} {task.peer} {task.name} {run.wall:.1f} s, "
                      f"other processes {run.other_cores:.2f} cores{' (failed: ' + run.error + ')' if run.error else ''}",
                      file=sys.stderr, flush=True)

    quiet_of = lambda key: quiet_rounds(samples, key, args.quiet_threshold)[0]
    all_of = lambda key: quiet_rounds(samples, key, args.quiet_threshold)[1]
    lines = [line for row in rows for line in row.lines] if args.matrix else classic_lines(rows, samples)
    scale_of = lambda line: 1e6 if line.ours == "predict1_s" else 1e3 if line.ours in ("predict10k_s", "predict10k_model_s") else 1.0
    quiet_counts = ", ".join(f"{row.key} {len(quiet_of(row.key))}/{len(all_of(row.key))}" for row in rows)
    print(f"\nQuiet rounds (the rest of the machine used ≤ {args.quiet_threshold:g} cores in every run of the row): {quiet_counts}.")
    table(lines, samples, quiet_of, "Medians over the quiet rounds", scale_of)
    table(lines, samples, all_of, "Medians over all rounds", scale_of)
    if args.matrix:
        matrix_extras(rows, samples, quiet_of, all_of)
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
    if args.raw:
        raw.close()
        print(f"\nraw samples: {args.raw}")


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
