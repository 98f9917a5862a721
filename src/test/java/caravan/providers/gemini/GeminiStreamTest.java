package caravan.providers.gemini;

import static caravan.providers.gemini.GeminiRecordings.bytes;
import static caravan.providers.gemini.GeminiRecordings.decodeStream;
import static caravan.providers.gemini.GeminiRecordings.events;
import static caravan.providers.gemini.GeminiRecordings.parse;
import static caravan.providers.gemini.GeminiRecordings.request;
import static caravan.providers.gemini.GeminiRecordings.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import caravan.api.ChatChunk;
import caravan.api.GatewayException;
import caravan.api.Usage;
import caravan.providers.StreamDecoder;
import caravan.providers.UpstreamSettings;
import caravan.testing.StreamAssembler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** streamGenerateContent?alt=sse, decoded incrementally into OpenAI chunks. */
class GeminiStreamTest {

    /** An alias: Gemini's {@code modelVersion} names the model that answered it. */
    private static final String MODEL = "gemini-flash-latest";

    private final GeminiCodec codec = new GeminiCodec(new GeminiSettings(), Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

    @Test
    void aTextStreamBecomesRoleContentFinishAndUsageChunks() {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);

        List<ChatChunk> chunks = decodeStream(decoder, bytes("stream-text.sse"));

        assertThat(chunks).extracting(c -> c.json().at("/choices/0/delta").toString()).containsExactly(
                "{\"role\":\"assistant\",\"content\":\"\"}",
                "{\"content\":\"The capital of\"}",
                "{\"content\":\" France is Paris.\"}",
                "{}",
                "");
        assertThat(chunks.get(3).json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks.subList(0, 3)).allSatisfy(c -> assertThat(c.json().at("/choices/0/finish_reason").isNull()).isTrue());
        assertThat(chunks.subList(0, 4)).noneMatch(ChatChunk::usageOnly);
        assertThat(chunks.get(4).usageOnly()).isTrue();
        assertThat(decoder.endOfStream()).isTrue();
        assertThat(decoder.usage()).isEqualTo(new Usage(2061, 43, 1017, 0, 36));
        assertThat(chunks.get(4).usage()).isEqualTo(decoder.usage());
    }

