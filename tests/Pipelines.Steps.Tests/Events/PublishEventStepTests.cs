using System.Text.Json.Nodes;
using Pipelines.Abstractions;
using Pipelines.Steps.Events;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Events;

public sealed class PublishEventStepTests : IDisposable
{
    private readonly TestStepContext _context = new();

    public void Dispose() => _context.Dispose();

    private Task<PublishEventOutputs> Publish(string type, IReadOnlyDictionary<string, string>? payload = null) =>
        new PublishEventStep().ExecuteAsync(new PublishEventInputs
        {
            Type = type, Model = "toxicity", Feature = "ret_1", Payload = payload ?? new Dictionary<string, string>(),
        }, _context, CancellationToken.None);

    [Fact]
    public async Task A_pipeline_type_is_published_with_its_subject_and_payload()
    {
        var outputs = await Publish("custom.rare_events.captured", new Dictionary<string, string> { ["symbol"] = "BTCUSDT", ["captured"] = "12" });

        var published = Assert.Single(_context.EventLog.Published);
        Assert.Equal(("custom.rare_events.captured", "toxicity", "ret_1"), (published.Type, published.Model, published.Feature));
        var payload = JsonNode.Parse(published.PayloadJson)!.AsObject();
        Assert.Equal(["captured", "symbol"], payload.Select(p => p.Key));
        Assert.Equal("12", (string?)payload["captured"]);
        Assert.Equal(published.PayloadJson, outputs.Payload);
    }

    [Theory]
    [InlineData("model.promoted", "must start with 'custom.'")]
    [InlineData("custom", "must be dotted lower-case words")]
    [InlineData("custom.Rare", "must be dotted lower-case words")]
    [InlineData("custom..x", "must be dotted lower-case words")]
    public async Task A_type_a_pipeline_may_not_publish_is_refused_naming_the_input(string type, string reason)
    {
        var error = await Assert.ThrowsAsync<StepInputException>(() => Publish(type));
        Assert.Equal("type", error.Input);
        Assert.Contains(reason, error.Message);
        Assert.Empty(_context.EventLog.Published);
    }

    [Theory]
    [InlineData("RunId", "must be snake_case")]
    [InlineData("run_id", "is a field of the event itself")]
    public async Task A_payload_key_that_would_clash_or_break_the_naming_is_refused(string key, string reason)
    {
        var error = await Assert.ThrowsAsync<StepInputException>(() =>
            Publish("custom.batch.ready", new Dictionary<string, string> { [key] = "x" }));
        Assert.Equal("payload", error.Input);
        Assert.Contains(reason, error.Message);
    }
}
