package caravan.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.FakeUpstream.StreamScript;
import caravan.testing.GatewayUnderTest;
import caravan.testing.PrometheusScrape;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Anthropic Messages in, an Anthropic provider behind: one format on both sides, so nothing is translated.
 * The provider gets the client's bytes, and the client gets the provider's answer and stream events byte
 * for byte, while the gateway still leaves out its own fields and learns and counts the usage.
 */
class AnthropicPassthroughTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static FakeUpstream anthropic;
    static FakeUpstream openai;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        anthropic = FakeUpstream.start(Answer.json(200, Recorded.text("anthropic", "message.json")));
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayUnderTest.builder().openAi(openai)
                .property("providers.anthropic.base-url", "http://127.0.0.1:" + anthropic.port())
                .property("providers.anthropic.api-key", "sk-ant-provider")
                .property("gateway.upstream-timeout-ms", "2000")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        anthropic.close();
        openai.close();
    }

    @BeforeEach
    void defaultAnswers() {
        anthropic.reset(Answer.json(200, Recorded.text("anthropic", "message.json")));
        openai.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
    }

    @Test
    void theRequestAndTheAnswerPassThroughByteForByte() throws Exception {
        // odd spacing, field order and a block Caravan does not translate: any re-serialisation would show
        String body = """
                {"max_tokens": 300, "model":"claude-sonnet-4-5",
                  "system": [{"type":"text","text":"Long rules.","cache_control":{"type":"ephemeral","ttl":"1h"}}],
                  "messages":[{"role":"user","content":[{"type":"text","text":"Who are you?","citations":null}]}],
                  "service_tier":"auto"}""";

        HttpResponse<String> response = messages(body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Recorded.text("anthropic", "message.json"));
        FakeUpstream.Received received = anthropic.takeRequest();
        assertThat(new String(received.body(), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(received.headers().get("x-api-key")).isEqualTo("sk-ant-provider");
    }

    @ParameterizedTest
    @ValueSource(strings = {"stream-text.sse", "stream-tool-use.sse", "stream-thinking.sse", "stream-cached.sse"})
    void streamEventsPassThroughByteForByteAndNothingIsAddedAtTheEnd(String recording) {
        List<String> events = Recorded.sseEvents("anthropic", recording);
        anthropic.then(Answer.sse(events));

        HttpResponse<String> response = messages("""
                {"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(response.body()).isEqualTo(String.join("", events));
    }

    @Test
    void aStreamedRequestIsSentAsTheClientWroteIt() throws Exception {
        anthropic.then(Answer.sse(Recorded.sseEvents("anthropic", "stream-text.sse")));
        String body = """
                {"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""";

        messages(body);

        assertThat(new String(anthropic.takeRequest().body(), StandardCharsets.UTF_8)).isEqualTo(body);
    }

    @Test
    void theProvidersModelNameAndTheGatewaysOwnFieldsAreTheOnlyChanges() throws Exception {
        HttpResponse<String> response = messages("""
                {"model":"anthropic/claude-sonnet-4-5","max_tokens":300,"fallbacks":["openai/gpt-4o-mini"],
                 "messages":[{"role":"user","content":"Hi"}],"top_k":5}""");

        assertThat(response.body()).isEqualTo(Recorded.text("anthropic", "message.json"));
        byte[] sent = anthropic.takeRequest().body();
        assertThat(new String(sent, StandardCharsets.UTF_8)).isEqualTo(
                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":300,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"top_k\":5}");
    }

    @Test
    void theGatewaysFallbacksServeAnAnthropicClientToo() throws Exception {
        anthropic.then(Answer.json(500, Recorded.text("anthropic", "error-500.json")));

        HttpResponse<String> response = messages("""
                {"model":"claude-sonnet-4-5","max_tokens":300,"fallbacks":["openai/gpt-4o-mini"],
                 "messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("openai");
        // another format answered: translated into an Anthropic message after all
        JsonNode message = JSON.readTree(response.body());
        assertThat(message.get("type").asText()).isEqualTo("message");
        assertThat(message.at("/content/0/text").asText()).isEqualTo("Hello! How can I assist you today?");
        assertThat(openai.takeRequest().json().has("fallbacks")).isFalse();
    }

    @Test
    void wholeAnswersAreCountedInEveryUsageBucket() {
        String before = metrics();

        messages("""
                {"model":"claude-sonnet-4-5","max_tokens":300,"messages":[{"role":"user","content":"Hi"}]}""");

        // message.json: input_tokens 2095 after the cache breakpoint, 2051 written to the cache, 2051 read from it
        assertTokens(before, "input", 2095 + 2051 + 2051);
        assertTokens(before, "cache_read", 2051);
        assertTokens(before, "cache_write", 2051);
        assertTokens(before, "output", 503);
    }

    @Test
    void streamedAnswersAreCountedInEveryUsageBucket() {
        anthropic.then(Answer.sse(Recorded.sseEvents("anthropic", "stream-cached.sse")));
        String before = metrics();

        messages("""
                {"model":"claude-sonnet-4-5","max_tokens":300,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        // message_start holds the input side, message_delta the output total
        assertTokens(before, "input", 12 + 248 + 1800);
        assertTokens(before, "cache_read", 1800);
        assertTokens(before, "cache_write", 248);
        assertTokens(before, "output", 9);
    }

    @Test
    void aStreamCutBeforeMessageStopEndsWithTheGatewaysErrorEventAfterTheProvidersEvents() {
        List<String> events = Recorded.sseEvents("anthropic", "stream-text.sse");
        anthropic.then(new StreamScript().events(events.subList(0, 5)).end());

        String body = messages("""
                {"model":"claude-sonnet-4-5","max_tokens":300,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""").body();

        assertThat(body).startsWith(String.join("", events.subList(0, 5)));
        String rest = body.substring(String.join("", events.subList(0, 5)).length());
        assertThat(rest).startsWith("event: error\ndata: ").contains("ended before the answer was complete")
                .doesNotContain("message_stop");
    }

    @Test
    void anOpenAiClientOfTheSameProviderIsStillTranslated() throws Exception {
        anthropic.then(Answer.sse(Recorded.sseEvents("anthropic", "stream-text.sse")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"claude-sonnet-4-5","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.body()).doesNotContain("event:").doesNotContain("message_start").endsWith("data: [DONE]\n\n");
    }

    private static HttpResponse<String> messages(String body) {
        return gateway.post("/v1/messages", body, "anthropic-version", "2023-06-01");
    }

    private static String metrics() {
        return gateway.get("/metrics").body();
    }

    /** The call's tokens of one type, counted once it ended: the edge records a call after its answer is written. */
    private static void assertTokens(String before, String type, double by) {
        String labels = "provider=\"anthropic\",tenant=\"default\",type=\"" + type + "\"";
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(
                PrometheusScrape.value(metrics(), "caravan_tokens_total", labels) - PrometheusScrape.value(before, "caravan_tokens_total", labels))
                .as(type).isEqualTo(by));
    }
}
