using Pipelines.Learning.Trees;

namespace Pipelines.Learning.Onnx;

/// <summary>
/// Reads an ONNX model whose graph is one ai.onnx.ml TreeEnsembleRegressor or TreeEnsembleClassifier into an
/// equivalent <see cref="TreeEnsembleModel"/>, so ONNX tree models are scored, compiled and explained like ours.
/// Splits decide exactly as the operator does on double inputs (on float inputs, for every value a float can hold).
/// The nodes after the ensemble may rescale and shift its score and apply one Sigmoid (<see cref="OnnxScoreChain"/>),
/// as ML.NET's exported FastForest and calibrated FastTree graphs do; the transform is folded into the trees.
/// Anything the model cannot express faithfully is refused with a <see cref="ModelFormatException"/> naming the
/// file and the field.
/// </summary>
public static class OnnxTreeEnsembleReader
{
    public const string MlDomain = "ai.onnx.ml";

    // Field numbers from onnx.proto.
    private const int ModelIrVersion = 1, ModelGraph = 7, ModelMetadata = 14;
    private const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11;
    private const int NodeInput = 1, NodeOutput = 2, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;
    private const int EntryKey = 1, EntryValue = 2;
    private const int ValueInfoName = 1, ValueInfoType = 2, TypeTensor = 1, TensorElementType = 1, TensorShape = 2, ShapeDim = 1, DimValue = 1;
    private const int TensorProtoName = 8;

    /// <summary>
    /// The deepest tree accepted. Compilation and TreeSHAP walk trees depth-first, so a pathological chain from a
    /// damaged file must be refused here rather than exhaust the stack of the process that loads it.
    /// </summary>
    public const int MaxTreeDepth = TreeShapExplainer.MaxSupportedDepth;

    /// <summary>The metadata key our exporter writes the feature names under (comma-separated).</summary>
    public const string FeatureNamesKey = "feature_names";

    public static TreeEnsembleModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>
    /// Whether a file looks like an ONNX model rather than model text or JSON: protobuf writers emit fields in number
    /// order and ir_version (field 1, a varint: tag byte 0x08) is required, so a model's first byte is 0x08, which
    /// no text file starts with.
    /// </summary>
    public static bool LooksLikeOnnx(string path)
    {
        using var stream = File.OpenRead(path);
        return stream.ReadByte() == 0x08;
    }

