using System.Runtime.InteropServices;
using Pipelines.Cli;
using Pipelines.Learning.LightGbm;

// While this process has one thread: changing the C library's environment later could race a reader on another.
LightGbmTrainer.PrepareProcess();

using var cancellation = new CancellationTokenSource();
// First Ctrl+C (or SIGTERM) asks the run to stop cleanly and record itself as cancelled; the process then exits.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
return await PipelinesCli.RunAsync(args, Console.Out, Console.Error, cancellation.Token);

void Cancel(PosixSignalContext context)
{
    if (cancellation.IsCancellationRequested) return; // a second signal falls through to the default: exit now
    context.Cancel = true;
    Console.Error.WriteLine("cancelling: finishing the record of this run (press Ctrl+C again to abort)");
    cancellation.Cancel();
}
