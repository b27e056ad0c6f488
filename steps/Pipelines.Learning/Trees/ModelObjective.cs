using System.Globalization;

namespace Pipelines.Learning.Trees;

/// <summary>The objective line of a LightGBM model (e.g. <c>binary sigmoid:1</c>) and the output transform it implies.</summary>
public sealed class ModelObjective
{
    private static readonly HashSet<string> IdentityNames = new(StringComparer.Ordinal)
    {
        "regression", "regression_l1", "huber", "fair", "quantile", "mape", "custom",
    };

    private static readonly HashSet<string> ExponentialNames = new(StringComparer.Ordinal) { "poisson", "gamma", "tweedie" };

    private ModelObjective(string name, ObjectiveKind kind, int classCount, double sigmoid, string text)
    {
        Name = name;
        Kind = kind;
        ClassCount = classCount;
        Sigmoid = sigmoid;
        Text = text;
    }

    public string Name { get; }

    public ObjectiveKind Kind { get; }

    /// <summary>Outputs per row: 1, or the class count for multiclass objectives.</summary>
    public int ClassCount { get; }

    /// <summary>The sigmoid slope of binary objectives (1 unless configured otherwise).</summary>
    public double Sigmoid { get; }

    /// <summary>The objective line as LightGBM writes it.</summary>
    public string Text { get; }

    public static ModelObjective Regression() => new("regression", ObjectiveKind.Identity, 1, 1.0, "regression");

    public static ModelObjective Binary(double sigmoid = 1.0)
    {
        if (!(sigmoid > 0) || double.IsInfinity(sigmoid)) throw new ArgumentOutOfRangeException(nameof(sigmoid), sigmoid, "sigmoid must be a positive finite number.");
        return new("binary", ObjectiveKind.Sigmoid, 1, sigmoid, "binary sigmoid:" + LightGbmNumberFormat.Format(sigmoid));
    }

    public static ModelObjective Multiclass(int classCount)
    {
        if (classCount < 2) throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A multiclass objective needs at least 2 classes.");
        return new("multiclass", ObjectiveKind.Softmax, classCount, 1.0, "multiclass num_class:" + classCount.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Parses LightGBM's objective line: a name followed by key:value options.</summary>
    public static ModelObjective Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0) throw new FormatException("The objective is empty.");
        string name = tokens[0];
        int classCount = 1;
        double sigmoid = 1.0;
        for (int i = 1; i < tokens.Length; i++)
        {
            int colon = tokens[i].IndexOf(':');
            string key = colon < 0 ? tokens[i] : tokens[i][..colon];
            string value = colon < 0 ? "" : tokens[i][(colon + 1)..];
            switch (key)
            {
                case "num_class" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) && k >= 1:
                    classCount = k;
                    break;
                case "sigmoid" when LightGbmNumberFormat.TryParse(value, out double s) && s > 0:
                    sigmoid = s;
                    break;
                default:
                    throw new FormatException($"The objective option '{tokens[i]}' in '{text}' is not supported (known: num_class:<k>, sigmoid:<s>).");
            }
        }

        ObjectiveKind kind;
        if (IdentityNames.Contains(name)) kind = ObjectiveKind.Identity;
        else if (ExponentialNames.Contains(name)) kind = ObjectiveKind.Exponential;
        else if (name is "binary" or "cross_entropy" or "xentropy") kind = ObjectiveKind.Sigmoid;
        else if (name is "multiclass" or "softmax") kind = ObjectiveKind.Softmax;
        else if (name is "multiclassova" or "multiclass_ova" or "ova" or "ovr") kind = ObjectiveKind.SigmoidPerClass;
        else throw new FormatException($"The objective '{name}' is not supported.");

        if (kind is ObjectiveKind.Softmax or ObjectiveKind.SigmoidPerClass)
        {
            if (classCount < 2) throw new FormatException($"The objective '{text}' needs num_class:<k> with k >= 2.");
        }
        else if (classCount != 1)
        {
            throw new FormatException($"The objective '{text}' is single-output but names num_class:{classCount}.");
        }
        return new ModelObjective(name, kind, classCount, sigmoid, text);
    }

    /// <summary>Turns raw scores (one per class) into predictions in place.</summary>
    public void Transform(Span<double> scores)
    {
        switch (Kind)
        {
            case ObjectiveKind.Identity:
                return;
            case ObjectiveKind.Sigmoid:
            case ObjectiveKind.SigmoidPerClass:
                for (int i = 0; i < scores.Length; i++) scores[i] = 1.0 / (1.0 + Math.Exp(-Sigmoid * scores[i]));
                return;
            case ObjectiveKind.Exponential:
                for (int i = 0; i < scores.Length; i++) scores[i] = Math.Exp(scores[i]);
                return;
            case ObjectiveKind.Softmax:
                double max = scores[0];
                for (int i = 1; i < scores.Length; i++) max = Math.Max(max, scores[i]);
                double sum = 0.0;
                for (int i = 0; i < scores.Length; i++)
                {
                    scores[i] = Math.Exp(scores[i] - max);
                    sum += scores[i];
                }
                for (int i = 0; i < scores.Length; i++) scores[i] /= sum;
                return;
            default:
                throw new InvalidOperationException($"Unknown objective kind {Kind}.");
        }
    }

    public override string ToString() => Text;
}
