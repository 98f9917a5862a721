package caravan.providers.cohere;

import java.time.Clock;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.providers.ProviderCodec;
import caravan.providers.StreamDecoder;
import caravan.providers.UpstreamRequest;
import caravan.providers.UpstreamSettings;
import caravan.providers.codec.RequestHeaders;

/**
 * Cohere's Chat API v2 ({@code POST /v2/chat}): requests are translated from the canonical (OpenAI)
 * form by {@link CohereRequestEncoder}, whole answers back by {@link CohereResponseDecoder}, streams event
 * by event by {@link CohereStreamDecoder}, and error bodies by {@link CohereErrors}.
 */
public final class CohereCodec implements ProviderCodec {

    /** Stamps translated answers ({@code created}); tests fix it. */
    private final Clock clock;

    public CohereCodec() {
        this(Clock.systemUTC());
    }

    CohereCodec(Clock clock) {
        this.clock = clock;
    }

    static final String DEFAULT_BASE_URL = "https://api.cohere.com";

    @Override
    public String genAiProviderName() {
        return "cohere";
    }

    @Override
    public UpstreamRequest encodeRequest(ChatRequest request, String upstreamModel, UpstreamSettings settings) {
        return new UpstreamRequest(settings.baseUrl() + "/v2/chat", RequestHeaders.json(request.stream()).bearer(settings).toMap(),
                CohereRequestEncoder.encode(request, upstreamModel));
    }

    @Override
    public ChatResponse decodeResponse(byte[] body, String upstreamModel) {
        return CohereResponseDecoder.decode(body, upstreamModel, clock);
    }

    @Override
    public StreamDecoder newStreamDecoder(String upstreamModel) {
        return new CohereStreamDecoder(upstreamModel, clock);
    }

    @Override
    public GatewayException decodeError(int status, byte[] body, String retryAfter) {
        return CohereErrors.fromStatus(status, body, retryAfter);
    }

    @Override
    public String defaultBaseUrl(UpstreamSettings settings) {
        return DEFAULT_BASE_URL;
    }
}
