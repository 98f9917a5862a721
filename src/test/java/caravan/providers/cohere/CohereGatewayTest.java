package caravan.providers.cohere;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

/** OpenAI in, Cohere v2 out, OpenAI back: through the real routes and the cohere-action Kamelet. */
class CohereGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HELLO = """
            {"model":"cohere/command-a-03-2025","messages":[{"role":"user","content":"Tell me about LLMs"}]}""";
    private static final String STREAM = """
            {"model":"cohere/command-a-03-2025","stream":true,"messages":[{"role":"user","content":"Tell me about LLMs"}]}""";
    private static final String TOOLS = """
            {"model":"cohere/command-a-03-2025",%s
             "messages":[{"role":"user","content":"Sales on 29 September 2023, and the Electronics products?"}],
             "tools":[{"type":"function","function":{"name":"query_daily_sales_report","parameters":{"type":"object",
                        "properties":{"day":{"type":"string"}}}}},
                      {"type":"function","function":{"name":"query_product_catalog","parameters":{"type":"object",
                        "properties":{"category":{"type":"string"}}}}}]}""";

    static FakeUpstream upstream;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("cohere", "completion.json")));
        gateway = GatewayUnderTest.builder()
                .property("providers.cohere.base-url", "http://127.0.0.1:" + upstream.port())
                .property("providers.cohere.api-key", "co-test-key")
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
        upstream.reset(Answer.json(200, Recorded.text("cohere", "completion.json")));
    }

    @Test
    void answersInOpenAisShape() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("cohere");
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("command-a-03-2025");
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("object").asText()).isEqualTo("chat.completion");
        assertThat(answer.get("model").asText()).isEqualTo("command-a-03-2025");
        assertThat(answer.at("/choices/0/message/content").asText()).startsWith("LLMs stand for Large Language Models");
        assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(answer.get("usage")).isEqualTo(JSON.readTree("{\"prompt_tokens\":71,\"completion_tokens\":26,\"total_tokens\":97}"));
    }

    @Test
    void callsV2ChatWithTheKeyAndACohereBody() throws Exception {
        gateway.post("/v1/chat/completions", """
                {"model":"command-a-03-2025","temperature":0.3,"top_p":0.8,"max_tokens":100,
                 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Tell me about LLMs"}]}""");

        FakeUpstream.Received request = upstream.takeRequest();
        assertThat(request.path()).isEqualTo("/v2/chat");
        assertThat(request.headers().get("Authorization")).isEqualTo("Bearer co-test-key");
        assertThat(request.json()).isEqualTo(JSON.readTree("""
                {"model":"command-a-03-2025",
                 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Tell me about LLMs"}],
                 "temperature":0.3,"p":0.8,"max_tokens":100}"""));
    }

    @Test
    void answersToolCallsWithThePlanAsReasoning() throws Exception {
        upstream.then(Answer.json(200, Recorded.text("cohere", "completion-tool-calls.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", TOOLS.formatted(""));

        JsonNode message = JSON.readTree(response.body()).at("/choices/0/message");
        assertThat(message.at("/tool_calls/1/function/name").asText()).isEqualTo("query_product_catalog");
        assertThat(message.at("/tool_calls/1/function/arguments").asText()).isEqualTo("{\"category\": \"Electronics\"}");
        assertThat(message.get("reasoning_content").asText()).startsWith("I will use the query_daily_sales_report tool");
        assertThat(JSON.readTree(response.body()).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(upstream.takeRequest().json().get("tools")).hasSize(2);
    }

    @Test
    void streamsOpenAiChunksAndHidesTheUsageChunkFromAClientThatDidNotAskForIt() throws Exception {
        upstream.then(Answer.sse(Recorded.sseEvents("cohere", "stream.sse")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", STREAM);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.takeRequest().json().get("stream").asBoolean()).isTrue();
        List<String> events = events(response.body());
        assertThat(events).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : events.subList(0, events.size() - 1)) {
            chunks.add(JSON.readTree(event));
        }
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> text.append(chunk.at("/choices/0/delta/content").asText("")));
        assertThat(text.toString()).isEqualTo("LLMs stand for Large Language Models, which are a type of neural network "
                + "model specialized in processing and generating human language.");
        assertThat(chunks.get(chunks.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks).allMatch(chunk -> chunk.get("object").asText().equals("chat.completion.chunk"))
                .noneMatch(chunk -> chunk.has("usage"));
        assertThat(chunks).extracting(chunk -> chunk.get("model").asText()).containsOnly("command-a-03-2025");
    }

    @Test
    void streamsTheUsageChunkToAClientThatAskedForIt() throws Exception {
        upstream.then(Answer.sse(Recorded.sseEvents("cohere", "stream.sse")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions",
                STREAM.replace("\"stream\":true,", "\"stream\":true,\"stream_options\":{\"include_usage\":true},"));

        List<String> events = events(response.body());
        JsonNode usageChunk = JSON.readTree(events.get(events.size() - 2));
        assertThat(usageChunk.get("choices")).isEmpty();
        assertThat(usageChunk.at("/usage/prompt_tokens").asInt()).isEqualTo(71);
        assertThat(usageChunk.at("/usage/completion_tokens").asInt()).isEqualTo(26);
        assertThat(upstream.takeRequest().json().has("stream_options")).isFalse();
    }

    @Test
    void streamsToolCallsAsOpenAiToolCallDeltas() throws Exception {
        upstream.then(Answer.sse(Recorded.sseEvents("cohere", "stream-tool-calls.sse")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", TOOLS.formatted("\"stream\":true,"));

        StringBuilder[] arguments = {new StringBuilder(), new StringBuilder()};
        List<String> ids = new ArrayList<>();
        String finishReason = null;
        for (String event : events(response.body())) {
            if (event.equals("[DONE]")) {
                continue;
            }
            JsonNode choice = JSON.readTree(event).at("/choices/0");
            for (JsonNode call : choice.at("/delta/tool_calls")) {
                if (call.has("id")) {
                    ids.add(call.get("id").asText());
                }
                arguments[call.get("index").asInt()].append(call.at("/function/arguments").asText());
            }
            if (choice.hasNonNull("finish_reason")) {
                finishReason = choice.get("finish_reason").asText();
            }
        }
        assertThat(ids).containsExactly("query_daily_sales_report_j3f0adww9pmr", "query_product_catalog_c66nf11r6s8g");
        assertThat(arguments[0]).hasToString("{\"day\": \"2023-09-29\"}");
        assertThat(arguments[1]).hasToString("{\"category\": \"Electronics\"}");
        assertThat(finishReason).isEqualTo("tool_calls");
    }

    @Test
    void rateLimitIs429WithRetryAfterAndCoheresMessage() throws Exception {
        upstream.then(Answer.json(429, Recorded.text("cohere", "error-429.json"), Map.of("Retry-After", "30")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.get("message").asText()).startsWith("You are using a Trial key");
    }

    @Test
    void aRejectedProviderKeyIsA502ThatSaysSo() throws Exception {
        upstream.then(Answer.json(401, Recorded.text("cohere", "error-401.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("provider_authentication_error");
    }

    @Test
    void serverErrorIs502() throws Exception {
        upstream.then(Answer.json(500, Recorded.text("cohere", "error-500.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.body()).at("/error/type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void withoutKeyTheEchoProviderStandsInForCoheresCloudEndpoint() {
        try (GatewayUnderTest unconfigured = GatewayUnderTest.builder().property("providers.cohere.api-key", "").start()) {
            HttpResponse<String> response = unconfigured.post("/v1/chat/completions", HELLO);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("echo");
        }
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
