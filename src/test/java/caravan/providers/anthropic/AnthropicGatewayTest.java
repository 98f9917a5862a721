package caravan.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.FakeUpstream.StreamScript;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import caravan.testing.Sse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OpenAI Chat Completions in, Anthropic's Messages API upstream (a fake speaking its documented format), OpenAI out. */
class AnthropicGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HELLO = """
            {"model":"anthropic/claude-sonnet-4-5","messages":[
              {"role":"system","content":"Be kind."},{"role":"user","content":"Hello"}]}""";
    private static final String STREAM_WITH_USAGE = """
            {"model":"anthropic/claude-sonnet-4-5","stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"user","content":"Hello"}]}""";
    private static final String STREAM = """
            {"model":"anthropic/claude-sonnet-4-5","stream":true,"messages":[{"role":"user","content":"Hello"}]}""";

    static FakeUpstream anthropic;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        anthropic = FakeUpstream.start(Answer.json(200, Recorded.text("anthropic", "message.json")));
        gateway = GatewayUnderTest.builder()
                .property("providers.anthropic.base-url", "http://127.0.0.1:" + anthropic.port())
                .property("providers.anthropic.api-key", "sk-ant-provider")
                .property("gateway.upstream-timeout-ms", "2000")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        anthropic.close();
    }

    @BeforeEach
    void defaultAnswer() {
        anthropic.reset(Answer.json(200, Recorded.text("anthropic", "message.json")));
    }

    @Test
    void translatesTheRequestAndTheAnswer() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("anthropic");
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("claude-sonnet-4-5");
        JsonNode completion = JSON.readTree(response.body());
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hi! My name is Claude.");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.at("/usage/prompt_tokens").asLong()).isEqualTo(6197);
        assertThat(completion.at("/usage/completion_tokens").asLong()).isEqualTo(503);
        assertThat(completion.at("/usage/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(2051);

        FakeUpstream.Received request = anthropic.takeRequest();
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.headers().get("x-api-key")).isEqualTo("sk-ant-provider");
        assertThat(request.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(request.headers().get("Authorization")).isNull();
        assertThat(request.json()).isEqualTo(JSON.readTree("""
                {"model":"claude-sonnet-4-5","max_tokens":4096,"system":[{"type":"text","text":"Be kind."}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"Hello"}]}]}"""));
    }

    @Test
    void bareClaudeNamesGoToAnthropic() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"claude-haiku-4-5","messages":[{"role":"user","content":"Hello"}]}""");

        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("anthropic");
        assertThat(anthropic.takeRequest().json().get("model").asText()).isEqualTo("claude-haiku-4-5");
    }

    @Test
    void translatesToolCallsBothWays() throws Exception {
        anthropic.then(Answer.json(200, Recorded.text("anthropic", "message-tool-use.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"anthropic/claude-sonnet-4-5","tool_choice":"required","messages":[
                  {"role":"user","content":"Weather in SF?"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
                   "properties":{"location":{"type":"string"}}}}}]}""");

        JsonNode call = JSON.readTree(response.body()).at("/choices/0/message/tool_calls/0");
        assertThat(call.get("id").asText()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.at("/function/arguments").asText()))
                .isEqualTo(JSON.readTree("{\"location\":\"San Francisco, CA\",\"unit\":\"fahrenheit\"}"));
        JsonNode sent = anthropic.takeRequest().json();
        assertThat(sent.get("tool_choice")).isEqualTo(JSON.readTree("{\"type\":\"any\"}"));
        assertThat(sent.at("/tools/0/input_schema/properties/location/type").asText()).isEqualTo("string");
    }

    @Test
    void streamsTranslatedChunksEndingInDoneWithTheUsageTheClientAskedFor() throws Exception {
        anthropic.then(Answer.sse(Recorded.sseEvents("anthropic", "stream-text.sse")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", STREAM_WITH_USAGE);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String> events = events(response.body());
        assertThat(events).last().isEqualTo("[DONE]");
        StringBuilder content = new StringBuilder();
        for (String event : events.subList(0, events.size() - 1)) {
            content.append(JSON.readTree(event).at("/choices/0/delta/content").asText(""));
        }
        assertThat(content).hasToString("Hello!");
        JsonNode usage = JSON.readTree(events.get(events.size() - 2));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(usage.at("/usage/prompt_tokens").asLong()).isEqualTo(25);
        assertThat(usage.at("/usage/completion_tokens").asLong()).isEqualTo(15);
        JsonNode sent = anthropic.takeRequest().json();
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.has("stream_options")).isFalse();
    }

    @Test
    void hidesTheUsageChunkFromAClientThatDidNotAskForIt() {
        anthropic.then(Answer.sse(Recorded.sseEvents("anthropic", "stream-text.sse")));

        List<String> events = events(gateway.post("/v1/chat/completions", STREAM).body());

        assertThat(events).hasSize(5).last().isEqualTo("[DONE]");
        assertThat(events).noneMatch(event -> event.contains("\"choices\":[]"));
    }

    @Test
    void streamsToolCallsWithTheirIdNameAndWholeArguments() throws Exception {
        anthropic.then(Answer.sse(Recorded.sseEvents("anthropic", "stream-tool-use.sse")));

        List<String> events = events(gateway.post("/v1/chat/completions", STREAM).body());

        StringBuilder arguments = new StringBuilder();
        String id = null;
        String finish = null;
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode choice = JSON.readTree(event).at("/choices/0");
            for (JsonNode call : choice.at("/delta/tool_calls")) {
                assertThat(call.get("index").asInt()).isZero();
                if (call.has("id")) {
                    id = call.get("id").asText();
                    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
                }
                arguments.append(call.at("/function/arguments").asText());
            }
            if (choice.hasNonNull("finish_reason")) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertThat(id).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        assertThat(arguments).hasToString("{\"location\":\"San Francisco, CA\",\"unit\":\"fahrenheit\"}");
        assertThat(finish).isEqualTo("tool_calls");
    }

    @Test
    void anErrorEventMidStreamReachesTheClientAsAnErrorEventWithoutDone() throws Exception {
        anthropic.then(Answer.sse(Recorded.sseEvents("anthropic", "stream-overloaded.sse")));

        List<String> events = events(gateway.post("/v1/chat/completions", STREAM).body());

        assertThat(events).hasSize(2).doesNotContain("[DONE]");
        assertThat(JSON.readTree(events.get(1)).at("/error/message").asText()).isEqualTo("Overloaded");
    }

    @Test
    void aStreamCutBeforeMessageStopIsAnError() throws Exception {
        List<String> events = Recorded.sseEvents("anthropic", "stream-text.sse");
        anthropic.then(new StreamScript().events(events.subList(0, 5)).end());

        List<String> received = events(gateway.post("/v1/chat/completions", STREAM).body());

        assertThat(received).doesNotContain("[DONE]");
        assertThat(JSON.readTree(received.get(received.size() - 1)).at("/error/message").asText())
                .contains("ended before the answer was complete");
    }

    @Test
    void rateLimitsKeepTheirStatusAndRetryAfter() throws Exception {
        anthropic.then(Answer.json(429, Recorded.text("anthropic", "error-429.json"), Map.of("Retry-After", "30")));

        // a model of its own: the gateway skips a rate-limited model until its Retry-After has passed
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"anthropic/claude-rate-limited","messages":[{"role":"user","content":"Hello"}]}""");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.get("message").asText()).isEqualTo("Number of request tokens has exceeded your per-minute rate limit");
    }

    @Test
    void anOverloadedAnthropicIsA503AndOtherServerErrorsA502() throws Exception {
        anthropic.then(Answer.json(529, Recorded.text("anthropic", "error-529.json")));
        HttpResponse<String> overloaded = gateway.post("/v1/chat/completions", HELLO);
        anthropic.then(Answer.json(500, Recorded.text("anthropic", "error-500.json")));
        HttpResponse<String> failed = gateway.post("/v1/chat/completions", HELLO);

        assertThat(overloaded.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(overloaded.body()).at("/error/message").asText()).isEqualTo("Overloaded");
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(failed.body()).at("/error/type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void aRejectedProviderKeyIsA502ThatSaysSo() throws Exception {
        anthropic.then(Answer.json(401, Recorded.text("anthropic", "error-401.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.body()).doesNotContain("sk-ant-provider");
        assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo("provider_authentication_error");
    }

    static List<String> events(String body) {
        try (Sse sse = new Sse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)))) {
            return sse.rest();
        }
    }
}
