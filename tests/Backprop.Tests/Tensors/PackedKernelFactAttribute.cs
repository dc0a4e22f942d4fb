namespace Backprop.Tests.Tensors;

/// <summary>
/// A fact about the packed GEMM, which exists only on x86 with AVX2 and FMA (and, with <c>vector512</c>, about both
/// of its kernel widths, which need AVX-512): elsewhere it is skipped with the reason. The plain loops that run there
/// instead are covered by the other tests.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PackedKernelFactAttribute : FactAttribute
{
    public PackedKernelFactAttribute(bool vector512 = false) => Skip = PackedKernel.SkipReason(vector512);
}

/// <summary>A theory about the packed GEMM: skipped with the reason where the CPU lacks AVX2 and FMA.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PackedKernelTheoryAttribute : TheoryAttribute
{
    public PackedKernelTheoryAttribute() => Skip = PackedKernel.SkipReason(false);
}

internal static class PackedKernel
{
    public static string? SkipReason(bool vector512) =>
        !PackedGemm.IsSupported ? "the packed GEMM needs x86 with AVX2 and FMA, which this CPU lacks (the plain loops run here)"
        : vector512 && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "only one kernel width exists here: this CPU has no AVX-512"
        : null;
}
