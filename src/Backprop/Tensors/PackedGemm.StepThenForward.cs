using System.Diagnostics;
using Backprop.Activations;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tensors;

// The paired job: one layer's fused step (∇W with W stepped) and the next batch's forward pass through it, in one parallel job.
internal static unsafe partial class PackedGemm
{
    /// <summary>
    /// Two products over one layer's W in one parallel job, so that the threads meet once instead of twice: first
    /// ∇W = δᵀ x with the fused step (as <see cref="Run"/> with a Step, DecayedStep or Update epilogue and row sums: δ of
    /// shape (k, m) read as op(A) = δᵀ, x row-major (k, n), k ≤ 800), then the next batch's z' = x' Wᵀ + b (x' row-major
    /// (nextRows, n), W read as op(B) = Wᵀ, a Bias or BiasRelu epilogue). Split by W's rows, each thread steps a run of
    /// W's rows and then computes the same columns of z', which read only those rows of W and b, and all of x and x'.
    /// Split by terms (<see cref="KSplit"/>, on Vector512, from a batch of KSplitMinK rows, for m ≤ n / 4, where the
    /// forward product's chains of FMAs divide evenly between the threads), each thread steps a run of W's columns and
    /// sums the chains over the same run of z''s terms, reading only those columns of x and x'; the chains' partial
    /// sums are then added to z' in chain order. Every value is computed as the two <see cref="Run"/> calls compute it,
    /// so the bits are the same. Returns false, having done nothing, where the products do not have these shapes or one
    /// thread runs; the caller then makes the two calls. With the Bias epilogue, nextA = f(z') for the element-wise
    /// <paramref name="activation"/> (not softmax): split by terms, a few rows at a time as each thread adds up its
    /// share; otherwise over all of z' after the job.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool RunStepThenForward(
        ReadOnlySpan<float> delta, ReadOnlySpan<float> x, Span<float> gradient, int m, int n, int k,
        GemmEpilogue step, Span<float> weights, float scale, float decay, Span<float> biasSums, Span<float> bias,
        ReadOnlySpan<float> nextX, Span<float> z, int nextRows, GemmEpilogue forward, Span<float> nextA,
        ElementwiseUpdate<float>? update = null, int updateOffset = 0, int rowUpdateOffset = 0, Activation activation = Activation.Identity)
    {
        // Runs of whole NR-row panels of W: one column panel of z', NR / MR row panels of ∇W. One run saves no meeting.
        int units = (m + NR - 1) / NR;
        int blocks = Math.Min(units, WorkerPool.ThreadCount);
        int kBlocks = s_wide && k >= KSplitMinK && (long)KSplitMaxOutputShare * m <= n ? KSplitBlocks(n, WorkerPool.ThreadCount) : 0;
        if (m <= 0 || n <= 0 || k <= 0 || k > KcMax || nextRows <= 0 || !s_readAInPlace || (blocks < 2 && kBlocks < 2)
            || step is not (GemmEpilogue.Step or GemmEpilogue.DecayedStep or GemmEpilogue.Update) || forward is not (GemmEpilogue.Bias or GemmEpilogue.BiasRelu)
            || activation == Activation.Softmax)
        {
            return false;
        }
        // Where both splits apply, the faster on this machine so far (they give the same bits).
        SplitTimes? times = kBlocks >= 2 && blocks >= 2 && s_chooseSplitByTime ? t_splitTimes ??= new SplitTimes() : null;
        if (times is not null && !times.ByTerms(m, n, k, kBlocks))
        {
            kBlocks = 0;
        }
        Check(delta, 1, m, x, n, 1, gradient, m, n, k, step, default, weights, biasSums, bias, update);
        Check(nextX, n, 1, weights, 1, n, z, nextRows, m, n, forward, bias, nextA, default, default, null);
        if (forward == GemmEpilogue.Bias && nextA.Length < nextRows * m)
        {
            throw new ArgumentException($"nextA holds {nextA.Length} values; ({nextRows}, {m}) needs {nextRows * m}.", nameof(nextA));
        }
        fixed (float* pdelta = delta)
        fixed (float* px = x)
        fixed (float* pgradient = gradient)
        fixed (float* pweights = weights)
        fixed (float* psums = biasSums)
        fixed (float* pbias = bias)
        fixed (float* pnext = nextX)
        fixed (float* pz = z)
        fixed (float* pa = nextA)
        {
            // ∇W reads x in place up to DirectBPrefetchMaxK rows (past that each thread packs all of x for its rows of
            // W) and splits W's rows; the forward product reads x' in place and splits the columns of z' (the same rows
            // of W). Packing x past DirectBMaxK rows, as Run's plan does on Vector256, was 5-7 % slower here: the
            // Vector256 tile's two passes of 4 rows read each 16-column panel of x twice, the second time from L1
            // (Adam at batch 256, DOTNET_EnableAVX512=0: 0.227-0.246 against 0.214-0.228 s an epoch).
            GemmJob first = t_job ??= new GemmJob();
            first.Set(pdelta, 1, m, px, n, 1, pgradient, m, n, k, false, step, null, pweights, scale, decay);
            first.SetRowSums(psums, pbias);
            first.SetUpdate(update, updateOffset, rowUpdateOffset);
            first.DirectA = ColumnsOfAInPlace(first.NR, 1, k);
            first.DirectB = k <= DirectBPrefetchMaxK;
            first.SplitColumns = false;
            first.SkipsZeroTerms = first.DirectB && CanSkipZeroTerms(1, 1, n, k, false, step, activation);
            StepThenForwardJob job = t_pairJob ??= new StepThenForwardJob();
            if (kBlocks >= 2)
            {
                KSplit split = t_kSplit ??= new KSplit();
                split.Set(pnext, pweights, pz, pbias, pa, nextRows, m, n, forward, activation, kBlocks, first.NR);
                WorkerPool.WaitForBackground();
                long started = Stopwatch.GetTimestamp();
                job.Set(first, null, split, m, 0, kBlocks);
                WorkerPool.Run(job, kBlocks);
                job.Set(null, null, null, 0, 0, 0);
                split.Rebalance();
                StepsSplitByTerms++;
                split.Clear();
                first.Clear();
                times?.Record(byTerms: true, Stopwatch.GetTimestamp() - started);
                return true;
            }
            GemmJob second = t_secondJob ??= new GemmJob();
            second.Set(pnext, n, 1, pweights, 1, n, pz, nextRows, m, n, false, forward, pbias, pa, 0, 0);
            second.SetRowSums(null, null);
            second.SetUpdate(null, 0, 0);
            second.DirectA = true;
            second.DirectB = false;
            second.SplitColumns = true;
            if (first.NR != NR || second.NR != NR)
            {
                // The kernel width changed since `units` was counted (tests switch it): count again.
                units = (m + first.NR - 1) / first.NR;
                blocks = Math.Min(units, WorkerPool.ThreadCount);
            }
            if (blocks < 2)
            {
                first.Clear();
                second.Clear();
                return false;
            }
            // x' may still be being gathered by the worker threads (WorkerPool.RunInBackground): finish that first.
            WorkerPool.WaitForBackground();
            long began = Stopwatch.GetTimestamp();
            // f(z') in the job, each block over its own columns while they are in cache, where every block's run of a
            // row is at least a vector long (so the lanes take the same path as in one pass over z'); otherwise after it.
            bool activateInJob = forward == GemmEpilogue.Bias && s_activateInJob && NarrowestBlock(blocks, units, first.NR, m) >= Vector512<float>.Count;
            job.Set(first, second, null, m, units, blocks);
            job.SetActivation(activateInJob ? pz : null, pa, nextRows, activation);
            WorkerPool.Run(job, blocks);
            job.Set(null, null, null, 0, 0, 0);
            job.SetActivation(null, null, 0, Activation.Identity);
            first.Clear();
            second.Clear();
            if (forward == GemmEpilogue.Bias && !activateInJob)
            {
                ActivationFunctions.Forward<float>(activation, z[..(nextRows * m)], nextA[..(nextRows * m)], m);
            }
            times?.Record(byTerms: false, Stopwatch.GetTimestamp() - began);
        }
        return true;
    }

    /// <summary>
    /// Whether <see cref="RunStepThenForward"/> chooses between its two splits by their measured times where both
    /// apply (the default); otherwise it splits by terms wherever it can. Tests switch it off to know the path taken.
    /// Both give the same bits.
    /// </summary>
    internal static bool ChooseSplitByTime
    {
        get => s_chooseSplitByTime;
        set => s_chooseSplitByTime = value;
    }

    private static bool s_chooseSplitByTime = true;

    [ThreadStatic]
    private static SplitTimes? t_splitTimes;

    /// <summary>
    /// The paired job's two splits timed against each other, per layer shape, on the thread that runs them: which is
    /// faster depends on the machine more than on the shape. 784-128 at batch 256 split by terms was 6-9 % faster
    /// for SGD on the 2-vCPU Xeon (2 % for Adam), but on the 2-vCPU Zen 4 split by W's rows was 3 % faster for SGD and
    /// 9 % for Adam (bench/Backprop.Benchmarks step-prefetch 128 256 21 2 terms [adam], epochs alternating), and in the
    /// spells when its vCPUs sit on two dies 20 % (the split by terms hands more cache lines between the cores); with
    /// tanh hidden units, whose activation the split by terms applies while it adds up z', that split was 7 % faster
    /// for SGD on the Zen 4 too. The first calls of a shape take the splits in turns; then the one whose recent jobs
    /// took less time (median) runs, and the other runs a few calls in every Period so that its times follow the
    /// machine. Single calls of the other split, timed against a running mean, were measured cold and decided wrongly
    /// (Adam with ReLU flipped to the slower split after four epochs).
    /// </summary>
    private sealed class SplitTimes
    {
        private const int Shapes = 4;

        // Calls of a new shape that take the splits in turns, Run calls each; then every Period calls the other split
        // runs Run calls. The first call of a run is not timed: it finds the other split's data out of the caches.
        private const int Run = 4;
        private const int Turns = 4 * Run;
        private const int Period = 64;

        // The last Kept timed jobs of each split; they are compared by their medians, so a job that another process
        // or an interrupt held up does not decide.
        private const int Kept = 8;

        private readonly (int M, int N, int K, int Blocks)[] _shapes = new (int, int, int, int)[Shapes];
        private readonly long[] _calls = new long[Shapes];
        private readonly bool[] _faster = new bool[Shapes];
        private readonly long[] _ticks = new long[Shapes * 2 * Kept];
        private readonly int[] _count = new int[Shapes * 2];
        private readonly long[] _sorted = new long[Kept];
        private int _current;
        private bool _timed;

        /// <summary>Whether the next job of this shape runs split by terms (and makes it the job Record times or not).</summary>
        public bool ByTerms(int m, int n, int k, int blocks)
        {
            int slot = Array.IndexOf(_shapes, (m, n, k, blocks));
            if (slot < 0)
            {
                slot = Array.IndexOf(_calls, _calls.Min()); // the shape seen least, usually an empty slot
                _shapes[slot] = (m, n, k, blocks);
                _calls[slot] = 0;
                _count[2 * slot] = _count[2 * slot + 1] = 0;
            }
            _current = slot;
            long call = _calls[slot]++;
            _timed = call % Run != 0;
            if (call < Turns)
            {
                return call / Run % 2 == 0;
            }
            long position = (call - Turns) % Period;
            if (position == 0 || position == Run)
            {
                _faster[slot] = Median(slot, byTerms: true) <= Median(slot, byTerms: false);
            }
            return position < Run ? !_faster[slot] : _faster[slot];
        }

        /// <summary>Keeps a job's ticks among its split's last ones, unless it was the first of a run.</summary>
        public void Record(bool byTerms, long ticks)
        {
            if (!_timed)
            {
                return;
            }
            int list = 2 * _current + (byTerms ? 1 : 0);
            _ticks[list * Kept + _count[list] % Kept] = ticks;
            _count[list]++;
        }

        private long Median(int slot, bool byTerms)
        {
            int list = 2 * slot + (byTerms ? 1 : 0);
            int count = Math.Min(_count[list], Kept);
            if (count == 0)
            {
                return long.MaxValue;
            }
            Span<long> kept = _sorted.AsSpan(0, count);
            _ticks.AsSpan(list * Kept, count).CopyTo(kept);
            kept.Sort();
            return kept[count / 2];
        }
    }

    /// <summary>
    /// Whether <see cref="RunStepThenForward"/> splits the forward product by its terms where it can (the default);
    /// tests and benchmarks switch it off to compare with the split by W's rows. Both give the same bits.
    /// </summary>
    internal static bool SplitForwardByK
    {
        get => s_splitK;
        set => s_splitK = value;
    }

    private static bool s_splitK = true;

    /// <summary>
    /// Whether the paired job split by W's rows applies an element-wise activation to each block's columns of z' in
    /// the job (the default) rather than over all of z' after it; benchmarks switch it to compare. The same bits.
    /// </summary>
    internal static bool ActivateInJob
    {
        get => s_activateInJob;
        set => s_activateInJob = value;
    }

    private static bool s_activateInJob = true;

    /// <summary>How many paired jobs this thread has run split by terms (tests check that a case takes that path).</summary>
    [ThreadStatic]
    internal static long StepsSplitByTerms;

    // The shortest ∇W (a batch) for which the forward product is split by terms. `step-scaling B fashion [by-rows]`
    // (bench/Backprop.Benchmarks), the two-thread step split by terms against by W's rows: 3-7 % slower at batch 64
    // (x and x' fit both caches there, and the split adds a pass over z'), 1-2 % faster at 128, 7-10 % at 256; see
    // docs/performance.md, "The first layer's job split by terms". Those were the Xeon's figures; within these bounds
    // the job now times both splits and runs the faster (SplitTimes), since on Zen 4 the split by rows won.
    private const int KSplitMinK = 128;

    // The split by terms adds the chains' partial sums of z' (rows × m each) across threads, where the split by W's rows
    // reads all of x' (rows × n) on every thread: it pays where m is small next to n. 784-128 at batch 256: SGD epochs
    // 6-9 % faster, Adam's and momentum's 2 %; 784-512 (the first layer of 784-512-256-10): SGD 1 %, Adam 11 % slower.
    // So it runs for m ≤ n / 4, and on Vector512 only: the Vector256 kernels are bound by arithmetic at half the width,
    // and there the split left SGD's epochs at batch 256 as they were and made Adam's 5 % slower.
    private const int KSplitMaxOutputShare = 4;

    [ThreadStatic]
    private static KSplit? t_kSplit;

    // The fewest columns any of `blocks` blocks of whole `unit`-wide panels of m columns gets.
    private static int NarrowestBlock(int blocks, int units, int unit, int m)
    {
        int narrowest = m;
        for (int b = 0; b < blocks; b++)
        {
            (int start, int end) = BlockRange(b, blocks, units, unit, m);
            narrowest = Math.Min(narrowest, end - start);
        }
        return narrowest;
    }

    // The threads that split a forward product of n terms by its chains of FMAs (n ≤ KcMax: one k block, chains of
    // KbStep(n)), each taking the same number of whole chains; 0 where fewer than two threads can (one chain, or a
    // count of chains no two or more threads divide).
    private static int KSplitBlocks(int n, int threads)
    {
        if (!s_splitK || n <= 0 || n > KcMax || threads < 2)
        {
            return 0;
        }
        int length = KbStep(n);
        int chains = (n + length - 1) / length;
        for (int blocks = Math.Min(threads, chains); blocks >= 2; blocks--)
        {
            if (chains % blocks == 0)
            {
                return blocks;
            }
        }
        return 0;
    }

    /// <summary>
    /// The forward product z' = x' Wᵀ + b of <see cref="RunStepThenForward"/> split by its terms: block t sums chains
    /// [t·c, (t + 1)·c) of every element (c chains a block, terms [P_t, P_t+1)), block 0 straight into z' (as one product
    /// of its terms would, chain after chain), every other chain into a buffer of its own (rows × m, as one product of
    /// that chain's terms); then the buffers are added to z' in chain order, z' = ((z'₀ + s) + s') + …, the order in
    /// which one product adds its chains into C, and the epilogue applied (the bits of FinishTile). Block t steps W's
    /// columns [L_t, L_t+1) in whole panels of the tile width (so that every panel of x, W and ∇W is read where it is
    /// aligned), L_t the start of the panel that holds P_t: first [L_t+1, B_t+1), the panels from there that the next
    /// block's terms read, handed over when done, then its own [B_t, L_t+1), P_t ≤ B_t. A block only ever waits for one
    /// claimed before it, so running on another thread or done on this one. Rebalance moves the B_t by whole panels.
    /// </summary>
    private sealed class KSplit
    {
        private GemmJob[] _chains = [];
        private float[] _buffers = [];
        private float* _z;
        private float* _bias;
        private float* _aux;
        private int _rows;
        private int _m;
        private int _n;
        private int _chainCount;
        private int _perBlock;
        private int _chainLength;
        private int _blocks;
        private int _nr;
        private int _finished;
        private int _started;
        private int _together;
        private GemmEpilogue _epilogue;
        private Activation _activation;
        private int[] _terms = [];
        private int[] _low = [];
        private int[] _boundary = [];
        private int[] _handedOver = [];
        private long[] _stepTicks = [];
        private long[] _ticks = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Set(float* nextX, float* weights, float* z, float* bias, float* aux, int rows, int m, int n, GemmEpilogue epilogue, Activation activation, int blocks, int nr)
        {
            _activation = activation;
            _z = z;
            _bias = bias;
            _aux = aux;
            bool sameColumns = n == _n && blocks == _blocks && nr == _nr;
            (_rows, _m, _n, _epilogue, _blocks, _nr) = (rows, m, n, epilogue, blocks, nr);
            _chainLength = KbStep(n);
            _chainCount = (n + _chainLength - 1) / _chainLength;
            _perBlock = _chainCount / blocks;
            _finished = 0;
            _started = 0;
            _together = -1;
            if (!sameColumns || _boundary.Length != blocks + 1)
            {
                _terms = new int[blocks + 1];
                _low = new int[blocks + 1];
                _boundary = new int[blocks + 1];
                _handedOver = new int[blocks];
                _stepTicks = new long[blocks];
                _ticks = new long[blocks];
                for (int t = 0; t <= blocks; t++)
                {
                    _terms[t] = Math.Min(n, t * _perBlock * _chainLength);
                    _low[t] = t == blocks ? n : _terms[t] / nr * nr;
                    _boundary[t] = t == 0 || t == blocks ? _low[t] : Math.Min(n, (_terms[t] + nr - 1) / nr * nr);
                }
            }
            Array.Clear(_handedOver);
            if (_chains.Length < _chainCount)
            {
                Array.Resize(ref _chains, _chainCount);
            }
            long buffered = (long)(_chainCount - _perBlock) * rows * m;
            if (_buffers.Length < buffered)
            {
                _buffers = GC.AllocateUninitializedArray<float>(checked((int)buffered), pinned: true);
            }
            float* buffers = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffers));
            // Block 0's chains as one product of their terms; each later chain as a product of its own.
            for (int q = 0, job = 0; q < _chainCount; job++)
            {
                int p0 = q * _chainLength;
                int chains = q == 0 ? _perBlock : 1;
                int p1 = Math.Min(n, (q + chains) * _chainLength);
                float* c = q == 0 ? z : buffers + (long)(q - _perBlock) * rows * m;
                GemmJob product = _chains[job] ??= new GemmJob();
                product.Set(nextX + p0, n, 1, weights + p0, 1, n, c, rows, m, p1 - p0, false, GemmEpilogue.None, null, null, 0, 0);
                product.SetRowSums(null, null);
                product.SetUpdate(null, 0, 0);
                product.DirectA = true;
                product.DirectB = false;
                product.SplitColumns = false;
                product.Blocks = 1;
                q += chains;
            }
        }

        public void Clear()
        {
            int jobs = _chainCount - _perBlock + 1;
            for (int j = 0; j < jobs; j++)
            {
                _chains[j].Clear();
            }
            _z = _bias = _aux = null;
        }

        /// <summary>Counts block t as started (by this thread): called first thing in the block.</summary>
        public void Start() => Interlocked.Increment(ref _started);

        /// <summary>
        /// Block t's step of W: first the columns [L_t+1, B_t+1) the next block reads, handed over when done, then its
        /// own [B_t, L_t+1); block 0 then sums δ's rows for ∇b (and steps b).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Step(GemmJob first, int block)
        {
            int own = _boundary[block], low = _low[block + 1], handed = _boundary[block + 1];
            bool packed = false;
            if (block < _blocks - 1 && handed > low)
            {
                first.RunColumns(low, handed, false);
                packed = true;
            }
            Volatile.Write(ref _handedOver[block], 1);
            first.RunColumns(own, low, packed);
            if (block == 0)
            {
                first.SumAllRows();
            }
        }

        /// <summary>How long block t took: its step, and its step and chains (waits and the adding up not counted).</summary>
        public void Record(int block, long stepTicks, long ticks)
        {
            _stepTicks[block] = stepTicks;
            _ticks[block] = ticks;
        }

        /// <summary>
        /// Moves each boundary B_t between two blocks' columns of W by one panel towards the block that finished first,
        /// within [P_t, L_t+1], where the two differ by more than a panel's step takes (moving it changes the difference
        /// by twice that). The forward product's share is fixed by whole chains and the threads' caches differ (the
        /// worker threads gathered all of x' in the background), so the step's columns even out the blocks. No value
        /// depends on the boundaries.
        /// </summary>
        public void Rebalance()
        {
            for (int t = 1; t < _blocks; t++)
            {
                int leftPanels = (_boundary[t] - _boundary[t - 1]) / _nr;
                if (leftPanels == 0 || _ticks[t - 1] == 0 || _ticks[t] == 0)
                {
                    continue;
                }
                long panel = _stepTicks[t - 1] / leftPanels;
                long difference = _ticks[t] - _ticks[t - 1];
                if (difference > panel && _boundary[t] + _nr <= _low[t + 1])
                {
                    _boundary[t] += _nr;
                }
                else if (-difference > panel && _boundary[t] - _nr >= _terms[t])
                {
                    _boundary[t] -= _nr;
                }
            }
            Array.Clear(_ticks);
        }

        /// <summary>
        /// Block t's chains of the forward product, once the columns of W its terms read that block t − 1 steps are
        /// handed over. Block 0 then decides who adds the buffers to z': where every block had started by then (each
        /// on a thread of its own), every block adds up a share of the rows; otherwise the last block adds them all.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Forward(int block)
        {
            if (block == 0)
            {
                _chains[0].Execute(0);
                Volatile.Write(ref _together, Volatile.Read(ref _started) == _blocks ? 1 : 0);
            }
            else
            {
                if (_boundary[block] > _low[block])
                {
                    var spin = new SpinWait();
                    while (Volatile.Read(ref _handedOver[block - 1]) == 0)
                    {
                        spin.SpinOnce(sleep1Threshold: -1);
                    }
                }
                int first = 1 + (block - 1) * _perBlock;
                for (int j = first; j < first + _perBlock; j++)
                {
                    _chains[j].Execute(0);
                }
            }
            Interlocked.Increment(ref _finished);
        }

        /// <summary>Adds this block's share of the buffers to z' (see Forward), waiting for the other blocks' chains first.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddUp(int block)
        {
            var spin = new SpinWait();
            while (Volatile.Read(ref _together) < 0)
            {
                spin.SpinOnce(sleep1Threshold: -1); // block 0, running on another thread, has not decided yet
            }
            bool together = _together == 1;
            if (!together && block < _blocks - 1)
            {
                return;
            }
            while (Volatile.Read(ref _finished) != _blocks)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
            const int Rows = 8;
            int units = (_rows + Rows - 1) / Rows;
            (int r0, int r1) = together ? BlockRange(block, _blocks, units, Rows, _rows) : (0, _rows);
            Finish(r0, r1);
        }

        // z' += each buffer in chain order for rows [r0, r1), then the epilogue (after Bias, a' = f(z') too), a few rows
        // at a time while they are in L1.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Finish(int r0, int r1)
        {
            int m = _m;
            int buffers = _chainCount - _perBlock;
            float* first = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_buffers));
            long stride = (long)_rows * m;
            const int Rows = 8;
            for (int r = r0; r < r1; r += Rows)
            {
                int rows = Math.Min(Rows, r1 - r);
                float* z = _z + (long)r * m;
                int count = rows * m;
                for (int q = 0; q < buffers; q++)
                {
                    Add(z, first + q * stride + (long)r * m, count);
                }
                ApplyEpilogue(_epilogue, z, m, _bias, _aux + (long)r * m, rows, m, 0, 0);
                if (_epilogue == GemmEpilogue.Bias)
                {
                    ActivationFunctions.Forward<float>(_activation, new ReadOnlySpan<float>(z, count), new Span<float>(_aux + (long)r * m, count), m);
                }
            }
        }

        // z[i] += s[i] for count values.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Add(float* z, float* s, int count)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i + 16 <= count; i += 16)
                {
                    Vector512.Store(Vector512.Load(z + i) + Vector512.Load(s + i), z + i);
                }
            }
            for (; i + 8 <= count; i += 8)
            {
                Vector256.Store(Vector256.Load(z + i) + Vector256.Load(s + i), z + i);
            }
            for (; i < count; i++)
            {
                z[i] += s[i];
            }
        }
    }

    /// <summary>
    /// The blocks of <see cref="RunStepThenForward"/>: a run of whole NR-row panels of W each, first stepped by the
    /// first product, then used for the same columns of the second; or, split by terms (<see cref="KSplit"/>), a run of
    /// W's columns each, stepped, then the same terms of every element of z'.
    /// </summary>
    private sealed class StepThenForwardJob : IBlockJob
    {
        private GemmJob? _first;
        private GemmJob? _second;
        private KSplit? _split;
        private int _rows;
        private int _units;
        private int _blocks;
        private float* _z;
        private float* _a;
        private int _nextRows;
        private Activation _activation;

        public void Set(GemmJob? first, GemmJob? second, KSplit? split, int rows, int units, int blocks)
            => (_first, _second, _split, _rows, _units, _blocks) = (first, second, split, rows, units, blocks);

        // Split by W's rows with the Bias epilogue: each block applies a' = f(z') to its own columns of z' as soon as
        // they are summed (null z: not in the job).
        public void SetActivation(float* z, float* a, int nextRows, Activation activation)
        {
            _z = z;
            _a = a;
            _nextRows = nextRows;
            _activation = activation;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int block)
        {
            if (_split is { } split)
            {
                long start = Stopwatch.GetTimestamp();
                split.Start();
                split.Step(_first!, block);
                long stepped = Stopwatch.GetTimestamp();
                split.Forward(block);
                long end = Stopwatch.GetTimestamp();
                split.Record(block, stepped - start, end - start);
                split.AddUp(block);
                return;
            }
            (int r0, int r1) = BlockRange(block, _blocks, _units, _first!.NR, _rows);
            _first.RunRows(r0, r1);
            _second!.RunColumns(r0, r1);
            if (_z is not null)
            {
                ActivationFunctions.ForwardColumns(_activation, _z, _a, _nextRows, _rows, r0, r1 - r0);
            }
        }
    }
}
