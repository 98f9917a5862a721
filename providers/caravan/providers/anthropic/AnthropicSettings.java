package caravan.providers.anthropic;

import caravan.providers.CodecSettings;
import caravan.providers.UpstreamSettings;

/** What the Anthropic codec reads beyond the base URL and the key: the API version it sends. */
public final class AnthropicSettings implements CodecSettings {

    /** The version Anthropic's own SDKs send, used when a configuration names none. */
    static final String DEFAULT_API_VERSION = "2023-06-01";

    private String apiVersion;

    /** The configured {@code anthropic-version}, or {@value #DEFAULT_API_VERSION} when none is. */
    public String getApiVersion() {
        return UpstreamSettings.present(apiVersion) ? apiVersion : DEFAULT_API_VERSION;
    }

    /** The {@code anthropic-version} header's value; blank for the default. */
    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    @Override
    public String toString() {
        return "AnthropicSettings[apiVersion=" + getApiVersion() + "]";
    }
}
