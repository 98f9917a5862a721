package caravan.providers;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * One configured provider: its codec, where it lives, its key and its timeouts.
 * <p>
 * The endpoint's options are those every provider has. What only one codec reads (an API version, a region,
 * AWS credentials) is that codec's: the component binds the parameters the endpoint does not know onto the
 * codec's {@link CodecSettings} when it creates the endpoint, and any left over fail its creation.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "provider", title = "LLM provider", syntax = "provider:name",
             producerOnly = true, category = {Category.AI})
public final class ProviderEndpoint extends DefaultEndpoint {

    static final String CODEC_PATH = "META-INF/services/caravan/codec/";

    @UriPath(description = "The provider's name, as x-caravan-provider and errors report it (openai, bedrock-eu, ...)")
    @Metadata(required = true)
    private final String provider;
    @UriParam(description = "The wire format: the name of a codec registered in META-INF/services/caravan/codec/ "
            + "(openai, anthropic, gemini, bedrock, azure, cohere, echo)", defaultValue = "openai")
    private String codec = "openai";
    @UriParam(description = "The API's base URL, written as the provider's own SDKs take it (OpenAI's with /v1)")
    private String baseUrl;
    @UriParam(label = "security", secret = true, description = "The API key")
    private String apiKey;
    @UriParam(description = "The provider cannot answer without a key: while it has none and the echo stand-in is "
            + "on, echo answers", defaultValue = "false")
    private boolean keyRequired;
    @UriParam(description = "Connect timeout in milliseconds", defaultValue = "5000")
    private long connectTimeoutMs = 5_000;
    @UriParam(description = "One upstream call in milliseconds; for a stream, the wait for the first byte and "
            + "between chunks", defaultValue = "600000")
    private long upstreamTimeoutMs = 600_000;
    @UriParam(label = "advanced", description = "Pooled connections per event loop", defaultValue = "1000")
    private int maxConnections = 1_000;
    @UriParam(label = "advanced", description = "Echo only: a pause between streamed chunks, to watch a stream arrive")
    private long chunkDelayMs;
    @UriParam(label = "advanced", displayName = "GenAI Provider Name", description = "What telemetry names the "
            + "system behind this provider (gen_ai.provider.name) when it is not the API its codec speaks: mistral_ai "
            + "behind the openai codec")
    private String genAiProviderName;
    /** This endpoint's own codec, found once its options are set; null for echo, which has none. */
    private ProviderCodec wireFormat;

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
        ProviderCodec wireFormat = codec();
        if (wireFormat == null) {
            return new EchoProducer(this);
        }
        return new HttpProviderProducer(this, wireFormat, settings(wireFormat));
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("provider: endpoints are called, they do not consume");
    }

    /** This endpoint's codec, whose settings its codec options were bound onto; null for echo. */
    ProviderCodec codec() {
        if (wireFormat == null && !"echo".equals(codec)) {
            wireFormat = newCodec();
        }
        return wireFormat;
    }

    /**
     * Codecs are found by name as Camel finds components: {@code META-INF/services/caravan/codec/<name>}
     * names the class. A new wire format is one class and one such file; nothing else is registered. Each
     * endpoint makes its own, so a codec's settings are one provider's.
     */
    private ProviderCodec newCodec() {
        return getCamelContext().getCamelContextExtension().getFactoryFinder(CODEC_PATH)
                .newInstance(codec, ProviderCodec.class)
                .orElseThrow(() -> new IllegalArgumentException("Provider '" + provider + "' names an unknown codec '"
                        + codec + "': no " + CODEC_PATH + codec + " on the classpath"));
    }

    /** What every provider has; without a configured base URL, the codec's default (Bedrock's, from its region). */
    UpstreamSettings settings(ProviderCodec wireFormat) {
        UpstreamSettings configured = new UpstreamSettings(provider, baseUrl, apiKey);
        return UpstreamSettings.present(baseUrl) ? configured : configured.withBaseUrl(wireFormat.defaultBaseUrl(configured));
    }

    /**
     * A provider that needs credentials, has none and still points at its (https) cloud endpoint, or at
     * no endpoint at all, can only fail: echo answers instead while the stand-in is enabled. A base URL
     * pointed elsewhere (a local server, a test double) is called as configured.
     */
    boolean standsInWithEcho(ProviderCodec wireFormat, UpstreamSettings settings) {
        return getComponent().echoStandIn() && keyRequired && !wireFormat.hasCredentials(settings)
                && (!UpstreamSettings.present(settings.baseUrl()) || settings.baseUrl().startsWith("https://"));
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

    public String getGenAiProviderName() {
        return genAiProviderName;
    }

    /** The GenAI name telemetry reports when it is not the codec's: {@code mistral_ai} behind the openai codec. */
    public void setGenAiProviderName(String genAiProviderName) {
        this.genAiProviderName = genAiProviderName;
    }

    /** What telemetry calls the API behind this endpoint: this endpoint's own name for it, else its codec's. */
    String genAiProviderName(ProviderCodec wireFormat) {
        return UpstreamSettings.present(genAiProviderName) ? genAiProviderName : wireFormat.genAiProviderName();
    }
}
