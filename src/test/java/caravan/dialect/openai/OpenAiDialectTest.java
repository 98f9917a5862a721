package caravan.dialect.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.Dialect.StreamEncoder;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.api.WireFormat;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OpenAiDialectTest {

    private static final String USER_HI = "{\"role\":\"user\",\"content\":\"Hi\"}";

    private final OpenAiDialect dialect = OpenAiDialect.INSTANCE;

    // ---- decodeRequest: accepted

    @Test
    void validRequestIsDecodedKeepingTheClientBytes() {
        byte[] body = bytes("{\"model\":\"gpt-4o-mini\", \"stream\":true, \"stream_options\":{\"include_usage\":true},"
                + " \"messages\":[" + USER_HI + "], \"custom_field\":42}");

        ChatRequest request = dialect.decodeRequest(body);

        assertThat(request.clientBytes()).isEqualTo(body);
        assertThat(request.model()).isEqualTo("gpt-4o-mini");
        assertThat(request.stream()).isTrue();
        assertThat(request.includeUsage()).isTrue();
        assertThat(request.json().get("custom_field").asInt()).isEqualTo(42);
    }

    @Test
    void assistantMessageMayHaveNullContentWithToolCalls() {
        String body = "{\"model\":\"m\",\"messages\":[" + USER_HI + ","
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"}]}";

        assertThatCode(() -> dialect.decodeRequest(bytes(body))).doesNotThrowAnyException();
    }

    @Test
    void optionalParametersMayBeNull() {
        String body = "{\"model\":\"m\",\"messages\":[" + USER_HI + "],\"temperature\":null,\"max_tokens\":null,"
                + "\"stream\":null,\"stop\":null,\"tools\":null,\"user\":null}";

        ChatRequest request = dialect.decodeRequest(bytes(body));

        assertThat(request.stream()).isFalse();
        assertThat(request.user()).isNull();
    }

    // ---- decodeRequest: rejected

    static Stream<Arguments> badRequests() {
        String messages = "\"messages\":[" + USER_HI + "]";
        return Stream.of(
                bad("empty body", "", null, "invalid_json"),
                bad("malformed JSON", "{\"model\":\"m\",", null, "invalid_json"),
                bad("trailing garbage", "{\"model\":\"m\"," + messages + "} trailing", null, "invalid_json"),
                bad("JSON array", "[{\"model\":\"m\"," + messages + "}]", null, "invalid_json"),
                bad("missing model", "{" + messages + "}", "model", "missing_required_parameter"),
                bad("model not a string", "{\"model\":4," + messages + "}", "model", "invalid_type"),
                bad("missing messages", "{\"model\":\"m\"}", "messages", "missing_required_parameter"),
                bad("messages not an array", "{\"model\":\"m\",\"messages\":\"Hi\"}", "messages", "invalid_type"),
                bad("empty messages", "{\"model\":\"m\",\"messages\":[]}", "messages", "empty_array"),
                bad("message not an object", "{\"model\":\"m\",\"messages\":[\"Hi\"]}", "messages[0]", "invalid_type"),
                bad("missing role", "{\"model\":\"m\",\"messages\":[{\"content\":\"Hi\"}]}",
                        "messages[0].role", "missing_required_parameter"),
                bad("unknown role", "{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"Hi\"}]}",
                        "messages[0].role", "invalid_value"),
                bad("user message without content", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}",
                        "messages[0].content", "missing_required_parameter"),
                bad("tool message without tool_call_id",
                        "{\"model\":\"m\",\"messages\":[" + USER_HI + ",{\"role\":\"tool\",\"content\":\"42\"}]}",
                        "messages[1].tool_call_id", "missing_required_parameter"),
                bad("content part without type",
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}",
                        "messages[0].content[0].type", "missing_required_parameter"),
                bad("content part type not a string",
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":5}]}]}",
                        "messages[0].content[0].type", "invalid_type"),
                bad("temperature as a string", "{\"model\":\"m\"," + messages + ",\"temperature\":\"0.5\"}",
                        "temperature", "invalid_type"),
                bad("max_tokens as a decimal", "{\"model\":\"m\"," + messages + ",\"max_tokens\":1.5}",
                        "max_tokens", "invalid_type"),
                bad("stream as a string", "{\"model\":\"m\"," + messages + ",\"stream\":\"yes\"}", "stream", "invalid_type"),
                bad("stop as a number", "{\"model\":\"m\"," + messages + ",\"stop\":7}", "stop", "invalid_type"),
                bad("tools not an array", "{\"model\":\"m\"," + messages + ",\"tools\":{\"type\":\"function\"}}",
                        "tools", "invalid_type"),
                bad("tool function without name",
                        "{\"model\":\"m\"," + messages + ",\"tools\":[{\"type\":\"function\",\"function\":{\"parameters\":{}}}]}",
                        "tools[0].function.name", "missing_required_parameter"));
    }

    private static Arguments bad(String what, String body, String param, String code) {
        return Arguments.of(what, body, param, code);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestIsRejectedWith400NamingTheParameter(String what, String body, String param, String code) {
        GatewayException error = catchThrowableOfType(GatewayException.class, () -> dialect.decodeRequest(bytes(body)));

        assertThat(error).as(what).isNotNull();
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.getMessage()).isNotBlank();
    }

    @Test
    void invalidTypeMessageSaysWhatWasExpectedAndWhatCame() {
        String body = "{\"model\":\"m\",\"messages\":[" + USER_HI + "],\"max_tokens\":1.5}";

        assertThatExceptionOfType(GatewayException.class).isThrownBy(() -> dialect.decodeRequest(bytes(body)))
                .withMessage("Invalid type for 'max_tokens': expected an integer, but got a decimal instead.");
    }

    // ---- encodeError

    @Test
    void errorIsEncodedAsOpenAiErrorObjectWithEscapedMessage() {
        GatewayException error = GatewayException.badRequest("Say \"hi\"\nthen stop.", "messages[0].content", "invalid_value");

        String encoded = new String(dialect.encodeError(error), StandardCharsets.UTF_8);

        assertThat(encoded).isEqualTo("{\"error\":{\"message\":\"Say \\\"hi\\\"\\nthen stop.\",\"type\":\"invalid_request_error\","
                + "\"param\":\"messages[0].content\",\"code\":\"invalid_value\"}}");
    }

    @Test
    void absentParamAndCodeAreEncodedAsNull() {
        GatewayException error = new GatewayException(502, ErrorType.UPSTREAM, null, null, "boom");

        String encoded = new String(dialect.encodeError(error), StandardCharsets.UTF_8);

        assertThat(encoded).isEqualTo("{\"error\":{\"message\":\"boom\",\"type\":\"upstream_error\",\"param\":null,\"code\":null}}");
    }

    // ---- stream encoder

    @Test
    void usageOnlyChunkIsDroppedWhenTheClientDidNotAskForUsage() {
        StreamEncoder encoder = dialect.newStreamEncoder(streamRequest(""));

        assertThat(encoder.encode(usageOnlyChunk())).isNull();
        assertThat(encoder.encode(contentChunk())).isNotNull();
    }

    @Test
    void usageOnlyChunkIsSentWhenTheClientAskedForUsage() {
        StreamEncoder encoder = dialect.newStreamEncoder(streamRequest(",\"stream_options\":{\"include_usage\":true}"));
        ChatChunk usage = usageOnlyChunk();

        byte[] event = encoder.encode(usage);

        assertThat(event).isNotNull();
        assertThat(new String(event, StandardCharsets.UTF_8))
                .isEqualTo("data: " + new String(usage.upstreamBytes(), StandardCharsets.UTF_8) + "\n\n");
    }

    @Test
    void chunkWithoutUpstreamBytesIsSerialisedFromItsJson() {
        StreamEncoder encoder = dialect.newStreamEncoder(streamRequest(""));
        ObjectNode json = parse("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}");

        byte[] event = encoder.encode(ChatChunk.of(json, null));

        assertThat(new String(event, StandardCharsets.UTF_8)).isEqualTo("data: " + json + "\n\n");
    }

    @Test
    void anotherFormatsEventWithNothingCanonicalInItIsNotSent() {
        StreamEncoder encoder = dialect.newStreamEncoder(streamRequest(",\"stream_options\":{\"include_usage\":true}"));

        assertThat(encoder.encode(ChatChunk.upstreamEventOnly(WireFormat.ANTHROPIC_MESSAGES,
                bytes("event: ping\ndata: {\"type\":\"ping\"}\n\n")))).isNull();
    }

    @Test
    void streamEndsWithDone() {
        StreamEncoder encoder = dialect.newStreamEncoder(streamRequest(""));

        assertThat(new String(encoder.end(Usage.NONE), StandardCharsets.UTF_8)).isEqualTo("data: [DONE]\n\n");
    }

    // ---- helpers

    private ChatRequest streamRequest(String extra) {
        return dialect.decodeRequest(bytes("{\"model\":\"m\",\"stream\":true,\"messages\":[" + USER_HI + "]" + extra + "}"));
    }

    private static ChatChunk usageOnlyChunk() {
        String text = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":8,\"total_tokens\":27}}";
        return ChatChunk.ofChunkBytes(bytes(text), false, new Usage(19, 8, 0, 0, 0));
    }

    private static ChatChunk contentChunk() {
        String text = "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}";
        return ChatChunk.ofChunkBytes(bytes(text), true, null);
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
