using Pipelines.Engine.Catalog;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Model;
using Pipelines.Engine.Parsing;
using Pipelines.Engine.Planning;
using Serilog;

namespace Pipelines.Service.Scheduling;

/// <summary>
/// The pipeline files in the workspace's <c>pipelines/</c> directory as the service last read them: each one either
/// valid (parsed and compiled with its default parameters) or with the located errors that keep it from being
/// fired. Re-read whenever a file there changes, so an edit reaches the schedule without a restart.
/// </summary>
public sealed class WorkspacePipelines : IDisposable
{
    private readonly string _workspaceRoot;
    private readonly StepCatalog _catalog;
    private readonly int _maxFileBytes;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private IReadOnlyList<LoadedPipeline> _all = [];

    public WorkspacePipelines(string workspaceRoot, string directory, StepCatalog catalog, int maxFileBytes, ILogger log)
    {
        _workspaceRoot = workspaceRoot;
        Directory = directory;
        _catalog = catalog;
        _maxFileBytes = maxFileBytes;
        _log = log;
    }

    public string Directory { get; }

    public string WorkspaceRoot => _workspaceRoot;

    /// <summary>Raised after every reload, with the new set.</summary>
    public event Action<IReadOnlyList<LoadedPipeline>>? Changed;

    public IReadOnlyList<LoadedPipeline> All
    {
        get { lock (_gate) return _all; }
    }

    public LoadedPipeline? Find(string name) => All.FirstOrDefault(p => p.Name == name);

    /// <summary>Reads every pipeline file again; files that do not validate are logged with their located errors.</summary>
    public IReadOnlyList<LoadedPipeline> Reload()
    {
        var files = System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.EnumerateFiles(Directory).Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToList()
            : [];
        var loaded = new List<LoadedPipeline>();
        foreach (var file in files)
        {
            var pipeline = Load(file);
            if (!pipeline.IsValid)
                foreach (var error in pipeline.Errors) _log.Error("Pipeline {File} does not validate; its triggers are off: {Error}", file, error);
            else if (loaded.FirstOrDefault(p => p.Name == pipeline.Name) is { } first)
            {
                _log.Error("Pipelines {File} and {Other} are both named {Name}; only the first is fired", file, first.File, pipeline.Name);
                continue;
            }
            loaded.Add(pipeline);
        }
        lock (_gate) _all = loaded;
        Changed?.Invoke(loaded);
        return loaded;
    }

    private LoadedPipeline Load(string file)
    {
        var fallbackName = Path.GetFileNameWithoutExtension(file);
        try
        {
            var definition = PipelineParser.ParseFile(file, _maxFileBytes);
            PipelineCompiler.Compile(definition, _catalog, _workspaceRoot, null);
            return new LoadedPipeline(definition.Name, file, definition, []);
        }
        catch (PipelineValidationException e)
        {
            return new LoadedPipeline(fallbackName, file, null, e.Diagnostics.Select(d => d.ToString()).ToList());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new LoadedPipeline(fallbackName, file, null, [$"{file}:1:1: {e.Message}"]);
        }
    }

    /// <summary>Parses and compiles a pipeline afresh for a run, with the parameters the firing sets.</summary>
    public CompiledPipeline Compile(string file, IReadOnlyDictionary<string, string> parameters) =>
        PipelineCompiler.Compile(PipelineParser.ParseFile(file, _maxFileBytes), _catalog, _workspaceRoot, parameters);

    /// <summary>Reloads shortly after files in the directory change; editors write a file in several steps.</summary>
    public void Watch(TimeSpan settle)
    {
        if (!System.IO.Directory.Exists(Directory)) System.IO.Directory.CreateDirectory(Directory);
        _debounce = new Timer(_ =>
        {
            try { Reload(); }
            catch (Exception e) { _log.Error(e, "Reloading the pipelines in {Directory} failed", Directory); }
        });
        _watcher = new FileSystemWatcher(Directory) { IncludeSubdirectories = false, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        void Changed(object? sender, FileSystemEventArgs args) => _debounce?.Change(settle, Timeout.InfiniteTimeSpan);
        _watcher.Changed += Changed;
        _watcher.Created += Changed;
        _watcher.Deleted += Changed;
        _watcher.Renamed += (s, a) => Changed(s, a);
        _watcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }
}

/// <summary>One pipeline file: its definition when it validates, otherwise its errors (file:line:column: message).</summary>
public sealed record LoadedPipeline(string Name, string File, PipelineDefinition? Definition, IReadOnlyList<string> Errors)
{
    public bool IsValid => Definition is not null && Errors.Count == 0;
}