    public static TreeEnsembleModel Read(ReadOnlyMemory<byte> bytes, string source = "ONNX model")
    {
        ArgumentNullException.ThrowIfNull(source);
        var model = ProtoMessage.Parse(bytes, source, "ModelProto");
        if (model.Int64(ModelIrVersion, "ir_version") is null) throw model.Error("ir_version", "is missing; the file is not an ONNX model.");
        var graph = model.Message(ModelGraph, "graph") ?? throw model.Error("graph", "is missing.");
        var nodes = graph.Messages(GraphNode, "node");

        ProtoMessage? ensemble = null;
        string opType = "";
        var others = new List<(ProtoMessage Node, string OpType)>();
        foreach (var node in nodes)
        {
            string type = node.String(NodeOpType, "op_type") ?? throw node.Error("op_type", "is missing.");
            string domain = node.String(NodeDomain, "domain") ?? "";
            if (type is "TreeEnsembleRegressor" or "TreeEnsembleClassifier" && domain == MlDomain)
            {
                if (ensemble is not null) throw graph.Error("node", $"holds more than one tree ensemble ({opType} and {type}); only a single ensemble is supported.");
                ensemble = node;
                opType = type;
            }
            else
            {
                others.Add((node, type));
            }
        }
        if (ensemble is null)
            throw graph.Error("node", $"has no ai.onnx.ml TreeEnsembleRegressor or TreeEnsembleClassifier (operators: {string.Join(", ", others.Select(o => o.OpType))}).");

        var chain = OnnxScoreChain.Follow(graph, ensemble, opType == "TreeEnsembleRegressor", others);
        bool exponential = chain.Exponential;

        var attributes = new OnnxNodeAttributes(ensemble, NodeAttribute);
        var (inputName, declaredFeatures) = Input(graph, ensemble);
        bool classifier = opType == "TreeEnsembleClassifier";
        int outputs = classifier ? ClassCount(ensemble, attributes) : TargetCount(ensemble, attributes);
        string postTransform = attributes.String("post_transform") ?? "NONE";
        if (!classifier && (attributes.String("aggregate_function") ?? "SUM") is var aggregate && aggregate != "SUM")
            throw ensemble.Error("attribute", $"'aggregate_function' is '{aggregate}'; only SUM is supported.");

        var table = new OnnxTreeNodeTable(ensemble, attributes, classifier ? "class" : "target", outputs);
        long maxFeature = table.MaxFeatureId();
        if (declaredFeatures is long declared && maxFeature >= declared)
            throw ensemble.Error("attribute", $"nodes_featureids reaches feature {maxFeature}, but the input '{inputName}' has {declared} columns.");
        long featureCountLong = declaredFeatures ?? Math.Max(1, maxFeature + 1);
        if (featureCountLong > int.MaxValue) throw graph.Error("input", $"'{inputName}' declares {featureCountLong} columns, more than a model can hold.");
        int featureCount = (int)featureCountLong;

        double[] baseValues = attributes.Reals("base_values") ?? Array.Empty<double>();
        if (baseValues.Length != 0 && baseValues.Length != outputs)
            throw ensemble.Error("attribute", $"'base_values' has {baseValues.Length} entries for {outputs} outputs.");
        foreach (double b in baseValues)
        {
            if (!double.IsFinite(b)) throw ensemble.Error("attribute", $"'base_values' holds {b}; base values must be finite.");
        }

        var (objective, columns) = chain.Sigmoid
            ? CalibratedBinary(ensemble, postTransform, outputs)
            : Objective(ensemble, classifier, postTransform, outputs, exponential, table, baseValues);
        var trees = Assemble(table, columns, featureCount, baseValues);
        if (chain.Scale != 1.0) trees = trees.Select(t => OnnxScoreChain.Scaled(t, chain.Scale)).ToList();
        if (chain.Shift != 0.0) trees.Add(Constant(chain.Shift));
        try
        {
            return new TreeEnsembleModel(trees, objective, FeatureNames(model, featureCount));
        }
        catch (ArgumentException e)
        {
            throw ensemble.Error($"does not form a valid tree ensemble: {e.Message}");
        }
    }

    // A regressor's single score through a + b·s and a Sigmoid: a binary model on the logit a + b·s.
    private static (ModelObjective Objective, int[] Columns) CalibratedBinary(ProtoMessage ensemble, string postTransform, int outputs)
    {
        if (postTransform != "NONE" || outputs != 1)
            throw ensemble.Error("attribute", $"a Sigmoid after the ensemble needs one target and post_transform NONE, not {outputs} targets and {postTransform}.");
        return (ModelObjective.Binary(), new[] { 0 });
    }

