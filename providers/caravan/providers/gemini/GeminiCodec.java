package caravan.providers.gemini;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
 * The Google Gemini API ({@code generateContent}, and {@code streamGenerateContent?alt=sse} for streams).
 * The request is translated from the canonical Chat Completions form ({@link GeminiRequestEncoder}), the
 * answer back into it ({@link GeminiResponseDecoder}, {@link GeminiStreamDecoder}), Google's error envelope into
 * the gateway's errors ({@link GeminiErrors}). The key travels in the {@code x-goog-api-key} header: Google
 * also accepts {@code ?key=}, but a URL ends up in access logs and error messages.
 */
public final class GeminiCodec implements ProviderCodec {

    static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

    private final GeminiSettings settings;
    /** Stamps translated answers ({@code created}); tests fix it. */
    private final Clock clock;

    public GeminiCodec() {
        this(new GeminiSettings());
    }

    public GeminiCodec(GeminiSettings settings) {
        this(settings, Clock.systemUTC());
    }

    GeminiCodec(GeminiSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The API version ({@code apiVersion}). */
    @Override
    public GeminiSettings settings() {
        return settings;
    }

    @Override
    public String genAiProviderName() {
        return "gcp.gemini";
    }

    @Override
    public UpstreamRequest encodeRequest(ChatRequest request, String upstreamModel, UpstreamSettings upstream) {
        byte[] body = GeminiRequestEncoder.encode(request);
        return new UpstreamRequest(url(upstream, upstreamModel, request.stream()),
                RequestHeaders.json(request.stream()).apiKey("x-goog-api-key", upstream).toMap(), body);
    }

    private String url(UpstreamSettings upstream, String model, boolean stream) {
        String version = settings.getApiVersion();
        // without alt=sse Google streams one JSON array, which cannot be decoded element by element as it arrives
        String method = stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
        return upstream.baseUrl() + "/" + version + "/" + modelResource(model) + method;
    }

    /** {@code gemini-2.5-flash}, {@code models/gemini-2.5-flash} and {@code tunedModels/mine} each name a resource. */
    static String modelResource(String model) {
        String collection = "models";
        String name = model;
        if (model.startsWith("models/")) {
            name = model.substring("models/".length());
        } else if (model.startsWith("tunedModels/")) {
            collection = "tunedModels";
            name = model.substring("tunedModels/".length());
        }
        // the name is one path segment: a client's model string must not reach another path or the query
        return collection + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    @Override
    public ChatResponse decodeResponse(byte[] body, String upstreamModel) {
        return GeminiResponseDecoder.decode(body, upstreamModel, clock);
    }

    @Override
    public StreamDecoder newStreamDecoder(String upstreamModel) {
        return new GeminiStreamDecoder(upstreamModel, clock);
    }

    @Override
    public GatewayException decodeError(int status, byte[] body, String retryAfter) {
        return GeminiErrors.decode(status, body, retryAfter);
    }

    @Override
    public String defaultBaseUrl(UpstreamSettings upstream) {
        return DEFAULT_BASE_URL;
    }
}
