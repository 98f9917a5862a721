package caravan.providers.azure;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OpenAI in, Azure OpenAI out, OpenAI back: through the real routes and the azure-openai-action Kamelet. */
class AzureGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HELLO = """
            {"model":"azure/my-gpt4o-deployment","messages":[{"role":"user","content":"can you tell me how to care for a parrot?"}]}""";
    private static final String STREAM = """
            {"model":"azure/my-gpt4o-deployment","stream":true,
             "messages":[{"role":"user","content":"can you tell me how to care for a parrot?"}]}""";

    static FakeUpstream upstream;
    static GatewayUnderTest gateway;
    /** The request line each call arrived with: FakeUpstream records the path without its query. */
    static final BlockingQueue<String> uris = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("azure", "completion.json")));
        gateway = GatewayUnderTest.builder()
                .property("providers.azure.base-url", "http://127.0.0.1:" + upstream.port())
                .property("providers.azure.api-key", "azure-test-key")
                .property("gateway.upstream-timeout-ms", "5000")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void defaultAnswer() {
        upstream.reset(recordingUri(Answer.json(200, Recorded.text("azure", "completion.json"))));
        uris.clear();
    }

    @Test
    void answersWithAzuresCompletionIncludingItsContentFilterResults() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("azure");
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("my-gpt4o-deployment");
        assertThat(response.body()).isEqualTo(Recorded.text("azure", "completion.json"));
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.has("prompt_filter_results")).isTrue();
        assertThat(answer.at("/choices/0/content_filter_results").isObject()).isTrue();
    }

    @Test
    void callsTheDeploymentWithTheApiVersionAndTheApiKeyHeader() throws Exception {
        gateway.post("/v1/chat/completions", HELLO);

        FakeUpstream.Received request = upstream.takeRequest();
        assertThat(uris.take()).isEqualTo("/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21");
        assertThat(request.headers().get("api-key")).isEqualTo("azure-test-key");
        assertThat(request.headers().get("Authorization")).isNull();
        assertThat(request.json().get("model").asText()).isEqualTo("my-gpt4o-deployment");
        assertThat(request.json().get("messages")).isEqualTo(JSON.readTree(HELLO).get("messages"));
    }

    @Test
    void streamsAzuresChunksWithTheirFilterResultsAndHidesTheUsageChunk() throws Exception {
        upstream.then(recordingUri(Answer.sse(Recorded.sseEvents("azure", "stream.sse"))));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", STREAM);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.takeRequest().json().at("/stream_options/include_usage").asBoolean()).isTrue();
        List<String> events = events(response.body());
        List<String> recorded = Recorded.sseEvents("azure", "stream.sse");
        List<String> expected = new ArrayList<>();
        for (String event : recorded) {
            if (!event.contains("\"usage\"")) {
                expected.add(event.substring("data: ".length(), event.length() - 2));
            }
        }
        assertThat(events).containsExactlyElementsOf(expected);
        assertThat(JSON.readTree(events.get(0)).has("prompt_filter_results")).isTrue();
    }

    @Test
    void streamWithIncludeUsageIsAzuresStreamByteForByte() {
        upstream.then(Answer.sse(Recorded.sseEvents("azure", "stream.sse")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                STREAM.replace("\"stream\":true,", "\"stream\":true,\"stream_options\":{\"include_usage\":true},"));

        assertThat(response.body()).isEqualTo(Recorded.text("azure", "stream.sse"));
    }

    @Test
    void promptRefusedByTheContentFilterIsA400ContentFilter() throws Exception {
        upstream.then(Answer.json(400, Recorded.text("azure", "error-content-filter.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("content_filter");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).startsWith("The response was filtered due to the prompt");
    }

    @Test
    void rateLimitIs429WithRetryAfter() throws Exception {
        upstream.then(Answer.json(429, Recorded.text("azure", "error-429.json"), Map.of("Retry-After", "6")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("6");
        assertThat(JSON.readTree(response.body()).at("/error/message").asText()).contains("exceeded token rate limit");
    }

    @Test
    void withoutEndpointAndKeyTheEchoProviderStandsIn() {
        try (GatewayUnderTest unconfigured = GatewayUnderTest.builder().property("providers.azure.base-url", "")
                .property("providers.azure.api-key", "").start()) {
            HttpResponse<String> response = unconfigured.post("/v1/chat/completions", HELLO);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("echo");
        }
    }

    private static Answer recordingUri(Answer answer) {
        return exchange -> {
            uris.add(exchange.request().uri());
            answer.answer(exchange);
        };
    }

    private static List<String> events(String body) {
        List<String> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.startsWith("data: ")) {
                events.add(event.substring("data: ".length()));
            }
        }
        return events;
    }
}
