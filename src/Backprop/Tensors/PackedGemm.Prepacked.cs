using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Tensors;

// Products with a B packed once and reused (a layer's Wᵀ in prediction), keyed by the version of B it was packed from.
internal static unsafe partial class PackedGemm
{
    /// <summary>
    /// op(B) of products whose B rarely changes (a layer's Wᵀ while predicting), packed as the planner packs a whole B
    /// and kept with the version of B it was packed from; a product that asks for another version repacks it. Many
    /// threads use one copy at once without a lock: a product holds the copy for its duration (a count), a refresh
    /// repacks in place only when no product holds it, and otherwise packs a new copy and publishes that.
    /// </summary>
    internal sealed class PackedOperand
    {
        private Packed? _current;

        /// <summary>
        /// The packed op(B) of version <paramref name="version"/>, held until the lease is disposed. op(B)[p, j] is
        /// b[p·rsB + j·csB], (k, n). The caller reads the version before B (a write after that bumps it again).
        /// </summary>
        public Lease Acquire(ReadOnlySpan<float> b, int rsB, int csB, int k, int n, long version)
        {
            CheckLength(b.Length, k, rsB, n, csB, nameof(b));
            int nr = NR;
            var spin = default(SpinWait);
            while (true)
            {
                Packed? current = Volatile.Read(ref _current);
                if (current is not null && current.Matches(version, nr, k, n))
                {
                    if (current.TryEnter())
                    {
                        // A refresh may have repacked it between the check and the claim.
                        if (current.Matches(version, nr, k, n))
                        {
                            return new Lease(current);
                        }
                        current.Exit();
                    }
                    spin.SpinOnce();
                    continue;
                }
                long floats = (long)(n + nr - 1) / nr * nr * Math.Max(k, 1);
                if (current is not null && current.Data.Length >= floats && current.TryClaim())
                {
                    // Nobody holds it: repack in place (no allocation when a trained network is predicted again).
                    current.Pack(b, rsB, csB, k, n, nr, version);
                    current.EnterClaimed();
                    return new Lease(current);
                }
                var fresh = new Packed(floats);
                fresh.Pack(b, rsB, csB, k, n, nr, version);
                fresh.EnterClaimed();
                Interlocked.CompareExchange(ref _current, fresh, current);
                return new Lease(fresh);
            }
        }
    }

    /// <summary>A packed op(B) in use by one product; disposing it lets a refresh repack the copy in place.</summary>
    internal readonly struct Lease : IDisposable
    {
        internal Lease(Packed packed) => Packed = packed;

        internal Packed Packed { get; }

        public void Dispose() => Packed.Exit();
    }

    /// <summary>One packed copy: k blocks of all n columns in panels of Nr, the block starting at pc at columnsRounded · pc.</summary>
    internal sealed class Packed(long floats)
    {
        // Products holding the copy; −1 while it is being repacked.
        private int _users;

        public float[] Data { get; } = GC.AllocateUninitializedArray<float>(checked((int)floats), pinned: true);

        public long Version { get; private set; } = -1;

        public int Nr { get; private set; }

        public int K { get; private set; }

        public int N { get; private set; }

        /// <summary>Holds the copy for a product, unless it is being repacked.</summary>
        public bool TryEnter()
        {
            int users = Volatile.Read(ref _users);
            return users >= 0 && Interlocked.CompareExchange(ref _users, users + 1, users) == users;
        }

        public void Exit() => Interlocked.Decrement(ref _users);

        /// <summary>Claims the copy for repacking when no product holds it.</summary>
        public bool TryClaim() => Interlocked.CompareExchange(ref _users, -1, 0) == 0;

        /// <summary>Turns a claim (or a new copy) into one product's hold.</summary>
        public void EnterClaimed() => Volatile.Write(ref _users, 1);

        public bool Matches(long version, int nr, int k, int n) => Version == version && Nr == nr && K == k && N == n;

        public void Pack(ReadOnlySpan<float> b, int rsB, int csB, int k, int n, int nr, long version)
        {
            int columnsRounded = (n + nr - 1) / nr * nr;
            int kcStep = KcStep(k);
            fixed (float* pb = b)
            {
                float* buffer = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Data));
                for (int pc = 0; pc < k; pc += kcStep)
                {
                    PackB(pb, rsB, csB, pc, Math.Min(kcStep, k - pc), 0, n, nr, buffer + (long)columnsRounded * pc);
                }
            }
            (Version, Nr, K, N) = (version, nr, k, n);
        }
    }

    /// <summary>
    /// C = op(A) op(B) with op(B) packed (<see cref="PackedOperand"/>), then the epilogue: the same bits as
    /// <see cref="Run"/> of the same operands. op(A)[i, p] = a[i·rsA + p·csA] is (m, k); C is (m, n) row-major; bias
    /// has n elements and aux is laid out like C where the epilogue uses them. <paramref name="split"/> false keeps the
    /// whole product on the calling thread (a block of rows of a job already shared between threads).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunPrepacked(
        ReadOnlySpan<float> a, int rsA, int csA, in Lease b, Span<float> c, int m,
        GemmEpilogue epilogue = GemmEpilogue.None, ReadOnlySpan<float> bias = default, Span<float> aux = default, bool split = true)
    {
        Packed packed = b.Packed;
        int n = packed.N;
        int k = packed.K;
        if (m <= 0 || n <= 0)
        {
            return;
        }
        CheckLength(a.Length, m, rsA, k, csA, nameof(a));
        if (c.Length < m * n || ((epilogue is GemmEpilogue.Bias or GemmEpilogue.BiasRelu) && bias.Length < n)
            || (epilogue is not (GemmEpilogue.None or GemmEpilogue.Bias) && aux.Length < m * n))
        {
            throw new ArgumentException($"C, bias or aux is shorter than ({m}, {n}) needs.", nameof(c));
        }
        fixed (float* pa = a)
        fixed (float* pb = packed.Data)
        fixed (float* pc = c)
        fixed (float* pbias = bias)
        fixed (float* paux = aux)
        {
            GemmJob job = t_job ??= new GemmJob();
            job.Set(pa, rsA, csA, null, 0, 0, pc, m, n, k, accumulate: false, epilogue, pbias, paux, 0, 0);
            job.SetRowSums(null, null);
            job.UsePackedB(pb, packed.Nr);
            // B is packed already: rows are split between threads (each reads all of B, from its own cache), in more
            // blocks than threads for tall products, as the planner does when it prepacks B.
            job.DirectA = csA == 1 && s_readAInPlace;
            // Prediction's rows are read once, from memory: the kernel asks for them ahead.
            job.StreamA = job.DirectA;
            job.DirectB = false;
            job.SplitColumns = false;
            int threads = split ? WorkerPool.ThreadCount : 1;
            int blocks = 1;
            if (threads > 1 && (long)m * n * k >= ParallelThreshold)
            {
                int units = (m + MR - 1) / MR;
                blocks = Math.Min(units, m > McMax ? 4 * threads : threads);
            }
            job.Blocks = blocks;
            WorkerPool.Run(job, blocks);
            job.Clear();
        }
    }
}