    @Test
    void everyChunkIsAnOpenAiChunkOfTheOneResponse() {
        List<ChatChunk> chunks = decodeStream(codec.newStreamDecoder(MODEL), bytes("stream-text.sse"));

        long created = chunks.get(0).json().get("created").asLong();
        assertThat(chunks).allSatisfy(chunk -> {
            JsonNode json = chunk.json();
            assertThat(json.get("id").asText()).isEqualTo("8MLcaNaNGu-vz7IPxe2H4Qw");
            assertThat(json.get("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(json.get("model").asText()).isEqualTo("gemini-2.5-flash");
            assertThat(json.get("created").asLong()).isEqualTo(created);
        });
        assertThat(chunks.get(4).json().get("choices")).isEmpty();
        assertThat(parse(chunks.get(4).json().get("usage").toString())).isEqualTo(parse("""
                {"prompt_tokens":2061,"completion_tokens":43,"total_tokens":2104,
                 "prompt_tokens_details":{"cached_tokens":1017},"completion_tokens_details":{"reasoning_tokens":36}}"""));
    }

    @ParameterizedTest
    @CsvSource({"stream-text.sse", "stream-text-thoughts.sse", "stream-function-call.sse"})
    void aStreamSplitAtEveryByteDecodesTheSame(String file) {
        byte[] stream = bytes(file);
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();

        for (byte b : stream) {
            decoder.decode(new byte[] {b}, chunks::add);
        }
        decoder.finish(chunks::add);

        assertThat(chunks).extracting(GeminiStreamTest::withoutCreated)
                .containsExactlyElementsOf(decodeStream(codec.newStreamDecoder(MODEL), stream).stream()
                        .map(GeminiStreamTest::withoutCreated).toList());
        assertThat(decoder.endOfStream()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"stream-text.sse, text.json", "stream-text-thoughts.sse, text-thoughts.json",
            "stream-function-call.sse, function-call.json"})
    void aStreamSpellsWhatTheWholeAnswerSays(String stream, String whole) {
        List<ChatChunk> chunks = decodeStream(codec.newStreamDecoder(MODEL), bytes(stream));

        assertThat(StreamAssembler.assemble(chunks))
                .isEqualTo(StreamAssembler.of(codec.decodeResponse(bytes(whole), MODEL)));
    }

    @Test
    void aFunctionCallArrivesWholeInOneToolCallDeltaWithItsSignature() {
        List<ChatChunk> chunks = decodeStream(codec.newStreamDecoder(MODEL), bytes("stream-function-call.sse"));

        List<JsonNode> calls = chunks.stream().map(c -> c.json().at("/choices/0/delta/tool_calls/0"))
                .filter(call -> !call.isMissingNode()).toList();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).get("index").asInt()).isZero();
        assertThat(calls.get(0).get("id").asText()).isEqualTo("call_Ou3caPLGMZ2bz7IP0rWR8Ac_0");
        assertThat(calls.get(0).get("type").asText()).isEqualTo("function");
        assertThat(calls.get(0).at("/function/name").asText()).isEqualTo("get_current_weather");
        assertThat(parse(calls.get(0).at("/function/arguments").asText()))
                .isEqualTo(parse("{\"location\":\"Paris, France\",\"unit\":\"celsius\"}"));
        assertThat(calls.get(0).at("/extra_content/google/thought_signature").asText()).startsWith("CiQBVKhc7oiJ5q1Wm3x");
        assertThat(calls.get(1).get("index").asInt()).isEqualTo(1);
        assertThat(calls.get(1).has("extra_content")).isFalse();
        assertThat(chunks.get(chunks.size() - 2).json().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void thoughtsStreamAsReasoningAndATrailingSignatureAsExtraContent() {
        List<ChatChunk> chunks = decodeStream(codec.newStreamDecoder(MODEL), bytes("stream-text-thoughts.sse"));

        assertThat(chunks.get(1).json().at("/choices/0/delta/reasoning_content").asText()).startsWith("**Solving the riddle**");
        assertThat(chunks.get(2).json().at("/choices/0/delta/content").asText()).isEqualTo("A map.");
        assertThat(chunks.get(3).json().at("/choices/0/delta")).isEqualTo(parse("{\"extra_content\":{\"google\":"
                + "{\"thought_signature\":\"" + parse(bytes("text-thoughts.json"))
                .at("/candidates/0/content/parts/1/thoughtSignature").asText() + "\"}}}"));
        assertThat(chunks.get(4).json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aStreamedToolCallsSignatureGoesBackOnItsFunctionCallPart() {
        ObjectNode assembled = StreamAssembler.assemble(decodeStream(codec.newStreamDecoder(MODEL), bytes("stream-function-call.sse")));
        assembled.remove("finish_reason");
        String next = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}," + assembled + "]}";

        JsonNode body = parse(codec.encodeRequest(request(next), "gemini-2.5-flash",
                new UpstreamSettings("gemini", "https://g.test", "k")).body());

        assertThat(body.at("/contents/1/parts/0/thoughtSignature").asText()).startsWith("CiQBVKhc7oiJ5q1Wm3x");
        assertThat(body.at("/contents/1/parts/1").has("thoughtSignature")).isFalse();
    }

    @Test
    void aStreamThatEndsWithoutAFinishReasonHasNotEndedAndReportsNoUsageChunk() {
        List<String> events = events("stream-text.sse");
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);

        List<ChatChunk> chunks = decodeStream(decoder, String.join("", events.subList(0, 2)).getBytes(StandardCharsets.UTF_8));

        assertThat(decoder.endOfStream()).isFalse();
        assertThat(chunks).noneMatch(ChatChunk::usageOnly);
    }

