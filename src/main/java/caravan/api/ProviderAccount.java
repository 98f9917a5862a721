package caravan.api;

/**
 * A tenant's own account at a provider: calls of that tenant to that provider use it in place of the
 * gateway's. Either part may be null: without a base URL the gateway's configured one is used; without a key
 * none is sent, since the gateway's key goes only to the gateway's base URL (an account with neither part
 * changes nothing). For Bedrock the key is a Bedrock API key, sent as a bearer token.
 *
 * @param apiKey  the provider API key (never logged, never returned)
 * @param baseUrl the API base, written as the provider's own environment variable is ({@code .../v1} for OpenAI)
 */
public record ProviderAccount(String apiKey, String baseUrl) {

    @Override
    public String toString() {
        return "ProviderAccount[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "****") + "]";
    }
}
