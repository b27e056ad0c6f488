namespace Pipelines.Learning.Trees;

/// <summary>
/// Grows one regression tree leaf-wise on gradient histograms (LightGBM's serial tree learner): always split
/// the leaf with the largest gain; build the histogram of the smaller child and get the larger one by
/// subtracting it from the parent's. Histograms are built in passes over a few features at a time, the passes
/// in parallel, each feature's bins summed by one thread in row order, so the tree does not depend on the
/// thread count. Buffers are reused across trees.
/// </summary>
internal sealed class TreeGrower
{
    private const int GatherBlock = 16_384;
    private const int PartitionBlockRows = 16_384;
    private const int PartitionBlocks = 16;
    private static readonly int[] PassWidths = [4, 2, 1];
    // Below this many rows a leaf's histogram is built on the calling thread: handing work to the pool costs
    // more than it saves.
    private const int ParallelRows = 4096;

    private readonly BinnedDataset _data;
    private readonly GbdtParameters _parameters;
    private readonly ParallelOptions _parallel;
    private readonly int _maxLeaves;
    private readonly int _threads;

    private readonly int[] _indices;
    private readonly int[] _scratch;
    private readonly int[] _rightScratch;
    private readonly int[] _blockLeft = new int[PartitionBlocks];
    private readonly double[] _ordered;
    private readonly List<double[]> _histograms = new();
    private readonly List<int[]> _histogramCounts = new();
    private int _usedHistograms;

    private readonly int[] _leafBegin;
    private readonly int[] _leafRows;
    private readonly int[] _leafDepth;
    private readonly int[] _leafParent;
    private readonly int[] _leafHistogram;
    private readonly double[] _leafGradient;
    private readonly double[] _leafHessian;
    private readonly SplitCandidate[] _leafBest;
    private readonly SplitCandidate[] _featureBest;
    private readonly SplitCandidate[] _derivedBest;

    private readonly int[] _splitFeature;
    private readonly double[] _splitGain;
    private readonly int[] _thresholdBin;
    private readonly bool[] _defaultLeft;
    private readonly int[] _leftChild;
    private readonly int[] _rightChild;
    private readonly double[] _internalValue;
    private readonly double[] _internalWeight;
    private readonly int[] _internalCount;

    private int[] _activeFeatures = Array.Empty<int>();
    private readonly int[] _passStart;
    private readonly int[] _passWidth;
    private int _passCount;
    private double[] _gradientPairs = Array.Empty<double>();
    private bool _allRows;
    private bool _rowsInOrder;
    private int[]? _allRowCounts;
    private double[] _histogramGradients = Array.Empty<double>();
    private int _histogramGradientStart;
    private int _offset;
    private int _leaves;

    public TreeGrower(BinnedDataset data, GbdtParameters parameters, ParallelOptions parallel)
    {
        _data = data;
        _parameters = parameters;
        _parallel = parallel;
        _maxLeaves = parameters.NumLeaves;
        _threads = parallel.MaxDegreeOfParallelism > 0 ? parallel.MaxDegreeOfParallelism : Environment.ProcessorCount;
        int rows = data.RowCount;
        _indices = new int[rows];
        _scratch = new int[rows];
        _rightScratch = new int[rows];
        _ordered = new double[2 * rows];
        _leafBegin = new int[_maxLeaves];
        _leafRows = new int[_maxLeaves];
        _leafDepth = new int[_maxLeaves];
        _leafParent = new int[_maxLeaves];
        _leafHistogram = new int[_maxLeaves];
        _leafGradient = new double[_maxLeaves];
        _leafHessian = new double[_maxLeaves];
        _leafBest = new SplitCandidate[_maxLeaves];
        _featureBest = new SplitCandidate[data.FeatureCount];
        _derivedBest = new SplitCandidate[data.FeatureCount];
        _passStart = new int[data.FeatureCount];
        _passWidth = new int[data.FeatureCount];
        _splitFeature = new int[_maxLeaves - 1];
        _splitGain = new double[_maxLeaves - 1];
        _thresholdBin = new int[_maxLeaves - 1];
        _defaultLeft = new bool[_maxLeaves - 1];
        _leftChild = new int[_maxLeaves - 1];
        _rightChild = new int[_maxLeaves - 1];
        _internalValue = new double[_maxLeaves - 1];
        _internalWeight = new double[_maxLeaves - 1];
        _internalCount = new int[_maxLeaves - 1];
    }

