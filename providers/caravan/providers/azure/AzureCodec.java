package caravan.providers.azure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.providers.ProviderCodec;
import caravan.providers.StreamDecoder;
import caravan.providers.UpstreamRequest;
import caravan.providers.UpstreamSettings;
import caravan.providers.codec.RequestHeaders;
import caravan.providers.openai.OpenAiCodec;
import caravan.providers.openai.OpenAiRequestEncoder;

/**
 * Azure OpenAI: the OpenAI Chat Completions body, answers, streams and error bodies, so the OpenAI codec
 * does the work. Azure differs in where the request goes (the deployment is in the path, the API version
 * in the query), in how it authenticates ({@code api-key}, no bearer token) and in its content filter,
 * whose refusals are mapped to a 400 {@code content_filter} wherever they surface ({@link AzureErrors}).
 * Azure's own additions to answers ({@code prompt_filter_results}, {@code content_filter_results}) pass
 * through untouched.
 */
public final class AzureCodec implements ProviderCodec {

    private final AzureSettings settings;
    private final OpenAiCodec openAi = new OpenAiCodec();

    public AzureCodec() {
        this(new AzureSettings());
    }

    public AzureCodec(AzureSettings settings) {
        this.settings = settings;
    }

    /** The API version ({@code apiVersion}). */
    @Override
    public AzureSettings settings() {
        return settings;
    }

    @Override
    public String genAiProviderName() {
        return "azure.ai.openai";
    }

    /**
     * The OpenAI request encoder writes the body (the deployment as model, usage asked for in streams); the
     * key goes in {@code api-key}, not in a bearer token.
     */
    @Override
    public UpstreamRequest encodeRequest(ChatRequest request, String deployment, UpstreamSettings upstream) {
        String url = upstream.baseUrl() + "/openai/deployments/" + encode(deployment) + "/chat/completions?api-version="
                + encode(settings.getApiVersion());
        return new UpstreamRequest(url, RequestHeaders.json(request.stream()).apiKey("api-key", upstream).toMap(),
                OpenAiRequestEncoder.encode(request, deployment, true));
    }

    @Override
    public ChatResponse decodeResponse(byte[] body, String deployment) {
        return openAi.decodeResponse(body, deployment);
    }

    @Override
    public StreamDecoder newStreamDecoder(String deployment) {
        return new AzureStreamDecoder(openAi.newStreamDecoder(deployment));
    }

    @Override
    public GatewayException decodeError(int status, byte[] body, String retryAfter) {
        return AzureErrors.fromAnswer(status, body, retryAfter);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
