using System.Numerics;

namespace Backprop.Cli.Commands;

/// <summary>
/// The library's size check (<see cref="Network{T}.CheckSize"/>) as a command-line error naming the option, so a
/// network too large for this machine is refused before anything is allocated or read.
/// </summary>
internal static class NetworkSize
{
    /// <summary>Checks a network of exactly <paramref name="sizes"/>, with values of type <typeparamref name="T"/>.</summary>
    /// <exception cref="UsageException">The network does not fit.</exception>
    public static void Check<T>(string option, IReadOnlyList<int> sizes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        try
        {
            Network<T>.CheckSize(sizes);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option}: {e.Message.Split(" (Parameter")[0]}");
        }
    }

    /// <summary>
    /// Checks the hidden layers of a float classifier before its data is read: with one input and two classes, the
    /// smallest network they can be part of, so whatever passes here may still be refused once the data is known.
    /// </summary>
    public static void CheckHidden(IReadOnlyList<int> hidden) => Check<float>("--hidden", [1, .. hidden, 2]);
}
