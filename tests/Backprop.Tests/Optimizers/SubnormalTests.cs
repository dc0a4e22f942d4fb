using System.Numerics;

namespace Backprop.Tests.Optimizers;

/// <summary>
/// The optimizers' state decays to 0 without passing through subnormal numbers (whose multiplications take a
/// microcode assist on x86): none stays subnormal from one step to the next, on every path: the whole-block step, the element-wise runs and the GEMM epilogue's tiles.
/// </summary>
[Collection(Tensors.KernelSettingsCollection.Name)]
public class SubnormalTests
{
    private const int Length = 77;
    private const int Steps = 400;

    private static readonly string[] Optimizers = ["adam", "adam-l2", "adamw", "momentum", "momentum-l2", "nesterov", "nesterov-l2", "rmsprop", "rmsprop-l2"];

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string optimizer in Optimizers)
        {
            for (int path = 0; path < 3; path++)
            {
                data.Add(optimizer, path);
            }
        }
        return data;
    }

    // Path: 0 Step, 1 the fused update's runs, 2 its tiles.
    [Theory]
    [MemberData(nameof(Cases))]
    public void The_state_of_a_unit_without_gradient_reaches_zero_without_subnormals(string optimizer, int path)
    {
        Decay<float>(optimizer, path, -126);
        Decay<double>(optimizer, path, -1022);
    }

    private static IStatefulOptimizer<T> Create<T>(string optimizer) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double decay = optimizer.EndsWith("-l2", StringComparison.Ordinal) || optimizer == "adamw" ? 1e-4 : 0;
        return optimizer.Split('-')[0] switch
        {
            "adam" => new Adam<T>(0.001, weightDecay: decay),
            "adamw" => new Adam<T>(0.001, weightDecay: decay, decoupledWeightDecay: true),
            "momentum" => new Sgd<T>(0.01, 0.9, false, decay),
            "nesterov" => new Sgd<T>(0.01, 0.9, true, decay),
            _ => new RmsProp<T>(0.001, weightDecay: decay),
        };
    }

    private static unsafe void Decay<T>(string optimizer, int path, int smallestExponent) where T : unmanaged, IFloatingPointIeee754<T>
    {
        IStatefulOptimizer<T> step = Create<T>(optimizer);
        var fused = (IFusedUpdate<T>)step;
        var parameters = new T[Length];
        var gradients = new T[Length];
        IReadOnlyList<KeyValuePair<string, T[]>> buffers = step.StateBuffers(Length);
        T[][] state = [.. buffers.Select(b => b.Value)];
        for (int i = 0; i < Length; i++)
        {
            // A unit that stopped learning: state a little above the smallest normal number (m and the velocity
            // signed), weights that weight decay has driven near 0 (some to where λθ underflows), and no gradient or
            // one whose square underflows.
            for (int b = 0; b < state.Length; b++)
            {
                state[b][i] = T.ScaleB(T.CreateChecked(buffers[b].Key is "m" or "velocity" && i % 2 == 1 ? -1.5 : 1.5), smallestExponent + 8 + (i + b) % 7);
            }
            parameters[i] = T.ScaleB(T.CreateChecked(i % 3 == 0 ? -1 : 1), i % 5 == 0 ? smallestExponent + 5 + i % 3 : smallestExponent / 4 - i % 11);
            gradients[i] = i % 4 == 0 ? T.ScaleB(T.One, smallestExponent / 2 - 3) : T.Zero;
        }
        var subnormal = new bool[state.Length, Length];
        for (int s = 1; s <= Steps; s++)
        {
            if (path == 0)
            {
                step.Step(parameters, gradients);
            }
            else
            {
                ElementwiseUpdate<T> update = fused.BeginFusedStep(Length)!;
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
                fused.CompleteFusedStep();
            }
            // A sum can still cancel to a subnormal number (additions take no assist), but the next step reads it as
            // 0: no state value is subnormal after two steps in a row, where IEEE arithmetic keeps it so for some 150.
            for (int b = 0; b < state.Length; b++)
            {
                for (int i = 0; i < Length; i++)
                {
                    bool now = T.IsSubnormal(state[b][i]);
                    Assert.False(now && subnormal[b, i], $"{optimizer} ({typeof(T).Name}) path {path}, step {s}: state {b} [{i}] = {state[b][i]} is subnormal again");
                    subnormal[b, i] = now;
                }
            }
        }
        // Decaying by 0.9 per step takes the first buffer (m, the velocity, the mean square) from 2⁻¹¹⁸ below the
        // smallest normal number within 400 steps: without gradient (and without L2, which feeds λθ into it) it reached 0,
        // as IEEE arithmetic would take it there, only without the detour.
        if (optimizer.EndsWith("-l2", StringComparison.Ordinal))
        {
            return;
        }
        for (int i = 0; i < Length; i++)
        {
            if (gradients[i] == T.Zero)
            {
                Assert.Equal(T.Zero, state[0][i]);
            }
        }
    }
}