    // Which output columns the model's outputs are read from, and how they are transformed.
    private static (ModelObjective Objective, int[] Columns) Objective(ProtoMessage ensemble, bool classifier, string postTransform, int outputs,
        bool exponential, OnnxTreeNodeTable table, double[] baseValues)
    {
        if (exponential && postTransform != "NONE")
            throw ensemble.Error("attribute", $"'post_transform' is '{postTransform}' and an Exp follows; only NONE can be followed by Exp.");
        switch (postTransform)
        {
            case "NONE" when !classifier && outputs == 1:
                return (exponential ? ModelObjective.Parse("poisson") : ModelObjective.Regression(), new[] { 0 });
            case "NONE":
                throw ensemble.Error("attribute", classifier
                    ? "'post_transform' is NONE on a classifier: its scores are not probabilities of any supported objective."
                    : $"'post_transform' is NONE with {outputs} targets; multi-target regression is not supported.");
            case "LOGISTIC" when !classifier:
                // The operator's definition applies the logistic; ONNX Runtime returns a single target's score untouched.
                throw ensemble.Error("attribute", "'post_transform' is LOGISTIC on a regressor, which ONNX runtimes disagree on (ONNX Runtime ignores it for one target); export binary models as a classifier.");
            case "LOGISTIC" when classifier && outputs == 2:
                return (ModelObjective.Binary(), new[] { BinaryColumn(ensemble, table, baseValues) });
            case "LOGISTIC" when classifier:
                return (ModelObjective.Parse($"multiclassova num_class:{outputs}"), Enumerable.Range(0, outputs).ToArray());
            case "SOFTMAX" when outputs >= 2 && !(classifier && outputs == 2 && !FeedsBoth(table)):
                return (ModelObjective.Multiclass(outputs), Enumerable.Range(0, outputs).ToArray());
            case "LOGISTIC" or "SOFTMAX":
                throw ensemble.Error("attribute", $"'post_transform' {postTransform} with {outputs} {(classifier ? "classes" : "targets")} (and these class weights) has no supported objective.");
            default:
                throw ensemble.Error("attribute", $"'post_transform' is '{postTransform}'; only NONE, LOGISTIC and SOFTMAX are supported.");
        }
    }

    private static bool FeedsBoth(OnnxTreeNodeTable table) =>
        table.FedOutputs.Any(f => f.Output == 0) && table.FedOutputs.Any(f => f.Output == 1);

    // A two-class LOGISTIC classifier is a binary model when its class-1 scores are all the probability needs:
    // either only class 1 has weights (ONNX Runtime's class-1 column is then the logistic of class 1's score), or
    // class 0's weights mirror class 1's exactly (the logistic of -s is 1 - p). Other two-class layouts are refused:
    // ONNX Runtime gives them a special binary treatment whose class-1 column is not the logistic of one sum.
    private static int BinaryColumn(ProtoMessage ensemble, OnnxTreeNodeTable table, double[] baseValues)
    {
        bool zero = table.FedOutputs.Any(f => f.Output == 0), one = table.FedOutputs.Any(f => f.Output == 1);
        if (one && !zero && baseValues.Length == 0) return 1;
        if (one && zero && table.ClassZeroMirrorsClassOne() && (baseValues.Length == 0 || baseValues[0] == -baseValues[1])) return 1;
        throw ensemble.Error("attribute", "a two-class LOGISTIC classifier must weight class 1 alone or give class 0 the exact negation of class 1's weights; these class weights and base values do neither.");
    }

    // Trees per output in ONNX tree order, padded with zero trees to whole iterations, then the base values as one
    // iteration of constant trees.
    private static List<DecisionTree> Assemble(OnnxTreeNodeTable table, int[] columns, int featureCount, double[] baseValues)
    {
        var perOutput = new List<DecisionTree>[columns.Length];
        for (int k = 0; k < columns.Length; k++)
        {
            perOutput[k] = new List<DecisionTree>();
            foreach (long treeId in table.TreeIds)
            {
                if (table.FedOutputs.Contains((columns[k], treeId))) perOutput[k].Add(table.BuildTree(treeId, columns[k], featureCount, MaxTreeDepth));
            }
        }
        int iterations = perOutput.Max(list => list.Count);
        var trees = new List<DecisionTree>(iterations * columns.Length + columns.Length);
        for (int i = 0; i < iterations; i++)
        {
            for (int k = 0; k < columns.Length; k++) trees.Add(i < perOutput[k].Count ? perOutput[k][i] : Constant(0.0));
        }
        if (baseValues.Any(b => b != 0.0))
        {
            for (int k = 0; k < columns.Length; k++) trees.Add(Constant(baseValues[columns[k]]));
        }
        return trees;
    }