    @Test
    void aStreamWithoutUsageStillEndsWithAUsageChunk() {
        byte[] stream = ("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}],\"role\": \"model\"},"
                + "\"finishReason\": \"STOP\",\"index\": 0}],\"modelVersion\": \"gemini-2.0-flash\"}\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);

        List<ChatChunk> chunks = decodeStream(decoder, stream);

        assertThat(chunks.get(chunks.size() - 1).usageOnly()).isTrue();
        assertThat(chunks.get(0).json().get("id").asText()).startsWith("chatcmpl-");
        assertThat(decoder.usage()).isNull();
    }

    @Test
    void aBlockedPromptIsA400BeforeAnyChunk() {
        byte[] stream = ("data: " + parse(bytes("prompt-blocked.json")) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        List<ChatChunk> chunks = new ArrayList<>();

        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> codec.newStreamDecoder(MODEL).decode(stream, chunks::add));

        assertThat(chunks).isEmpty();
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.code()).isEqualTo("content_filter");
        assertThat(error.getMessage()).contains("SAFETY");
    }

    @Test
    void anErrorEventInTheStreamIsThrownWithItsOwnStatus() {
        byte[] stream = (events("stream-text.sse").get(0)
                + "data: {\"error\": {\"code\": 503,\"message\": \"The model is overloaded. Please try again later.\","
                + "\"status\": \"UNAVAILABLE\"}}\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        List<ChatChunk> chunks = new ArrayList<>();

        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> codec.newStreamDecoder(MODEL).decode(stream, chunks::add));

        assertThat(chunks).hasSize(2);
        assertThat(error.status()).isEqualTo(503);
        assertThat(error.getMessage()).isEqualTo("The model is overloaded. Please try again later.");
    }

    @Test
    void chunksNameTheModelVersionOrElseTheCalledModel() {
        byte[] stream = bytes("stream-text.sse");
        byte[] unnamed = text("stream-text.sse").replace("\"modelVersion\": \"gemini-2.5-flash\",", "")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(decodeStream(codec.newStreamDecoder(MODEL), stream)).extracting(c -> c.json().get("model").asText())
                .containsOnly("gemini-2.5-flash");
        assertThat(decodeStream(codec.newStreamDecoder(MODEL), unnamed)).extracting(c -> c.json().get("model").asText())
                .containsOnly(MODEL);
    }

    @Test
    void anEventThatIsNotJsonIsA502() {
        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> codec.newStreamDecoder(MODEL).decode("data: <html>\r\n\r\n".getBytes(StandardCharsets.UTF_8), c -> { }));

        assertThat(error.status()).isEqualTo(502);
    }

    @Test
    void eachCandidateStreamsAsItsOwnChoice() {
        byte[] stream = ("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Red\"}],\"role\": \"model\"},\"index\": 0},"
                + "{\"content\": {\"parts\": [{\"text\": \"Blue\"}],\"role\": \"model\"},\"index\": 1}],\"responseId\": \"r2\"}\r\n\r\n"
                + "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0},"
                + "{\"content\": {\"parts\": [{\"text\": \"\"}],\"role\": \"model\"},\"finishReason\": \"MAX_TOKENS\",\"index\": 1}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 5,\"candidatesTokenCount\": 2,\"totalTokenCount\": 7},\"responseId\": \"r2\"}\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);

        List<ChatChunk> chunks = decodeStream(codec.newStreamDecoder(MODEL), stream);

        List<String> second = chunks.stream().map(c -> c.json().at("/choices/0"))
                .filter(choice -> choice.path("index").asInt() == 1).map(JsonNode::toString).toList();
        assertThat(second).containsExactly(
                "{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}",
                "{\"index\":1,\"delta\":{\"content\":\"Blue\"},\"finish_reason\":null}",
                "{\"index\":1,\"delta\":{},\"finish_reason\":\"length\"}");
    }

    private static JsonNode withoutCreated(ChatChunk chunk) {
        ObjectNode json = chunk.json().deepCopy();
        json.remove("created");
        return json;
    }
}
