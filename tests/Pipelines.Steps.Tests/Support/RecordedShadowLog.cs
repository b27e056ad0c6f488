using Pipelines.Abstractions;

namespace Pipelines.Steps.Tests.Support;

/// <summary>Keeps the paired predictions a shadow comparison records, for the test to inspect.</summary>
public sealed class RecordedShadowLog : IShadowLog
{
    public List<(string Model, int Champion, int Challenger, IReadOnlyList<ShadowPrediction> Predictions)> Records { get; } = [];

    public void Record(string model, int championVersion, int challengerVersion, IReadOnlyList<ShadowPrediction> predictions) =>
        Records.Add((model, championVersion, challengerVersion, predictions));
}
