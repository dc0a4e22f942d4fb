global using Backprop.Tests.Support;
