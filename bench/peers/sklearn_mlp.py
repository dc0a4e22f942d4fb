"""scikit-learn MLPClassifier, shuffled mini-batches, float32 input; one partial_fit call is one epoch. By default
784-128-10 ReLU, solver 'sgd' with η = 0.1, no momentum, no L2, batch 64. --hidden, --activation (sigmoid is
'logistic'), --optimizer sgd, momentum, nesterov (solver 'sgd' with momentum μ, nesterovs_momentum) or adam (solver
'adam'), --batch-size and --weight-decay change it. scikit-learn has no AdamW, and its L2 term alpha is divided by
the batch's rows and leaves the biases alone, so --weight-decay λ becomes alpha = λ × batch size (the same decay
of the weights per step as λ p added to the gradient). The scikit-learn side of bench/peers/compare.py; prints one
JSON object per result."""
import statistics
import time
import warnings

import numpy as np
import sklearn
from sklearn.neural_network import MLPClassifier

import common

PEER = "scikit-learn"


def build(args):
    solver = "adam" if args.optimizer == "adam" else "sgd"
    momentum = args.momentum if args.optimizer in ("momentum", "nesterov") else 0.0
    return MLPClassifier(hidden_layer_sizes=tuple(args.hidden), activation="logistic" if args.activation == "sigmoid" else args.activation,
                         solver=solver, alpha=args.weight_decay * args.batch_size, batch_size=args.batch_size,
                         learning_rate="constant", learning_rate_init=args.lr, momentum=momentum,
                         nesterovs_momentum=args.optimizer == "nesterov", shuffle=True, random_state=0)


def main():
    args = common.parse_args(__doc__, ["epoch", "inference"], optimizers=("sgd", "momentum", "nesterov", "adam"))
    limits = common.limit_threads(args.threads)
    warnings.filterwarnings("ignore")
    x, y, xt, yt = common.load(args)
    model = build(args)
    classes = np.arange(common.CLASSES)
    blas = "scikit-learn {}; {}".format(sklearn.__version__, common.blas_description())
    config = common.configuration(args)
    if args.epochs:
        epoch_seconds = []
        for _ in range(args.epochs):
            start = time.perf_counter()
            model.partial_fit(x, y, classes=classes)
            epoch_seconds.append(time.perf_counter() - start)
        accuracy = float((model.predict(xt) == yt).mean())
        common.emit(PEER, "accuracy", epochs=args.epochs, test_accuracy=accuracy, epoch_seconds=epoch_seconds, median_epoch_seconds=statistics.median(epoch_seconds), data=args.data, threads=args.threads, blas=blas, **config)
    else:
        seconds = common.median_seconds(lambda: model.partial_fit(x, y, classes=classes), args.repeat)
        if "epoch" in args.only:
            common.emit(PEER, "epoch", seconds=seconds, rows=len(x), threads=args.threads, dtype=str(model.coefs_[0].dtype), blas=blas, **config)
    if "inference" in args.only:
        xi = np.ascontiguousarray(xt[:10000])
        seconds = common.median_seconds(lambda: model.predict_proba(xi), max(5, args.repeat), warmup=2)
        common.emit(PEER, "inference", seconds=seconds, rows=len(xi), samples_per_s=len(xi) / seconds, threads=args.threads, blas=blas)
    del limits


if __name__ == "__main__":
    main()
