using Pipelines.Learning.Onnx;

namespace Pipelines.Steps.Tests.Support;

/// <summary>
/// Small feed-forward networks written as ONNX graphs node by node (MatMul, Add, Relu between layers, then Sigmoid,
/// Softmax or Tanh), as a PyTorch export of an MLP or a policy network would be, with the same forward pass in C# to
/// check what ONNX Runtime computes. Weights come from a seed, so every test builds its own model.
/// </summary>
internal static class OnnxNetworks
{
    /// <summary>A dense layer: y = x W + b, W laid out [inputs, outputs] row-major.</summary>
    public sealed record Layer(int Inputs, int Outputs, float[] Weights, float[] Bias);

    public sealed record Network(IReadOnlyList<Layer> Layers, string Final)
    {
        public int Inputs => Layers[0].Inputs;

        public int Outputs => Layers[^1].Outputs;

        /// <summary>The network's output for one row, in float like ONNX Runtime (inputs rounded to float on the way in).</summary>
        public double[] Forward(ReadOnlySpan<double> row)
        {
            var x = new float[row.Length];
            for (var i = 0; i < row.Length; i++) x[i] = (float)row[i];
            for (var l = 0; l < Layers.Count; l++)
            {
                var layer = Layers[l];
                var y = new float[layer.Outputs];
                for (var o = 0; o < layer.Outputs; o++)
                {
                    var sum = 0f;
                    for (var i = 0; i < layer.Inputs; i++) sum += x[i] * layer.Weights[i * layer.Outputs + o];
                    y[o] = sum + layer.Bias[o];
                    if (l < Layers.Count - 1) y[o] = Math.Max(0, y[o]);
                }
                x = y;
            }
            switch (Final)
            {
                case "Sigmoid":
                    return x.Select(v => 1 / (1 + Math.Exp(-v))).ToArray();
                case "Tanh":
                    return x.Select(v => Math.Tanh(v)).ToArray();
                case "Softmax":
                    var max = x.Max();
                    var exp = x.Select(v => Math.Exp(v - max)).ToArray();
                    return exp.Select(e => e / exp.Sum()).ToArray();
                default:
                    return x.Select(v => (double)v).ToArray();
            }
        }
    }

    /// <summary>Random weights (uniform in ±1/√inputs, as PyTorch initialises Linear) for layer sizes like [4, 8, 3].</summary>
    public static Network Random(IReadOnlyList<int> sizes, string final, int seed)
    {
        var random = new System.Random(seed);
        var layers = new List<Layer>();
        for (var l = 0; l + 1 < sizes.Count; l++)
        {
            var bound = 1 / Math.Sqrt(sizes[l]);
            float Draw() => (float)((random.NextDouble() * 2 - 1) * bound * 2);
            layers.Add(new Layer(sizes[l], sizes[l + 1], Enumerable.Range(0, sizes[l] * sizes[l + 1]).Select(_ => Draw()).ToArray(),
                Enumerable.Range(0, sizes[l + 1]).Select(_ => Draw()).ToArray()));
        }
        return new Network(layers, final);
    }

    /// <summary>The network as an ONNX model with a float [N, inputs] input and a float [N, outputs] output.</summary>
    public static byte[] Write(Network network, string inputName = "obs", string outputName = "out", int? declaredInputColumns = null,
        IReadOnlyList<KeyValuePair<string, string>>? metadata = null)
    {
        var nodes = new List<OnnxNode>();
        var initializers = new List<OnnxInitializer>();
        var current = inputName;
        for (var l = 0; l < network.Layers.Count; l++)
        {
            var layer = network.Layers[l];
            initializers.Add(new OnnxInitializer($"W{l}", [layer.Inputs, layer.Outputs], layer.Weights));
            initializers.Add(new OnnxInitializer($"B{l}", [layer.Outputs], layer.Bias));
            nodes.Add(new OnnxNode("MatMul", "", [current, $"W{l}"], [$"mm{l}"], []));
            var last = l == network.Layers.Count - 1;
            var sum = last && network.Final.Length == 0 ? outputName : $"z{l}";
            nodes.Add(new OnnxNode("Add", "", [$"mm{l}", $"B{l}"], [sum], []));
            current = sum;
            if (!last)
            {
                nodes.Add(new OnnxNode("Relu", "", [sum], [$"h{l}"], []));
                current = $"h{l}";
            }
        }
        if (network.Final.Length > 0)
            nodes.Add(new OnnxNode(network.Final, "", [current], [outputName],
                network.Final == "Softmax" ? [OnnxAttribute.Int("axis", 1)] : []));
        return OnnxModelWriter.Write("mlp", nodes, [new OnnxValueInfo(inputName, OnnxDataType.Float, declaredInputColumns ?? network.Inputs)],
            [new OnnxValueInfo(outputName, OnnxDataType.Float, network.Outputs)], metadata ?? [], initializers);
    }
}
