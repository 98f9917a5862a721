package caravan.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
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
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenAiCodecTest {

    private static final String MODEL = "gpt-4o-mini";
    private static final UpstreamSettings WITH_KEY = new UpstreamSettings("openai", "https://api.openai.com/v1", "sk-test");
    private static final UpstreamSettings WITHOUT_KEY = new UpstreamSettings("vllm", "http://localhost:8000/v1", null);

    private final OpenAiCodec codec = new OpenAiCodec();

    // ---- encodeRequest

    @Test
    void unchangedRequestIsForwardedAsTheClientsExactBytes() {
        // odd spacing: any re-serialisation would show
        byte[] client = bytes("{ \"model\" : \"gpt-4o-mini\",\n  \"messages\": [ {\"role\":\"user\",\"content\":\"Hi\"} ],"
                + " \"temperature\": 0.70 }");

        UpstreamRequest upstream = codec.encodeRequest(request(client), "gpt-4o-mini", WITH_KEY);

        assertThat(upstream.body()).isEqualTo(client);
    }

    @Test
    void streamRequestThatAlreadyAsksForUsageIsForwardedUnchanged() {
        byte[] client = bytes("{\"model\":\"gpt-4o-mini\", \"stream\":true, \"stream_options\":{\"include_usage\":true},"
                + " \"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(codec.encodeRequest(request(client), "gpt-4o-mini", WITH_KEY).body()).isEqualTo(client);
    }

    @Test
    void differentUpstreamModelRewritesOnlyTheModelKeepingFieldOrder() {
        // compact input, so the rewrite must equal it byte for byte apart from the model's value
        String client = "{\"temperature\":0.5,\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi \\\"you\\\"\\n\"}],"
                + "\"max_tokens\":20,\"vendor_extension\":{\"a\":[1,2,{\"b\":null}]},\"user\":\"u-1\"}";

        byte[] sent = codec.encodeRequest(request(bytes(client)), "gpt-4o-mini", WITH_KEY).body();

        assertThat(new String(sent, StandardCharsets.UTF_8))
                .isEqualTo(client.replace("\"model\":\"fast\"", "\"model\":\"gpt-4o-mini\""));
    }

    @Test
    void streamWithoutIncludeUsageAsksForUsageAndKeepsOtherStreamOptions() {
        byte[] client = bytes("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_obfuscation\":false},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        ObjectNode sent = parse(codec.encodeRequest(request(client), "gpt-4o-mini", WITH_KEY).body());

        assertThat(sent.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.get("stream_options")).isEqualTo(parse(bytes("{\"include_obfuscation\":false,\"include_usage\":true}")));
        assertThat(sent.get("messages")).isEqualTo(parse(client).get("messages"));
    }

    @Test
    void streamWithoutStreamOptionsGetsIncludeUsage() {
        byte[] client = bytes("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        ObjectNode sent = parse(codec.encodeRequest(request(client), "gpt-4o-mini", WITH_KEY).body());

        assertThat(sent.get("stream_options")).isEqualTo(parse(bytes("{\"include_usage\":true}")));
    }

    @Test
    void urlIsBaseUrlPlusChatCompletions() {
        UpstreamRequest upstream = codec.encodeRequest(simpleRequest(false), "gpt-4o-mini", WITH_KEY);

        assertThat(upstream.url()).isEqualTo("https://api.openai.com/v1/chat/completions");
    }

    @Test
    void trailingSlashOnBaseUrlDoesNotDoubleTheSlash() {
        UpstreamSettings settings = new UpstreamSettings("openai", "https://api.openai.com/v1/", "sk-test");

        UpstreamRequest upstream = codec.encodeRequest(simpleRequest(false), "gpt-4o-mini", settings);

        assertThat(upstream.url()).isEqualTo("https://api.openai.com/v1/chat/completions");
    }

    @Test
    void authorizationHeaderCarriesTheApiKey() {
        UpstreamRequest upstream = codec.encodeRequest(simpleRequest(false), "gpt-4o-mini", WITH_KEY);

        assertThat(upstream.headers()).containsEntry("Authorization", "Bearer sk-test")
                .containsEntry("Content-Type", "application/json");
    }

    @Test
    void noAuthorizationHeaderWithoutApiKey() {
        assertThat(codec.encodeRequest(simpleRequest(false), "m", WITHOUT_KEY).headers()).doesNotContainKey("Authorization");
        UpstreamSettings blankKey = new UpstreamSettings("vllm", "http://localhost:8000/v1", " ");
        assertThat(codec.encodeRequest(simpleRequest(false), "m", blankKey).headers()).doesNotContainKey("Authorization");
    }

    @Test
    void acceptIsEventStreamForStreamsAndJsonOtherwise() {
        assertThat(codec.encodeRequest(simpleRequest(true), "gpt-4o-mini", WITH_KEY).headers())
                .containsEntry("Accept", "text/event-stream");
        assertThat(codec.encodeRequest(simpleRequest(false), "gpt-4o-mini", WITH_KEY).headers())
                .containsEntry("Accept", "application/json");
    }

    // ---- translated requests: the canonical extensions another dialect left in them

    /** A request as the Anthropic dialect translates it, with every extension it keeps for an Anthropic upstream. */
    private static final String TRANSLATED = """
            {"model":"claude-sonnet-4-5","messages":[
              {"role":"system","content":[{"type":"text","text":"Long rules.","cache_control":{"type":"ephemeral"}}]},
              {"role":"user","content":[{"type":"text","text":"Weather?"},
                {"type":"image_url","image_url":{"url":"https://example.com/a.png"},"cache_control":{"type":"ephemeral"}}]},
              {"role":"assistant","content":null,
               "thinking_blocks":[{"type":"thinking","thinking":"Look it up.","signature":"sig=="}],
               "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"toolu_1","content":"No data.","is_error":true,"cache_control":{"type":"ephemeral"}}],
             "max_tokens":256,"temperature":0.5,"top_k":40,"stream":true,"stream_options":{"include_usage":true},
             "user":"user-1",
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}},
               "cache_control":{"type":"ephemeral"}}],
             "thinking":{"type":"enabled","budget_tokens":1024}}""";

    @Test
    void aTranslatedRequestLosesEveryCanonicalExtensionAndNothingElse() {
        ChatRequest translated = new ChatRequest(parse(bytes(TRANSLATED)), null);

        byte[] sent = codec.encodeRequest(translated, "gpt-4o-mini", WITH_KEY).body();

        assertThat(new String(sent, StandardCharsets.UTF_8)).isEqualTo(compact("""
                {"model":"gpt-4o-mini","messages":[
                  {"role":"system","content":[{"type":"text","text":"Long rules."}]},
                  {"role":"user","content":[{"type":"text","text":"Weather?"},
                    {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]},
                  {"role":"assistant","content":null,
                   "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"toolu_1","content":"No data."}],
                 "max_tokens":256,"temperature":0.5,"stream":true,"stream_options":{"include_usage":true},
                 "user":"user-1",
                 "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}"""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/top_k", "/thinking", "/messages/0/content/0/cache_control", "/messages/1/content/1/cache_control",
            "/messages/2/thinking_blocks", "/messages/3/is_error", "/messages/3/cache_control", "/tools/0/cache_control"})
    void eachExtensionIsDroppedFromATranslatedRequest(String extension) {
        ObjectNode canonical = parse(bytes(TRANSLATED));
        assertThat(canonical.at(extension).isMissingNode()).isFalse();

        ObjectNode sent = parse(codec.encodeRequest(new ChatRequest(canonical, null), "gpt-4o-mini", WITH_KEY).body());

        assertThat(sent.at(extension).isMissingNode()).isTrue();
        assertThat(canonical.at(extension).isMissingNode()).as("the request itself is left whole for a later attempt").isFalse();
    }

    @Test
    void anOpenAiClientsRequestKeepsFieldsNamedLikeTheExtensions() {
        byte[] client = bytes(compact(TRANSLATED).replace("\"claude-sonnet-4-5\"", "\"gpt-4o-mini\""));

        assertThat(codec.encodeRequest(request(client), "gpt-4o-mini", WITH_KEY).body()).isEqualTo(client);
    }

    @Test
    void anOpenAiClientsRewrittenRequestKeepsFieldsNamedLikeTheExtensions() {
        String client = compact(TRANSLATED);

        byte[] sent = codec.encodeRequest(request(bytes(client)), "gpt-4o-mini", WITH_KEY).body();

        assertThat(new String(sent, StandardCharsets.UTF_8))
                .isEqualTo(client.replace("\"model\":\"claude-sonnet-4-5\"", "\"model\":\"gpt-4o-mini\""));
    }

    @Test
    void encodeBodyIsTheBodyOfTheRequest() {
        ChatRequest translated = new ChatRequest(parse(bytes(TRANSLATED)), null);

        assertThat(OpenAiRequestEncoder.encode(translated, "gpt-4o-mini", true))
                .isEqualTo(codec.encodeRequest(translated, "gpt-4o-mini", WITH_KEY).body());
        assertThat(OpenAiRequestEncoder.encode(simpleRequest(false), "gpt-4o-mini", true)).isEqualTo(simpleRequest(false).clientBytes());
    }

    // ---- decodeResponse

    @Test
    void decodedResponseKeepsTheUpstreamBytesAndReadsUsage() {
        byte[] body = Recorded.bytes("openai", "completion-tool-calls.json");

        ChatResponse response = codec.decodeResponse(body, MODEL);

        assertThat(response.upstreamBytes()).isEqualTo(body);
        assertThat(response.id()).isEqualTo("chatcmpl-abc123");
        assertThat(response.usage()).isEqualTo(new Usage(82, 17, 64, 0, 0));
    }

    @Test
    void decodedResponseReadsReasoningTokens() {
        // the recording has reasoning_tokens 0, which a reader ignoring the field would also give
        String body = Recorded.text("openai", "completion-tool-calls.json").replace("\"reasoning_tokens\":0", "\"reasoning_tokens\":9");

        assertThat(codec.decodeResponse(bytes(body), MODEL).usage().reasoningTokens()).isEqualTo(9);
    }

    @Test
    void answerWithoutAModelIsNamedByTheCalledModel() {
        byte[] body = bytes(Recorded.text("openai", "completion.json").replace("\"model\":\"gpt-4o-mini-2024-07-18\",", ""));

        ChatResponse response = codec.decodeResponse(body, "my-local-model");

        assertThat(response.json().get("model").asText()).isEqualTo("my-local-model");
        assertThat(response.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assertThat(response.usage()).isEqualTo(new Usage(19, 10, 0, 0, 0));
    }

    @Test
    void answerThatNamesItsModelKeepsIt() {
        assertThat(codec.decodeResponse(Recorded.bytes("openai", "completion.json"), "my-local-model").model())
                .isEqualTo("gpt-4o-mini-2024-07-18");
    }

    @Test
    void bodyThatIsNotACompletionIsA502() {
        GatewayException error = catchThrowableOfType(GatewayException.class, () -> codec.decodeResponse(bytes("<html>oops</html>"), MODEL));

        assertThat(error.status()).isEqualTo(502);
    }

    // ---- decodeError

    @Test
    void openAiError400KeepsAllItsFields() {
        GatewayException error = codec.decodeError(400, Recorded.bytes("openai", "error-400.json"), null);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.getMessage()).isEqualTo("Invalid value for 'temperature': must be between 0 and 2.");
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.param()).isEqualTo("temperature");
        assertThat(error.code()).isEqualTo("invalid_value");
    }

    @Test
    void rateLimit429KeepsRetryAfter() {
        GatewayException error = codec.decodeError(429, Recorded.bytes("openai", "error-429.json"), "20");

        assertThat(error.status()).isEqualTo(429);
        assertThat(error.retryAfter()).isEqualTo("20");
        assertThat(error.code()).isEqualTo("rate_limit_exceeded");
        assertThat(error.getMessage()).startsWith("Rate limit reached for gpt-4o-mini");
    }

    @Test
    void upstream500BecomesA502UpstreamErrorWithTheUpstreamMessage() {
        GatewayException error = codec.decodeError(500, Recorded.bytes("openai", "error-500.json"), null);

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.type()).isEqualTo("upstream_error");
        assertThat(error.getMessage()).isEqualTo("The server had an error while processing your request. Sorry about that!");
    }

    @Test
    void nonJsonErrorBodyBecomesAGenericMessageWithoutTheHtml() {
        byte[] html = bytes("<html><head><title>503 Service Unavailable</title></head><body>nginx</body></html>");

        GatewayException error = codec.decodeError(503, html, "5");

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.getMessage()).isEqualTo("The upstream provider answered HTTP 503.");
    }

    @Test
    void flatErrorStringKeepsItsMessage() {
        GatewayException error = codec.decodeError(404, bytes("{\"error\":\"model 'llama9' not found\"}"), null);

        assertThat(error.status()).isEqualTo(404);
        assertThat(error.getMessage()).isEqualTo("model 'llama9' not found");
    }

    @Test
    void vllmErrorShapeKeepsItsMessage() {
        byte[] body = bytes("{\"object\":\"error\",\"message\":\"max_tokens must be at least 1, got -1.\","
                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}");

        GatewayException error = codec.decodeError(400, body, null);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.getMessage()).isEqualTo("max_tokens must be at least 1, got -1.");
        assertThat(error.type()).isEqualTo("BadRequestError");
    }

    // ---- stream decoder

    @Test
    void recordedStreamDecodesIntoSixChunksEndingWithUsage() {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();

        decoder.decode(Recorded.bytes("openai", "stream.sse"), chunks::add);
        decoder.finish(chunks::add);

        assertThat(chunks).hasSize(6);
        assertThat(chunks.get(0).json().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(chunks.subList(1, 4)).extracting(c -> c.json().at("/choices/0/delta/content").asText())
                .containsExactly("Hello", "!", " How can I help?");
        assertThat(chunks.get(4).json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks.subList(0, 5)).noneMatch(ChatChunk::usageOnly);
        assertThat(chunks.get(5).usageOnly()).isTrue();
        assertThat(decoder.endOfStream()).isTrue();
        assertThat(decoder.usage()).isEqualTo(new Usage(19, 8, 0, 0, 0));
    }

    @Test
    void chunksKeepTheExactPayloadBytesOfEachDataLine() {
        List<ChatChunk> chunks = decodeWhole(Recorded.bytes("openai", "stream.sse"));

        List<String> payloads = new ArrayList<>();
        for (String event : Recorded.sseEvents("openai", "stream.sse")) {
            payloads.add(event.substring("data: ".length(), event.length() - 2));
        }
        assertThat(chunks).extracting(c -> c.upstreamBytes() == null ? null : new String(c.upstreamBytes(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(payloads.subList(0, 6));
    }

    @Test
    void streamSplitAtEveryByteDecodesTheSame() {
        byte[] stream = Recorded.bytes("openai", "stream.sse");
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();

        for (byte b : stream) {
            decoder.decode(new byte[] {b}, chunks::add);
        }
        decoder.finish(chunks::add);

        List<ChatChunk> whole = decodeWhole(stream);
        assertThat(chunks).hasSameSizeAs(whole);
        Iterator<ChatChunk> expected = whole.iterator();
        for (ChatChunk chunk : chunks) {
            ChatChunk same = expected.next();
            assertThat(chunk.upstreamBytes()).isEqualTo(same.upstreamBytes());
            assertThat(chunk.json()).isEqualTo(same.json());
            assertThat(chunk.usage()).isEqualTo(same.usage());
        }
        assertThat(decoder.endOfStream()).isTrue();
        assertThat(decoder.usage()).isEqualTo(new Usage(19, 8, 0, 0, 0));
    }

    @Test
    void errorEventInTheStreamThrowsA502WithTheUpstreamMessage() {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        byte[] stream = bytes(Recorded.sseEvents("openai", "stream.sse").get(0)
                + "data: {\"error\":{\"message\":\"The model is overloaded.\",\"type\":\"server_error\"}}\n\n");
        List<ChatChunk> chunks = new ArrayList<>();

        GatewayException error = catchThrowableOfType(GatewayException.class, () -> decoder.decode(stream, chunks::add));

        assertThat(chunks).hasSize(1);
        assertThat(error.status()).isEqualTo(502);
        assertThat(error.getMessage()).isEqualTo("The model is overloaded.");
    }

    @Test
    void nonJsonDataEventThrows() {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);

        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> decoder.decode(bytes("data: <html>\n\n"), chunk -> { }));

        assertThat(error.status()).isEqualTo(502);
    }

    @Test
    void chunksWithoutAModelAreNamedByTheCalledModel() {
        byte[] stream = bytes(Recorded.text("openai", "stream.sse").replace("\"model\":\"gpt-4o-mini-2024-07-18\",", ""));
        StreamDecoder decoder = codec.newStreamDecoder("my-local-model");
        List<ChatChunk> chunks = new ArrayList<>();

        decoder.decode(stream, chunks::add);
        decoder.finish(chunks::add);

        assertThat(chunks).hasSize(6).extracting(c -> c.json().get("model").asText()).containsOnly("my-local-model");
        assertThat(chunks.get(5).usageOnly()).isTrue();
        assertThat(decoder.usage()).isEqualTo(new Usage(19, 8, 0, 0, 0));
    }

    @Test
    void streamWithoutDoneHasNotEnded() {
        String withoutDone = String.join("", Recorded.sseEvents("openai", "stream.sse").subList(0, 6));
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);

        decoder.decode(bytes(withoutDone), chunk -> { });
        decoder.finish(chunk -> { });

        assertThat(decoder.endOfStream()).isFalse();
    }

    // ---- helpers

    private List<ChatChunk> decodeWhole(byte[] stream) {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(stream, chunks::add);
        decoder.finish(chunks::add);
        return chunks;
    }

    private static ChatRequest simpleRequest(boolean stream) {
        return request(bytes("{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
    }

    private static ChatRequest request(byte[] body) {
        return new ChatRequest(parse(body), body);
    }

    /** The JSON as Jackson writes it: no whitespace between tokens. */
    private static String compact(String json) {
        return parse(bytes(json)).toString();
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
}
