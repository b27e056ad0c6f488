namespace Pipelines.Engine.Tests.Schema;

public enum KindsSide { LongOnly, ShortOnly, Both }