    /// <summary>Leaves of the last grown tree.</summary>
    public int LeafCount => _leaves;

    /// <summary>
    /// Grows a tree on the gradient at gradientPairs[2 * (offset + row)] and the hessian after it, for the rows
    /// in <paramref name="rows"/> (ascending; all rows when null), splitting only on <paramref name="features"/>.
    /// Leaf values are scaled by the learning rate.
    /// </summary>
    public DecisionTree Grow(double[] gradientPairs, int offset, int[]? rows, int rowCount, int[] features)
    {
        _gradientPairs = gradientPairs;
        _allRows = rows is null;
        _offset = offset;
        _activeFeatures = features;
        PlanPasses();
        _usedHistograms = 0;

        if (rows is null)
        {
            for (int i = 0; i < rowCount; i++) _indices[i] = i;
        }
        else
        {
            Array.Copy(rows, _indices, rowCount);
        }
        _leaves = 1;
        _leafBegin[0] = 0;
        _leafRows[0] = rowCount;
        _leafDepth[0] = 0;
        _leafParent[0] = -1;
        double sumGradient = 0;
        double sumHessian = 0;
        for (int i = 0; i < rowCount; i++)
        {
            int row = _indices[i];
            sumGradient += gradientPairs[2 * (offset + row)];
            sumHessian += gradientPairs[2 * (offset + row) + 1];
        }
        _leafGradient[0] = sumGradient;
        _leafHessian[0] = sumHessian;
        _leafHistogram[0] = -1;
        _leafBest[0] = SplitCandidate.None;
        if (CanSplit(0))
        {
            _leafHistogram[0] = AcquireHistogram();
            BuildHistograms(0, scanBuilt: true, derived: -1, root: true);
        }

        while (_leaves < _maxLeaves)
        {
            int best = -1;
            for (int leaf = 0; leaf < _leaves; leaf++)
            {
                if (_leafBest[leaf].IsValid && (best < 0 || _leafBest[leaf].Gain > _leafBest[best].Gain)) best = leaf;
            }
            if (best < 0) break;
            Split(best);
        }
        return BuildTree();
    }

    /// <summary>Adds each grown row's leaf value to scores[offset + row].</summary>
    public void AddLeafValues(DecisionTree tree, double[] scores, int offset)
    {
        Parallel.For(0, _leaves, _parallel, leaf =>
        {
            double value = tree.LeafValue[leaf];
            int end = _leafBegin[leaf] + _leafRows[leaf];
            for (int i = _leafBegin[leaf]; i < end; i++) scores[offset + _indices[i]] += value;
        });
    }

    /// <summary>The leaf of the last grown tree that a training row falls in, read from its bins.</summary>
    public int LeafOfRow(int row)
    {
        if (_leaves == 1) return 0;
        int node = 0;
        while (node >= 0)
        {
            int feature = _splitFeature[node];
            var mapper = _data.Mappers[feature];
            int bin = _data.Bins[feature][row];
            bool left = mapper.HasNaNBin && bin == mapper.NaNBin ? _defaultLeft[node] : bin <= _thresholdBin[node];
            node = left ? _leftChild[node] : _rightChild[node];
        }
        return ~node;
    }

    private bool CanSplit(int leaf) =>
        _leafRows[leaf] >= 2 * _parameters.MinDataInLeaf
        && _leafHessian[leaf] >= 2 * _parameters.MinSumHessianInLeaf
        && (_parameters.MaxDepth <= 0 || _leafDepth[leaf] < _parameters.MaxDepth);

