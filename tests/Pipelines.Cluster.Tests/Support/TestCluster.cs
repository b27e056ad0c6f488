using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace Pipelines.Cluster.Tests.Support;

/// <summary>
/// A cluster of real processes on one PostgreSQL database: one <c>pipelines serve</c> and some workers, all with short
/// check-in intervals and the benchmark's step types, on a workspace whose <c>pipelines/</c> the test fills. Runs start
/// through the service's API; the test reads the outcome from the database.
/// </summary>
internal sealed partial class TestCluster : IAsyncDisposable
{
    /// <summary>Bound for a process to start and join: many processes compiling at once on two shared cores take a while.</summary>
    public static readonly TimeSpan JoinBound = TimeSpan.FromMinutes(2);

    public static readonly string[] ShortCheckins = ["--checkin-interval", "1s", "--checkin-threshold", "2s", "--bench-steps"];

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public TestCluster(PostgresWorkspace workspace) => Workspace = workspace;

    public PostgresWorkspace Workspace { get; }
    public ClusterProcess? Serve { get; private set; }
    public List<ClusterProcess> Workers { get; } = [];
    public string ServiceUrl { get; private set; } = "";

    public async Task StartAsync(int workers, int serveMaxSteps = 1, int workerMaxSteps = 2, params string[][] workerLabels)
    {
        Serve = ClusterProcess.Start(Workspace, "serve", ["serve", "--urls", "http://127.0.0.1:0", "--max-steps", serveMaxSteps.ToString(), .. ShortCheckins]);
        for (var i = 0; i < workers; i++)
        {
            string[] labels = i < workerLabels.Length ? ["--labels", string.Join(",", workerLabels[i])] : [];
            Workers.Add(ClusterProcess.Start(Workspace, $"worker-{i + 1}", ["worker", "--max-steps", workerMaxSteps.ToString(), .. labels, .. ShortCheckins]));
        }
        ServiceUrl = (await Serve.WaitForAsync(Listening(), JoinBound)).Groups[1].Value;
        await Serve.WaitUntilJoinedAsync(JoinBound);
        foreach (var worker in Workers) await worker.WaitUntilJoinedAsync(JoinBound);
    }

    public async Task<string> StartRunAsync(string pipeline, IReadOnlyDictionary<string, object> parameters)
    {
        var response = await _http.PostAsJsonAsync($"{ServiceUrl}/api/v1/pipelines/{pipeline}/runs", new { @params = parameters });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"starting {pipeline}: {(int)response.StatusCode} {body}");
        return RunId().Match(body).Groups[1].Value;
    }

    /// <summary>Waits until none of <paramref name="runs"/> is running any more.</summary>
    public async Task WaitUntilEndedAsync(IReadOnlyCollection<string> runs, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            var running = await ScalarAsync($"SELECT count(*) FROM runs WHERE status = 'running' AND run_id IN ({Quoted(runs)})");
            if (running == 0) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{running} of {runs.Count} runs still running after {bound}\n{Describe()}");
            await Task.Delay(250);
        }
    }

    public async Task<long> ScalarAsync(string sql, params object[] args) => Convert.ToInt64(await ValueAsync(sql, args) ?? 0L);

    public async Task<object?> ValueAsync(string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(Workspace.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public async Task<List<object?[]>> RowsAsync(string sql, params object[] args)
    {
        await using var connection = new NpgsqlConnection(Workspace.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public string Describe() => string.Join("\n", new[] { Serve }.Concat(Workers).Where(p => p is not null)
        .Select(p => $"--- {p!.Name}{(p.HasExited ? $" (exited {p.ExitCode})" : "")}:\n{Tail(p.Output)}"));

    private static string Tail(string text) => string.Join("\n", text.Split('\n').TakeLast(40));

    public static string Quoted(IEnumerable<string> ids) => string.Join(", ", ids.Select(id => $"'{id.Replace("'", "''")}'"));

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in Workers) worker.Dispose();
        Serve?.Dispose();
        _http.Dispose();
        await Task.CompletedTask;
    }

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex Listening();

    [GeneratedRegex("\"runId\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex RunId();
}
