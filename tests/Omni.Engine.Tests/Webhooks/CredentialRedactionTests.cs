using System.Text;
using System.Text.Json;
using Omni.Engine.Webhooks;

namespace Omni.Engine.Tests.Webhooks;

public class CredentialRedactionTests
{
    private static JsonElement Redacted(string provider, string json, int expectedCount)
    {
        var result = CredentialRedaction.Redact(provider, Encoding.UTF8.GetBytes(json));
        Assert.NotNull(result);
        Assert.Equal(expectedCount, result.Value.Redacted);
        return JsonSerializer.Deserialize<JsonElement>(result.Value.Json);
    }

    [Fact]
    public void Redact_EvolutionEnvelope_ReplacesApiKeyKeepsEverythingElse()
    {
        var json = Redacted("evolution", """{"event":"messages.upsert","apikey":"B6D711FCDE4D","server_url":"http://evo:8080","data":{"message":{"conversation":"my apikey is B6D711FCDE4D"}}}""", 1);

        Assert.Equal(CredentialRedaction.Marker, json.GetProperty("apikey").GetString());
        Assert.Equal("http://evo:8080", json.GetProperty("server_url").GetString());
        // Message text is content, not a credential field: it is kept as written.
        Assert.Equal("my apikey is B6D711FCDE4D", json.GetProperty("data").GetProperty("message").GetProperty("conversation").GetString());
    }

    [Fact]
    public void Redact_NestedAndCaseVariants_AreAllReplaced()
    {
        var json = Redacted("evolution", """{"a":{"ApiKey":"1","list":[{"TOKEN":"2"},{"jwt":"3"}]},"Authorization":"Bearer x","password":4}""", 5);

        Assert.Equal(CredentialRedaction.Marker, json.GetProperty("a").GetProperty("ApiKey").GetString());
        Assert.Equal(CredentialRedaction.Marker, json.GetProperty("a").GetProperty("list")[0].GetProperty("TOKEN").GetString());
        Assert.Equal(CredentialRedaction.Marker, json.GetProperty("a").GetProperty("list")[1].GetProperty("jwt").GetString());
        Assert.Equal(CredentialRedaction.Marker, json.GetProperty("Authorization").GetString());
        Assert.Equal(CredentialRedaction.Marker, json.GetProperty("password").GetString());
    }

    [Fact]
    public void Redact_ProviderSpecificName_OnlyForThatProvider()
    {
        Assert.Equal(CredentialRedaction.Marker, Redacted("evolution", """{"jwt_key":"k"}""", 1).GetProperty("jwt_key").GetString());
        Assert.Equal("k", Redacted("webhook", """{"jwt_key":"k"}""", 0).GetProperty("jwt_key").GetString());
    }

    [Fact]
    public void Redact_ObjectUnderACredentialName_IsWalkedNotErased()
    {
        // Only values are credentials; an object named "token" keeps its shape and its own credential fields are redacted.
        var json = Redacted("evolution", """{"token":{"type":"bot","secret":"s"}}""", 1);
        Assert.Equal("bot", json.GetProperty("token").GetProperty("type").GetString());
        Assert.Equal(CredentialRedaction.Marker, json.GetProperty("token").GetProperty("secret").GetString());
    }

    [Fact]
    public void Redact_NotJson_IsNullSoItIsNotServed() =>
        Assert.Null(CredentialRedaction.Redact("evolution", "apikey=abc"u8));

    [Fact]
    public void NamesFor_Evolution_ListsCommonAndItsOwn() =>
        Assert.Equal(["apikey", "api_key", "token", "access_token", "secret", "password", "authorization", "signature", "jwt", "jwt_key"],
            CredentialRedaction.NamesFor("evolution"));
}
