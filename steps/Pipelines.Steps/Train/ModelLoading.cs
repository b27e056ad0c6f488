using Pipelines.Abstractions;
using Pipelines.Learning.Trees;

namespace Pipelines.Steps.Train;

/// <summary>
/// How a step opens a registered or produced model file: through the store, which checks its hash, and with the
/// store asked for any further file the model names by hash (an ensemble's members), checked the same way.
/// </summary>
public static class ModelLoading
{
    public static PredictiveModel LoadModel(this IStepContext context, Artifact model)
    {
        ArgumentNullException.ThrowIfNull(context);
        return PredictiveModel.Load(context.OpenArtifact(model), MemberFiles(context.OpenArtifact, context.FindArtifact));
    }

    /// <summary>Finds a file by SHA-256 among the store's artifacts and opens it verified.</summary>
    public static Func<string, string> MemberFiles(Func<Artifact, string> openArtifact, Func<string, Artifact?> findArtifact) =>
        sha256 => openArtifact(findArtifact(sha256) ?? throw new ModelFormatException($"no artifact {sha256[..Math.Min(12, sha256.Length)]} in the store"));
}
