namespace Pipelines.Cli;

/// <summary>Exit codes of every command; documented in the README so scripts and CI can branch on them.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (a run succeeded, a check found nothing).</summary>
    public const int Success = 0;

    /// <summary>A run failed, or a check (<c>fmt --check</c>, <c>schema --check</c>) found differences.</summary>
    public const int Failed = 1;

    /// <summary>Invalid input: a pipeline or ml.yaml rejected, a bad argument, an unknown run or step type. Nothing was written.</summary>
    public const int InvalidInput = 2;

    /// <summary>
    /// The store cannot be used: held by another process beyond the wait, or (PostgreSQL) unreachable, refusing the
    /// credentials, or of a newer schema than this program. Nothing was written.
    /// </summary>
    public const int StoreBusy = 3;

    /// <summary>An artifact file was altered or is missing.</summary>
    public const int IntegrityError = 4;

    /// <summary>Cancelled with Ctrl+C (or SIGTERM); the run is recorded as cancelled and can be resumed.</summary>
    public const int Cancelled = 130;
}
