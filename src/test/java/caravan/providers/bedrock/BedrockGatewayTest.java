package caravan.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import caravan.testing.Sse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI in, Bedrock out and back, through the real provider-bedrock route and aws-bedrock-action Kamelet, against
 * a fake Bedrock that answers Converse JSON and ConverseStream event-stream frames and checks nothing: the
 * test checks what it received, the signature included.
 */
class BedrockGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    /** With a '+' and a '/', as real secret keys have: the Kamelet must hand them to the codec unchanged. */
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";
    private static final String MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
    private static final String HELLO = """
            {"model":"bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
             "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}],"max_tokens":100}""";
    private static final String STREAM_HELLO = """
            {"model":"bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0","stream":true,
             "stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello"}]}""";

    static FakeUpstream bedrock;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        bedrock = FakeUpstream.start(Answer.json(200, Recorded.text("bedrock", "completion.json")));
        gateway = GatewayUnderTest.builder()
                .property("providers.bedrock.base-url", "http://127.0.0.1:" + bedrock.port())
                .property("providers.bedrock.region", "us-west-2")
                .property("providers.bedrock.access-key", ACCESS_KEY)
                .property("providers.bedrock.secret-key", SECRET_KEY)
                .property("providers.bedrock.session-token", SESSION_TOKEN)
                .property("gateway.upstream-timeout-ms", "2000")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        bedrock.close();
    }

    @BeforeEach
    void defaultAnswer() {
        bedrock.reset(Answer.json(200, Recorded.text("bedrock", "completion.json")));
    }

    @Test
    void answersAChatCompletionFromConverse() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("bedrock");
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue(MODEL);
        JsonNode completion = JSON.readTree(response.body());
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.get("model").asText()).isEqualTo(MODEL);
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hello! How can I help you today?");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.get("usage")).isEqualTo(JSON.readTree(
                "{\"prompt_tokens\":12,\"completion_tokens\":10,\"total_tokens\":22}"));
    }

    @Test
    void sendsTheConverseBodyToTheDoubleEncodedModelPath() throws Exception {
        gateway.post("/v1/chat/completions", HELLO);

        FakeUpstream.Received received = bedrock.takeRequest();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.path()).isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
        assertThat(received.json()).isEqualTo(JSON.readTree("""
                {"system":[{"text":"Be brief."}],"messages":[{"role":"user","content":[{"text":"Hello"}]}],
                 "inferenceConfig":{"maxTokens":100}}"""));
    }

    @Test
    void signsTheRequestAsSentWithTheSessionToken() {
        gateway.post("/v1/chat/completions", HELLO);

        FakeUpstream.Received received = awaitRequest();
        String amzDate = received.headers().get("X-Amz-Date");
        assertThat(amzDate).matches("\\d{8}T\\d{6}Z");
        assertThat(received.headers().get("X-Amz-Security-Token")).isEqualTo(SESSION_TOKEN);
        String authorization = received.headers().get("Authorization");
        assertThat(authorization).startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/" + amzDate.substring(0, 8)
                + "/us-west-2/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "
                + "Signature=");
        assertThat(authorization).isEqualTo(expectedAuthorization(received));
    }

    @Test
    void streamsConverseStreamFramesAsOpenAiChunks() throws Exception {
        bedrock.then(eventStream(EventStreamFrames.recorded("stream.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", STREAM_HELLO);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<String> events = Sse.events(response.body());
        assertThat(events).last().isEqualTo("[DONE]");
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : events.subList(0, events.size() - 1)) {
            chunks.add(JSON.readTree(event));
        }
        assertThat(chunks).extracting(c -> c.get("object").asText()).containsOnly("chat.completion.chunk");
        assertThat(chunks).extracting(c -> c.get("model").asText()).containsOnly(MODEL);
        assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        StringBuilder content = new StringBuilder();
        chunks.forEach(c -> content.append(c.at("/choices/0/delta/content").asText("")));
        assertThat(content.toString()).isEqualTo("Hello! How can I help you today?");
        assertThat(chunks.get(chunks.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks.get(chunks.size() - 1).get("choices")).isEmpty();
        assertThat(chunks.get(chunks.size() - 1).at("/usage/completion_tokens").asInt()).isEqualTo(10);
        FakeUpstream.Received received = awaitRequest();
        assertThat(received.path()).isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream");
        assertThat(received.headers().get("Accept")).isEqualTo("application/vnd.amazon.eventstream");
        assertThat(received.headers().get("Authorization")).isEqualTo(expectedAuthorization(received));
    }

    @Test
    void hidesTheUsageChunkFromAClientThatDidNotAskForIt() {
        bedrock.then(eventStream(EventStreamFrames.recorded("stream.json")));

        List<String> events = Sse.events(gateway.post("/v1/chat/completions", STREAM_HELLO
                .replace("\"stream_options\":{\"include_usage\":true},", "")).body());

        assertThat(events).hasSize(6).last().isEqualTo("[DONE]");
        assertThat(events).noneMatch(event -> event.contains("\"choices\":[]"));
    }

    @Test
    void streamsToolCallsWithEveryArgumentPiece() throws Exception {
        bedrock.then(eventStream(EventStreamFrames.recorded("stream-tool-use.json")));

        List<String> events = Sse.events(gateway.post("/v1/chat/completions", STREAM_HELLO).body());

        Map<Integer, StringBuilder> arguments = new TreeMap<>();
        List<String> ids = new ArrayList<>();
        for (String event : events.subList(0, events.size() - 1)) {
            for (JsonNode call : JSON.readTree(event).at("/choices/0/delta/tool_calls")) {
                if (call.has("id")) {
                    ids.add(call.get("id").asText());
                }
                arguments.computeIfAbsent(call.get("index").asInt(), i -> new StringBuilder())
                        .append(call.at("/function/arguments").asText());
            }
        }
        assertThat(ids).containsExactly("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q", "tooluse_8NjPzLxNSDuWMOhDaHUeMw");
        assertThat(arguments.values()).extracting(StringBuilder::toString)
                .containsExactly("{\"sign\":\"WZPZ\"}", "{\"sign\":\"WKRP\"}");
        assertThat(JSON.readTree(events.get(events.size() - 3)).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void answersToolCallsFromConverseAndSendsToolResultsBack() throws Exception {
        bedrock.then(Answer.json(200, Recorded.text("bedrock", "completion-tool-use.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0","messages":[
                  {"role":"user","content":"Top song on WZPZ?"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"t0","type":"function",
                    "function":{"name":"top_song","arguments":"{\\"sign\\":\\"WZPZ\\"}"}}]},
                  {"role":"tool","tool_call_id":"t0","content":"Elemental Hotel"}],
                 "tools":[{"type":"function","function":{"name":"top_song","parameters":{"type":"object"}}}]}""");

        JsonNode message = JSON.readTree(response.body()).at("/choices/0/message");
        assertThat(message.at("/tool_calls/1/function/arguments").asText()).isEqualTo("{\"sign\":\"WKRP\"}");
        assertThat(JSON.readTree(response.body()).at("/usage/prompt_tokens_details/cached_tokens").asInt()).isEqualTo(1900);
        JsonNode sent = bedrock.takeRequest().json();
        assertThat(sent.at("/messages/2")).isEqualTo(JSON.readTree(
                "{\"role\":\"user\",\"content\":[{\"toolResult\":{\"toolUseId\":\"t0\",\"content\":[{\"text\":\"Elemental Hotel\"}]}}]}"));
        assertThat(sent.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("top_song");
    }

    @Test
    void throttlingIsA429WithRetryAfter() throws Exception {
        bedrock.then(Answer.json(429, Recorded.text("bedrock", "errors/throttling-429.json"),
                Map.of("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                        "Retry-After", "4")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("4");
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.get("message").asText()).isEqualTo("Too many requests, please wait before trying again.");
    }

    @Test
    void aValidationErrorIsA400WithBedrocksMessage() throws Exception {
        bedrock.then(Answer.json(400, Recorded.text("bedrock", "errors/validation-400.json"),
                Map.of("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/message").asText()).startsWith("The text field in the ContentBlock");
    }

    @Test
    void anInternalErrorIsA502() throws Exception {
        bedrock.then(Answer.json(500, Recorded.text("bedrock", "errors/internal-500.json")));

        HttpResponse<String> response = gateway.post("/v1/chat/completions", HELLO);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(response.body()).at("/error/type").asText()).isEqualTo("upstream_error");
    }

    @Test
    void anExceptionInTheStreamEndsItWithAnErrorEventAndNoDone() throws Exception {
        bedrock.then(eventStream(EventStreamFrames.recorded("stream-throttled.json")));

        List<String> events = Sse.events(gateway.post("/v1/chat/completions", STREAM_HELLO).body());

        assertThat(events).doesNotContain("[DONE]");
        JsonNode error = JSON.readTree(events.get(events.size() - 1)).get("error");
        assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.get("message").asText()).isEqualTo("Too many tokens, please wait before trying again.");
    }

    @Test
    void aStreamCutBeforeMessageStopEndsWithAnErrorEvent() throws Exception {
        List<byte[]> frames = EventStreamFrames.recorded("stream.json");
        bedrock.then(eventStream(frames.subList(0, 3)));

        List<String> events = Sse.events(gateway.post("/v1/chat/completions", STREAM_HELLO).body());

        assertThat(events).doesNotContain("[DONE]");
        assertThat(JSON.readTree(events.get(events.size() - 1)).at("/error/message").asText())
                .contains("ended before the answer was complete");
    }

    @Test
    void withoutCredentialsOnItsCloudEndpointEchoStandsIn() {
        try (GatewayUnderTest unconfigured = GatewayUnderTest.builder()
                .property("providers.bedrock.base-url", "")
                .property("providers.bedrock.access-key", "")
                .property("providers.bedrock.secret-key", "")
                .property("providers.bedrock.session-token", "")
                .start()) {
            HttpResponse<String> response = unconfigured.post("/v1/chat/completions", HELLO);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("echo");
        }
    }

    // ---- prompt caching across formats

    @Test
    void anAnthropicClientsCacheMarksReachBedrockAsCachePointsAndTheCacheTokensComeBackInAnthropicsBuckets() throws Exception {
        bedrock.then(Answer.json(200, Recorded.text("bedrock", "completion-tool-use.json")));

        HttpResponse<String> response = gateway.post("/v1/messages", """
                {"model":"bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0","max_tokens":300,
                 "system":[{"type":"text","text":"Long rules.","cache_control":{"type":"ephemeral","ttl":"1h"}}],
                 "tools":[{"name":"top_song","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"Top song on WZPZ?",
                   "cache_control":{"type":"ephemeral"}}]}]}""", "anthropic-version", "2023-06-01");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode sent = bedrock.takeRequest().json();
        assertThat(sent.get("system")).isEqualTo(JSON.readTree(
                "[{\"text\":\"Long rules.\"},{\"cachePoint\":{\"type\":\"default\",\"ttl\":\"1h\"}}]"));
        assertThat(sent.at("/messages/0/content")).isEqualTo(JSON.readTree(
                "[{\"text\":\"Top song on WZPZ?\"},{\"cachePoint\":{\"type\":\"default\"}}]"));
        assertThat(sent.at("/toolConfig/tools/1")).isEqualTo(JSON.readTree("{\"cachePoint\":{\"type\":\"default\"}}"));
        // Bedrock: inputTokens 412, cacheReadInputTokens 1900, cacheWriteInputTokens 200
        assertThat(JSON.readTree(response.body()).get("usage")).isEqualTo(JSON.readTree("""
                {"input_tokens":412,"cache_creation_input_tokens":200,"cache_read_input_tokens":1900,"output_tokens":98}"""));
    }

    // ---- helpers

    /** Sends the frames as a ConverseStream body, each frame written on its own. */
    private static Answer eventStream(List<byte[]> frames) {
        return exchange -> {
            HttpServerResponse response = exchange.response().setChunked(true)
                    .putHeader("Content-Type", "application/vnd.amazon.eventstream")
                    .putHeader("x-amzn-RequestId", "4b2a1b5c-0f8e-4a7e-9a3e-0c8f3e9d2a11");
            frames.forEach(frame -> response.write(Buffer.buffer(frame)));
            response.end();
        };
    }

    /** What the signer computes for the request the fake received, at the time it says it was signed. */
    private static String expectedAuthorization(FakeUpstream.Received received) {
        String amzDate = received.headers().get("X-Amz-Date");
        Clock signedAt = Clock.fixed(ZonedDateTime.parse(amzDate, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX"))
                .toInstant(), ZoneOffset.UTC);
        SigV4Signer signer = new SigV4Signer(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, "us-west-2", "bedrock", signedAt);
        return signer.sign(new SigV4Signer.Request(received.method(), received.headers().get("Host"), received.path(), null,
                List.of(Map.entry("Content-Type", received.headers().get("Content-Type"))), received.body())).get("Authorization");
    }

    private static FakeUpstream.Received awaitRequest() {
        try {
            return bedrock.takeRequest();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
