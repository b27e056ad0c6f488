using Pipelines.Learning.Compilation;
using Pipelines.Learning.Linear;
using Pipelines.Learning.Trees;

namespace Pipelines.Steps.Train.Ensemble;

/// <summary>
/// A loaded ensemble: its members (and meta-learner or regime model) read from the files its manifest names, each
/// checked against its hash, combined as the manifest's kind says. Scoring one row allocates nothing. One instance per
/// thread: members keep row buffers, as ONNX Runtime's runner does.
/// </summary>
public sealed class EnsembleModel
{
    private readonly EnsembleMember[] _members;
    private readonly double[] _weights;
    private readonly double[] _metaRow;
    private readonly int[] _routeByRegime;
    private readonly int _defaultRoute;
    private readonly int _regimeColumn;
    private readonly EnsembleMember? _regime;
    private readonly CompiledTreeEnsemble? _metaCompiled;

    private EnsembleModel(EnsembleManifest manifest, EnsembleMember[] members, LinearModel? meta, TreeEnsembleModel? metaTrees, EnsembleMember? regime, string source)
    {
        Manifest = manifest;
        _members = members;
        Meta = meta;
        MetaTrees = metaTrees;
        _regime = regime;
        FeatureNames = manifest.Features;
        var first = members[0].Model;
        Outputs = first.Outputs;
        Kind = first.Kind;
        foreach (var member in members.Skip(1))
        {
            if (member.Model.Outputs != Outputs || member.Model.IsRegression != first.IsRegression)
                throw new ModelFormatException($"{source}: member '{member.Name}' predicts {member.Model.Outputs} value(s) ({(member.Model.IsRegression ? "regression" : "classification")}), member '{members[0].Name}' {Outputs} ({(first.IsRegression ? "regression" : "classification")})");
        }
        _weights = manifest.Kind == EnsembleKind.Average
            ? manifest.Weights?.ToArray() is { } w && w.Length == members.Length ? w
                : throw new ModelFormatException($"{source}: an average ensemble needs one weight per member ({members.Length})")
            : [];
        _metaRow = new double[members.Length * (metaTrees is null ? 1 : Outputs)];
        if (manifest.Kind == EnsembleKind.Stacking)
        {
            if (metaTrees is not null)
            {
                // LightGBM reads every member's prediction (each class probability of a multiclass member) and predicts as they do.
                if (metaTrees.FeatureCount != _metaRow.Length)
                    throw new ModelFormatException($"{source}: the LightGBM meta-learner takes {metaTrees.FeatureCount} inputs for {members.Length} members of {Outputs} output(s) each");
                if (metaTrees.TreesPerIteration != Outputs || (metaTrees.Objective.Kind is ObjectiveKind.Identity or ObjectiveKind.Exponential) != first.IsRegression)
                    throw new ModelFormatException($"{source}: the LightGBM meta-learner predicts {metaTrees.TreesPerIteration} value(s) ({metaTrees.Objective.Kind}), the members {Outputs} ({first.Kind})");
                _metaCompiled = CompiledTreeEnsemble.Compile(metaTrees);
            }
            else
            {
                if (meta is null) throw new ModelFormatException($"{source}: a stacking ensemble needs its meta-learner");
                if (meta.FeatureCount != members.Length) throw new ModelFormatException($"{source}: the meta-learner takes {meta.FeatureCount} inputs for {members.Length} members");
                if (Outputs != 1) throw new ModelFormatException($"{source}: the linear meta-learner combines binary or regression members; these predict {Outputs} classes");
            }
        }
        _routeByRegime = [];
        _defaultRoute = -1;
        _regimeColumn = -1;
        if (manifest.Kind == EnsembleKind.Regime)
        {
            var routing = manifest.Regime ?? throw new ModelFormatException($"{source}: a regime ensemble needs its routing");
            int MemberIndex(string name) => Array.FindIndex(members, m => m.Name == name) is var i and >= 0 ? i
                : throw new ModelFormatException($"{source}: the routing names member '{name}', which the ensemble does not have");
            var routes = routing.Routes.ToDictionary(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture), r => MemberIndex(r.Value));
            _defaultRoute = MemberIndex(routing.Default);
            _routeByRegime = new int[routes.Count == 0 ? 0 : routes.Keys.Max() + 1];
            Array.Fill(_routeByRegime, _defaultRoute);
            foreach (var (regimeNumber, member) in routes) _routeByRegime[regimeNumber] = member;
            if (routing.Column is { } column)
            {
                _regimeColumn = FeatureNames.ToList().IndexOf(column);
                if (_regimeColumn < 0) throw new ModelFormatException($"{source}: the regime column '{column}' is not among the ensemble's features");
            }
            else if (regime is null) throw new ModelFormatException($"{source}: a regime ensemble needs a regime model or a regime column");
        }
    }

    public EnsembleManifest Manifest { get; }

    public EnsembleKind EnsembleKind => Manifest.Kind;

    public IReadOnlyList<EnsembleMember> Members => _members;

    /// <summary>Stacking's linear meta-learner over the members' link-scale outputs; null for other kinds and a LightGBM meta-learner.</summary>
    public LinearModel? Meta { get; }

    /// <summary>
    /// Stacking's LightGBM meta-learner (its model.txt read by our reader, scored compiled): over the members' link-scale
    /// outputs, or every class probability of multiclass members; null for other kinds and a linear meta-learner.
    /// </summary>
    public TreeEnsembleModel? MetaTrees { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public int Outputs { get; }

    public ObjectiveKind Kind { get; }

    /// <summary>
    /// Reads a manifest and every file it names. <paramref name="openFile"/> finds a file by its SHA-256 (the store
    /// verifies it); each is hashed again on load. A member that is itself an ensemble is refused.
    /// </summary>
    public static EnsembleModel Load(string path, Func<string, string> openFile)
    {
        ArgumentNullException.ThrowIfNull(openFile);
        var source = Path.GetFileName(path);
        var manifest = EnsembleManifest.Parse(File.ReadAllText(path), source);
        if (manifest.Members.Count == 0) throw new ModelFormatException($"{source}: the ensemble has no members");
        var members = manifest.Members.Select(file =>
        {
            var model = LoadPart(file, openFile, source);
            if (!model.FeatureNames.SequenceEqual(file.Features))
                throw new ModelFormatException($"{source}: member '{file.Name}' reads features [{string.Join(", ", model.FeatureNames)}], the manifest lists [{string.Join(", ", file.Features)}]");
            return new EnsembleMember(file.Name, model, manifest.Features);
        }).ToArray();
        LinearModel? meta = null;
        TreeEnsembleModel? metaTrees = null;
        if (manifest.Meta is { } metaFile)
        {
            var metaPath = EnsembleManifest.Open(metaFile, openFile, source);
            // The format tells the meta-learners apart: train/linear's JSON, or LightGBM's model text.
            if (metaFile.Format == "txt") metaTrees = LightGbmModelReader.Load(metaPath);
            else meta = LinearModelFile.Load(metaPath);
        }
        EnsembleMember? regime = null;
        if (manifest.Regime?.Model is { } regimeFile)
        {
            var model = LoadPart(regimeFile, openFile, source);
            if (model.Onnx?.Task != ModelTask.Clustering)
                throw new ModelFormatException($"{source}: the regime model '{regimeFile.Name}' is not a k-means model (train/mlnet trainer kmeans)");
            regime = new EnsembleMember(regimeFile.Name, model, manifest.Features);
        }
        return new EnsembleModel(manifest, members, meta, metaTrees, regime, source);
    }

    private static PredictiveModel LoadPart(EnsembleFile file, Func<string, string> openFile, string source)
    {
        var memberPath = EnsembleManifest.Open(file, openFile, source);
        var model = PredictiveModel.Load(memberPath);
        if (model.Ensemble is not null) throw new ModelFormatException($"{source}: the {file.Role} '{file.Name}' is itself an ensemble; members must be single models");
        return model;
    }

    /// <summary>The stacking link: log-odds of a probability (clamped away from 0 and 1), or the value itself for regression.</summary>
    public static double Link(double prediction, bool regression)
    {
        if (regression) return prediction;
        var p = Math.Clamp(prediction, 1e-15, 1 - 1e-15);
        return Math.Log(p / (1 - p));
    }

    /// <summary>The regime the row falls in (a k-means cluster, or the regime column rounded); -1 when the column is missing.</summary>
    public int Regime(ReadOnlySpan<double> features)
    {
        if (_regime is not null)
        {
            _regime.Score(features);
            return (int)_regime.Output[0];
        }
        var value = features[_regimeColumn];
        return double.IsFinite(value) ? (int)Math.Round(value) : -1;
    }

    /// <summary>The member that scores a row in <paramref name="regime"/>: its route, or the default.</summary>
    public int RouteOf(int regime) => regime >= 0 && regime < _routeByRegime.Length ? _routeByRegime[regime] : _defaultRoute;

    /// <summary>Writes <see cref="Outputs"/> predictions for one row of <see cref="FeatureNames"/>; allocates nothing.</summary>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        switch (Manifest.Kind)
        {
            case EnsembleKind.Regime:
                var member = _members[RouteOf(Regime(features))];
                member.Score(features);
                member.Output.AsSpan().CopyTo(output);
                return;
            case EnsembleKind.Average:
                output[..Outputs].Clear();
                for (var m = 0; m < _members.Length; m++)
                {
                    _members[m].Score(features);
                    var values = _members[m].Output;
                    for (var c = 0; c < Outputs; c++) output[c] += _weights[m] * values[c];
                }
                return;
            default:
                var regression = Kind is ObjectiveKind.Identity or ObjectiveKind.Exponential;
                if (Outputs == 1)
                {
                    for (var m = 0; m < _members.Length; m++)
                    {
                        _members[m].Score(features);
                        _metaRow[m] = Link(_members[m].Output[0], regression);
                    }
                }
                else
                {
                    for (var m = 0; m < _members.Length; m++)
                    {
                        _members[m].Score(features);
                        _members[m].Output.AsSpan().CopyTo(_metaRow.AsSpan(m * Outputs, Outputs));
                    }
                }
                if (_metaCompiled is not null) _metaCompiled.Predict(_metaRow, output);
                else output[0] = Meta!.Predict(_metaRow);
                return;
        }
    }
}
