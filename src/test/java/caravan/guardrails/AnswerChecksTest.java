package caravan.guardrails;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import caravan.api.Json;
import caravan.routing.RoutingTestSupport;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Post-stage guardrails that judge whether an answer is usable: a tool call that breaks its tool's JSON
 * Schema makes a fallback route ask its second model (the existing post-check escalation), and the client
 * gets 502 {@code guardrail_failed} when no model is left; a refusal is caught the same way.
 */
class AnswerChecksTest {

    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
             "properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}}]""";

    @TempDir
    static Path workDir;
    static FakeUpstream openai;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() throws Exception {
        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "strict-tools", """
                - route:
                    id: strict-tools
                    group: policies
                    from:
                      uri: direct:strict-tools
                      steps:
                        - loadBalance:
                            customLoadBalancer:
                              ref: fallback
                            steps:
                              - pipeline:
                                  steps:
                                    - to: model:openai/model-a
                                    - to: guardrail:json_schema
                              - pipeline:
                                  steps:
                                    - to: model:openai/model-b
                                    - to: guardrail:json_schema
                - route:
                    id: strict-single
                    group: policies
                    from:
                      uri: direct:strict-single
                      steps:
                        - to: model:openai/model-a
                        - to: guardrail:json_schema
                        - to: guardrail:refusal
                """);
        openai = FakeUpstream.start(Answer.json(500, "{}"));
        gateway = GatewayUnderTest.builder().workDir(workDir).openAi(openai).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
    }

    @BeforeEach
    void reset() {
        openai.reset(Answer.json(500, "{}"));
    }

    @Test
    void aToolCallThatBreaksItsSchemaFallsBackToTheSecondModel() throws Exception {
        openai.then(Answer.json(200, toolCall("model-a", "{\\\"town\\\":\\\"Oslo\\\"}")))
                .then(Answer.json(200, toolCall("model-b", "{\\\"city\\\":\\\"Oslo\\\"}")));

        HttpResponse<String> response = chat("strict-tools");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("model-b");
        assertThat(response.headers().firstValue("x-caravan-attempts")).hasValue("2");
        assertThat(response.headers().firstValue("x-caravan-guardrails")).hasValue("json_schema=failed;json_schema=passed");
        JsonNode call = Json.MAPPER.readTree(response.body()).at("/choices/0/message/tool_calls/0/function");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"city\":\"Oslo\"}");
    }

    @Test
    void withNoModelLeftTheClientGetsGuardrailFailed() throws Exception {
        openai.then(Answer.json(200, toolCall("model-a", "{\\\"town\\\":\\\"Oslo\\\"}")));

        HttpResponse<String> response = chat("strict-single");

        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode error = Json.MAPPER.readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("guardrail_failed");
        assertThat(error.path("code").asText()).isEqualTo("json_schema");
        assertThat(error.path("message").asText()).startsWith("guardrail_failed (json_schema):").contains("get_weather");
    }

    @Test
    void aRefusalFailsTheAnswer() throws Exception {
        openai.then(Answer.json(200, text("model-a", "I'm sorry, but I can't help with that.")));

        HttpResponse<String> response = chat("strict-single");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(Json.MAPPER.readTree(response.body()).path("error").path("code").asText()).isEqualTo("refusal");
        assertThat(response.headers().firstValue("x-caravan-guardrails")).hasValue("json_schema=passed;refusal=failed");
    }

    private static HttpResponse<String> chat(String model) {
        return gateway.post("/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"user","content":"weather in Oslo?"}],%s}""".formatted(model, TOOLS));
    }

    private static String toolCall(String model, String arguments) {
        return """
                {"id":"c1","object":"chat.completion","created":1,"model":"%s","choices":[{"index":0,"message":{
                 "role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{
                 "name":"get_weather","arguments":"%s"}}]},"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}""".formatted(model, arguments);
    }

    private static String text(String model, String content) {
        return """
                {"id":"c1","object":"chat.completion","created":1,"model":"%s","choices":[{"index":0,"message":{
                 "role":"assistant","content":"%s"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}""".formatted(model, content);
    }
}
