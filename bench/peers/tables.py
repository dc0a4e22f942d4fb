#!/usr/bin/python3
"""Backprop against scikit-learn pipelines on real tables, on the same splits.

Each split is drawn here (stratified for soybean, plain for diabetes, numpy seeded by the split's number) and written
as two CSV files, train and test. Backprop trains on the train file (`backprop train --test-fraction 0`, its defaults
plus the options below) and is scored on the test file by `backprop evaluate`; scikit-learn fits its pipeline on the
same train file and scores the same test file:

- soybean (label Class, 35 categorical columns coded as numbers, missing values): Backprop `--categorical all`
  (one-hot, most-frequent fill: the defaults for categorical columns) against SimpleImputer(most_frequent) +
  OneHotEncoder(handle_unknown=ignore) + MLPClassifier(max_iter=500); accuracy.
- diabetes (label progression, 10 numeric features): Backprop's defaults for a numeric label (regression, standardised
  features and target) against StandardScaler + MLPRegressor(max_iter=2000) and plain LinearRegression; R².

    /usr/bin/python3 bench/peers/tables.py [--splits 5] [--data-dir ../shared/data] [--no-publish]

Accuracy and R² are what count here, not time. Prints a Markdown table of the mean ± sample sd over the splits and
each split's numbers.
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def _rid():
    return "linux-arm64" if platform.machine() in ("aarch64", "arm64") else "linux-x64"


def _read_csv(path):
    import csv
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _write_csv(path, header, rows):
    import csv
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _splits(labels, count, test_fraction, stratified):
    """Index sets (train, test) for `count` splits, the split number seeding numpy's generator."""
    n = len(labels)
    for seed in range(count):
        rng = np.random.default_rng(seed)
        if stratified:
            test = []
            for value in sorted(set(labels)):
                members = [i for i in range(n) if labels[i] == value]
                rng.shuffle(members)
                test.extend(members[:int(round(len(members) * test_fraction))])
            test = sorted(test)
        else:
            order = rng.permutation(n)
            test = sorted(order[:int(round(n * test_fraction))].tolist())
        chosen = set(test)
        yield [i for i in range(n) if i not in chosen], test


def _backprop_score(backprop, train_csv, test_csv, label, extra, pattern, folder):
    model = os.path.join(folder, "model.json")
    subprocess.run([backprop, "train", "--data", train_csv, "--label", label, "--test-fraction", "0", "--seed", "0",
                    "--quiet", "--out", model, *extra], check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([backprop, "evaluate", "--model", model, "--data", test_csv], check=True,
                         capture_output=True, text=True).stdout
    match = re.search(pattern, out, re.M)
    if not match:
        sys.exit(f"error: no score in backprop evaluate's output:\n{out}")
    return float(match.group(1))


def soybean(backprop, data_dir, splits, folder):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder
    header, rows = _read_csv(os.path.join(data_dir, "soybean.csv"))
    label = header.index("Class")
    features = [c for c in range(len(header)) if c != label]
    labels = [r[label] for r in rows]
    ours, theirs = [], []
    for k, (train, test) in enumerate(_splits(labels, splits, 0.25, stratified=True)):
        train_csv, test_csv = os.path.join(folder, "train.csv"), os.path.join(folder, "test.csv")
        _write_csv(train_csv, header, [rows[i] for i in train])
        _write_csv(test_csv, header, [rows[i] for i in test])
        ours.append(_backprop_score(backprop, train_csv, test_csv, "Class", ["--categorical", "all"],
                                    r"^Accuracy\s+([0-9.]+)", folder))

        def table(indices):
            return np.array([[rows[i][c] if rows[i][c] not in ("", "NA", "?") else np.nan for c in features]
                             for i in indices], dtype=object)
        pipeline = make_pipeline(
            ColumnTransformer([("cat", make_pipeline(SimpleImputer(strategy="most_frequent", missing_values=np.nan),
                                                     OneHotEncoder(handle_unknown="ignore")), list(range(len(features))))]),
            MLPClassifier(max_iter=500, random_state=k))
        pipeline.fit(table(train), [labels[i] for i in train])
        theirs.append(pipeline.score(table(test), [labels[i] for i in test]))
    return [("soybean accuracy (683 rows, 19 classes, 35 categorical columns with missing values)",
             {"Backprop (--categorical all)": ours, "scikit-learn (impute + one-hot + MLPClassifier)": theirs})]


def diabetes(backprop, data_dir, splits, folder):
    from sklearn.linear_model import LinearRegression
    from sklearn.neural_network import MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    header, rows = _read_csv(os.path.join(data_dir, "diabetes.csv"))
    label = header.index("progression")
    x = np.array([[float(v) for j, v in enumerate(r) if j != label] for r in rows])
    y = np.array([float(r[label]) for r in rows])
    ours, mlp, linear = [], [], []
    for k, (train, test) in enumerate(_splits(list(range(len(rows))), splits, 0.25, stratified=False)):
        train_csv, test_csv = os.path.join(folder, "train.csv"), os.path.join(folder, "test.csv")
        _write_csv(train_csv, header, [rows[i] for i in train])
        _write_csv(test_csv, header, [rows[i] for i in test])
        ours.append(_backprop_score(backprop, train_csv, test_csv, "progression", [],
                                    r"^progression\s+\S+\s+\S+\s+(-?[0-9.]+)", folder))
        model = make_pipeline(StandardScaler(), MLPRegressor(max_iter=2000, random_state=k)).fit(x[train], y[train])
        mlp.append(model.score(x[test], y[test]))
        linear.append(LinearRegression().fit(x[train], y[train]).score(x[test], y[test]))
    return [("diabetes R² (442 rows, 10 numeric features, a quarter held out)",
             {"Backprop (regression defaults)": ours, "scikit-learn (scaler + MLPRegressor)": mlp,
              "scikit-learn LinearRegression": linear})]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "tests", "Backprop.Tests", "Data", "Files"))
    parser.add_argument("--no-publish", action="store_true", help="reuse artifacts/bench/backprop")
    args = parser.parse_args()
    publish = os.path.join(ROOT, "artifacts", "bench", "backprop")
    if not args.no_publish:
        subprocess.run(["dotnet", "publish", os.path.join(ROOT, "src", "Backprop.Cli"), "-c", "Release", "-o", publish,
                        "-r", _rid(), "--self-contained", "false", "--nologo", "-v", "q"],
                       check=True, stdout=subprocess.DEVNULL)
    backprop = os.path.join(publish, "Backprop.Cli")
    import sklearn
    print(f"# tables.py: {args.splits} splits, the same for every program; scikit-learn {sklearn.__version__}\n")
    with tempfile.TemporaryDirectory() as folder:
        results = soybean(backprop, args.data_dir, args.splits, folder) + diabetes(backprop, args.data_dir, args.splits, folder)
    print("| data set and score | program | mean ± sd | per split |")
    print("|---|---|---|---|")
    for title, programs in results:
        for name, scores in programs.items():
            sd = statistics.stdev(scores) if len(scores) > 1 else 0.0
            print(f"| {title} | {name} | {statistics.mean(scores):.4f} ± {sd:.4f} | {', '.join(f'{s:.4f}' for s in scores)} |")


if __name__ == "__main__":
    main()