    private void Split(int leaf)
    {
        var split = _leafBest[leaf];
        int node = _leaves - 1;
        int newLeaf = _leaves;
        var mapper = _data.Mappers[split.Feature];
        double rate = _parameters.LearningRate;

        _splitFeature[node] = split.Feature;
        _splitGain[node] = split.Gain;
        _thresholdBin[node] = split.ThresholdBin;
        _defaultLeft[node] = split.DefaultLeft;
        _internalValue[node] = LeafOutput(_leafGradient[leaf], _leafHessian[leaf]) * rate;
        _internalWeight[node] = _leafHessian[leaf];
        _internalCount[node] = _leafRows[leaf];
        int parent = _leafParent[leaf];
        if (parent >= 0)
        {
            if (_leftChild[parent] == ~leaf) _leftChild[parent] = node;
            else _rightChild[parent] = node;
        }
        _leftChild[node] = ~leaf;
        _rightChild[node] = ~newLeaf;
        _leafParent[leaf] = node;
        _leafParent[newLeaf] = node;

        int leftCount = Partition(_leafBegin[leaf], _leafRows[leaf], split.Feature, split.ThresholdBin, split.DefaultLeft, mapper);
        if (leftCount != split.LeftCount)
            throw new InvalidOperationException($"Partition put {leftCount} rows left but the histogram counted {split.LeftCount}.");
        _leafBegin[newLeaf] = _leafBegin[leaf] + leftCount;
        _leafRows[newLeaf] = split.RightCount;
        _leafRows[leaf] = leftCount;
        _leafDepth[leaf]++;
        _leafDepth[newLeaf] = _leafDepth[leaf];
        _leafGradient[leaf] = split.LeftGradient;
        _leafHessian[leaf] = split.LeftHessian;
        _leafGradient[newLeaf] = split.RightGradient;
        _leafHessian[newLeaf] = split.RightHessian;
        _leaves++;

        int parentHistogram = _leafHistogram[leaf];
        int smaller = leftCount <= split.RightCount ? leaf : newLeaf;
        int larger = smaller == leaf ? newLeaf : leaf;
        bool splitSmaller = CanSplit(smaller);
        bool splitLarger = CanSplit(larger);
        _leafHistogram[leaf] = -1;
        _leafHistogram[newLeaf] = -1;
        _leafBest[smaller] = SplitCandidate.None;
        _leafBest[larger] = SplitCandidate.None;
        if (splitSmaller || splitLarger)
        {
            _leafHistogram[smaller] = AcquireHistogram();
            if (splitLarger) _leafHistogram[larger] = parentHistogram;
            BuildHistograms(smaller, splitSmaller, splitLarger ? larger : -1, root: false);
        }
    }

    // Stable partition of a leaf's rows: left rows stay in front in order, right rows follow in order. Large
    // leaves are cut into blocks partitioned in parallel into the scratch buffer, then copied to their final
    // places; the result is the same as a sequential pass.
    private int Partition(int begin, int count, int feature, int thresholdBin, bool defaultLeft, FeatureBinMapper mapper)
    {
        byte[] bins = _data.Bins[feature];
        int nanBin = mapper.HasNaNBin ? mapper.NaNBin : -1;
        int blocks = Math.Min(PartitionBlocks, (count + PartitionBlockRows - 1) / PartitionBlockRows);
        if (blocks <= 1)
        {
            int left = PartitionBlock(bins, begin, count, thresholdBin, defaultLeft, nanBin, begin, 0);
            Array.Copy(_scratch, 0, _indices, begin + left, count - left);
            return left;
        }

        int perBlock = (count + blocks - 1) / blocks;
        Parallel.For(0, blocks, _parallel, b =>
        {
            int start = b * perBlock;
            int rows = Math.Min(count, start + perBlock) - start;
            // Left rows of the block go to its slice of the scratch buffer, right rows to its slice of the other one.
            _blockLeft[b] = PartitionBlock(bins, begin + start, rows, thresholdBin, defaultLeft, nanBin, -1, start);
        });
        int totalLeft = 0;
        for (int b = 0; b < blocks; b++) totalLeft += _blockLeft[b];
        Parallel.For(0, blocks, _parallel, b =>
        {
            int start = b * perBlock;
            int rows = Math.Min(count, start + perBlock) - start;
            int leftBefore = 0;
            int rightBefore = 0;
            for (int other = 0; other < b; other++)
            {
                int otherRows = Math.Min(count, (other + 1) * perBlock) - other * perBlock;
                leftBefore += _blockLeft[other];
                rightBefore += otherRows - _blockLeft[other];
            }
            int left = _blockLeft[b];
            Array.Copy(_scratch, start, _indices, begin + leftBefore, left);
            Array.Copy(_rightScratch, start, _indices, begin + totalLeft + rightBefore, rows - left);
        });
        return totalLeft;
    }

