using System.Runtime.InteropServices;
using Pipelines.Cli;
using Pipelines.Learning.LightGbm;

// While this process has one thread: changing the C library's environment later could race a reader on another.
LightGbmTrainer.PrepareProcess();

using var cancellation = new CancellationTokenSource();
// First Ctrl+C (or SIGTERM) asks the command to stop cleanly: a run records itself as cancelled, a service or a worker
// drains (finishes its running steps, starts no new ones); the process then exits.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
return await PipelinesCli.RunAsync(args, Console.Out, Console.Error, cancellation.Token);

void Cancel(PosixSignalContext context)
{
    if (cancellation.IsCancellationRequested) return; // a second signal falls through to the default: exit now
    context.Cancel = true;
    Console.Error.WriteLine("stopping: finishing what runs and recording it (press Ctrl+C again to abort)");
    cancellation.Cancel();
}
