namespace Pipelines.Engine.Diagnostics;

/// <summary>Stable codes for every kind of rejection, so tests and CI annotations can match on them.</summary>
public static class DiagnosticCodes
{
    public const string FileTooLarge = "PL001";
    public const string NotUtf8 = "PL002";
    public const string EmptyFile = "PL003";
    public const string YamlSyntax = "PL004";
    public const string DuplicateKey = "PL005";
    public const string AliasBomb = "PL006";
    public const string UnknownKey = "PL010";
    public const string MissingKey = "PL011";
    public const string WrongType = "PL012";
    public const string InvalidValue = "PL013";
    public const string DuplicateStepId = "PL014";
    public const string UnknownStepType = "PL020";
    public const string UnknownInput = "PL021";
    public const string MissingInput = "PL022";
    public const string InputType = "PL023";
    public const string InvalidKey = "PL024";
    public const string Expression = "PL030";
    public const string UnknownReference = "PL031";
    public const string Cycle = "PL032";
    public const string SecretNotSet = "PL033";
    public const string PathEscapesWorkspace = "PL040";
    public const string PathNotFound = "PL041";
}