    // Partitions _indices[begin..begin+count). With leftTarget >= 0, left rows are written back to _indices from
    // leftTarget and right rows to _scratch from scratchStart; otherwise left rows go to _scratch and right rows
    // to _rightScratch, both from scratchStart. Returns the number of left rows.
    private int PartitionBlock(byte[] bins, int begin, int count, int thresholdBin, bool defaultLeft, int nanBin, int leftTarget, int scratchStart)
    {
        int left = 0;
        int right = 0;
        int end = begin + count;
        if (leftTarget >= 0)
        {
            for (int i = begin; i < end; i++)
            {
                int row = _indices[i];
                int bin = bins[row];
                if (bin == nanBin ? defaultLeft : bin <= thresholdBin) _indices[leftTarget + left++] = row;
                else _scratch[scratchStart + right++] = row;
            }
            return left;
        }
        for (int i = begin; i < end; i++)
        {
            int row = _indices[i];
            int bin = bins[row];
            if (bin == nanBin ? defaultLeft : bin <= thresholdBin) _scratch[scratchStart + left++] = row;
            else _rightScratch[scratchStart + right++] = row;
        }
        return left;
    }

    private int AcquireHistogram()
    {
        if (_usedHistograms == _histograms.Count)
        {
            int bins = _data.BinOffsets[^1];
            _histograms.Add(new double[2 * bins]);
            _histogramCounts.Add(new int[bins]);
        }
        return _usedHistograms++;
    }

    // Builds the histogram of leaf 'built' and, when 'derived' is a leaf, turns the parent's histogram held in
    // its slot into its own by subtracting the built one; then finds the best split of each leaf asked for. Each
    // pass of features does all of that for its features as one task, so a split costs one round of handing
    // work to the threads rather than one per phase.
    private void BuildHistograms(int built, bool scanBuilt, int derived, bool root)
    {
        int begin = _leafBegin[built];
        int count = _leafRows[built];
        // The root of an unbagged tree holds every row in order: its gradient pairs are already laid out as the
        // histogram passes read them. Other leaves gather theirs into leaf order first.
        bool inOrder = root && _allRows;
        _rowsInOrder = inOrder;
        if (inOrder) _allRowCounts ??= CountAllRows();
        _histogramGradients = inOrder ? _gradientPairs : _ordered;
        _histogramGradientStart = inOrder ? 2 * _offset : 0;
        if (count < ParallelRows)
        {
            if (!inOrder) GatherGradients(begin, 0, count);
            for (int pass = 0; pass < _passCount; pass++) HistogramPass(built, scanBuilt, derived, pass);
        }
        else
        {
            if (!inOrder)
            {
                int blocks = (count + GatherBlock - 1) / GatherBlock;
                Parallel.For(0, blocks, _parallel, b => GatherGradients(begin, b * GatherBlock, Math.Min(count, (b + 1) * GatherBlock)));
            }
            Parallel.For(0, _passCount, _parallel, pass => HistogramPass(built, scanBuilt, derived, pass));
        }
        if (scanBuilt) _leafBest[built] = BestOf(_featureBest);
        if (derived >= 0) _leafBest[derived] = BestOf(_derivedBest);
    }

