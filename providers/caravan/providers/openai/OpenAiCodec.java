package caravan.providers.openai;

import caravan.api.CanonicalExtensions;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.ModerationRequest;
import caravan.api.ModerationResult;
import caravan.providers.ProviderCodec;
import caravan.providers.StreamDecoder;
import caravan.providers.UpstreamRequest;
import caravan.providers.UpstreamSettings;
import caravan.providers.codec.RequestHeaders;

/**
 * The OpenAI Chat Completions wire format, spoken by OpenAI and by every OpenAI-compatible server
 * (vLLM, Ollama, Mistral, Groq, Together, ...). The canonical form is this format, so the codec mostly
 * passes bytes through: it only rewrites the request when the upstream model name differs, a stream must
 * ask for usage or the request was translated from another dialect (whose {@link CanonicalExtensions} an
 * OpenAI upstream would reject), and it keeps the upstream's answer bytes for an OpenAI client. The
 * request, the answer, the stream and the errors are each handled by a class of this package.
 */
public final class OpenAiCodec implements ProviderCodec {

    private final OpenAiSettings settings;

    public OpenAiCodec() {
        this(new OpenAiSettings());
    }

    public OpenAiCodec(OpenAiSettings settings) {
        this.settings = settings;
    }

    /** Whether a stream asks for its usage ({@code askForStreamUsage}). */
    @Override
    public OpenAiSettings settings() {
        return settings;
    }

    @Override
    public String genAiProviderName() {
        return "openai";
    }

    @Override
    public UpstreamRequest encodeRequest(ChatRequest request, String upstreamModel, UpstreamSettings upstream) {
        return new UpstreamRequest(upstream.baseUrl() + "/chat/completions",
                RequestHeaders.json(request.stream()).bearer(upstream).toMap(),
                OpenAiRequestEncoder.encode(request, upstreamModel, settings.isAskForStreamUsage()));
    }

    @Override
    public ChatResponse decodeResponse(byte[] body, String upstreamModel) {
        return OpenAiResponseDecoder.decode(body, upstreamModel);
    }

    @Override
    public StreamDecoder newStreamDecoder(String upstreamModel) {
        return new OpenAiStreamDecoder(upstreamModel);
    }

    /** {@code POST /moderations} (OpenAI's moderation endpoint), the texts as its {@code input} array. */
    @Override
    public UpstreamRequest encodeModeration(ModerationRequest request, UpstreamSettings upstream) {
        return new UpstreamRequest(upstream.baseUrl() + "/moderations", RequestHeaders.json(false).bearer(upstream).toMap(),
                OpenAiModeration.encode(request));
    }

    @Override
    public ModerationResult decodeModeration(byte[] body) {
        return OpenAiModeration.decode(body);
    }

    @Override
    public GatewayException decodeError(int status, byte[] body, String retryAfter) {
        return OpenAiErrors.fromAnswer(status, body, retryAfter);
    }
}
