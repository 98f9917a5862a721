package caravan.providers.anthropic;

import java.time.Clock;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.WireFormat;
import caravan.providers.ProviderCodec;
import caravan.providers.StreamDecoder;
import caravan.providers.UpstreamRequest;
import caravan.providers.UpstreamSettings;
import caravan.providers.codec.RequestHeaders;

/**
 * Anthropic's Messages API: {@code POST {baseUrl}/v1/messages} with the key in {@code x-api-key} and the
 * API version in {@code anthropic-version}. The request, the answer, the stream events and the errors are
 * each translated by a class of this package. A client that spoke Anthropic Messages itself is passed
 * through: its request goes as it sent it (another model name and the gateway's own fields aside), and
 * it gets the provider's answer and stream events as they came.
 */
public final class AnthropicCodec implements ProviderCodec {

    static final String DEFAULT_BASE_URL = "https://api.anthropic.com";

    private final AnthropicSettings settings;
    /** Stamps translated answers ({@code created}); tests fix it. */
    private final Clock clock;

    public AnthropicCodec() {
        this(new AnthropicSettings());
    }

    public AnthropicCodec(AnthropicSettings settings) {
        this(settings, Clock.systemUTC());
    }

    AnthropicCodec(AnthropicSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The API version ({@code apiVersion}). */
    @Override
    public AnthropicSettings settings() {
        return settings;
    }

    @Override
    public String genAiProviderName() {
        return "anthropic";
    }

    @Override
    public UpstreamRequest encodeRequest(ChatRequest request, String upstreamModel, UpstreamSettings upstream) {
        return new UpstreamRequest(upstream.baseUrl() + "/v1/messages", RequestHeaders.json(request.stream())
                .put("anthropic-version", settings.getApiVersion())
                .apiKey("x-api-key", upstream)
                .toMap(), AnthropicRequestEncoder.encode(request, upstreamModel));
    }

    @Override
    public ChatResponse decodeResponse(byte[] body, String upstreamModel) {
        return AnthropicResponseDecoder.decode(body, upstreamModel, clock);
    }

    @Override
    public StreamDecoder newStreamDecoder(String upstreamModel) {
        return new AnthropicStreamDecoder(upstreamModel, clock, false);
    }

    /** An Anthropic client is sent the provider's events as they came. */
    @Override
    public StreamDecoder newStreamDecoder(ChatRequest request, String upstreamModel) {
        return new AnthropicStreamDecoder(upstreamModel, clock, request.clientFormat() == WireFormat.ANTHROPIC_MESSAGES);
    }

    @Override
    public GatewayException decodeError(int status, byte[] body, String retryAfter) {
        return AnthropicErrors.fromAnswer(status, body, retryAfter);
    }

    @Override
    public String defaultBaseUrl(UpstreamSettings upstream) {
        return DEFAULT_BASE_URL;
    }
}
