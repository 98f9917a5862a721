package caravan.providers.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.providers.StreamDecoder;
import caravan.providers.UpstreamRequest;
import caravan.providers.UpstreamSettings;
import caravan.testing.Recorded;
import caravan.testing.StreamAssembler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class AzureCodecTest {

    private static final String DEPLOYMENT = "my-gpt4o-deployment";
    private static final String ENDPOINT = "https://my-resource.openai.azure.com";
    private static final UpstreamSettings SETTINGS = new UpstreamSettings("azure", ENDPOINT, "azure-key");

    private final AzureCodec codec = codec("2024-10-21");

    // ---- encodeRequest

    @Test
    void urlNamesTheDeploymentAndTheApiVersion() {
        UpstreamRequest upstream = codec.encodeRequest(request(false), "my-gpt4o-deployment", SETTINGS);

        assertThat(upstream.url()).isEqualTo(
                ENDPOINT + "/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21");
    }

    @Test
    void apiVersionComesFromTheSettingsAndDefaultsToTheGaVersion() {
        AzureCodec preview = codec("2025-01-01-preview");
        AzureCodec unversioned = codec(null);
        AzureCodec blank = codec(" ");

        assertThat(preview.encodeRequest(request(false), "d", new UpstreamSettings("azure", ENDPOINT + "/", "azure-key")).url())
                .isEqualTo(ENDPOINT + "/openai/deployments/d/chat/completions?api-version=2025-01-01-preview");
        assertThat(unversioned.encodeRequest(request(false), "d", SETTINGS).url()).endsWith("?api-version=2024-10-21");
        assertThat(blank.encodeRequest(request(false), "d", SETTINGS).url()).endsWith("?api-version=2024-10-21");
    }

    @Test
    void deploymentNameIsEncodedAsOnePathSegment() {
        UpstreamRequest upstream = codec.encodeRequest(request(false), "team a/gpt?x", SETTINGS);

        assertThat(upstream.url()).startsWith(ENDPOINT + "/openai/deployments/team%20a%2Fgpt%3Fx/chat/completions?");
    }

    @Test
    void keyGoesInTheApiKeyHeaderAndNoAuthorizationIsSent() {
        UpstreamRequest upstream = codec.encodeRequest(request(false), "my-gpt4o-deployment", SETTINGS);

        assertThat(upstream.headers()).containsEntry("api-key", "azure-key")
                .containsEntry("Content-Type", "application/json")
                .doesNotContainKey("Authorization");
    }

    @Test
    void noKeyMeansNoKeyHeader() {
        UpstreamRequest upstream = codec.encodeRequest(request(false), "d", new UpstreamSettings("azure", ENDPOINT, null));

        assertThat(upstream.headers()).doesNotContainKeys("api-key", "Authorization");
    }

    @Test
    void bodyIsTheOpenAiBodyWithTheDeploymentAsModelAndUsageAskedForInStreams() {
        ObjectNode sent = parse(codec.encodeRequest(request(true), "my-gpt4o-deployment", SETTINGS).body());

        assertThat(sent.get("model").asText()).isEqualTo("my-gpt4o-deployment");
        assertThat(sent.get("messages")).isEqualTo(request(true).messages());
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(sent.at("/stream_options/include_usage").asBoolean()).isTrue();
    }

    @Test
    void acceptIsEventStreamForStreamsAndJsonOtherwise() {
        assertThat(codec.encodeRequest(request(true), DEPLOYMENT, SETTINGS).headers()).containsEntry("Accept", "text/event-stream");
        assertThat(codec.encodeRequest(request(false), DEPLOYMENT, SETTINGS).headers()).containsEntry("Accept", "application/json");
    }

    @Test
    void aTranslatedRequestReachesAzureWithoutTheCanonicalExtensions() {
        ObjectNode canonical = parse(bytes("""
                {"model":"claude-sonnet-4-5","max_tokens":100,"top_k":5,"thinking":{"type":"enabled","budget_tokens":1024},
                 "messages":[{"role":"user","content":[{"type":"text","text":"Hi","cache_control":{"type":"ephemeral"}}]}]}"""));

        ObjectNode sent = parse(codec.encodeRequest(new ChatRequest(canonical, null), DEPLOYMENT, SETTINGS).body());

        assertThat(sent).isEqualTo(parse(bytes("""
                {"model":"my-gpt4o-deployment","max_tokens":100,
                 "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}""")));
    }

    // ---- decodeResponse

    @Test
    void answerBytesPassThroughWithTheirContentFilterResults() {
        byte[] body = Recorded.bytes("azure", "completion.json");

        ChatResponse response = codec.decodeResponse(body, DEPLOYMENT);

        assertThat(response.upstreamBytes()).isEqualTo(body);
        assertThat(response.json().at("/prompt_filter_results/0/content_filter_results/jailbreak/detected").isBoolean())
                .isTrue();
        assertThat(response.json().at("/choices/0/content_filter_results/violence/severity").asText()).isEqualTo("safe");
        assertThat(response.usage()).isEqualTo(new Usage(33, 22, 0, 0, 0));
    }

    // ---- stream decoder

    @Test
    void streamChunksPassThroughByteForByteIncludingThePromptFilterChunk() {
        List<String> events = Recorded.sseEvents("azure", "stream.sse");
        StreamDecoder decoder = codec.newStreamDecoder(DEPLOYMENT);

        List<ChatChunk> chunks = decode(decoder, Recorded.bytes("azure", "stream.sse"));

        assertThat(chunks).extracting(c -> new String(c.upstreamBytes(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(events.subList(0, events.size() - 1).stream()
                        .map(event -> event.substring("data: ".length(), event.length() - 2)).toList());
        // the prompt-filter chunk has no choices but no usage either: it is not the hidden usage chunk
        assertThat(chunks.get(0).json().has("prompt_filter_results")).isTrue();
        assertThat(chunks.get(0).usageOnly()).isFalse();
        assertThat(chunks.get(2).json().at("/choices/0/content_filter_results/hate/filtered").isBoolean()).isTrue();
        assertThat(chunks.get(chunks.size() - 1).usageOnly()).isTrue();
        assertThat(decoder.endOfStream()).isTrue();
        assertThat(decoder.usage()).isEqualTo(new Usage(33, 22, 0, 0, 0));
    }

    @Test
    void streamSplitAtEveryByteDecodesTheSame() {
        byte[] stream = Recorded.bytes("azure", "stream.sse");
        StreamDecoder decoder = codec.newStreamDecoder(DEPLOYMENT);
        List<ChatChunk> chunks = new ArrayList<>();

        for (byte b : stream) {
            decoder.decode(new byte[] {b}, chunks::add);
        }
        decoder.finish(chunks::add);

        List<ChatChunk> whole = decode(codec.newStreamDecoder(DEPLOYMENT), stream);
        assertThat(chunks).extracting(ChatChunk::upstreamBytes).containsExactlyElementsOf(
                whole.stream().map(ChatChunk::upstreamBytes).toList());
        assertThat(decoder.endOfStream()).isTrue();
    }

    @Test
    void streamSpellsTheSameMessageAsTheWholeAnswer() {
        List<ChatChunk> chunks = decode(codec.newStreamDecoder(DEPLOYMENT), Recorded.bytes("azure", "stream.sse"));

        assertThat(StreamAssembler.assemble(chunks))
                .isEqualTo(StreamAssembler.of(codec.decodeResponse(Recorded.bytes("azure", "completion.json"), DEPLOYMENT)));
    }

    @Test
    void contentFilterErrorEventInTheStreamIsA400ContentFilter() {
        byte[] stream = bytes("data: {\"error\":{\"message\":\"The response was filtered.\",\"type\":null,"
                + "\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400}}\n\n");

        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> codec.newStreamDecoder(DEPLOYMENT).decode(stream, chunk -> { }));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.code()).isEqualTo("content_filter");
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.getMessage()).isEqualTo("The response was filtered.");
    }

    @Test
    void otherErrorEventsInTheStreamStayUpstreamErrors() {
        byte[] stream = bytes("data: {\"error\":{\"message\":\"The server had an error.\",\"code\":\"server_error\"}}\n\n");

        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> codec.newStreamDecoder(DEPLOYMENT).decode(stream, chunk -> { }));

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.code()).isEqualTo("server_error");
    }

    // ---- decodeError

    @Test
    void promptRefusedByTheContentFilterIsA400ContentFilterWithAzuresMessage() {
        GatewayException error = codec.decodeError(400, Recorded.bytes("azure", "error-content-filter.json"), null);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.code()).isEqualTo("content_filter");
        assertThat(error.param()).isEqualTo("prompt");
        assertThat(error.getMessage()).startsWith("The response was filtered due to the prompt triggering Azure OpenAI's");
    }

    @Test
    void policyViolationInTheInnerErrorIsAContentFilterWhateverTheOuterCodeAndStatus() {
        String body = Recorded.text("azure", "error-content-filter.json").replace("\"code\":\"content_filter\"",
                "\"code\":\"BadRequest\"");

        GatewayException error = codec.decodeError(403, bytes(body), null);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.code()).isEqualTo("content_filter");
    }

    @Test
    void invalidKeyIs401() {
        GatewayException error = codec.decodeError(401, Recorded.bytes("azure", "error-401.json"), null);

        assertThat(error.status()).isEqualTo(401);
        assertThat(error.type()).isEqualTo("authentication_error");
        assertThat(error.getMessage()).startsWith("Access denied due to invalid subscription key");
    }

    @Test
    void unknownDeploymentIs404() {
        GatewayException error = codec.decodeError(404, Recorded.bytes("azure", "error-404.json"), null);

        assertThat(error.status()).isEqualTo(404);
        assertThat(error.code()).isEqualTo("DeploymentNotFound");
        assertThat(error.getMessage()).startsWith("The API deployment for this resource does not exist.");
    }

    @Test
    void rateLimitIs429KeepingRetryAfter() {
        GatewayException error = codec.decodeError(429, Recorded.bytes("azure", "error-429.json"), "6");

        assertThat(error.status()).isEqualTo(429);
        assertThat(error.type()).isEqualTo("rate_limit_error");
        assertThat(error.retryAfter()).isEqualTo("6");
        assertThat(error.getMessage()).contains("exceeded token rate limit");
    }

    @Test
    void serverErrorIs502WithAzuresMessage() {
        GatewayException error = codec.decodeError(500, Recorded.bytes("azure", "error-500.json"), null);

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.type()).isEqualTo("upstream_error");
        assertThat(error.getMessage()).isEqualTo("The service encountered an internal error. Please retry.");
    }

    // ---- helpers

    private static List<ChatChunk> decode(StreamDecoder decoder, byte[] stream) {
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(stream, chunks::add);
        decoder.finish(chunks::add);
        return chunks;
    }

    private static ChatRequest request(boolean stream) {
        byte[] body = bytes("{\"model\":\"azure/my-gpt4o-deployment\",\"stream\":" + stream + ",\"temperature\":0.2,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"you are a helpful assistant that talks like a pirate\"},"
                + "{\"role\":\"user\",\"content\":\"can you tell me how to care for a parrot?\"}]}");
        return new ChatRequest(parse(body), body);
    }

    private static ObjectNode parse(byte[] body) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static AzureCodec codec(String apiVersion) {
        AzureSettings settings = new AzureSettings();
        settings.setApiVersion(apiVersion);
        return new AzureCodec(settings);
    }
}
