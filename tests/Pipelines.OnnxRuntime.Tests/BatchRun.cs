using Microsoft.ML.OnnxRuntime;

namespace Pipelines.OnnxRuntime.Tests;

/// <summary>Many rows scored in one call through ONNX Runtime's managed API, as a caller scoring a batch would.</summary>
internal static class BatchRun
{
    public static (T[] Values, long[] Shape) Run<T>(this OnnxModel model, string inputName, double[][] rows, string outputName) where T : unmanaged
    {
        double[] flat = rows.SelectMany(r => r).ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(flat, new long[] { rows.Length, rows[0].Length });
        using var options = new RunOptions();
        using var outputs = model.Session.Run(options, new[] { inputName }, new[] { input }, new[] { outputName });
        var output = outputs.Single();
        return (output.GetTensorDataAsSpan<T>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }
}