    private void HistogramPass(int built, bool scanBuilt, int derived, int pass)
    {
        int slot = _leafHistogram[built];
        AccumulatePass(_leafBegin[built], _leafRows[built], pass, _histograms[slot], _histogramCounts[slot]);
        int first = _passStart[pass];
        int end = first + _passWidth[pass];
        if (derived >= 0) Subtract(_leafHistogram[derived], slot, first, end);
        for (int a = first; a < end; a++)
        {
            int feature = _activeFeatures[a];
            if (scanBuilt) _featureBest[a] = ScanFeature(feature, slot, _leafGradient[built], _leafHessian[built], _leafRows[built]);
            if (derived >= 0)
                _derivedBest[a] = ScanFeature(feature, _leafHistogram[derived], _leafGradient[derived], _leafHessian[derived], _leafRows[derived]);
        }
    }

    // Rows per bin of every feature over all rows.
    private int[] CountAllRows()
    {
        var counts = new int[_data.BinOffsets[^1]];
        Parallel.For(0, _data.FeatureCount, _parallel, feature =>
        {
            int first = _data.BinOffsets[feature];
            foreach (byte bin in _data.Bins[feature]) counts[first + bin]++;
        });
        return counts;
    }

    // The first best in feature order, as a sequential scan would find it.
    private SplitCandidate BestOf(SplitCandidate[] perFeature)
    {
        var best = SplitCandidate.None;
        for (int a = 0; a < _activeFeatures.Length; a++)
        {
            if (perFeature[a].IsValid && perFeature[a].Gain > best.Gain) best = perFeature[a];
        }
        return best;
    }

    // Cuts the active features into one contiguous part per thread and each part into passes of four features,
    // then two, then one, so that the threads get equal work and most passes cover four features.
    private void PlanPasses()
    {
        int active = _activeFeatures.Length;
        int parts = Math.Min(_threads, active);
        _passCount = 0;
        for (int part = 0; part < parts; part++)
        {
            int next = part * active / parts;
            int end = (part + 1) * active / parts;
            foreach (int width in PassWidths)
            {
                while (end - next >= width)
                {
                    _passStart[_passCount] = next;
                    _passWidth[_passCount++] = width;
                    next += width;
                }
            }
        }
    }

    // Gradients in leaf order, so the histogram passes read them sequentially.
    private void GatherGradients(int begin, int start, int end)
    {
        double[] pairs = _gradientPairs;
        int offset = _offset;
        for (int i = start; i < end; i++)
        {
            int at = 2 * (offset + _indices[begin + i]);
            _ordered[2 * i] = pairs[at];
            _ordered[2 * i + 1] = pairs[at + 1];
        }
    }

    private void AccumulatePass(int begin, int count, int pass, double[] histogram, int[] counts)
    {
        int first = _passStart[pass];
        int width = _passWidth[pass];
        for (int a = first; a < first + width; a++)
        {
            int feature = _activeFeatures[a];
            int start = _data.BinOffsets[feature];
            int binCount = _data.Mappers[feature].BinCount;
            histogram.AsSpan(2 * start, 2 * binCount).Clear();
            if (_rowsInOrder) _allRowCounts.AsSpan(start, binCount).CopyTo(counts.AsSpan(start, binCount));
            else counts.AsSpan(start, binCount).Clear();
        }
        if (count == 0) return;
        // Every row's bins are fixed, so the per-bin row counts over all rows are counted once, not per tree.
        if (_rowsInOrder) AccumulateWidth<SkipRowCount>(begin, count, first, width, histogram, counts);
        else AccumulateWidth<CountRows>(begin, count, first, width, histogram, counts);
    }

