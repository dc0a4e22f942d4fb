using System.Numerics;

namespace Backprop.Tests.Optimizers;

/// <summary>
/// The optimizers' state decays to 0 without passing through subnormal numbers (whose multiplications take a
/// microcode assist on x86), on every path: the whole-block step, the element-wise runs and the GEMM epilogue's tiles.
/// </summary>
[Collection(Tensors.KernelSettingsCollection.Name)]
public class SubnormalTests
{
    private const int Length = 77;
    private const int Steps = 400;

    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        for (int variant = 0; variant < 3; variant++)
        {
            for (int path = 0; path < 3; path++)
            {
                data.Add(variant, path);
            }
        }
        return data;
    }

    // Variant: 0 Adam, 1 Adam with L2, 2 AdamW. Path: 0 Step, 1 the fused update's runs, 2 its tiles.
    [Theory]
    [MemberData(nameof(Cases))]
    public void Adam_moments_of_a_unit_without_gradient_reach_zero_without_subnormals(int variant, int path)
    {
        Moments<float>(variant, path, -126);
        Moments<double>(variant, path, -1022);
    }

    private static unsafe void Moments<T>(int variant, int path, int smallestExponent) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var adam = new Adam<T>(0.001, weightDecay: variant == 0 ? 0 : 1e-4, decoupledWeightDecay: variant == 2);
        var parameters = new T[Length];
        var gradients = new T[Length];
        IReadOnlyList<KeyValuePair<string, T[]>> state = adam.StateBuffers(Length);
        T[] m = state[0].Value, v = state[1].Value;
        for (int i = 0; i < Length; i++)
        {
            // A unit that stopped learning: moments a little above the smallest normal number, a weight that weight
            // decay has driven near 0, and no gradient or one whose square underflows.
            m[i] = T.ScaleB(T.CreateChecked(i % 2 == 0 ? 1.5 : -1.5), smallestExponent + 10 + i % 7);
            v[i] = T.ScaleB(T.One, smallestExponent + 8 + i % 5);
            parameters[i] = T.ScaleB(T.CreateChecked(i % 3 == 0 ? -1 : 1), smallestExponent / 4 - i % 11);
            gradients[i] = i % 4 == 0 ? T.ScaleB(T.One, smallestExponent / 2 - 3) : T.Zero;
        }
        for (int step = 1; step <= Steps; step++)
        {
            if (path == 0)
            {
                adam.Step(parameters, gradients);
            }
            else
            {
                ElementwiseUpdate<T> update = adam.BeginFusedStep(Length)!;
                if (path == 1)
                {
                    update.Apply(parameters, gradients, 0);
                }
                else
                {
                    // A tile of 7 rows of 11, as the GEMM epilogue steps it.
                    fixed (T* p = parameters, g = gradients)
                    {
                        update.ApplyTile(p, g, 11, 7, 11, 0);
                    }
                }
                adam.CompleteFusedStep();
            }
            for (int i = 0; i < Length; i++)
            {
                Assert.False(T.IsSubnormal(m[i]), $"{typeof(T).Name} variant {variant} path {path}, step {step}: m[{i}] = {m[i]} is subnormal");
                Assert.False(T.IsSubnormal(v[i]), $"{typeof(T).Name} variant {variant} path {path}, step {step}: v[{i}] = {v[i]} is subnormal");
            }
        }
        // β₁ = 0.9 per step takes m from 2⁻¹¹⁶ below the smallest normal number within 400 steps: without gradient (and
        // without L2, which feeds λθ into it) m reached 0, as IEEE arithmetic would take it there, only without the detour.
        if (variant == 1)
        {
            return;
        }
        Assert.All(m.Where((_, i) => gradients[i] == T.Zero), x => Assert.Equal(T.Zero, x));
    }
}
