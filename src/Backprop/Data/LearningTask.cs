namespace Backprop.Data;

/// <summary>What a data set's labels ask a model to learn, and so what a model's output layer means.</summary>
public enum LearningTask
{
    /// <summary>One label column of classes: softmax outputs with cross-entropy, one probability per class.</summary>
    Classification = 0,

    /// <summary>One or more numeric target columns: identity outputs with mean squared error or Huber loss.</summary>
    Regression = 1,

    /// <summary>Several yes/no label columns, any number of them true per row: sigmoid outputs with binary cross-entropy.</summary>
    MultiLabel = 2,
}