    private void AccumulateWidth<TCounter>(int begin, int count, int first, int width, double[] histogram, int[] counts)
        where TCounter : struct, IBinRowCounter
    {
        if (width == 4) AccumulateFour<TCounter>(begin, count, first, histogram, counts);
        else if (width == 2) AccumulateTwo<TCounter>(begin, count, first, histogram, counts);
        else AccumulateOne<TCounter>(begin, count, first, histogram, counts);
    }

    // The hottest loops of training: one pass over a leaf's rows adds each row to the bins of one, two or four
    // features. Several features per pass share the loads of the row index and its gradients and give the CPU
    // independent additions to overlap, while each feature's histogram still fits in the L1 cache; every bin is
    // summed in row order whatever the grouping, so the tree does not depend on it. Pointers avoid bounds
    // checks; every index is in range by construction (bins < BinCount, rows < RowCount, i < count).
    private unsafe void AccumulateOne<TCounter>(int begin, int count, int active, double[] histogram, int[] counts)
        where TCounter : struct, IBinRowCounter
    {
        int f0 = _activeFeatures[active];
        fixed (byte* c0 = _data.Bins[f0])
        fixed (int* indices = &_indices[begin])
        fixed (double* ordered = &_histogramGradients[_histogramGradientStart])
        fixed (double* sums = histogram)
        fixed (int* rowsIn = counts)
        {
            double* s0 = sums + 2 * _data.BinOffsets[f0];
            int* n0 = rowsIn + _data.BinOffsets[f0];
            for (int i = 0; i < count; i++)
            {
                int row = indices[i];
                double gradient = ordered[2 * i];
                double hessian = ordered[2 * i + 1];
                int b0 = c0[row];
                s0[2 * b0] += gradient;
                s0[2 * b0 + 1] += hessian;
                TCounter.Add(n0, b0);
            }
        }
    }

    private unsafe void AccumulateTwo<TCounter>(int begin, int count, int active, double[] histogram, int[] counts)
        where TCounter : struct, IBinRowCounter
    {
        int f0 = _activeFeatures[active];
        int f1 = _activeFeatures[active + 1];
        fixed (byte* c0 = _data.Bins[f0])
        fixed (byte* c1 = _data.Bins[f1])
        fixed (int* indices = &_indices[begin])
        fixed (double* ordered = &_histogramGradients[_histogramGradientStart])
        fixed (double* sums = histogram)
        fixed (int* rowsIn = counts)
        {
            double* s0 = sums + 2 * _data.BinOffsets[f0];
            double* s1 = sums + 2 * _data.BinOffsets[f1];
            int* n0 = rowsIn + _data.BinOffsets[f0];
            int* n1 = rowsIn + _data.BinOffsets[f1];
            for (int i = 0; i < count; i++)
            {
                int row = indices[i];
                double gradient = ordered[2 * i];
                double hessian = ordered[2 * i + 1];
                int b0 = c0[row];
                int b1 = c1[row];
                s0[2 * b0] += gradient;
                s0[2 * b0 + 1] += hessian;
                TCounter.Add(n0, b0);
                s1[2 * b1] += gradient;
                s1[2 * b1 + 1] += hessian;
                TCounter.Add(n1, b1);
            }
        }
    }

