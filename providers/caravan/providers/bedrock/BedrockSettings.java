package caravan.providers.bedrock;

import caravan.providers.CodecSettings;
import caravan.providers.UpstreamSettings;

/**
 * What the Bedrock codec reads instead of an API key: the region requests go to and are signed for, and the
 * AWS credentials they are signed with. The access key, the secret key and the session token are secrets:
 * they reach the signature (and the session token its header) and nowhere else, and {@link #toString()} never
 * shows them.
 */
public final class BedrockSettings implements CodecSettings {

    static final String DEFAULT_REGION = "us-east-1";

    private String region;
    private String accessKey;
    private String secretKey;
    private String sessionToken;

    /** The configured region, trimmed, or {@value #DEFAULT_REGION} when none is. */
    public String getRegion() {
        return UpstreamSettings.present(region) ? region.strip() : DEFAULT_REGION;
    }

    /** The region of the Bedrock Runtime endpoint and of the signature; blank for {@value #DEFAULT_REGION}. */
    public void setRegion(String region) {
        this.region = region;
    }

    public String getAccessKey() {
        return accessKey;
    }

    /** The AWS access key id. */
    public void setAccessKey(String accessKey) {
        this.accessKey = accessKey;
    }

    public String getSecretKey() {
        return secretKey;
    }

    /** The AWS secret access key. */
    public void setSecretKey(String secretKey) {
        this.secretKey = secretKey;
    }

    public String getSessionToken() {
        return sessionToken;
    }

    /** The session token of temporary credentials; blank for long-term ones. */
    public void setSessionToken(String sessionToken) {
        this.sessionToken = sessionToken;
    }

    /** Whether requests can be signed: an access key and its secret are both set. */
    public boolean hasCredentials() {
        return UpstreamSettings.present(accessKey) && UpstreamSettings.present(secretKey);
    }

    @Override
    public String toString() {
        return "BedrockSettings[region=" + getRegion() + ", accessKey=" + CodecSettings.masked(accessKey)
                + ", secretKey=" + CodecSettings.masked(secretKey) + ", sessionToken="
                + CodecSettings.masked(sessionToken) + "]";
    }
}
