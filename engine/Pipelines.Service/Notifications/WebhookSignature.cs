using System.Security.Cryptography;
using System.Text;

namespace Pipelines.Service.Notifications;

/// <summary>
/// The signature of a webhook body: <c>X-Pipelines-Signature: sha256=HEX</c>, where HEX is the lowercase hexadecimal
/// HMAC-SHA256 of the exact request body bytes, keyed with the UTF-8 bytes of the secret named by <c>secret_env</c>.
/// A receiver recomputes it over the body it read, before parsing, and compares in constant time
/// (<see cref="Verify"/>); it deduplicates by the CloudEvent's <c>id</c>, since a delivery may be repeated.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Pipelines-Signature";
    public const string Prefix = "sha256=";

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>Whether <paramref name="header"/> is the signature of <paramref name="body"/> under <paramref name="secret"/>.</summary>
    public static bool Verify(ReadOnlySpan<byte> body, string secret, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(body, secret)), Encoding.ASCII.GetBytes(header));
}
