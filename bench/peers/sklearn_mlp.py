"""scikit-learn MLPClassifier, 784-128-10 ReLU, solver 'sgd' with η = 0.1, no momentum, no L2 (alpha 0),
batch 64, shuffled, float32 input; one partial_fit call is one epoch. The scikit-learn side of bench/peers/compare.py;
prints one JSON object per result."""
import statistics
import time
import warnings

import numpy as np
import sklearn
from sklearn.neural_network import MLPClassifier

import common

PEER = "scikit-learn"


def main():
    args = common.parse_args(__doc__, ["epoch", "inference"])
    limits = common.limit_threads(args.threads)
    warnings.filterwarnings("ignore")
    x, y, xt, yt = common.load(args)
    model = MLPClassifier(hidden_layer_sizes=(common.HIDDEN,), activation="relu", solver="sgd", alpha=0.0,
                          batch_size=64, learning_rate="constant", learning_rate_init=0.1, momentum=0.0,
                          nesterovs_momentum=False, shuffle=True, random_state=0)
    classes = np.arange(common.CLASSES)
    blas = "scikit-learn {}; {}".format(sklearn.__version__, common.blas_description())
    if args.epochs:
        epoch_seconds = []
        for _ in range(args.epochs):
            start = time.perf_counter()
            model.partial_fit(x, y, classes=classes)
            epoch_seconds.append(time.perf_counter() - start)
        accuracy = float((model.predict(xt) == yt).mean())
        common.emit(PEER, "accuracy", epochs=args.epochs, test_accuracy=accuracy, epoch_seconds=epoch_seconds, median_epoch_seconds=statistics.median(epoch_seconds), data=args.data, blas=blas)
    else:
        seconds = common.median_seconds(lambda: model.partial_fit(x, y, classes=classes), args.repeat)
        if "epoch" in args.only:
            common.emit(PEER, "epoch", seconds=seconds, rows=len(x), threads=args.threads, dtype=str(model.coefs_[0].dtype), blas=blas)
    if "inference" in args.only:
        xi = np.ascontiguousarray(xt[:10000])
        seconds = common.median_seconds(lambda: model.predict_proba(xi), max(5, args.repeat), warmup=2)
        common.emit(PEER, "inference", seconds=seconds, rows=len(xi), samples_per_s=len(xi) / seconds, threads=args.threads, blas=blas)
    del limits


if __name__ == "__main__":
    main()
