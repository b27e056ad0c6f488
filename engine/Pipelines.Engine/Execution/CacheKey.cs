using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipelines.Engine.Catalog;

namespace Pipelines.Engine.Execution;

/// <summary>
/// A step's identity for caching: its type and version plus its resolved inputs, which already carry the
/// hashes of upstream artifacts and source files. Secrets are masked first, so rotating a credential does not
/// throw the cache away and no secret is derivable from a stored key.
/// </summary>
internal static class CacheKey
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string InputsJson(object inputs, Type inputType, SecretRedactor redactor) =>
        redactor.Redact(JsonSerializer.Serialize(inputs, inputType, Json));

    public static string Compute(StepDescriptor descriptor, string redactedInputsJson)
    {
        var text = $"{descriptor.TypeName}\n{descriptor.Version}\n{redactedInputsJson}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
