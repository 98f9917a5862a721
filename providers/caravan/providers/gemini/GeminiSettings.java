package caravan.providers.gemini;

import caravan.providers.CodecSettings;
import caravan.providers.UpstreamSettings;

/** What the Gemini codec reads beyond the base URL and the key: the API version in its paths. */
public final class GeminiSettings implements CodecSettings {

    /** v1beta carries everything the codec maps (system instructions, tools, JSON schemas, thoughts). */
    static final String DEFAULT_API_VERSION = "v1beta";

    private String apiVersion;

    /** The configured API version, or {@value #DEFAULT_API_VERSION} when none is. */
    public String getApiVersion() {
        return UpstreamSettings.present(apiVersion) ? apiVersion : DEFAULT_API_VERSION;
    }

    /** The API version, the first segment of every path ({@code v1beta}, {@code v1}); blank for the default. */
    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    @Override
    public String toString() {
        return "GeminiSettings[apiVersion=" + getApiVersion() + "]";
    }
}
