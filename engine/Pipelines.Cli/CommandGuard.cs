using Pipelines.Cli.Output;
using Pipelines.Engine.Diagnostics;
using Pipelines.Engine.Storage;

namespace Pipelines.Cli;

/// <summary>Turns the failures a user can cause into a message and the documented exit code, never a stack trace.</summary>
public static class CommandGuard
{
    public static async Task<int> RunAsync(CliContext context, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (PipelineValidationException e)
        {
            DiagnosticPrinter.Print(context.Error, e.Diagnostics, context.Format, SafeRoot(context));
            context.Error.WriteLine($"{e.Diagnostics.Count} error(s); nothing was run.");
            return ExitCodes.InvalidInput;
        }
        catch (StoreLockedException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.StoreBusy;
        }
        catch (StoreUnavailableException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.StoreBusy;
        }
        catch (ArtifactIntegrityException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.IntegrityError;
        }
        catch (Npgsql.NpgsqlException e)
        {
            context.Error.WriteLine($"error: PostgreSQL: {PostgresFailure.Describe(e)}");
            return ExitCodes.Failed;
        }
        catch (DuckDB.NET.Data.DuckDBException e)
        {
            context.Error.WriteLine($"error: DuckDB: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or InvalidDataException
                                       or FileNotFoundException or DirectoryNotFoundException)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.InvalidInput;
        }
    }

    private static string SafeRoot(CliContext context)
    {
        try { return context.Workspace.Root; }
        catch (PipelineValidationException) { return Directory.GetCurrentDirectory(); }
    }
}