    private unsafe void AccumulateFour<TCounter>(int begin, int count, int active, double[] histogram, int[] counts)
        where TCounter : struct, IBinRowCounter
    {
        int f0 = _activeFeatures[active];
        int f1 = _activeFeatures[active + 1];
        int f2 = _activeFeatures[active + 2];
        int f3 = _activeFeatures[active + 3];
        fixed (byte* c0 = _data.Bins[f0])
        fixed (byte* c1 = _data.Bins[f1])
        fixed (byte* c2 = _data.Bins[f2])
        fixed (byte* c3 = _data.Bins[f3])
        fixed (int* indices = &_indices[begin])
        fixed (double* ordered = &_histogramGradients[_histogramGradientStart])
        fixed (double* sums = histogram)
        fixed (int* rowsIn = counts)
        {
            double* s0 = sums + 2 * _data.BinOffsets[f0];
            double* s1 = sums + 2 * _data.BinOffsets[f1];
            double* s2 = sums + 2 * _data.BinOffsets[f2];
            double* s3 = sums + 2 * _data.BinOffsets[f3];
            int* n0 = rowsIn + _data.BinOffsets[f0];
            int* n1 = rowsIn + _data.BinOffsets[f1];
            int* n2 = rowsIn + _data.BinOffsets[f2];
            int* n3 = rowsIn + _data.BinOffsets[f3];
            for (int i = 0; i < count; i++)
            {
                int row = indices[i];
                double gradient = ordered[2 * i];
                double hessian = ordered[2 * i + 1];
                int b0 = c0[row];
                int b1 = c1[row];
                int b2 = c2[row];
                int b3 = c3[row];
                s0[2 * b0] += gradient;
                s0[2 * b0 + 1] += hessian;
                TCounter.Add(n0, b0);
                s1[2 * b1] += gradient;
                s1[2 * b1 + 1] += hessian;
                TCounter.Add(n1, b1);
                s2[2 * b2] += gradient;
                s2[2 * b2 + 1] += hessian;
                TCounter.Add(n2, b2);
                s3[2 * b3] += gradient;
                s3[2 * b3 + 1] += hessian;
                TCounter.Add(n3, b3);
            }
        }
    }

    // Parent minus child over the bins of active features [firstActive, endActive), in the parent's slot.
    private void Subtract(int parentSlot, int childSlot, int firstActive, int endActive)
    {
        double[] parent = _histograms[parentSlot];
        double[] child = _histograms[childSlot];
        int[] parentCounts = _histogramCounts[parentSlot];
        int[] childCounts = _histogramCounts[childSlot];
        for (int a = firstActive; a < endActive; a++)
        {
            int feature = _activeFeatures[a];
            int first = _data.BinOffsets[feature];
            int last = _data.BinOffsets[feature + 1];
            for (int bin = first; bin < last; bin++)
            {
                parent[2 * bin] -= child[2 * bin];
                parent[2 * bin + 1] -= child[2 * bin + 1];
                parentCounts[bin] -= childCounts[bin];
            }
        }
    }

    private SplitCandidate ScanFeature(int feature, int slot, double sumGradient, double sumHessian, int rows)
    {
        var mapper = _data.Mappers[feature];
        int first = _data.BinOffsets[feature];
        var sums = _histograms[slot].AsSpan(2 * first, 2 * mapper.BinCount);
        var counts = _histogramCounts[slot].AsSpan(first, mapper.BinCount);
        double parentGain = LeafGain(sumGradient, sumHessian);
        var best = SplitCandidate.None;
        int valueBins = mapper.ValueBinCount;

        // Missing values (if any) on the right; a feature without missing values keeps LightGBM's default_left.
        double leftGradient = 0;
        double leftHessian = 0;
        int leftCount = 0;
        for (int t = 0; t < valueBins - 1; t++)
        {
            leftGradient += sums[2 * t];
            leftHessian += sums[2 * t + 1];
            leftCount += counts[t];
            if (rows - leftCount < _parameters.MinDataInLeaf) break;
            Consider(ref best, feature, t, !mapper.HasNaNBin, parentGain, leftGradient, leftHessian, leftCount, sumGradient, sumHessian, rows);
        }

        // Missing values on the left, when this leaf has any.
        if (mapper.HasNaNBin && counts[mapper.NaNBin] > 0)
        {
            leftGradient = sums[2 * mapper.NaNBin];
            leftHessian = sums[2 * mapper.NaNBin + 1];
            leftCount = counts[mapper.NaNBin];
            for (int t = 0; t < valueBins - 1; t++)
            {
                leftGradient += sums[2 * t];
                leftHessian += sums[2 * t + 1];
                leftCount += counts[t];
                if (rows - leftCount < _parameters.MinDataInLeaf) break;
                Consider(ref best, feature, t, true, parentGain, leftGradient, leftHessian, leftCount, sumGradient, sumHessian, rows);
            }
        }
        return best;
    }

