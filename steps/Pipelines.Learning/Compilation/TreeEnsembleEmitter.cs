using System.Reflection.Emit;
using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Compilation;

/// <summary>
/// Emits IL for a tree ensemble: each tree becomes nested branches on constant thresholds that end in a constant leaf
/// value added to its output's running sum, in the interpreted model's tree order so the sums round identically.
/// </summary>
internal static class TreeEnsembleEmitter
{
    // The JIT stops optimising very large methods (tens of thousands of IL instructions or a few thousand blocks), so
    // trees are emitted into methods of about this many splits each and called in order from one entry method.
    private const int SplitsPerMethod = 256;

    private static readonly Type[] Parameters = { typeof(double).MakeByRefType(), typeof(double).MakeByRefType() };

    public static RawScoreFunction Emit(TreeEnsembleModel model)
    {
        var chunks = new List<DynamicMethod>();
        int start = 0;
        while (start < model.Trees.Count)
        {
            int end = start;
            int splits = 0;
            do
            {
                splits += model.Trees[end].NumLeaves - 1;
                end++;
            }
            while (end < model.Trees.Count && splits + model.Trees[end].NumLeaves - 1 <= SplitsPerMethod);
            chunks.Add(EmitChunk(model, start, end, chunks.Count));
            start = end;
        }

        var entry = NewMethod("ensemble");
        ILGenerator il = entry.GetILGenerator();
        foreach (var chunk in chunks)
        {
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Call, chunk);
        }
        il.Emit(OpCodes.Ret);
        return entry.CreateDelegate<RawScoreFunction>();
    }

    private static DynamicMethod NewMethod(string name) =>
        new(name, typeof(void), Parameters, typeof(TreeEnsembleEmitter).Module, skipVisibility: true);

    // Trees [first, end) of the model; their running sums live in locals between loading and storing the score span.
    private static DynamicMethod EmitChunk(TreeEnsembleModel model, int first, int end, int index)
    {
        var method = NewMethod("trees_" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ILGenerator il = method.GetILGenerator();
        int outputs = model.TreesPerIteration;
        var sums = new LocalBuilder[outputs];
        for (int k = 0; k < outputs; k++)
        {
            sums[k] = il.DeclareLocal(typeof(double));
            EmitAddress(il, OpCodes.Ldarg_1, k);
            il.Emit(OpCodes.Ldind_R8);
            il.Emit(OpCodes.Stloc, sums[k]);
        }
        var writer = new TreeWriter(il);
        for (int t = first; t < end; t++)
        {
            writer.EmitTree(model.Trees[t]);
            LocalBuilder sum = sums[t % outputs];
            il.Emit(OpCodes.Ldloc, sum);
            il.Emit(OpCodes.Ldloc, writer.Leaf);
            il.Emit(OpCodes.Add);
            il.Emit(OpCodes.Stloc, sum);
        }
        for (int k = 0; k < outputs; k++)
        {
            EmitAddress(il, OpCodes.Ldarg_1, k);
            il.Emit(OpCodes.Ldloc, sums[k]);
            il.Emit(OpCodes.Stind_R8);
        }
        il.Emit(OpCodes.Ret);
        return method;
    }

    private static void EmitAddress(ILGenerator il, OpCode argument, int index)
    {
        il.Emit(argument);
        if (index == 0) return;
        il.Emit(OpCodes.Ldc_I4, checked(index * sizeof(double)));
        il.Emit(OpCodes.Conv_I);
        il.Emit(OpCodes.Add);
    }

    /// <summary>Emits one tree at a time; leaves its value in <see cref="Leaf"/>.</summary>
    private sealed class TreeWriter
    {
        private readonly ILGenerator _il;
        private readonly LocalBuilder _value;
        private DecisionTree _tree = null!;
        private Label _done;

        public TreeWriter(ILGenerator il)
        {
            _il = il;
            _value = il.DeclareLocal(typeof(double));
            Leaf = il.DeclareLocal(typeof(double));
        }

        public LocalBuilder Leaf { get; }

        public void EmitTree(DecisionTree tree)
        {
            _tree = tree;
            _done = _il.DefineLabel();
            if (tree.NumLeaves == 1) EmitLeaf(0);
            else EmitSplit(0);
            _il.MarkLabel(_done);
        }

        private void EmitChild(int child)
        {
            if (child < 0) EmitLeaf(~child);
            else EmitSplit(child);
        }

        private void EmitLeaf(int leaf)
        {
            _il.Emit(OpCodes.Ldc_R8, _tree.LeafValue[leaf]);
            _il.Emit(OpCodes.Stloc, Leaf);
            _il.Emit(OpCodes.Br, _done);
        }

        // LightGBM's numerical rule (DecisionTree.NextNode) with the missing-value handling resolved at compile time.
        // 'ble' is false for NaN and 'ble.un' true, which is exactly where NaN must go for each missing type.
        private void EmitSplit(int node)
        {
            double threshold = _tree.Threshold[node];
            byte decision = _tree.DecisionType[node];
            bool defaultLeft = (decision & DecisionTree.DefaultLeftMask) != 0;
            Label left = _il.DefineLabel();
            Label right = _il.DefineLabel();

            EmitAddress(_il, OpCodes.Ldarg_0, _tree.SplitFeature[node]);
            _il.Emit(OpCodes.Ldind_R8);
            _il.Emit(OpCodes.Stloc, _value);
            switch (DecisionTree.GetMissingType(decision))
            {
                case MissingType.None:
                    // NaN reads as 0.0, so it goes wherever 0.0 <= threshold sends it.
                    EmitCompare(threshold, left, nanGoesLeft: 0.0 <= threshold);
                    break;
                case MissingType.NaN:
                    EmitCompare(threshold, left, nanGoesLeft: defaultLeft);
                    break;
                case MissingType.Zero:
                    // NaN (read as 0.0) and |x| <= 1e-35 take the default side; neither ordered test below holds for NaN.
                    Label compare = _il.DefineLabel();
                    _il.Emit(OpCodes.Ldloc, _value);
                    _il.Emit(OpCodes.Ldc_R8, -DecisionTree.ZeroThreshold);
                    _il.Emit(OpCodes.Blt, compare);
                    _il.Emit(OpCodes.Ldloc, _value);
                    _il.Emit(OpCodes.Ldc_R8, DecisionTree.ZeroThreshold);
                    _il.Emit(OpCodes.Bgt, compare);
                    _il.Emit(OpCodes.Br, defaultLeft ? left : right);
                    _il.MarkLabel(compare);
                    EmitCompare(threshold, left, nanGoesLeft: false);
                    break;
                default:
                    throw new InvalidOperationException($"Node {node} has an unknown missing type in decision_type {decision}.");
            }
            _il.MarkLabel(right);
            EmitChild(_tree.RightChild[node]);
            _il.MarkLabel(left);
            EmitChild(_tree.LeftChild[node]);
        }

        private void EmitCompare(double threshold, Label left, bool nanGoesLeft)
        {
            if (double.IsNaN(threshold))
            {
                // x <= NaN is false for every x, but 'ble.un' would take it for every x: only a NaN value may go left.
                if (!nanGoesLeft) return;
                _il.Emit(OpCodes.Ldloc, _value);
                _il.Emit(OpCodes.Ldloc, _value);
                _il.Emit(OpCodes.Bne_Un, left);
                return;
            }
            _il.Emit(OpCodes.Ldloc, _value);
            _il.Emit(OpCodes.Ldc_R8, threshold);
            _il.Emit(nanGoesLeft ? OpCodes.Ble_Un : OpCodes.Ble, left);
        }
    }
}
