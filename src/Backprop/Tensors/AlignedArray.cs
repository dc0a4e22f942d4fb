using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Tensors;

/// <summary>
/// Arrays used from their first 64-byte boundary (a cache line, one Vector512). .NET places array data on 8-byte
/// boundaries only, so without this every Vector512 load or store of a row straddles two cache lines. The arrays are
/// pinned, so the boundary never moves.
/// </summary>
internal static class AlignedArray
{
    /// <summary>The alignment in bytes.</summary>
    public const int Bytes = 64;

    /// <summary>
    /// Returns an array holding at least <paramref name="count"/> elements from index <paramref name="start"/>, where
    /// the element at <paramref name="start"/> lies on a 64-byte boundary. The elements are zero.
    /// </summary>
    public static unsafe T[] Allocate<T>(int count, out int start) where T : unmanaged
    {
        int spare = Bytes / sizeof(T);
        T[] array = GC.AllocateArray<T>(checked(count + spare), pinned: true);
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        // Array data is aligned to at least 8 bytes, so the distance to the boundary is a whole number of elements.
        start = (int)((Bytes - address % Bytes) % Bytes / (nuint)sizeof(T));
        return array;
    }
}
