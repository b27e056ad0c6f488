using System.Text.Json.Nodes;
using Pipelines.Learning.Trees;

namespace Pipelines.Steps.Train;

/// <summary>The best trial's parameters (applied, and as given to LightGBM), its cross-validated score, and every trial.</summary>
internal sealed record TuningResult(GbdtParameters Parameters, IReadOnlyDictionary<string, string> BestValues, double BestScore, JsonObject Record);
