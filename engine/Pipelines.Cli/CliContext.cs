using Pipelines.Cli.Output;
using Pipelines.Engine.Catalog;
using Pipelines.Engine.Settings;
using Pipelines.Engine.Storage;

namespace Pipelines.Cli;

/// <summary>What every command needs: the workspace (found from the current directory), the catalogue, output streams.</summary>
public sealed class CliContext(
    string? workspaceDirectory, DiagnosticFormat format, bool verbose, TextWriter output, TextWriter error, CancellationToken cancellation) : IDisposable
{
    private Workspace? _workspace;
    private Serilog.Core.Logger? _logger;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Created on first use, so commands that never log never create the store directory.</summary>
    public Serilog.ILogger Logger => _logger ??= CliLogging.Create(Workspace, verbose);

    public void Dispose() => _logger?.Dispose();

    public DiagnosticFormat Format { get; } = format;
    public TextWriter Output { get; } = output;
    public TextWriter Error { get; } = error;
    public StepCatalog Catalog { get; } = StepCatalogFactory.Create();

    public Workspace Workspace => _workspace ??= Workspace.Discover(workspaceDirectory ?? Directory.GetCurrentDirectory());

    /// <summary>Paths on the command line are relative to where the user is, not to the workspace.</summary>
    public string ResolveUserPath(string path) => Path.GetFullPath(path, Directory.GetCurrentDirectory());

    public PipelineStore OpenStore(TimeSpan? wait = null) =>
        PipelineStore.Open(Workspace.StoreLocation, wait ?? Workspace.Settings.Store.LockTimeout);

    /// <summary>Whether there is a store to read: a DuckDB file that exists; a PostgreSQL store always is (opening it creates its tables).</summary>
    public bool StoreExists => Workspace.Settings.Store.Kind == StoreKind.Postgres || File.Exists(new StoreLayout(Workspace.StorePath).DatabasePath);
}