    private static DecisionTree Constant(double value) => new(Array.Empty<int>(), Array.Empty<double>(), Array.Empty<double>(), Array.Empty<byte>(),
        Array.Empty<int>(), Array.Empty<int>(), new[] { value }, new double[1], new[] { 1 }, Array.Empty<double>(), Array.Empty<double>(), Array.Empty<int>(), 1.0);

    private static int ClassCount(ProtoMessage ensemble, OnnxNodeAttributes attributes)
    {
        int labels = Math.Max(attributes.Ints("classlabels_int64s").Count, attributes.Strings("classlabels_strings").Count);
        if (labels == 0) throw ensemble.Error("attribute", "'classlabels_int64s' or 'classlabels_strings' is required and missing.");
        if (labels < 2) throw ensemble.Error("attribute", $"the classifier names {labels} class label; it needs at least 2.");
        return labels;
    }

    private static int TargetCount(ProtoMessage ensemble, OnnxNodeAttributes attributes)
    {
        long targets = attributes.Int("n_targets") ?? throw ensemble.Error("attribute", "'n_targets' is required and missing.");
        if (targets < 1 || targets > 1 << 16) throw ensemble.Error("attribute", $"'n_targets' is {targets}; it must be between 1 and 65536.");
        return (int)targets;
    }

    // The ensemble reads one graph input: a float or double matrix [N, features].
    private static (string Name, long? Features) Input(ProtoMessage graph, ProtoMessage ensemble)
    {
        var inputs = ensemble.Strings(NodeInput, "input");
        if (inputs.Count != 1) throw ensemble.Error("input", $"has {inputs.Count} entries; a tree ensemble reads exactly one.");
        string name = inputs[0];
        foreach (var initializer in graph.Messages(GraphInitializer, "initializer"))
        {
            if (initializer.String(TensorProtoName, "name") == name) throw graph.Error("initializer", $"supplies the ensemble's input '{name}' as a constant.");
        }
        var info = graph.Messages(GraphInput, "input").FirstOrDefault(i => i.String(ValueInfoName, "name") == name)
            ?? throw graph.Error("input", $"does not declare '{name}', the ensemble's input; it must be a graph input.");
        var tensor = info.Message(ValueInfoType, "type")?.Message(TypeTensor, "tensor_type")
            ?? throw info.Error("type", $"does not declare '{name}' as a tensor.");
        long elementType = tensor.Int64(TensorElementType, "elem_type") ?? 0;
        if (elementType != (long)OnnxDataType.Float && elementType != (long)OnnxDataType.Double)
            throw tensor.Error("elem_type", $"is {elementType}; the input '{name}' must be float (1) or double (11).");
        var shape = tensor.Message(TensorShape, "shape");
        if (shape is null) return (name, null);
        var dims = shape.Messages(ShapeDim, "dim");
        if (dims.Count != 2) throw shape.Error("dim", $"gives {dims.Count} dimensions; the input '{name}' must be a matrix [rows, features].");
        long? features = dims[1].Int64(DimValue, "dim_value");
        if (features is < 1) throw dims[1].Error("dim_value", $"is {features}; the input needs at least one feature column.");
        return (name, features);
    }

    // Feature names come from our exporter's metadata when present and of the right count; otherwise f0..fN-1.
    private static string[] FeatureNames(ProtoMessage model, int featureCount)
    {
        foreach (var entry in model.Messages(ModelMetadata, "metadata_props"))
        {
            if (entry.String(EntryKey, "key") != FeatureNamesKey) continue;
            string[] names = (entry.String(EntryValue, "value") ?? "").Split(',');
            if (names.Length != featureCount || names.Any(string.IsNullOrWhiteSpace) || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
                throw entry.Error("value", $"'{FeatureNamesKey}' lists {names.Length} names (blank or repeated ones included), but the model reads {featureCount} features.");
            return names;
        }
        return Enumerable.Range(0, featureCount).Select(f => "f" + f.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
