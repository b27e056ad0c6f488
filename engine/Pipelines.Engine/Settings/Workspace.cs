using Pipelines.Engine.Binding;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Yaml;
using ValueType = Pipelines.Engine.Catalog.ValueType;

namespace Pipelines.Engine.Settings;

/// <summary>
/// The directory that holds <c>ml.yaml</c>: pipeline paths are relative to it and nothing outside it may be
/// read. Found by walking up from where the command runs, as git finds its repository.
/// </summary>
public sealed class Workspace
{
    public required string Root { get; init; }
    public required MlSettings Settings { get; init; }

    public string StorePath => Path.GetFullPath(Path.Combine(Root, Settings.Store.Path));

    /// <summary>
    /// The store ml.yaml chooses. For PostgreSQL the connection string is read from <c>store.connection_env</c> now, when
    /// the store is about to be opened, so it is never kept in settings that might be printed.
    /// </summary>
    public Storage.StoreLocation StoreLocation => new()
    {
        Root = StorePath,
        Kind = Settings.Store.Kind,
        ConnectionString = Settings.Store.Kind == StoreKind.Postgres ? Environment.GetEnvironmentVariable(Settings.Store.ConnectionEnv) : null,
        ArtifactsDirectory = Settings.Store.Artifacts is { } artifacts ? Path.GetFullPath(Path.Combine(Root, artifacts)) : null,
        DecisionSegments = new Storage.DecisionSegmentPolicy(Settings.Store.DecisionSegmentRows, Settings.Store.DecisionSegmentInterval),
    };

    public static Workspace Discover(string startDirectory)
    {
        var directory = new DirectoryInfo(Path.GetFullPath(startDirectory));
        for (var d = directory; d is not null; d = d.Parent)
        {
            var file = Path.Combine(d.FullName, MlSettings.FileName);
            if (File.Exists(file)) return new Workspace { Root = d.FullName, Settings = LoadSettings(file) };
        }
        return new Workspace { Root = directory.FullName, Settings = new MlSettings() };
    }

    public static MlSettings LoadSettings(string file)
    {
        var root = YamlFileLoader.LoadFile(file);
        if (root is not YamlMapping mapping)
            throw new PipelineValidationException(new Diagnostic(root.Location, DiagnosticCodes.WrongType, $"{MlSettings.FileName} is a mapping of sections"));
        var diagnostics = new List<Diagnostic>();
        var binder = new ValueBinder(new SettingsResolver(Path.GetDirectoryName(Path.GetFullPath(file))!));
        var settings = (MlSettings)binder.BindObject(mapping, ValueType.Of(typeof(MlSettings)), mapping.Location, diagnostics);
        if (diagnostics.Count == 0)
        {
            CheckDrift(settings.Drift, mapping, diagnostics);
            Check("store", settings.Store.Problems(Environment.GetEnvironmentVariable), mapping, diagnostics);
            Check("monitor", settings.Monitor.Problems(), mapping, diagnostics);
            Check("retention", settings.Retention.Problems(), mapping, diagnostics);
            Check("cluster", settings.Cluster.Problems(), mapping, diagnostics);
            NotifyCheck.Check(settings.Notify, mapping, diagnostics);
        }
        if (diagnostics.Count > 0) throw new PipelineValidationException(diagnostics);
        return FoldMaxVersions(settings, mapping);
    }

    /// <summary>
    /// One retention policy: <c>retention.max_versions</c> is where the version limit lives now, and an older file's
    /// <c>registry.max_versions</c> still counts. Both at once would be two answers to one question, so that is an error.
    /// </summary>
    private static MlSettings FoldMaxVersions(MlSettings settings, YamlMapping root)
    {
        if (settings.Retention.MaxVersions is not { } maxVersions) return settings;
        if ((root.Get("registry") as YamlMapping)?.Get("max_versions") is { } old)
            throw new PipelineValidationException(new Diagnostic(old.Location, DiagnosticCodes.InvalidValue,
                "registry.max_versions and retention.max_versions both set the version limit; keep retention.max_versions"));
        return settings with { Registry = settings.Registry with { MaxVersions = maxVersions } };
    }

    private static void Check(string section, IReadOnlyList<(string Key, string Problem)> problems, YamlMapping root, List<Diagnostic> diagnostics)
    {
        var mapping = root.Get(section) as YamlMapping;
        foreach (var (key, problem) in problems)
            diagnostics.Add(new Diagnostic(mapping?.Get(key)?.Location ?? mapping?.Location ?? root.Location, DiagnosticCodes.InvalidValue, $"{section}.{key}: {problem}"));
    }

    /// <summary>Values of the right type can still be unusable together (PSI thresholds out of order); each is reported where it is written.</summary>
    private static void CheckDrift(Pipelines.Abstractions.DriftSettings drift, YamlMapping root, List<Diagnostic> diagnostics)
    {
        var section = root.Get("drift") as YamlMapping;
        foreach (var (key, problem) in drift.Problems())
        {
            var location = section?.Get(key)?.Location ?? section?.Location ?? root.Location;
            diagnostics.Add(new Diagnostic(location, DiagnosticCodes.InvalidValue, $"drift.{key}: {problem}"));
        }
    }
}
