package caravan.providers.azure;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.providers.ProviderCodec;
import caravan.providers.StreamDecoder;
import caravan.providers.UpstreamRequest;
import caravan.providers.UpstreamSettings;
import caravan.providers.openai.OpenAiCodec;

/**
 * Azure OpenAI: the OpenAI Chat Completions body, answers, streams and error bodies, so the OpenAI codec
 * does the work. Azure differs in where the request goes (the deployment is in the path, the API version
 * in the query), in how it authenticates ({@code api-key}, no bearer token) and in its content filter,
 * whose refusals are mapped to a 400 {@code content_filter} wherever they surface. Azure's own additions
 * to answers ({@code prompt_filter_results}, {@code content_filter_results}) pass through untouched.
 */
public final class AzureOpenAiCodec implements ProviderCodec {

    /** The GA API version the Kamelet defaults to, used when a configuration names none. */
    static final String DEFAULT_API_VERSION = "2024-10-21";

    private static final String CONTENT_FILTER = "content_filter";
    /** The {@code innererror.code} Azure gives a prompt its content filter refused. */
    private static final String POLICY_VIOLATION = "ResponsibleAIPolicyViolation";

    private final OpenAiCodec openAi = new OpenAiCodec();

    /**
     * The OpenAI codec writes the body (the deployment as model, usage asked for in streams); the key goes
     * in {@code api-key}, not in a bearer token.
     */
    @Override
    public UpstreamRequest encodeRequest(ChatRequest request, String deployment, UpstreamSettings settings) {
        Map<String, String> headers = new LinkedHashMap<>(4);
        headers.put("Content-Type", "application/json");
        headers.put("Accept", request.stream() ? "text/event-stream" : "application/json");
        if (settings.hasApiKey()) {
            headers.put("api-key", settings.apiKey());
        }
        String apiVersion = settings.apiVersion() == null || settings.apiVersion().isBlank() ? DEFAULT_API_VERSION
                : settings.apiVersion();
        String url = settings.baseUrl() + "/openai/deployments/" + encode(deployment) + "/chat/completions?api-version="
                + encode(apiVersion);
        return new UpstreamRequest(url, headers, openAi.encodeBody(request, deployment));
    }

    @Override
    public ChatResponse decodeResponse(byte[] body, String deployment) {
        return openAi.decodeResponse(body, deployment);
    }

    @Override
    public StreamDecoder newStreamDecoder(String deployment) {
        return new ContentFilterAwareDecoder(openAi.newStreamDecoder(deployment));
    }

    @Override
    public GatewayException decodeError(int status, byte[] body, String retryAfter) {
        GatewayException error = openAi.decodeError(status, body, retryAfter);
        boolean refused = CONTENT_FILTER.equals(error.code()) || POLICY_VIOLATION.equals(innerCode(body));
        return refused ? contentFilter(error) : error;
    }

    /** {@code error.innererror.code}, which names a content-filter refusal even when the outer code does not. */
    private static String innerCode(byte[] body) {
        try {
            return body == null ? null : Json.MAPPER.readTree(body).path("error").path("innererror").path("code").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** A refusal is the client's to fix (its prompt), whatever status carried it: 400, Azure's message kept. */
    private static GatewayException contentFilter(GatewayException error) {
        return new GatewayException(400, ErrorType.INVALID_REQUEST.wireName(), CONTENT_FILTER, error.param(),
                error.getMessage(), null, null);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The OpenAI stream decoder, with a content-filter error event turned into the same 400 as a refused request. */
    private static final class ContentFilterAwareDecoder implements StreamDecoder {

        private final StreamDecoder openAi;

        ContentFilterAwareDecoder(StreamDecoder openAi) {
            this.openAi = openAi;
        }

        @Override
        public void decode(byte[] bytes, Consumer<ChatChunk> out) {
            try {
                openAi.decode(bytes, out);
            } catch (GatewayException e) {
                throw refusalAsContentFilter(e);
            }
        }

        @Override
        public void finish(Consumer<ChatChunk> out) {
            try {
                openAi.finish(out);
            } catch (GatewayException e) {
                throw refusalAsContentFilter(e);
            }
        }

        private static GatewayException refusalAsContentFilter(GatewayException error) {
            return CONTENT_FILTER.equals(error.code()) ? contentFilter(error) : error;
        }

        @Override
        public boolean endOfStream() {
            return openAi.endOfStream();
        }

        @Override
        public Usage usage() {
            return openAi.usage();
        }
    }
}
