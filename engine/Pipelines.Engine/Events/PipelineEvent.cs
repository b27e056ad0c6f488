namespace Pipelines.Engine.Events;

/// <summary>
/// Something that happened, as the store keeps it: one row of <c>events</c>, shaped so that it maps one to one onto a
/// CloudEvent (id, type, time, source, subject, data). <see cref="Sequence"/> is the order of publication in this store:
/// the dispatcher and the notifiers remember the last sequence they handled, so nothing is handled twice or skipped.
/// </summary>
/// <param name="Id">Unique per event (a CloudEvent's <c>id</c>); the idempotency key of whatever an event starts.</param>
/// <param name="Type">A name from the event catalogue, e.g. <c>drift.detected</c>, or a pipeline's own type.</param>
/// <param name="Source">Who published it: <c>/pipelines/NAME/runs/RUN[/steps/STEP]</c>, or <c>/service</c>.</param>
/// <param name="Model">The model the event is about, when it is about one (the CloudEvent's subject).</param>
/// <param name="Feature">The feature it is about, when it is about one (drift of one feature).</param>
/// <param name="PayloadJson">The event's data: a JSON object.</param>
public sealed record PipelineEvent(
    long Sequence, string Id, string Type, DateTime Time, string Source,
    string? Pipeline, string? RunId, string? StepId, string? Model, string? Feature, string PayloadJson);
