// Explain reads the library through its public API; these are the library's namespaces.
global using Backprop.Activations;
global using Backprop.Data;
global using Backprop.Layers;
global using Backprop.Losses;
global using Backprop.Models;
global using Backprop.Optimizers;
global using Backprop.Serialization;
global using Backprop.Tensors;
global using Backprop.Training;
