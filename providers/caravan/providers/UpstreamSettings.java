package caravan.providers;

/**
 * What every provider has, from the {@code provider:} endpoint: its name, where its API lives and its API key.
 * What only one codec reads (an API version, a region, AWS credentials) is that codec's own
 * {@link CodecSettings}. The key goes into a request header and nowhere else; {@link #toString()} never shows it.
 *
 * @param provider the provider's name, as in {@code x-caravan-provider}
 * @param baseUrl  the API base (no trailing slash)
 * @param apiKey   the API key, or null
 */
public record UpstreamSettings(String provider, String baseUrl, String apiKey) {

    public UpstreamSettings {
        baseUrl = baseUrl != null && baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public boolean hasApiKey() {
        return present(apiKey);
    }

    /** The same provider and key at {@code baseUrl}. */
    public UpstreamSettings withBaseUrl(String baseUrl) {
        return new UpstreamSettings(provider, baseUrl, apiKey);
    }

    public static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return "UpstreamSettings[provider=" + provider + ", baseUrl=" + baseUrl + ", apiKey="
                + CodecSettings.masked(apiKey) + "]";
    }
}
