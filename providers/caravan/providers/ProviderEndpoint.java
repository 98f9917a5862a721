package caravan.providers;

import caravan.providers.openai.OpenAiCodec;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One configured provider: its codec, where it lives, its credentials and its timeouts. */
public final class ProviderEndpoint extends DefaultEndpoint {

    private final String provider;
    private String codec = "openai";
    private String baseUrl;
    private String apiKey;
    private boolean keyRequired;
    private long connectTimeoutMs = 5_000;
    private long upstreamTimeoutMs = 600_000;
    private int maxConnections = 1_000;
    private long chunkDelayMs;

    ProviderEndpoint(String uri, ProviderComponent component, String provider) {
        super(uri, component);
        this.provider = provider;
    }

    @Override
    public ProviderComponent getComponent() {
        return (ProviderComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        if ("echo".equals(codec)) {
            return new EchoProducer(this);
        }
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("Provider '" + provider + "' needs a baseUrl");
        }
        return new HttpProviderProducer(this, codec());
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("provider: endpoints are called, they do not consume");
    }

    private ProviderCodec codec() {
        return switch (codec) {
            case "openai" -> new OpenAiCodec();
            default -> throw new IllegalArgumentException("Provider '" + provider + "' names an unknown codec '" + codec
                    + "' (known: openai, echo)");
        };
    }

    UpstreamSettings settings() {
        return new UpstreamSettings(provider, baseUrl, apiKey);
    }

    /**
     * A provider that needs a key, has none and still points at its (https) cloud endpoint can only
     * answer 401: echo answers instead while the stand-in is enabled. A base URL pointed elsewhere (a
     * local server, a test double) is called as configured.
     */
    boolean standsInWithEcho() {
        return getComponent().echoStandIn() && keyRequired && (apiKey == null || apiKey.isBlank())
                && baseUrl != null && baseUrl.startsWith("https://");
    }

    public String getProvider() {
        return provider;
    }

    public String getCodec() {
        return codec;
    }

    public void setCodec(String codec) {
        this.codec = codec;
    }

    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey;
    }

    public boolean isKeyRequired() {
        return keyRequired;
    }

    public void setKeyRequired(boolean keyRequired) {
        this.keyRequired = keyRequired;
    }

    public long getConnectTimeoutMs() {
        return connectTimeoutMs;
    }

    public void setConnectTimeoutMs(long connectTimeoutMs) {
        this.connectTimeoutMs = connectTimeoutMs;
    }

    public long getUpstreamTimeoutMs() {
        return upstreamTimeoutMs;
    }

    public void setUpstreamTimeoutMs(long upstreamTimeoutMs) {
        this.upstreamTimeoutMs = upstreamTimeoutMs;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public long getChunkDelayMs() {
        return chunkDelayMs;
    }

    /** Echo only: a pause between streamed chunks, to watch a stream arrive. */
    public void setChunkDelayMs(long chunkDelayMs) {
        this.chunkDelayMs = chunkDelayMs;
    }
}
