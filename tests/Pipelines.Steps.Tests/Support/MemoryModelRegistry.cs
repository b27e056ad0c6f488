using Pipelines.Abstractions;

namespace Pipelines.Steps.Tests.Support;

/// <summary>
/// A model registry held in memory with the store-backed registry's observable rules — versions numbered per
/// name, one version per alias, champion in production, rollback to an alias's previous version — for steps
/// tested without a store.
/// </summary>
public sealed class MemoryModelRegistry : IModelRegistry
{
    private readonly Dictionary<string, List<ModelVersion>> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Name, string Alias), List<int>> _aliasHistory = [];
    private readonly List<ModelTransition> _transitions = [];

    public ModelVersion Register(string name, Artifact model, string? metricsJson, string? trainingDataSha256, string reason)
    {
        var versions = _versions.TryGetValue(name, out var list) ? list : _versions[name] = [];
        var existing = versions.FirstOrDefault(v => v.Model.Sha256 == model.Sha256);
        if (existing is not null) return existing;
        var version = new ModelVersion(name, versions.Count + 1, model, "staged", [], metricsJson, trainingDataSha256, "run-test", "register", null, DateTime.UtcNow);
        versions.Add(version);
        Audit(name, version.Version, "register", null, "staged", null, reason);
        return version;
    }

    public ModelVersion? Find(string name, string aliasOrVersion)
    {
        if (!_versions.TryGetValue(name, out var versions)) return null;
        if (int.TryParse(aliasOrVersion, out var number)) return versions.FirstOrDefault(v => v.Version == number);
        return _aliasHistory.TryGetValue((name, aliasOrVersion), out var history) && history.Count > 0 ? versions[history[^1] - 1] : null;
    }

    public ModelVersion Promote(string name, int version, string alias, string reason)
    {
        var versions = _versions[name];
        if (version < 1 || version > versions.Count) throw new ArgumentException($"model '{name}' has no version {version}");
        var history = _aliasHistory.TryGetValue((name, alias), out var list) ? list : _aliasHistory[(name, alias)] = [];
        var from = versions[version - 1].Stage;
        history.Add(version);
        Refresh(name);
        Audit(name, version, "promote", from, versions[version - 1].Stage, alias, reason);
        return versions[version - 1];
    }

    public ModelVersion Rollback(string name, string alias, string reason)
    {
        if (!_aliasHistory.TryGetValue((name, alias), out var history) || history.Count < 2)
            throw new InvalidOperationException($"alias '{alias}' of model '{name}' has no earlier version");
        history.RemoveAt(history.Count - 1);
        Refresh(name);
        var restored = _versions[name][history[^1] - 1];
        Audit(name, restored.Version, "rollback", null, restored.Stage, alias, reason);
        return restored;
    }

    public IReadOnlyList<ModelVersion> Versions(string name) => _versions.TryGetValue(name, out var versions) ? versions : [];

    public IReadOnlyList<string> Models() => _versions.Keys.Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<ModelTransition> Transitions(string name) => _transitions.Where(t => t.Name == name).ToList();

    /// <summary>An in-memory registry records no steps, so no version has a lineage here.</summary>
    public IReadOnlyList<LineageStep> Lineage(string name, int version) => [];

    public RetentionReport ApplyRetention(RetentionSettings policy, DateTime now, bool dryRun, string reason) =>
        throw new InvalidOperationException("this in-memory registry keeps no shadow rows, decisions or files to retain");

    private void Audit(string name, int version, string action, string? from, string? to, string? alias, string reason) =>
        _transitions.Add(new ModelTransition(name, version, action, from, to, alias, reason, "run-test", action, null, "test", DateTime.UtcNow));

    /// <summary>Rewrites each version's aliases and stage after an alias moved.</summary>
    private void Refresh(string name)
    {
        var versions = _versions[name];
        for (var i = 0; i < versions.Count; i++)
        {
            var number = i + 1;
            var aliases = _aliasHistory.Where(a => a.Key.Name == name && a.Value.Count > 0 && a.Value[^1] == number).Select(a => a.Key.Alias).Order().ToList();
            var stage = aliases.Contains("champion") ? "production" : aliases.Contains("challenger") ? "shadow" : versions[i].Stage == "production" ? "retired" : versions[i].Stage;
            versions[i] = versions[i] with { Aliases = aliases, Stage = stage };
        }
    }
}
