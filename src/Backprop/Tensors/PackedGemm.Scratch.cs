using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tensors;

// Per-thread packing buffers.
internal static unsafe partial class PackedGemm
{
    /// <summary>
    /// Packing buffers of one thread, allocated on its first GEMM as pinned arrays (so the GC never moves them and
    /// nothing needs freeing by hand); they go with the thread.
    /// </summary>
    private sealed class Scratch
    {
        [ThreadStatic]
        private static Scratch? t_scratch;

        private readonly float[] _a = GC.AllocateUninitializedArray<float>(McMax * KcMax, pinned: true);
        private readonly float[] _b = GC.AllocateUninitializedArray<float>(KcMax * NcMax, pinned: true);
        private readonly float[] _tile = GC.AllocateUninitializedArray<float>(MR * 32, pinned: true);
        private readonly float[] _edgeA = GC.AllocateUninitializedArray<float>(MR * KcMax, pinned: true);
        private ulong[] _masks = [];
        private float[] _sharedA = [];
        private float[] _sharedB = [];

        public float* A => Address(_a);

        public float* B => Address(_b);

        public float* Tile => Address(_tile);

        /// <summary>A last panel of fewer than MR rows of an A otherwise read in place, packed (MR × KcMax).</summary>
        public float* EdgeA => Address(_edgeA);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static Scratch ForThisThread() => t_scratch ??= new Scratch();

        /// <summary>A buffer of at least <paramref name="floats"/> values for a prepacked A; grows, never shrinks.</summary>
        public float* SharedA(long floats) => Address(Grow(ref _sharedA, floats));

        /// <summary>A buffer of at least <paramref name="floats"/> values for a prepacked B; grows, never shrinks.</summary>
        public float* SharedB(long floats) => Address(Grow(ref _sharedB, floats));

        /// <summary>A word for each of <paramref name="rows"/> masks of δ's nonzero terms; grows, never shrinks.</summary>
        public ulong* Masks(int rows)
        {
            if (rows > _masks.Length)
            {
                _masks = GC.AllocateUninitializedArray<ulong>(rows, pinned: true);
            }
            return (ulong*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_masks));
        }

        private static float[] Grow(ref float[] buffer, long floats)
        {
            if (floats > buffer.Length)
            {
                buffer = GC.AllocateUninitializedArray<float>(checked((int)floats), pinned: true);
            }
            return buffer;
        }

        private static float* Address(float[] pinned) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
    }
}
