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

    /** Stamps translated answers ({@code created}); tests fix it. */
    private final Clock clock;

    public AnthropicCodec() {
        this(Clock.systemUTC());
    }

    AnthropicCodec(Clock clock) {
        this.clock = clock;
    }

    static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    static final String DEFAULT_API_VERSION = "2023-06-01";

    @Override
    public String genAiProviderName() {
        return "anthropic";
    }

    @Override
    public UpstreamRequest encodeRequest(ChatRequest request, String upstreamModel, UpstreamSettings settings) {
        return new UpstreamRequest(settings.baseUrl() + "/v1/messages", RequestHeaders.json(request.stream())
                .put("anthropic-version", settings.apiVersionOr(DEFAULT_API_VERSION))
                .apiKey("x-api-key", settings)
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
    public String defaultBaseUrl(UpstreamSettings settings) {
        return DEFAULT_BASE_URL;
    }
}
