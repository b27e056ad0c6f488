using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipelines.Learning.Trees;

namespace Pipelines.Steps.Train.Ensemble;

/// <summary>
/// The file a registered ensemble is: its kind, the feature order it scores in, and every model file it needs — the
/// members, the stacking meta-learner, the regime model — named by SHA-256, so one registered version pins them all
/// and loading checks each file's bytes against the hash written here.
/// </summary>
public sealed record EnsembleManifest
{
    public const string FormatName = "pipelines-ensemble";
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string Format { get; init; } = FormatName;

    public int Version { get; init; } = CurrentVersion;

    public required EnsembleKind Kind { get; init; }

    /// <summary>What the ensemble predicts: binary, multiclass or regression, as its members do.</summary>
    public required ModelTask Task { get; init; }

    /// <summary>The ensemble's input columns: the members' features, then any the regime model adds.</summary>
    public required IReadOnlyList<string> Features { get; init; }

    /// <summary>The members in the order the weights and the meta-learner's coefficients follow.</summary>
    public required IReadOnlyList<EnsembleFile> Members { get; init; }

    /// <summary>Average: one weight per member, summing to 1.</summary>
    public IReadOnlyList<double>? Weights { get; init; }

    /// <summary>
    /// Stacking: the meta-learner over the members' out-of-fold outputs — train/linear's JSON (format json) or LightGBM's
    /// model.txt (format txt) — its features named as the members (member_p0, member_p1, ... for multiclass members).
    /// </summary>
    public EnsembleFile? Meta { get; init; }

    /// <summary>Regime: what decides the regime and which member scores each.</summary>
    public EnsembleRouting? Regime { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Whether a JSON model file is an ensemble manifest rather than a linear model.</summary>
    public static bool IsManifest(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String
                && format.GetString() == FormatName;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public static EnsembleManifest Parse(string json, string source)
    {
        EnsembleManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<EnsembleManifest>(json, Json) ?? throw new ModelFormatException($"{source}: the ensemble manifest is empty");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{source}: not a readable ensemble manifest: {e.Message}", e);
        }
        if (manifest.Format != FormatName) throw new ModelFormatException($"{source}: field 'format' is '{manifest.Format}', expected '{FormatName}'");
        if (manifest.Version != CurrentVersion) throw new ModelFormatException($"{source}: ensemble manifest version {manifest.Version} is not readable here (version {CurrentVersion} is)");
        return manifest;
    }

    /// <summary>
    /// Opens a file the manifest names: <paramref name="openFile"/> finds it by hash (through the store, which verifies it),
    /// and its bytes are hashed again here so a resolver that only locates files cannot hand over another model.
    /// </summary>
    public static string Open(EnsembleFile file, Func<string, string> openFile, string source)
    {
        string path;
        try
        {
            path = openFile(file.Sha256);
        }
        catch (Exception e) when (e is not ModelFormatException)
        {
            throw new ModelFormatException($"{source}: the {file.Role} '{file.Name}' ({file.Sha256[..Math.Min(12, file.Sha256.Length)]}) cannot be opened: {e.Message}", e);
        }
        using var stream = File.OpenRead(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual != file.Sha256)
            throw new ModelFormatException($"{source}: the {file.Role} '{file.Name}' hashes to {actual[..12]}, the manifest names {file.Sha256[..Math.Min(12, file.Sha256.Length)]}");
        return path;
    }
}

/// <summary>A model file an ensemble needs, by its content hash, with where it came from for people reading the manifest.</summary>
/// <param name="Name">The member's name in the pipeline (or "meta", "regime").</param>
/// <param name="Role">member, meta or regime.</param>
/// <param name="Sha256">The file's SHA-256; its identity in the artifact store.</param>
/// <param name="Format">The file's format (txt, json, onnx).</param>
/// <param name="Features">The file's own features, in its order.</param>
/// <param name="Source">A registered version it was taken from (name@version), when it was.</param>
public sealed record EnsembleFile(string Name, string Role, string Sha256, string Format, IReadOnlyList<string> Features, string? Source = null);

/// <summary>Regime switching: the regime is a k-means model's cluster or a feature's value (rounded); routes map regimes to members.</summary>
/// <param name="Model">The regime model file; null when <paramref name="Column"/> decides.</param>
/// <param name="Column">The feature whose rounded value is the regime; null when <paramref name="Model"/> decides.</param>
/// <param name="Routes">Regime number → member name.</param>
/// <param name="Default">The member for any regime without a route.</param>
public sealed record EnsembleRouting(EnsembleFile? Model, string? Column, IReadOnlyDictionary<string, string> Routes, string Default);
