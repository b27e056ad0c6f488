using System.Text;
using Pipelines.Service.Notifications;

namespace Pipelines.Service.Tests.Notifications;

public sealed class WebhookSignatureTests
{
    [Fact]
    public void The_signature_is_hmac_sha256_in_lowercase_hex_as_published_in_rfc_4231_test_case_2()
    {
        var signature = WebhookSignature.Sign(Encoding.ASCII.GetBytes("what do ya want for nothing?"), "Jefe");

        Assert.Equal("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", signature);
    }

    [Fact]
    public void Verification_accepts_the_signature_and_refuses_a_changed_body_another_secret_or_no_header()
    {
        var body = Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"1"}""");
        var header = WebhookSignature.Sign(body, "s3cret");

        Assert.True(WebhookSignature.Verify(body, "s3cret", header));
        Assert.False(WebhookSignature.Verify(Encoding.UTF8.GetBytes("""{"specversion":"1.0","id":"2"}"""), "s3cret", header));
        Assert.False(WebhookSignature.Verify(body, "other", header));
        Assert.False(WebhookSignature.Verify(body, "s3cret", null));
    }
}
