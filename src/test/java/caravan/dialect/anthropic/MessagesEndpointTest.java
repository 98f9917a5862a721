package caravan.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
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

/**
 * {@code POST /v1/messages} through the real routes: Anthropic in, any provider (a fake OpenAI upstream, a
 * fake Anthropic upstream) behind it, Anthropic out, errors included.
 */
class MessagesEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MASTER_KEY = "sk-caravan-master";

    static FakeUpstream openai;
    static FakeUpstream anthropic;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        anthropic = FakeUpstream.start(Answer.json(200, Recorded.text("anthropic", "message.json")));
        gateway = GatewayUnderTest.builder().openAi(openai)
                .property("providers.anthropic.base-url", "http://127.0.0.1:" + anthropic.port())
                .property("providers.anthropic.api-key", "sk-ant-provider")
                .property("gateway.master-key", MASTER_KEY)
                .property("gateway.upstream-timeout-ms", "2000")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
        anthropic.close();
    }

    @BeforeEach
    void defaultAnswers() {
        openai.reset(Answer.json(200, Recorded.text("openai", "completion.json")));
        anthropic.reset(Answer.json(200, Recorded.text("anthropic", "message.json")));
    }

    // ---- Anthropic in, OpenAI upstream

    @Test
    void anOpenAiUpstreamAnswersAnAnthropicClient() throws Exception {
        HttpResponse<String> response = post("""
                {"model":"openai/gpt-4o-mini","max_tokens":256,"system":"Be brief.",
                 "messages":[{"role":"user","content":"Hello"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("""
                {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","type":"message","role":"assistant",
                 "model":"gpt-4o-mini-2024-07-18","content":[{"type":"text","text":"Hello! How can I assist you today?"}],
                 "stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":19,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":10}}"""));
        FakeUpstream.Received request = openai.takeRequest();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.headers().get("Authorization")).isEqualTo("Bearer sk-test-provider");
        assertThat(request.json()).isEqualTo(JSON.readTree("""
                {"model":"gpt-4o-mini","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello"}],
                 "max_tokens":256}"""));
    }

    @Test
    void anthropicOnlyFieldsDoNotReachAnOpenAiUpstream() throws Exception {
        HttpResponse<String> response = post("""
                {"model":"openai/gpt-4o-mini","max_tokens":2048,"top_k":40,
                 "thinking":{"type":"enabled","budget_tokens":1024},
                 "system":[{"type":"text","text":"Long rules.","cache_control":{"type":"ephemeral"}}],
                 "tools":[{"name":"get_weather","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":"Weather in Paris?"},
                   {"role":"assistant","content":[{"type":"thinking","thinking":"Look it up.","signature":"sig=="},
                     {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},
                   {"role":"user","content":[
                     {"type":"tool_result","tool_use_id":"toolu_1","content":"No data.","is_error":true,
                      "cache_control":{"type":"ephemeral"}},
                     {"type":"text","text":"Try again.","cache_control":{"type":"ephemeral"}}]}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(openai.takeRequest().json()).isEqualTo(JSON.readTree("""
                {"model":"gpt-4o-mini","messages":[
                   {"role":"system","content":[{"type":"text","text":"Long rules."}]},
                   {"role":"user","content":"Weather in Paris?"},
                   {"role":"assistant","content":null,
                    "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                   {"role":"tool","tool_call_id":"toolu_1","content":"No data."},
                   {"role":"user","content":[{"type":"text","text":"Try again."}]}],
                 "max_tokens":2048,
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"""));
    }

    @Test
    void anOpenAiStreamBecomesAnthropicEvents() throws Exception {
        openai.then(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));

        HttpResponse<String> response = post("""
                {"model":"openai/gpt-4o-mini","max_tokens":256,"stream":true,"messages":[{"role":"user","content":"Hello"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<JsonNode> events = events(response.body());
        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("message_start", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta",
                "message_stop");
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(e.at("/delta/text").asText("")));
        assertThat(text).hasToString("Hello! How can I help?");
        assertThat(events.get(6).get("usage")).isEqualTo(JSON.readTree("""
                {"input_tokens":19,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":8}"""));
        assertThat(openai.takeRequest().json().get("stream_options")).isEqualTo(JSON.readTree("{\"include_usage\":true}"));
    }

    // ---- Anthropic in, Anthropic upstream: one format on both sides, so the bytes pass through

    @Test
    void anAnthropicUpstreamIsSentTheClientsRequestAndAnswersWithItsOwnMessage() throws Exception {
        String body = """
                {"model":"claude-sonnet-4-5","max_tokens":512,"temperature":0.5,"stop_sequences":["###"],
                 "system":[{"type":"text","text":"Long rules.","cache_control":{"type":"ephemeral"}}],
                 "metadata":{"user_id":"user-1"},
                 "messages":[{"role":"user","content":"Who are you?"}]}""";
        HttpResponse<String> response = post(body);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-caravan-provider")).hasValue("anthropic");
        assertThat(response.body()).isEqualTo(Recorded.text("anthropic", "message.json"));
        FakeUpstream.Received request = anthropic.takeRequest();
        assertThat(request.headers().get("x-api-key")).isEqualTo("sk-ant-provider");
        assertThat(new String(request.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(body);
    }

    @Test
    void anAnthropicToolUseStreamComesBackAsTheSameEvents() throws Exception {
        anthropic.then(Answer.sse(Recorded.sseEvents("anthropic", "stream-tool-use.sse")));

        HttpResponse<String> response = post("""
                {"model":"anthropic/claude-sonnet-4-5","max_tokens":1024,"stream":true,
                 "tools":[{"name":"get_weather","description":"Get the current weather in a given location",
                   "input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}],
                 "tool_choice":{"type":"any"},
                 "messages":[{"role":"user","content":"What is the weather like in San Francisco?"}]}""");

        assertThat(response.body()).isEqualTo(String.join("", Recorded.sseEvents("anthropic", "stream-tool-use.sse")));
        List<JsonNode> events = events(response.body());
        assertThat(events.get(0).at("/message/id").asText()).isEqualTo("msg_014p7gG3wDgGV9EUtLvnow3U");
        JsonNode toolStart = events.stream().filter(e -> e.at("/content_block/type").asText().equals("tool_use"))
                .findFirst().orElseThrow();
        assertThat(toolStart.get("index").asInt()).isEqualTo(1);
        assertThat(toolStart.at("/content_block/id").asText()).isEqualTo("toolu_01T1x1fJ34qAmk2tNTrN7Up6");
        StringBuilder input = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (JsonNode event : events) {
            input.append(event.at("/delta/partial_json").asText(""));
            text.append(event.at("/delta/text").asText(""));
        }
        assertThat(JSON.readTree(input.toString())).isEqualTo(JSON.readTree("{\"location\":\"San Francisco, CA\",\"unit\":\"fahrenheit\"}"));
        assertThat(text).hasToString("Okay, let's check the weather for San Francisco, CA:");
        JsonNode messageDelta = events.get(events.size() - 2);
        assertThat(messageDelta.at("/delta/stop_reason").asText()).isEqualTo("tool_use");
        assertThat(events.get(0).at("/message/usage/input_tokens").asLong()).isEqualTo(472);
        assertThat(messageDelta.at("/usage/output_tokens").asLong()).isEqualTo(89);
        assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("message_stop");
        JsonNode sent = anthropic.takeRequest().json();
        assertThat(sent.get("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(sent.get("tool_choice")).isEqualTo(JSON.readTree("{\"type\":\"any\"}"));
        assertThat(sent.get("tools")).isEqualTo(JSON.readTree("""
                [{"name":"get_weather","description":"Get the current weather in a given location",
                  "input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}]"""));
    }

    @Test
    void anUpstreamErrorEventMidStreamIsAnAnthropicErrorEvent() throws Exception {
        anthropic.then(Answer.sse(Recorded.sseEvents("anthropic", "stream-overloaded.sse")));

        List<JsonNode> events = events(post("""
                {"model":"claude-sonnet-4-5","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""").body());

        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("message_start", "error");
        assertThat(events.get(1).get("error")).isEqualTo(JSON.readTree("{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}"));
    }

    // ---- errors, all in Anthropic's shape

    @Test
    void aMissingKeyIsAnAnthropicAuthenticationError() throws Exception {
        HttpResponse<String> response = gateway.post("/v1/messages", """
                {"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(error(response).get("type").asText()).isEqualTo("authentication_error");
        assertThat(JSON.readTree(response.body()).get("type").asText()).isEqualTo("error");
    }

    @Test
    void theKeyIsAcceptedAsABearerTokenToo() {
        HttpResponse<String> response = gateway.post("/v1/messages", """
                {"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}""",
                "Authorization", "Bearer " + MASTER_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void badInputIsAnAnthropicInvalidRequestError() throws Exception {
        HttpResponse<String> response = post("""
                {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body())).isEqualTo(JSON.readTree("""
                {"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"}}"""));
        assertThat(anthropic.requestCount()).isZero();
    }

    @Test
    void anUnknownModelIsAnAnthropicNotFoundError() throws Exception {
        HttpResponse<String> response = post("""
                {"model":"acme/model-1","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(error(response).get("type").asText()).isEqualTo("not_found_error");
        assertThat(error(response).get("message").asText()).contains("Unknown provider 'acme'");
    }

    @Test
    void upstreamRateLimitsAndOverloadsKeepAnthropicsTypes() throws Exception {
        anthropic.then(Answer.json(429, Recorded.text("anthropic", "error-429.json"), Map.of("Retry-After", "12")));
        // a model of its own: the gateway skips a rate-limited model until its Retry-After has passed
        HttpResponse<String> limited = post("""
                {"model":"claude-rate-limited","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}""");
        anthropic.then(Answer.json(529, Recorded.text("anthropic", "error-529.json")));
        HttpResponse<String> overloaded = post("""
                {"model":"claude-sonnet-4-5","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
        openai.then(Answer.json(500, Recorded.text("openai", "error-500.json")));
        HttpResponse<String> failed = post("""
                {"model":"openai/gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("12");
        assertThat(error(limited).get("type").asText()).isEqualTo("rate_limit_error");
        assertThat(overloaded.statusCode()).isEqualTo(503);
        assertThat(error(overloaded)).isEqualTo(JSON.readTree("{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}"));
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(error(failed).get("type").asText()).isEqualTo("api_error");
    }

    private static HttpResponse<String> post(String body) {
        return gateway.post("/v1/messages", body, "x-api-key", MASTER_KEY, "anthropic-version", "2023-06-01");
    }

    private static JsonNode error(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("error");
    }

    /** Each event's data, after checking that its {@code event:} name repeats the data's type. */
    private static List<JsonNode> events(String body) {
        List<JsonNode> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            String[] lines = event.split("\n");
            try {
                JsonNode data = JSON.readTree(lines[1].substring("data: ".length()));
                assertThat(lines[0]).isEqualTo("event: " + data.get("type").asText());
                events.add(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return events;
    }
}
