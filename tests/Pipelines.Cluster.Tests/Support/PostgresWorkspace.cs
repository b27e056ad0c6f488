using Pipelines.Engine.Settings;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests.Support;

/// <summary>
/// A throwaway workspace whose ml.yaml puts the store in PostgreSQL: the connection string in <c>PIPELINES_PG</c> (given
/// to the processes a test starts, never written to ml.yaml) and the artifacts in a directory of their own, as a shared
/// mount would be. Deleted afterwards.
/// </summary>
internal sealed class PostgresWorkspace : IDisposable
{
    public const string ConnectionVariable = "PIPELINES_PG";

    public PostgresWorkspace(string connectionString, string? extraSettings = null)
    {
        // Many processes starting at once on two shared cores spend seconds compiling before they connect: give them time.
        ConnectionString = connectionString.Contains('=') ? new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Timeout = 30 }.ConnectionString : connectionString;
        Root = Path.Combine(Path.GetTempPath(), "pipelines-cluster-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, MlSettings.FileName),
            $"store:\n  kind: postgres\n  connection_env: {ConnectionVariable}\n  artifacts: shared-artifacts\nlogging:\n  json_file: false\n{extraSettings}");
    }

    public string Root { get; }

    public string ConnectionString { get; }

    public string StoreRoot => Path.Combine(Root, ".pipelines");

    public string ArtifactsDirectory => Path.Combine(Root, "shared-artifacts");

    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { [ConnectionVariable] = ConnectionString };

    public StoreLocation Location => new()
    {
        Root = StoreRoot, Kind = StoreKind.Postgres, ConnectionString = ConnectionString, ArtifactsDirectory = ArtifactsDirectory,
    };

    public PipelineStore OpenStore() => PipelineStore.Open(Location, TimeSpan.Zero);

    public Task<PipelinesProcess.Result> RunAsync(TimeSpan bound, params string[] args) => PipelinesProcess.RunAsync(Root, Environment, bound, args);

    public string Write(string relative, string text)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)) File.SetAttributes(file, FileAttributes.Normal);
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process under test may hold a file for a moment; the temporary directory is cleaned by the system.
        }
    }
}
