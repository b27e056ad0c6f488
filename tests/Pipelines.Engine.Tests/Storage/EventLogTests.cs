using Pipelines.Engine.Events;
using Pipelines.Engine.Tests.Support;

namespace Pipelines.Engine.Tests.Storage;

public sealed class EventLogTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Published_events_are_numbered_in_order_and_read_back_by_every_filter()
    {
        var first = _h.Store.PublishEvent(new EventDraft("drift.detected", "/pipelines/p/runs/r1/steps/drift", "p", "r1", "drift", "toxicity", "ret_1",
            """{"severity":"HIGH"}"""));
        var second = _h.Store.PublishEvent(new EventDraft("model.promoted", "/pipelines/p/runs/r1/steps/promote", "p", "r1", "promote", "flow"));
        var third = _h.Store.PublishEvent(new EventDraft("run.succeeded", "/pipelines/q/runs/r2", "q", "r2"));

        Assert.Equal([1L, 2L, 3L], new[] { first.Sequence, second.Sequence, third.Sequence });
        Assert.Equal(3, new[] { first.Id, second.Id, third.Id }.Distinct().Count());
        Assert.Equal(3, _h.Store.LastEventSequence());

        Assert.Equal(["run.succeeded", "model.promoted", "drift.detected"], _h.Store.Events(new EventQuery()).Select(e => e.Type));
        var drift = Assert.Single(_h.Store.Events(new EventQuery(Type: "drift.detected")));
        Assert.Equal(first, drift);
        Assert.Equal("flow", Assert.Single(_h.Store.Events(new EventQuery(Model: "flow"))).Model);
        Assert.Equal("q", Assert.Single(_h.Store.Events(new EventQuery(Pipeline: "q"))).Pipeline);
        Assert.Equal([2L, 3L], _h.Store.Events(new EventQuery(AfterSequence: 1)).Select(e => e.Sequence));
        Assert.Empty(_h.Store.Events(new EventQuery(Since: DateTime.UtcNow.AddMinutes(1))));
        Assert.Equal([3L], _h.Store.Events(new EventQuery(Limit: 1)).Select(e => e.Sequence));
    }

    [Fact]
    public void Events_survive_reopening_the_store_and_numbering_continues()
    {
        _h.Store.PublishEvent(new EventDraft("run.started", "/pipelines/p/runs/r1", "p", "r1"));
        _h.CloseStore();
        Assert.Equal(2, _h.Store.PublishEvent(new EventDraft("run.succeeded", "/pipelines/p/runs/r1", "p", "r1")).Sequence);
        Assert.Equal(["run.started", "run.succeeded"], _h.Store.Events(new EventQuery(AfterSequence: 0)).Select(e => e.Type));
    }

    [Fact]
    public void A_stored_event_becomes_a_cloud_event_in_structured_json_and_reads_back_unchanged()
    {
        var stored = _h.Store.PublishEvent(new EventDraft("drift.detected", "/pipelines/p/runs/r1/steps/drift", "p", "r1", "drift", "toxicity", "ret_1",
            """{"severity":"HIGH","psi":0.31}"""));

        var json = System.Text.Json.Nodes.JsonNode.Parse(CloudEventMapping.ToStructuredJson(stored))!.AsObject();
        Assert.Equal("1.0", (string?)json["specversion"]);
        Assert.Equal(stored.Id, (string?)json["id"]);
        Assert.Equal("drift.detected", (string?)json["type"]);
        Assert.Equal("/pipelines/p/runs/r1/steps/drift", (string?)json["source"]);
        Assert.Equal("toxicity/ret_1", (string?)json["subject"]);
        Assert.Equal("r1", (string?)json["runid"]);
        Assert.Equal(1, (int?)json["pipelinesseq"]);
        Assert.Equal(0.31, (double?)json["data"]!["psi"]);
        Assert.Equal(stored.Time, DateTime.Parse((string)json["time"]!, null, System.Globalization.DateTimeStyles.AdjustToUniversal));

        var decoded = CloudEventMapping.FromStructuredJson(CloudEventMapping.ToStructuredJson(stored));
        Assert.Equal(stored.Id, decoded.Id);
        Assert.Equal("p", decoded[CloudEventMapping.PipelineAttribute]);
    }

    [Fact]
    public void An_event_becomes_the_fields_a_triggered_run_reads_with_the_envelope_winning_over_the_payload()
    {
        var stored = _h.Store.PublishEvent(new EventDraft("drift.detected", "/pipelines/p/runs/r1/steps/drift", "p", "r1", "drift", "toxicity", "ret_1",
            """{"severity":"HIGH","value":0.31,"version":3,"flag":true,"none":null,"steps":[1,2],"run_id":"forged"}"""));

        var fields = EventFields.Of(stored);

        Assert.Equal("HIGH", fields["severity"]);
        Assert.Equal(0.31, fields["value"]);
        Assert.Equal(3L, fields["version"]);
        Assert.Equal(true, fields["flag"]);
        Assert.Null(fields["none"]);
        Assert.Equal("[1,2]", fields["steps"]);
        Assert.Equal("r1", fields["run_id"]);
        Assert.Equal(("toxicity", "ret_1", "p", stored.Id), (fields["model"], fields["feature"], fields["pipeline"], fields["id"]));
        Assert.Equal(stored.Time, DateTime.Parse((string)fields["time"]!, null, System.Globalization.DateTimeStyles.AdjustToUniversal));
    }
}
