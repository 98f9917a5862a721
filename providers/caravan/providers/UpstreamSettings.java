package caravan.providers;

import java.util.Objects;

import caravan.api.ProviderAccount;

/**
 * What every provider has, from the {@code provider:} endpoint: its name, where its API lives and its API key.
 * What only one codec reads (an API version, a region, AWS credentials) is that codec's own
 * {@link CodecSettings}. The key goes into a request header and nowhere else; {@link #toString()} never shows it.
 *
 * @param provider the provider's name, as in {@code x-caravan-provider}
 * @param baseUrl  the API base (no trailing slash)
 * @param apiKey   the API key, or null
 * @param tenant   the tenant whose own account these are ({@link #forTenant}), or null for the gateway's
 *                 configuration: a codec with credentials of its own (Bedrock's AWS keys) uses them only then
 */
public record UpstreamSettings(String provider, String baseUrl, String apiKey, String tenant) {

    public UpstreamSettings {
        baseUrl = baseUrl != null && baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** The gateway's own settings for a provider. */
    public UpstreamSettings(String provider, String baseUrl, String apiKey) {
        this(provider, baseUrl, apiKey, null);
    }

    public boolean hasApiKey() {
        return present(apiKey);
    }

    /** Whether these are a tenant's own account rather than the gateway's configuration. */
    public boolean tenantAccount() {
        return tenant != null;
    }

    /** The same provider and key at {@code baseUrl}. */
    public UpstreamSettings withBaseUrl(String baseUrl) {
        return new UpstreamSettings(provider, baseUrl, apiKey, tenant);
    }

    /**
     * The same provider with {@code tenant}'s own account there: its key (none when it has none), at its base
     * URL when it names one, else at the gateway's. The gateway's key is never sent to a tenant's base URL: a
     * tenant would read it there.
     */
    public UpstreamSettings forTenant(String tenant, ProviderAccount account) {
        Objects.requireNonNull(tenant, "a tenant's account is used only for a named tenant");
        return new UpstreamSettings(provider, present(account.baseUrl()) ? account.baseUrl().strip() : baseUrl,
                account.apiKey(), tenant);
    }

    public static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return "UpstreamSettings[provider=" + provider + ", baseUrl=" + baseUrl + ", apiKey="
                + CodecSettings.masked(apiKey) + (tenant == null ? "" : ", tenant=" + tenant) + "]";
    }
}
