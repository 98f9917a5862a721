package caravan.providers;

/**
 * What a codec needs to know about the provider it talks to, from the provider's Kamelet properties.
 * {@code apiKey} is a secret: it goes into request headers and nowhere else.
 */
public record UpstreamSettings(String provider, String baseUrl, String apiKey) {

    public UpstreamSettings {
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public boolean hasApiKey() {
        return apiKey != null && !apiKey.isBlank();
    }

    @Override
    public String toString() {
        return "UpstreamSettings[provider=" + provider + ", baseUrl=" + baseUrl + ", apiKey=" + (hasApiKey() ? "***" : "") + "]";
    }
}
