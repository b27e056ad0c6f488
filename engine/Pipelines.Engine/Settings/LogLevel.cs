namespace Pipelines.Engine.Settings;

public enum LogLevel { Verbose, Debug, Information, Warning, Error }
