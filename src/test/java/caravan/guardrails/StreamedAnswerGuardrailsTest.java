package caravan.guardrails;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import caravan.api.Json;
import caravan.routing.RoutingTestSupport;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Sse;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Post-stage guardrails on streamed answers, run as the chunks pass: a card number split across chunks is
 * redacted whole in OpenAI and Anthropic streams, for either client API; a banned term ends the stream with an
 * error event and no clean end; and a reversible redaction's placeholder, split across chunks too, reaches the
 * client restored while the provider only ever saw the placeholder.
 */
class StreamedAnswerGuardrailsTest {

    private static final String CARD = "4111 1111 1111 1111";

    @TempDir
    static Path workDir;
    static FakeUpstream openai;
    static FakeUpstream anthropic;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws IOException {
        openai = FakeUpstream.start(Answer.json(500, "{}"));
        anthropic = FakeUpstream.start(Answer.json(500, "{}"));
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "careful", route("careful", "openai/gpt-4o-mini"));
        RoutingTestSupport.writePolicy(workDir, "careful-claude", route("careful-claude", "anthropic/claude-haiku-4-5"));
        RoutingTestSupport.writePolicy(workDir, "strict-stream", """
                - route:
                    id: strict-stream
                    group: policies
                    from:
                      uri: direct:strict-stream
                      steps:
                        - to: model:openai/gpt-4o-mini
                        - to: guardrail:json_schema
                """);
        RoutingTestSupport.writePolicy(workDir, "private", """
                - route:
                    id: private
                    group: policies
                    from:
                      uri: direct:private
                      steps:
                        - to: guardrail:pii?action=redact&reversible=true
                        - to: model:openai/gpt-4o-mini
                """);
        gateway = GatewayUnderTest.builder().workDir(workDir).openAi(openai)
                .property("providers.anthropic.base-url", "http://127.0.0.1:" + anthropic.port())
                .property("providers.anthropic.api-key", "sk-ant-provider")
                .property("gateway.upstream-timeout-ms", "5000")
                .start();
    }

    private static String route(String id, String model) {
        return """
                - route:
                    id: %s
                    group: policies
                    from:
                      uri: direct:%s
                      steps:
                        - to: model:%s
                        - to: guardrail:pii?stage=post&action=redact
                        - to: guardrail:banned?stage=post&action=block&terms=forbidden
                """.formatted(id, id, model);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
        anthropic.close();
    }

    @BeforeEach
    void reset() {
        openai.reset(Answer.json(500, "{}"));
        anthropic.reset(Answer.json(500, "{}"));
    }

    @Test
    void aCardSplitAcrossOpenAiChunksIsRedactedWhole() {
        openai.fallback(openAiStream("Your card ", "4111 11", "11 1111 1", "111 is on file."));

        HttpResponse<String> response = streamChat("careful");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Sse.content(response.body())).isEqualTo("Your card [CREDIT_CARD] is on file.");
        assertThat(digitsOf(response.body())).doesNotContain("4111");
        assertThat(Sse.events(response.body())).last().isEqualTo("[DONE]");
    }

    @Test
    void aCardSplitAcrossAnthropicEventsIsRedactedForAnOpenAiClient() {
        anthropic.fallback(anthropicStream("Your card ", "4111 11", "11 1111 1", "111 is on file."));

        HttpResponse<String> response = streamChat("careful-claude");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(Sse.content(response.body())).isEqualTo("Your card [CREDIT_CARD] is on file.");
        assertThat(digitsOf(response.body())).doesNotContain("4111");
    }

    @Test
    void aCardSplitAcrossAnthropicEventsIsRedactedForAnAnthropicClient() throws IOException {
        anthropic.fallback(anthropicStream("Your card ", "4111 11", "11 1111 1", "111 is on file."));

        HttpResponse<String> response = gateway.post("/v1/messages", """
                {"model":"careful-claude","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"card?"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        List<String> types = new ArrayList<>();
        for (String event : Sse.events(response.body())) {
            JsonNode json = Json.MAPPER.readTree(event);
            types.add(json.path("type").asText());
            text.append(json.path("delta").path("text").asText(""));
        }
        assertThat(text.toString()).isEqualTo("Your card [CREDIT_CARD] is on file.");
        assertThat(types).startsWith("message_start").endsWith("message_stop");
        assertThat(digitsOf(response.body())).doesNotContain("4111");
    }

    @Test
    void aBannedTermEndsTheStreamWithAnErrorEvent() throws IOException {
        String prose = "All is well. ".repeat(40);
        openai.fallback(openAiStream(prose, "and then the forb", "idden word appears", " and more"));

        HttpResponse<String> response = streamChat("careful");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = Sse.events(response.body());
        assertThat(events).doesNotContain("[DONE]");
        JsonNode error = Json.MAPPER.readTree(events.get(events.size() - 1)).path("error");
        assertThat(error.path("type").asText()).isEqualTo("guardrail_blocked");
        assertThat(error.path("code").asText()).isEqualTo("banned");
        assertThat(response.body()).doesNotContain("forb");
        assertThat(Sse.content(response.body())).startsWith("All is well.");
    }

    @Test
    void aBlockBeforeTheFirstByteIsAPlainError() throws IOException {
        openai.fallback(openAiStream("this is forbidden"));

        HttpResponse<String> response = streamChat("careful");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(response.body()).path("error").path("code").asText()).isEqualTo("banned");
    }

    @Test
    void reversibleRedactionRoundTripsThroughAStream() throws Exception {
        openai.fallback(openAiStream("Sure, I will write to [EMA", "IL_1] today."));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"private","stream":true,"messages":[{"role":"user","content":"email ada@example.org please"}]}""");

        assertThat(Sse.content(response.body())).isEqualTo("Sure, I will write to ada@example.org today.");
        String sent = new String(openai.takeRequest().body());
        assertThat(sent).contains("email [EMAIL_1] please").doesNotContain("ada@example.org");
    }

    @Test
    void reversibleRedactionRoundTripsThroughAWholeAnswer() throws Exception {
        openai.fallback(Answer.json(200, """
                {"id":"c1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,
                 "message":{"role":"assistant","content":"Writing to [EMAIL_1] and [EMAIL_2]."},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}"""));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"private","messages":[{"role":"user","content":"cc ada@example.org and bob@example.com, ada@example.org"}]}""");

        assertThat(Json.MAPPER.readTree(response.body()).at("/choices/0/message/content").asText())
                .isEqualTo("Writing to ada@example.org and bob@example.com.");
        assertThat(new String(openai.takeRequest().body())).contains("cc [EMAIL_1] and [EMAIL_2], [EMAIL_1]");
    }

    @Test
    void aStreamedToolCallThatBreaksItsSchemaEndsWithAnErrorEventInsteadOfItsEnd() throws IOException {
        openai.fallback(exchange -> {
            exchange.response().setStatusCode(200).putHeader("Content-Type", "text/event-stream").setChunked(true);
            Answer.sse(List.of(
                    "data: " + chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                            + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"town\"}}]}", "null") + "\n\n",
                    "data: " + chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\":\\\"Oslo\\\"}\"}}]}",
                            "null") + "\n\n",
                    "data: " + chunk("{}", "\"tool_calls\"") + "\n\n",
                    "data: [DONE]\n\n")).answer(exchange);
        });

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"strict-stream","stream":true,"messages":[{"role":"user","content":"weather?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
                  "properties":{"city":{"type":"string"}},"required":["city"]}}}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = Sse.events(response.body());
        assertThat(events).doesNotContain("[DONE]");
        JsonNode error = Json.MAPPER.readTree(events.get(events.size() - 1)).path("error");
        assertThat(error.path("type").asText()).isEqualTo("guardrail_failed");
        assertThat(error.path("code").asText()).isEqualTo("json_schema");
    }

    private static HttpResponse<String> streamChat(String model) {
        return gateway.post("/v1/chat/completions", """
                {"model":"%s","stream":true,"messages":[{"role":"user","content":"card?"}]}""".formatted(model));
    }

    /** The body with separators between digits taken out, so a number split by chunking still shows. */
    private static String digitsOf(String body) {
        return body.replaceAll("(?<=\\d)[ \"]+(?=\\d)", "");
    }

    static Answer openAiStream(String... texts) {
        List<String> events = new ArrayList<>();
        for (String text : texts) {
            events.add("data: " + chunk("{\"content\":" + quote(text) + "}", "null") + "\n\n");
        }
        events.add("data: " + chunk("{}", "\"stop\"") + "\n\n");
        events.add("data: [DONE]\n\n");
        return exchange -> {
            exchange.response().setStatusCode(200).putHeader("Content-Type", "text/event-stream").setChunked(true);
            Answer.sse(events).answer(exchange);
        };
    }

    private static String chunk(String delta, String finish) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":"
                + "[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}";
    }

    static Answer anthropicStream(String... texts) {
        List<String> events = new ArrayList<>();
        events.add(event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-haiku-4-5\",\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}"));
        events.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"text\",\"text\":\"\"}}"));
        events.add(event("ping", "{\"type\":\"ping\"}"));
        for (String text : texts) {
            events.add(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"text_delta\",\"text\":" + quote(text) + "}}"));
        }
        events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        events.add(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}}"));
        events.add(event("message_stop", "{\"type\":\"message_stop\"}"));
        return exchange -> {
            exchange.response().setStatusCode(200).putHeader("Content-Type", "text/event-stream").setChunked(true);
            Answer.sse(events).answer(exchange);
        };
    }

    private static String event(String type, String data) {
        return "event: " + type + "\ndata: " + data + "\n\n";
    }

    private static String quote(String text) {
        return Json.MAPPER.getNodeFactory().textNode(text).toString();
    }
}
