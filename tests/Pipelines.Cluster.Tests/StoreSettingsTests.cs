using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Settings;
using Pipelines.Engine.Storage;

namespace Pipelines.Cluster.Tests;

/// <summary>
/// ml.yaml's <c>store:</c> section chooses the database: DuckDB unless it says otherwise, PostgreSQL with the connection
/// string read from the named environment variable (never from ml.yaml), and every mistake reported at its file:line:column.
/// </summary>
public sealed class StoreSettingsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pipelines-cluster-tests", Guid.NewGuid().ToString("N")[..12]);
    private readonly string _variable = "PIPELINES_PG_SETTINGS_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public StoreSettingsTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        Directory.Delete(_root, recursive: true);
    }

    private Workspace Load(string mlYaml)
    {
        File.WriteAllText(Path.Combine(_root, MlSettings.FileName), mlYaml);
        return Workspace.Discover(_root);
    }

    private Diagnostic Rejected(string mlYaml) => Assert.Single(Assert.Throws<PipelineValidationException>(() => Load(mlYaml)).Diagnostics);

    [Fact]
    public void Without_a_store_kind_the_store_is_the_DuckDB_file_under_the_store_path_as_before()
    {
        var workspace = Load("store:\n  path: .pipelines\n");

        Assert.Equal(StoreKind.Duckdb, workspace.Settings.Store.Kind);
        var location = workspace.StoreLocation;
        Assert.Equal(StoreKind.Duckdb, location.Kind);
        Assert.Null(location.ConnectionString);
        Assert.Equal(Path.Combine(_root, ".pipelines", "artifacts"), location.Layout.ArtifactsDirectory);
        Assert.Equal(Path.Combine(_root, ".pipelines", "pipelines.duckdb"), location.ToString());
    }

    [Fact]
    public void Postgres_reads_the_connection_string_from_the_named_variable_and_puts_artifacts_in_the_shared_directory()
    {
        Environment.SetEnvironmentVariable(_variable, "Host=db.internal;Port=5433;Database=pipelines;Username=ml;Password=hunter2");

        var workspace = Load($"store:\n  kind: postgres\n  connection_env: {_variable}\n  artifacts: /mnt/shared/artifacts\n");

        var location = workspace.StoreLocation;
        Assert.Equal(StoreKind.Postgres, location.Kind);
        Assert.Contains("Password=hunter2", location.ConnectionString);
        Assert.Equal("/mnt/shared/artifacts", location.Layout.ArtifactsDirectory);
        Assert.Equal(Path.Combine("/mnt/shared/artifacts", ".staging"), location.Layout.StagingDirectory);
        // What messages may say about the store: server, port, database and user, never the password.
        Assert.Equal("PostgreSQL at db.internal:5433, database pipelines, user ml", location.ToString());
        Assert.DoesNotContain("hunter2", workspace.Settings.ToString());
    }

    [Fact]
    public void An_unknown_store_kind_is_an_error_at_its_value()
    {
        var error = Rejected("store:\n  kind: mysql\n");

        Assert.Equal((2, 9), (error.Location.Line, error.Location.Column));
        Assert.Contains("duckdb", error.Message);
        Assert.Contains("postgres", error.Message);
    }

    [Fact]
    public void Postgres_with_its_variable_unset_is_an_error_at_connection_env_naming_the_variable()
    {
        var error = Rejected($"store:\n  kind: postgres\n  connection_env: {_variable}\n");

        Assert.Equal(3, error.Location.Line);
        Assert.Contains($"store.connection_env: kind is postgres but the environment variable {_variable} is not set", error.Message);
    }

    [Fact]
    public void A_connection_env_that_is_not_a_variable_name_is_an_error_at_it()
    {
        var error = Rejected("store:\n  connection_env: \"Host=db;Password=x\"\n");

        Assert.Equal(2, error.Location.Line);
        Assert.Contains("is not an environment variable name", error.Message);
        Assert.DoesNotContain("Password=x", error.ToString());
    }
}
