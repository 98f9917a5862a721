package caravan.providers;

/**
 * What a codec needs to know about the provider it talks to, from the provider's Kamelet properties.
 * Not every provider uses every field: {@code apiVersion} is Azure's and Anthropic's API version,
 * {@code region} and the AWS credentials are Bedrock's. Keys and secrets go into request headers (or a
 * signature) and nowhere else; {@link #toString()} never shows them.
 *
 * @param provider     the provider's name, as in {@code x-caravan-provider}
 * @param baseUrl      the API base (no trailing slash)
 * @param apiKey       the API key, or null
 * @param apiVersion   the API version a provider wants in a header or query parameter, or null
 * @param region       the cloud region (AWS), or null
 * @param accessKey    an AWS access key id, or null
 * @param secretKey    an AWS secret access key, or null
 * @param sessionToken an AWS session token (temporary credentials), or null
 * @param askForStreamUsage whether a stream asks for its usage ({@code stream_options.include_usage}, as
 *                     OpenAI's API needs); false for a server that reports it unasked and refuses the field
 *                     (Mistral)
 */
public record UpstreamSettings(String provider, String baseUrl, String apiKey, String apiVersion, String region,
                               String accessKey, String secretKey, String sessionToken, boolean askForStreamUsage) {

    public UpstreamSettings {
        baseUrl = baseUrl != null && baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** Settings of a provider that asks for a stream's usage where its API needs asking. */
    public UpstreamSettings(String provider, String baseUrl, String apiKey, String apiVersion, String region,
                            String accessKey, String secretKey, String sessionToken) {
        this(provider, baseUrl, apiKey, apiVersion, region, accessKey, secretKey, sessionToken, true);
    }

    /** Settings with only a base URL and a key, as OpenAI-compatible providers need. */
    public UpstreamSettings(String provider, String baseUrl, String apiKey) {
        this(provider, baseUrl, apiKey, null, null, null, null, null);
    }

    public boolean hasApiKey() {
        return present(apiKey);
    }

    /** The configured API version, or {@code fallback} when none is. */
    public String apiVersionOr(String fallback) {
        return present(apiVersion) ? apiVersion : fallback;
    }

    public static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return "UpstreamSettings[provider=" + provider + ", baseUrl=" + baseUrl + ", apiKey=" + (hasApiKey() ? "***" : "")
                + ", apiVersion=" + apiVersion + ", region=" + region + ", accessKey=" + (present(accessKey) ? "***" : "")
                + ", secretKey=" + (present(secretKey) ? "***" : "") + ", sessionToken=" + (present(sessionToken) ? "***" : "")
                + ", askForStreamUsage=" + askForStreamUsage + "]";
    }
}
