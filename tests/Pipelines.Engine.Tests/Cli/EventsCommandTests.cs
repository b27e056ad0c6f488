using System.Text;
using Pipelines.Cli.Commands;
using Pipelines.Engine.Events;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Cli;

/// <summary><c>pipelines events</c> lists what runs published, filtered, as a table or as CloudEvents one per line.</summary>
public sealed class EventsCommandTests : IDisposable
{
    private readonly TestWorkspace _workspace = new();

    public EventsCommandTests()
    {
        _workspace.Write("data/prices.csv", "t,price\n1,10\n2,11\n3,12\n");
        _workspace.Write("announce.yaml", """
            name: announce
            steps:
              - id: prices
                uses: ingest/csv
                with: { path: data/prices.csv }
              - id: tell
                uses: events/publish
                needs: prices
                with:
                  type: custom.prices.ingested
                  model: toxicity
                  payload: { rows: "${{ steps.prices.outputs.rows }}", file: prices.csv }
            """);
        _workspace.Write("quiet.yaml", """
            name: quiet
            steps:
              - id: prices
                uses: ingest/csv
                with: { path: data/prices.csv }
            """);
    }

    public void Dispose() => _workspace.Dispose();

    private CliRun Cli(params string[] args) => CliRun.Invoke(["-C", _workspace.Root, .. args]);

    private void RunBoth()
    {
        foreach (var pipeline in new[] { "announce.yaml", "quiet.yaml" })
        {
            var run = Cli("run", Path.Combine(_workspace.Root, pipeline));
            Assert.True(run.ExitCode == 0, run.Error);
        }
    }

    [Fact]
    public void The_table_lists_every_event_newest_first_with_its_run_and_subject()
    {
        RunBoth();
        var run = Cli("events");
        Assert.Equal(0, run.ExitCode);
        var types = new[] { "run.succeeded", "run.started", "run.succeeded", "custom.prices.ingested", "run.started" };
        var positions = types.Aggregate((Index: 0, Ok: true), (state, type) =>
        {
            var at = run.Output.IndexOf(type, state.Index, StringComparison.Ordinal);
            return (at < 0 ? state.Index : at + type.Length, state.Ok && at >= 0);
        });
        Assert.True(positions.Ok, run.Output);
        var published = run.Output.Split('\n').Single(line => line.Contains("custom.prices.ingested"));
        Assert.Contains("announce", published);
        Assert.Contains("tell", published);
        Assert.Contains("toxicity", published);
        Assert.Contains("\"rows\":\"3\"", published);
    }

    [Fact]
    public void Filters_by_type_model_pipeline_and_limit()
    {
        RunBoth();
        var byType = Cli("events", "--type", "custom.prices.ingested", "--json");
        Assert.Equal("custom.prices.ingested", Assert.Single(Lines(byType)).Type);
        Assert.Equal("custom.prices.ingested", Assert.Single(Lines(Cli("events", "--model", "toxicity", "--json"))).Type);
        Assert.Equal(["run.succeeded", "run.started"], Lines(Cli("events", "--pipeline", "quiet", "--json")).Select(e => e.Type));
        Assert.Equal(["run.succeeded"], Lines(Cli("events", "--limit", "1", "--json")).Select(e => e.Type));
        Assert.Contains("no events match", Cli("events", "--pipeline", "nobody").Output);
    }

    [Fact]
    public void Json_prints_one_structured_cloud_event_per_line_as_stored()
    {
        RunBoth();
        var lines = Lines(Cli("events", "--json"));
        Assert.Equal(5, lines.Count);
        var published = lines.Single(e => e.Type == "custom.prices.ingested");
        Assert.Equal("toxicity", published.Subject);
        Assert.Equal("announce", published[CloudEventMapping.PipelineAttribute]);
        Assert.StartsWith("/pipelines/announce/runs/", published.Source!.ToString());
        Assert.EndsWith("/steps/tell", published.Source!.ToString());
        var data = (System.Text.Json.JsonElement)published.Data!;
        Assert.Equal("prices.csv", data.GetProperty("file").GetString());
        Assert.Equal(lines.Count, lines.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void Since_takes_a_duration_or_an_iso_date_and_refuses_anything_else()
    {
        RunBoth();
        Assert.Equal(5, Lines(Cli("events", "--since", "1h", "--json")).Count);
        Assert.Equal(5, Lines(Cli("events", "--since", DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), "--json")).Count);
        Assert.Empty(Lines(Cli("events", "--since", "2999-01-01T00:00:00Z", "--json")));

        var bad = Cli("events", "--since", "yesterday");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--since 'yesterday' is neither a duration back from now (30m, 24h, 7d) nor an ISO date", bad.Error);
    }

    [Fact]
    public void Without_a_store_there_is_nothing_to_list_and_no_store_is_made()
    {
        var run = Cli("events");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("no events yet", run.Output);
        Assert.False(Directory.Exists(_workspace.StoreRoot));
    }

    [Fact]
    public void A_payload_key_that_names_an_envelope_field_is_refused_at_its_location_before_anything_runs()
    {
        _workspace.Write("clash.yaml", """
            name: clash
            steps:
              - id: tell
                uses: events/publish
                with: { type: custom.x.y, payload: { run_id: abc } }
            """);
        var run = Cli("run", Path.Combine(_workspace.Root, "clash.yaml"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("clash.yaml:5:42", run.Error);
        Assert.Contains("payload key 'run_id' is a field of the event itself", run.Error);
        Assert.False(Directory.Exists(_workspace.StoreRoot), "a refused pipeline must not touch the store");
    }

    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("24h", 24 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("1h30m", 90 * 60)]
    public void A_duration_counts_back_from_now(string text, int seconds)
    {
        var now = new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal(now.AddSeconds(-seconds), EventsSince.Parse(text, now));
    }

    [Theory]
    [InlineData("2026-12-01", "2026-12-01T00:00:00")]
    [InlineData("2026-12-01T08:30:00Z", "2026-12-01T08:30:00")]
    [InlineData("2026-12-01T08:30:00+02:00", "2026-12-01T06:30:00")]
    [InlineData("2026-12-01T08:30", "2026-12-01T08:30:00")]
    public void An_iso_date_is_read_as_utc_unless_it_names_an_offset(string text, string expectedUtc)
    {
        var parsed = EventsSince.Parse(text, DateTime.UtcNow);
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
        Assert.Equal(DateTime.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), DateTime.SpecifyKind(parsed, DateTimeKind.Unspecified));
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("12/01/2026")]
    [InlineData("7 days")]
    public void Anything_else_is_a_clear_error(string text) =>
        Assert.Contains($"--since '{text}'", Assert.Throws<ArgumentException>(() => EventsSince.Parse(text, DateTime.UtcNow)).Message);

    private static List<CloudNative.CloudEvents.CloudEvent> Lines(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.Error);
        return run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => CloudEventMapping.FromStructuredJson(Encoding.UTF8.GetBytes(line))).ToList();
    }
}