    private void Consider(ref SplitCandidate best, int feature, int thresholdBin, bool defaultLeft, double parentGain,
        double leftGradient, double leftHessian, int leftCount, double sumGradient, double sumHessian, int rows)
    {
        int rightCount = rows - leftCount;
        double rightGradient = sumGradient - leftGradient;
        double rightHessian = sumHessian - leftHessian;
        if (leftCount < _parameters.MinDataInLeaf || rightCount < _parameters.MinDataInLeaf) return;
        if (leftHessian < _parameters.MinSumHessianInLeaf || rightHessian < _parameters.MinSumHessianInLeaf) return;
        double leftGain = LeafGain(leftGradient, leftHessian);
        double rightGain = LeafGain(rightGradient, rightHessian);
        double gain = leftGain + rightGain - parentGain;
        // The relative floor keeps rounding noise (e.g. a constant target's near-zero gradients) from splitting.
        if (gain <= _parameters.MinGainToSplit || gain <= 1e-10 * (leftGain + rightGain) || gain <= best.Gain) return;
        best = new SplitCandidate
        {
            Feature = feature,
            ThresholdBin = thresholdBin,
            DefaultLeft = defaultLeft,
            Gain = gain,
            LeftGradient = leftGradient,
            LeftHessian = leftHessian,
            LeftCount = leftCount,
            RightGradient = rightGradient,
            RightHessian = rightHessian,
            RightCount = rightCount,
        };
    }

    private double ThresholdL1(double gradient)
    {
        double l1 = _parameters.LambdaL1;
        if (l1 == 0) return gradient;
        double magnitude = Math.Max(0.0, Math.Abs(gradient) - l1);
        return Math.Sign(gradient) * magnitude;
    }

    private double LeafGain(double gradient, double hessian)
    {
        double g = ThresholdL1(gradient);
        return g * g / (hessian + _parameters.LambdaL2);
    }

    private double LeafOutput(double gradient, double hessian)
    {
        double denominator = hessian + _parameters.LambdaL2;
        return denominator > 0 ? -ThresholdL1(gradient) / denominator : 0.0;
    }

    private DecisionTree BuildTree()
    {
        int internals = _leaves - 1;
        double rate = _parameters.LearningRate;
        var threshold = new double[internals];
        var decision = new byte[internals];
        for (int node = 0; node < internals; node++)
        {
            var mapper = _data.Mappers[_splitFeature[node]];
            threshold[node] = mapper.UpperBounds[_thresholdBin[node]];
            decision[node] = DecisionTree.MakeDecisionType(_defaultLeft[node], mapper.HasNaNBin ? MissingType.NaN : MissingType.None);
        }
        var leafValue = new double[_leaves];
        var leafWeight = new double[_leaves];
        var leafCount = new int[_leaves];
        for (int leaf = 0; leaf < _leaves; leaf++)
        {
            leafValue[leaf] = LeafOutput(_leafGradient[leaf], _leafHessian[leaf]) * rate;
            leafWeight[leaf] = _leafHessian[leaf];
            leafCount[leaf] = _leafRows[leaf];
        }
        return new DecisionTree(
            _splitFeature[..internals], _splitGain[..internals], threshold, decision, _leftChild[..internals], _rightChild[..internals],
            leafValue, leafWeight, leafCount, _internalValue[..internals], _internalWeight[..internals], _internalCount[..internals], rate);
    }

    /// <summary>What a histogram pass does with a row's bin count, chosen at compile time per pass kind.</summary>
    private interface IBinRowCounter
    {
        static abstract unsafe void Add(int* counts, int bin);
    }

    private readonly struct CountRows : IBinRowCounter
    {
        public static unsafe void Add(int* counts, int bin) => counts[bin]++;
    }

    private readonly struct SkipRowCount : IBinRowCounter
    {
        public static unsafe void Add(int* counts, int bin)
        {
        }
    }
}
