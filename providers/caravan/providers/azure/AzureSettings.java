package caravan.providers.azure;

import caravan.providers.CodecSettings;
import caravan.providers.UpstreamSettings;

/** What the Azure OpenAI codec reads beyond the resource's endpoint and key: the API version it asks for. */
public final class AzureSettings implements CodecSettings {

    /** The GA API version the Kamelet defaults to, used when a configuration names none. */
    static final String DEFAULT_API_VERSION = "2024-10-21";

    private String apiVersion;

    /** The configured {@code api-version}, or {@value #DEFAULT_API_VERSION} when none is. */
    public String getApiVersion() {
        return UpstreamSettings.present(apiVersion) ? apiVersion : DEFAULT_API_VERSION;
    }

    /** The {@code api-version} query parameter's value; blank for the default. */
    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    @Override
    public String toString() {
        return "AzureSettings[apiVersion=" + getApiVersion() + "]";
    }
}
