using System.Globalization;
using Pipelines.Service.Api.Models;
using Pipelines.Steps.Train;
using Pipelines.Steps.Train.Ensemble;
using Spectre.Console;

namespace Pipelines.Cli.Commands;

/// <summary>
/// <c>models show</c>'s table of what each ensemble version is made of (train/ensemble records it in the version's
/// metrics): its kind, every member with its model file and the registered version it came from, and its weight,
/// meta-learner coefficient (LightGBM meta-learner: its gain) or regime routes. Nothing is shown for a model without ensemble versions.
/// </summary>
internal static class EnsembleMembersTable
{
    public static void Write(IAnsiConsole console, IEnumerable<ModelVersionResponse> versions)
    {
        var table = new Table().AddColumns("version", "ensemble", "member", "model file", "registered as", "combined by");
        var rows = 0;
        foreach (var version in versions)
        {
            if (TrainingMetrics.TryParse(version.Metrics?.GetRawText())?.Ensemble is not { } ensemble) continue;
            foreach (var member in ensemble.Members)
            {
                table.AddRow(version.Version.ToString(CultureInfo.InvariantCulture), ensemble.Kind.ToString().ToLowerInvariant(), Markup.Escape(member.Name),
                    member.ModelSha256[..Math.Min(12, member.ModelSha256.Length)], Markup.Escape(member.Registered ?? "-"), Markup.Escape(Role(ensemble, member.Name)));
                rows++;
            }
        }
        if (rows > 0) console.Write(table);
    }

    private static string Role(EnsembleSummary ensemble, string member) => ensemble.Kind switch
    {
        EnsembleKind.Average => $"weight {ensemble.Weights![member].ToString("0.####", CultureInfo.InvariantCulture)}",
        EnsembleKind.Stacking => ensemble.MetaGain is { } gain
            ? $"LightGBM meta gain {gain[member].ToString("0.####", CultureInfo.InvariantCulture)}"
            : $"meta coefficient {ensemble.MetaCoefficients![member].ToString("0.####", CultureInfo.InvariantCulture)}",
        _ => string.Join(", ", ensemble.Routes!.Where(r => r.Value == member).Select(r => $"regime {r.Key}")
            .Concat(ensemble.Default == member ? ["default"] : [])) is { Length: > 0 } routes ? routes : "no regime",
    };
}
