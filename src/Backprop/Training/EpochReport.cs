namespace Backprop;

/// <summary>What one finished epoch measured.</summary>
/// <param name="Epoch">The epoch number, from 1.</param>
/// <param name="Loss">The epoch's training loss: the row-weighted mean of its batch losses, each before its update.</param>
/// <param name="Seconds">Wall-clock seconds the epoch took.</param>
public sealed record EpochReport(int Epoch, double Loss, double Seconds);
