namespace Pipelines.Steps.Tests.Ticks;

/// <summary>Messages one accepted connection of the fake stream server sends, then how it ends.</summary>
public sealed record ScriptedConnection(IReadOnlyList<string> Messages, ConnectionEnd End);
