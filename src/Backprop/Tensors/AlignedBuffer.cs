using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Tensors;

/// <summary>
/// A fixed-length buffer whose first element lies on a 64-byte boundary (<see cref="AlignedArray"/>) from 1 KiB on, for the
/// activations, deltas and batches the training step passes between its threads. On .NET's 8-byte array boundaries a
/// row split between two threads (z = x Wᵀ of 128 columns, 64 computed by each) shares one cache line per row between
/// them, which the two cores then pass back and forth while both write; aligned, rows of whole vectors split at line
/// boundaries, and vector loads and stores stay within a line. Converts to a span of its <see cref="Length"/> elements.
/// </summary>
/// <typeparam name="T">The element type.</typeparam>
internal readonly struct AlignedBuffer<T> where T : unmanaged
{
    private readonly T[] _array;
    private readonly int _start;

    // Smaller buffers (a small network's, the article's 3-2-3) are no product's rows split between threads, and sixteen
    // cache lines or fewer stay in L1 anyway: they are plain arrays, allocated together, not pinned one by one.
    private const int AlignFrom = 1024;

    /// <summary>A buffer of <paramref name="length"/> zeros.</summary>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _array = length == 0 ? [] : (long)length * Unsafe.SizeOf<T>() < AlignFrom ? new T[length] : AlignedArray.Allocate<T>(length, out _start);
        Length = length;
    }

    /// <summary>An empty buffer (<c>default</c> has no array behind it).</summary>
    public static readonly AlignedBuffer<T> Empty = new(0);

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>All <see cref="Length"/> elements.</summary>
    public Span<T> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _start), Length);
    }

    /// <summary>Elements [start, start + length), as <c>T[].AsSpan(start, length)</c> (bounds checked against <see cref="Length"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> AsSpan(int start, int length)
    {
        if ((uint)start > (uint)Length || (uint)length > (uint)(Length - start))
        {
            ThrowOutside(start, length);
        }
        return MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _start + start), length);
    }

    [DoesNotReturn]
    private void ThrowOutside(int start, int length)
        => throw new ArgumentOutOfRangeException(nameof(length), $"elements {start} to {(long)start + length} of a buffer of {Length}");

    public static implicit operator Span<T>(AlignedBuffer<T> buffer) => buffer.Span;

    public static implicit operator ReadOnlySpan<T>(AlignedBuffer<T> buffer) => buffer.Span;
}
