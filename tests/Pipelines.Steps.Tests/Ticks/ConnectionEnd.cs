namespace Pipelines.Steps.Tests.Ticks;

/// <summary>What the fake stream server does with a connection once its scripted messages are sent.</summary>
public enum ConnectionEnd
{
    /// <summary>Keeps the connection open, answering the client's close frame.</summary>
    StayOpen,

    /// <summary>Ends the TCP connection without a close frame, like a network failure.</summary>
    Abort,

    /// <summary>Sends a close frame, as Binance does after 24 hours.</summary>
    Close,

    /// <summary>Keeps the connection but never sends or reads again, like a stalled link.</summary>
    GoSilent,
}
