using Pipelines.Abstractions;
using Pipelines.Engine.Storage;
using Pipelines.Steps.Registry;
using Pipelines.Steps.Tests.Support;

namespace Pipelines.Steps.Tests.Registry;

public sealed class RetentionStepTests : IDisposable
{
    private readonly StoreStepContext _context = new("run-maintenance", "retention");

    public void Dispose() => _context.Dispose();

    /// <summary>Shadow predictions recorded 10, 40 and 100 days ago, two of each.</summary>
    private void ShadowRows()
    {
        var log = new StoreShadowLog(_context.Store, "run-shadow", "shadow");
        foreach (var days in new[] { 10, 40, 100 })
        {
            log.Record("flow", 1, 2, [new ShadowPrediction(1, 0.1, 0.2, 1, false), new ShadowPrediction(2, 0.3, 0.4, 0, true)]);
            _context.Store.Read(c => c.Execute("UPDATE shadow_predictions SET recorded_at = ? WHERE recorded_at > ?", DateTime.UtcNow.AddDays(-days), DateTime.UtcNow.AddDays(-1)));
        }
    }

    private Task<RetentionOutputs> Run(RetentionInputs inputs) => new RetentionStep().ExecuteAsync(inputs, _context, CancellationToken.None);

    [Fact]
    public async Task Ages_not_set_on_the_step_come_from_the_workspace_retention_section()
    {
        ShadowRows();
        _context.Settings = new WorkspaceSettings { Retention = new RetentionSettings { ShadowDays = 30 } };

        var outputs = await Run(new RetentionInputs());

        Assert.Equal(4, outputs.ShadowRows);
        Assert.Equal(2, _context.Store.Count("shadow_predictions"));
    }

    [Fact]
    public async Task The_step_overrides_an_age_and_a_dry_run_only_lists()
    {
        ShadowRows();

        var dry = await Run(new RetentionInputs { ShadowDays = 60, DryRun = true });
        Assert.True(dry.DryRun);
        Assert.Equal(2, dry.ShadowRows);
        Assert.Contains("delete 2 shadow prediction(s) of flow v2", Assert.Single(dry.Actions));
        Assert.Equal(6, _context.Store.Count("shadow_predictions"));

        var real = await Run(new RetentionInputs { ShadowDays = 60 });
        Assert.Equal(2, real.ShadowRows);
        Assert.Equal(4, _context.Store.Count("shadow_predictions"));
        var audit = Assert.Single(_context.Registry.Transitions("flow"));
        Assert.Equal(("purge_shadow", "run run-maintenance step retention"), (audit.Action, audit.Actor));
    }

    [Fact]
    public async Task A_negative_age_is_refused_naming_the_input()
    {
        var failure = await Assert.ThrowsAsync<StepInputException>(() => Run(new RetentionInputs { DecisionDays = -1 }));
        Assert.Equal("decision_days", failure.Input);
    }
}
