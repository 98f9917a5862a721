package caravan.providers.gemini;

import static caravan.providers.gemini.GeminiRecordings.events;
import static caravan.providers.gemini.GeminiRecordings.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Sse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * OpenAI in, Gemini out and back, through the real routes and the gemini-action Kamelet: a fake Gemini API
 * answers with the recorded payloads, and the test checks both what the client got and what Gemini was sent.
 */
class GeminiGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "gm-test-provider-key";
    private static final String HELLO = """
            {"model":"gemini/gemini-2.5-flash","messages":[
              {"role":"system","content":"Answer in one sentence."},
              {"role":"user","content":"What is the capital of France?"}]}""";
    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_current_weather",
              "parameters":{"type":"object","properties":{"location":{"type":"string"},
              "unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}}}]""";

    static FakeUpstream gemini;
    static GatewayUnderTest gateway;
    /** The URI (path and query) of the last request the fake Gemini API received. */
    static final AtomicReference<String> lastUri = new AtomicReference<>();

    @BeforeAll
    static void start() {
        gemini = FakeUpstream.start(json(200, text("text.json")));
        gateway = GatewayUnderTest.builder()
                .property("providers.gemini.base-url", "http://127.0.0.1:" + gemini.port())
                .property("providers.gemini.api-key", KEY)
                .property("gateway.upstream-timeout-ms", "5000")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        gemini.close();
    }

    @BeforeEach
    void defaultAnswer() {
        gemini.reset(json(200, text("text.json")));
        lastUri.set(null);
    }

    // ---- whole answers

    @Test
    void answersATextQuestionAsAChatCompletionWithUsage() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("gemini");
        JsonNode completion = JSON.readTree(response.body());
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("The capital of France is Paris.");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.get("usage")).isEqualTo(JSON.readTree("""
                {"prompt_tokens":2061,"completion_tokens":43,"total_tokens":2104,
                 "prompt_tokens_details":{"cached_tokens":1017},"completion_tokens_details":{"reasoning_tokens":36}}"""));
    }

    @Test
    void sendsGeminiItsOwnFormatWithTheKeyInTheGoogleHeaderOnly() throws Exception {
        gateway.post("/v1/chat/completions", HELLO, "Authorization", "Bearer client-key");

        FakeUpstream.Received request = gemini.takeRequest();
        assertThat(request.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(lastUri.get()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(request.headers().get("x-goog-api-key")).isEqualTo(KEY);
        assertThat(request.headers().get("Authorization")).isNull();
        assertThat(request.json()).isEqualTo(JSON.readTree("""
                {"contents":[{"role":"user","parts":[{"text":"What is the capital of France?"}]}],
                 "systemInstruction":{"parts":[{"text":"Answer in one sentence."}]}}"""));
    }

    @Test
    void bareGeminiModelNamesReachGemini() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"gemini-2.5-pro","messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("gemini");
        assertThat(gemini.takeRequest().path()).isEqualTo("/v1beta/models/gemini-2.5-pro:generateContent");
    }

    @Test
    void toolsGoOutAsFunctionDeclarationsAndFunctionCallsComeBackAsToolCalls() throws Exception {
        gemini.then(json(200, text("function-call.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"gemini/gemini-2.5-flash","messages":[{"role":"user","content":"Weather in Paris and London?"}],
                """ + TOOLS + ",\"tool_choice\":\"required\"}");

        JsonNode choice = JSON.readTree(response.body()).at("/choices/0");
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.at("/message/tool_calls")).hasSize(2);
        assertThat(JSON.readTree(choice.at("/message/tool_calls/1/function/arguments").asText()))
                .isEqualTo(JSON.readTree("{\"location\":\"London, UK\",\"unit\":\"celsius\"}"));
        assertThat(choice.at("/message/tool_calls/0/extra_content/google/thought_signature").asText())
                .startsWith("CiQBVKhc7oiJ5q1Wm3x");
        JsonNode sent = gemini.takeRequest().json();
        assertThat(sent.at("/tools/0/functionDeclarations/0/parameters")).isEqualTo(JSON.readTree("""
                {"type":"OBJECT","properties":{"location":{"type":"STRING"},
                 "unit":{"type":"STRING","enum":["celsius","fahrenheit"]}},"required":["location"]}"""));
        assertThat(sent.at("/toolConfig/functionCallingConfig/mode").asText()).isEqualTo("ANY");
    }

    @Test
    void toolResultsGoBackAsFunctionResponsesWithTheCallsSignature() throws Exception {
        gemini.then(json(200, text("function-call.json")));
        JsonNode first = JSON.readTree(gateway.post("/v1/chat/completions", """
                {"model":"gemini/gemini-2.5-flash","messages":[{"role":"user","content":"Weather in Paris and London?"}],
                """ + TOOLS + "}").body());
        gemini.takeRequest();
        JsonNode assistant = first.at("/choices/0/message");

        HttpResponse<String> second = gateway.post("/v1/chat/completions", "{\"model\":\"gemini/gemini-2.5-flash\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris and London?\"}," + assistant + ","
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + assistant.at("/tool_calls/0/id").asText() + "\",\"content\":\"{\\\"temp\\\":21}\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"" + assistant.at("/tool_calls/1/id").asText() + "\",\"content\":\"14\"}],"
                + TOOLS + "}");

        assertThat(second.statusCode()).isEqualTo(200);
        JsonNode contents = gemini.takeRequest().json().get("contents");
        assertThat(contents.at("/1/role").asText()).isEqualTo("model");
        assertThat(contents.at("/1/parts/0/thoughtSignature").asText()).startsWith("CiQBVKhc7oiJ5q1Wm3x");
        assertThat(contents.get(2)).isEqualTo(JSON.readTree("""
                {"role":"user","parts":[
                  {"functionResponse":{"name":"get_current_weather","response":{"temp":21}}},
                  {"functionResponse":{"name":"get_current_weather","response":{"result":14}}}]}"""));
    }

    // ---- streams

    @Test
    void streamsTranslatedChunksEndingWithUsageAndDone() throws Exception {
        gemini.then(sse(events("stream-text.sse")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"gemini/gemini-2.5-flash","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"What is the capital of France?"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<String> events = sseData(response.body());
        assertThat(events).hasSize(6);
        assertThat(events.get(0)).contains("\"role\":\"assistant\"");
        assertThat(content(events.subList(1, 3))).isEqualTo("The capital of France is Paris.");
        assertThat(JSON.readTree(events.get(3)).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(JSON.readTree(events.get(4)).get("choices")).isEmpty();
        assertThat(JSON.readTree(events.get(4)).at("/usage/prompt_tokens").asLong()).isEqualTo(2061);
        assertThat(events.get(5)).isEqualTo("[DONE]");
        FakeUpstream.Received request = gemini.takeRequest();
        assertThat(lastUri.get()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        assertThat(request.headers().get("x-goog-api-key")).isEqualTo(KEY);
        assertThat(request.headers().get("Accept")).isEqualTo("text/event-stream");
    }

    @Test
    void aClientThatDidNotAskForUsageDoesNotGetTheUsageChunk() {
        gemini.then(sse(events("stream-text.sse")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"gemini/gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        List<String> events = sseData(response.body());
        assertThat(events).hasSize(5).last().isEqualTo("[DONE]");
        assertThat(events).noneMatch(event -> event.contains("\"usage\""));
    }

    @Test
    void streamsToolCallsWholeInOneDeltaEach() throws Exception {
        gemini.then(sse(events("stream-function-call.sse")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"gemini/gemini-2.5-flash","stream":true,
                 "messages":[{"role":"user","content":"Weather in Paris and London?"}],""" + TOOLS + "}");

        List<JsonNode> calls = new ArrayList<>();
        for (String event : sseData(response.body())) {
            if (!event.equals("[DONE]") && JSON.readTree(event).at("/choices/0/delta").has("tool_calls")) {
                calls.add(JSON.readTree(event).at("/choices/0/delta/tool_calls/0"));
            }
        }
        assertThat(calls).extracting(call -> call.get("index").asInt()).containsExactly(0, 1);
        assertThat(calls).extracting(call -> call.at("/function/name").asText())
                .containsOnly("get_current_weather");
        assertThat(JSON.readTree(calls.get(0).at("/function/arguments").asText()))
                .isEqualTo(JSON.readTree("{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"));
    }

    @Test
    void aStreamThatStopsBeforeAFinishReasonEndsWithAnErrorEventAndNoDone() {
        gemini.then(sse(events("stream-text.sse").subList(0, 2)));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"gemini/gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        List<String> events = sseData(response.body());
        assertThat(events.get(events.size() - 1)).contains("\"error\"");
        assertThat(events).doesNotContain("[DONE]");
    }

    @Test
    void aPromptBlockedAtTheStartOfAStreamIsAPlain400() throws Exception {
        gemini.then(sse(List.of("data: " + JSON.readTree(text("prompt-blocked.json")) + "\r\n\r\n")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"gemini/gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("code").asText()).isEqualTo("content_filter");
    }

    // ---- errors

    @Test
    void aBlockedPromptIsA400ThatSaysWhy() throws Exception {
        gemini.then(json(200, text("prompt-blocked.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("content_filter");
        assertThat(error.get("message").asText()).contains("blockReason: SAFETY");
    }

    @Test
    void googlesClientErrorsPassThroughWithGooglesMessage() throws Exception {
        gemini.then(json(400, text("error-400.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("message").asText())
                .isEqualTo("Please ensure that function call turn comes immediately after a user turn or after a function response turn.");
        assertThat(error(response).get("code").asText()).isEqualTo("invalid_argument");
    }

    @Test
    void aRejectedProviderKeyIsA502ThatSaysSo() throws Exception {
        gemini.then(json(400, text("error-400-api-key.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(error(response).get("code").asText()).isEqualTo("provider_authentication_error");
        assertThat(response.body()).doesNotContain(KEY);
    }

    @ParameterizedTest
    @CsvSource(value = {"20, 20", "NULL, 37"}, nullValues = "NULL")
    void rateLimitsKeepRetryAfterOrTakeItFromGooglesRetryDelay(String header, String retryAfter) {
        // a gateway of its own: a rate-limited provider may be skipped for a while, which must not touch the other tests
        try (FakeUpstream limited = FakeUpstream.start(Answer.json(429, text("error-429.json"),
                header == null ? Map.of() : Map.of("Retry-After", header)));
             GatewayUnderTest limitedGateway = GatewayUnderTest.builder()
                     .property("providers.gemini.base-url", "http://127.0.0.1:" + limited.port())
                     .property("providers.gemini.api-key", KEY)
                     .start()) {
            HttpResponse<String> response = limitedGateway.post("/v1/chat/completions", HELLO);

            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After")).hasValue(retryAfter);
        }
    }

    @Test
    void anOverloadedModelIsA503AndAnInternalErrorA502() throws Exception {
        gemini.then(json(503, text("error-503.json")));
        HttpResponse<String> overloaded = gateway.post("/v1/chat/completions", HELLO);
        gemini.then(json(500, text("error-500.json")));
        HttpResponse<String> internal = gateway.post("/v1/chat/completions", HELLO);

        assertThat(overloaded.statusCode()).isEqualTo(503);
        assertThat(error(overloaded).get("message").asText()).isEqualTo("The model is overloaded. Please try again later.");
        assertThat(internal.statusCode()).isEqualTo(502);
        assertThat(error(internal).get("type").asText()).isEqualTo("upstream_error");
        assertThat(error(internal).get("message").asText()).startsWith("An internal error has occurred.");
    }

    @Test
    void anUnknownModelIsA404WithGooglesMessage() throws Exception {
        gemini.then(json(404, text("error-404.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"gemini/gemini-9.0-ultra","messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(error(response).get("message").asText()).startsWith("models/gemini-9.0-ultra is not found");
    }

    // ---- helpers

    /** Answers like {@link Answer#json}, remembering the request's URI (query included) first. */
    private static Answer json(int status, String body) {
        return json(status, body, Map.of());
    }

    private static Answer json(int status, String body, Map<String, String> headers) {
        Answer answer = Answer.json(status, body, headers);
        return exchange -> {
            lastUri.set(exchange.request().uri());
            answer.answer(exchange);
        };
    }

    private static Answer sse(List<String> events) {
        Answer answer = Answer.sse(events);
        return exchange -> {
            lastUri.set(exchange.request().uri());
            answer.answer(exchange);
        };
    }

    private static List<String> sseData(String body) {
        return new Sse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))).rest();
    }

    private static String content(List<String> events) throws Exception {
        StringBuilder content = new StringBuilder();
        for (String event : events) {
            content.append(JSON.readTree(event).at("/choices/0/delta/content").asText());
        }
        return content.toString();
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.has("error")).as("OpenAI error shape: %s", response.body()).isTrue();
        return body.get("error");
    }
}
