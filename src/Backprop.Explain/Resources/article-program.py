# The article's worked example as a whole training run, written with numpy in the article's notation.
# Network 3-2-3: the input a1 (layer 1), a sigmoid hidden layer (z2, a2) fed by W1, b1, and a softmax output
# layer (z3, a3) fed by W2, b2; cross-entropy loss; plain gradient descent with eta = 0.1 on one sample,
# repeated until the loss falls below 0.01 (at most 10000 epochs).
# `backprop explain` writes out every number of the first step; `backprop explain --until-converged` runs
# the same training with the Backprop library.
import numpy as np

a1 = np.array([[1.0], [1.0], [1.0]])  # the sample, a column
t = np.array([[1.0], [0.0], [0.0]])   # its target: class 1, one-hot

W1 = np.array([[0.10, 0.20, 0.30],
               [0.40, 0.50, 0.60]])
b1 = np.full((2, 1), 0.10)
W2 = np.array([[0.70, 0.80],
               [0.90, 1.00],
               [1.10, 1.20]])
b2 = np.full((3, 1), 0.20)
eta, threshold, max_epochs = 0.1, 0.01, 10000


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=0))  # subtracting the largest z changes nothing but keeps exp finite
    return e / e.sum(axis=0)


for epoch in range(1, max_epochs + 1):
    # Forward pass
    z2 = W1 @ a1 + b1
    a2 = sigmoid(z2)
    z3 = W2 @ a2 + b2
    a3 = softmax(z3)
    loss = -np.sum(t * np.log(a3))   # cross-entropy, exactly -ln(a3[class])
    if loss < threshold:
        break

    # Backward pass
    delta3 = a3 - t                  # softmax followed by cross-entropy
    dW2 = delta3 @ a2.T
    db2 = delta3
    delta2 = (W2.T @ delta3) * (a2 * (1.0 - a2))  # sigma'(z2) = a2 (1 - a2)
    dW1 = delta2 @ a1.T
    db1 = delta2

    # Update: every parameter takes a step against its gradient
    W2 -= eta * dW2
    b2 -= eta * db2
    W1 -= eta * dW1
    b1 -= eta * db1

print(f"epoch {epoch}: loss {loss:.6f}")
for name, value in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
    print(f"{name} =\n{np.array2string(value, precision=8)}")
