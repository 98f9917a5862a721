package caravan.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.Dialect.StreamEncoder;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.api.WireFormat;
import caravan.providers.StreamDecoder;
import caravan.providers.anthropic.AnthropicCodec;
import caravan.providers.openai.OpenAiCodec;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Anthropic Messages as an inbound dialect: requests to canonical, answers, streams and errors back. */
class AnthropicDialectTest {

    private final AnthropicDialect dialect = AnthropicDialect.INSTANCE;

    // ---- decodeRequest

    @Test
    void aFullConversationBecomesTheCanonicalRequest() {
        ChatRequest request = dialect.decodeRequest(bytes("""
                {"model":"claude-sonnet-4-5","max_tokens":1024,"system":"You are terse.",
                 "temperature":0.2,"top_p":0.9,"top_k":5,"stop_sequences":["END"],"metadata":{"user_id":"u-7"},
                 "tools":[{"name":"get_weather","description":"Weather now",
                           "input_schema":{"type":"object","properties":{"location":{"type":"string"}}}}],
                 "tool_choice":{"type":"any","disable_parallel_tool_use":true},
                 "messages":[
                   {"role":"user","content":[
                     {"type":"text","text":"Weather here?"},
                     {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                     {"type":"image","source":{"type":"url","url":"https://example.com/sky.jpg"}}]},
                   {"role":"assistant","content":[
                     {"type":"thinking","thinking":"Use the tool.","signature":"sig-9"},
                     {"type":"text","text":"Checking."},
                     {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"Oslo"}}]},
                   {"role":"user","content":[
                     {"type":"tool_result","tool_use_id":"toolu_1","content":"4C, snow"},
                     {"type":"text","text":"And tomorrow?"}]}]}"""));

        assertThat(request.clientBytes()).isNull();
        assertThat(request.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(request.stream()).isFalse();
        assertThat(request.json()).isEqualTo(json("""
                {"model":"claude-sonnet-4-5",
                 "messages":[
                   {"role":"system","content":"You are terse."},
                   {"role":"user","content":[
                     {"type":"text","text":"Weather here?"},
                     {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                     {"type":"image_url","image_url":{"url":"https://example.com/sky.jpg"}}]},
                   {"role":"assistant","content":"Checking.",
                    "thinking_blocks":[{"type":"thinking","thinking":"Use the tool.","signature":"sig-9"}],
                    "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Oslo\\"}"}}]},
                   {"role":"tool","tool_call_id":"toolu_1","content":"4C, snow"},
                   {"role":"user","content":"And tomorrow?"}],
                 "max_tokens":1024,"temperature":0.2,"top_p":0.9,"top_k":5,"stop":["END"],"user":"u-7",
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now",
                           "parameters":{"type":"object","properties":{"location":{"type":"string"}}}}}],
                 "tool_choice":"required","parallel_tool_calls":false}"""));
    }

    @Test
    void onlyAStreamAsksForUsage() {
        ChatRequest stream = dialect.decodeRequest(bytes("""
                {"model":"m","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"""));
        ChatRequest whole = dialect.decodeRequest(bytes("""
                {"model":"m","max_tokens":10,"stream":false,"messages":[{"role":"user","content":"Hi"}]}"""));

        assertThat(stream.stream()).isTrue();
        assertThat(stream.includeUsage()).isTrue();
        assertThat(whole.stream()).isFalse();
        assertThat(whole.json().has("stream_options")).isFalse();
    }

    @Test
    void toolChoicesSystemBlocksAndCacheMarksAreTranslated() {
        assertThat(toolChoice("{\"type\":\"auto\"}")).isEqualTo(json("\"auto\""));
        assertThat(toolChoice("{\"type\":\"none\"}")).isEqualTo(json("\"none\""));
        assertThat(toolChoice("{\"type\":\"tool\",\"name\":\"f\"}"))
                .isEqualTo(json("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}"));

        JsonNode canonical = dialect.decodeRequest(bytes("""
                {"model":"m","max_tokens":10,"thinking":{"type":"enabled","budget_tokens":1024},
                 "system":[{"type":"text","text":"Rules.","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":[
                   {"type":"tool_result","tool_use_id":"t1","is_error":true,
                    "content":[{"type":"text","text":"failed"}],"cache_control":{"type":"ephemeral"}}]}]}""")).json();

        assertThat(canonical.get("thinking")).isEqualTo(json("{\"type\":\"enabled\",\"budget_tokens\":1024}"));
        assertThat(canonical.get("messages")).isEqualTo(json("""
                [{"role":"system","content":[{"type":"text","text":"Rules.","cache_control":{"type":"ephemeral"}}]},
                 {"role":"tool","tool_call_id":"t1","content":"failed","is_error":true,"cache_control":{"type":"ephemeral"}}]"""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}|model: Field required",
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}|max_tokens: Field required",
            "{\"model\":\"m\",\"max_tokens\":1}|messages: Field required",
            "{\"model\":\"m\",\"max_tokens\":\"10\",\"messages\":[]}|max_tokens: Input should be a valid integer",
            "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[]}|max_tokens: Input should be greater than or equal to 1",
            "{\"model\":7,\"max_tokens\":1,\"messages\":[]}|model: Input should be a valid string",
            "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}|messages: at least one message is required",
            "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"system\",\"content\":\"Hi\"}]}|messages.0.role: Input should be 'user' or 'assistant'",
            "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\"}]}|messages.0.content: Field required",
            "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}|messages.0.content.0.text: Field required",
            "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\"}]}]}|messages.0.content.0: Input tag 'document' found using 'type' does not match any of the expected tags: 'text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'",
            "{\"model\":\"m\",\"max_tokens\":1,\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}|temperature: Input should be a valid number",
            "{\"model\":\"m\",\"max_tokens\":1,\"temperature\":1e309,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}|temperature: Input should be a valid number",
            "{\"model\":\"m\",\"max_tokens\":1,\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}|stream: Input should be a valid boolean",
            "{\"model\":\"m\",\"max_tokens\":1,\"stop_sequences\":[1],\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}|stop_sequences.0: Input should be a valid string",
            "{\"model\":\"m\",\"max_tokens\":1,\"tools\":[{\"name\":\"f\"}],\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}|tools.0.input_schema: Field required",
            "{\"model\":\"m\",\"max_tokens\":1,\"tool_choice\":{\"type\":\"sometimes\"},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}|tool_choice: Input tag 'sometimes' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'",
            "{\"model\":\"m\",\"max_tokens\":1,\"system\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}|system: Input should be a valid string or a valid list"})
    void badRequestsAre400sWordedAsAnthropicWordsThem(String body, String message) {
        GatewayException error = catchThrowableOfType(GatewayException.class, () -> dialect.decodeRequest(bytes(body)));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.getMessage()).isEqualTo(message);
        assertThat(json(new String(dialect.encodeError(error), StandardCharsets.UTF_8))).isEqualTo(json(
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":" + quote(message) + "}}"));
    }

    @Test
    void serverToolsAreRefusedByName() {
        GatewayException error = catchThrowableOfType(GatewayException.class, () -> dialect.decodeRequest(bytes("""
                {"model":"m","max_tokens":1,"tools":[{"type":"web_search_20250305","name":"web_search"}],
                 "messages":[{"role":"user","content":"Hi"}]}""")));

        assertThat(error.getMessage()).startsWith("tools.0.type: Server tools such as 'web_search_20250305'");
    }

    @Test
    void bodiesThatAreNotJsonObjectsAre400s() {
        assertThat(catchThrowableOfType(GatewayException.class, () -> dialect.decodeRequest(bytes("{\"model\":"))).status())
                .isEqualTo(400);
        assertThat(catchThrowableOfType(GatewayException.class, () -> dialect.decodeRequest(bytes("[1]"))).status())
                .isEqualTo(400);
        assertThat(catchThrowableOfType(GatewayException.class, () -> dialect.decodeRequest(new byte[0])).status())
                .isEqualTo(400);
    }

    // ---- encodeResponse

    @Test
    void aCanonicalAnswerBecomesAnAnthropicMessage() {
        ObjectNode completion = (ObjectNode) json("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini",
                 "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"Let me look.",
                   "thinking_blocks":[{"type":"thinking","thinking":"Plan.","signature":"sig"},{"type":"redacted_thinking","data":"xyz"}],
                   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]}}]}""");

        byte[] encoded = dialect.encodeResponse(ChatResponse.of(completion, new Usage(1000, 50, 600, 300, 0)));

        assertThat(json(new String(encoded, StandardCharsets.UTF_8))).isEqualTo(json("""
                {"id":"chatcmpl-1","type":"message","role":"assistant","model":"gpt-4o-mini",
                 "content":[{"type":"thinking","thinking":"Plan.","signature":"sig"},
                            {"type":"redacted_thinking","data":"xyz"},
                            {"type":"text","text":"Let me look."},
                            {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Oslo"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":100,"cache_creation_input_tokens":300,"cache_read_input_tokens":600,"output_tokens":50}}"""));
    }

    @Test
    void anOpenAiUpstreamsOwnBytesAreTranslatedToo() {
        byte[] body = Recorded.bytes("openai", "completion.json");

        JsonNode message = json(new String(dialect.encodeResponse(new OpenAiCodec().decodeResponse(body, "gpt-4o-mini")), StandardCharsets.UTF_8));

        assertThat(message.get("content")).isEqualTo(json("[{\"type\":\"text\",\"text\":\"Hello! How can I assist you today?\"}]"));
        assertThat(message.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.at("/usage/input_tokens").asLong()).isEqualTo(19);
        assertThat(message.at("/usage/output_tokens").asLong()).isEqualTo(10);
    }

    @ParameterizedTest
    @CsvSource({"stop,end_turn", "length,max_tokens", "tool_calls,tool_use", "content_filter,refusal"})
    void finishReasonsMapToStopReasons(String finishReason, String stopReason) {
        ObjectNode completion = (ObjectNode) json("{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"finish_reason\":\""
                + finishReason + "\",\"message\":{\"role\":\"assistant\",\"content\":\"x\"}}]}");

        assertThat(json(new String(dialect.encodeResponse(ChatResponse.of(completion, null)), StandardCharsets.UTF_8))
                .get("stop_reason").asText()).isEqualTo(stopReason);
    }

    // ---- stream encoder

    @Test
    void aTextStreamBecomesAnthropicsExactEventSequence() {
        StreamEncoder encoder = dialect.newStreamEncoder(request(true));
        StringBuilder out = new StringBuilder();

        for (ChatChunk chunk : openAiChunks("stream.sse")) {
            append(out, encoder.encode(chunk));
        }
        append(out, encoder.end(new Usage(19, 8, 0, 0, 0)));

        assertThat(out).hasToString("""
                event: message_start
                data: {"type":"message_start","message":{"id":"chatcmpl-123","type":"message","role":"assistant","model":"gpt-4o-mini-2024-07-18","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"!"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" How can I help?"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":19,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":8}}

                event: message_stop
                data: {"type":"message_stop"}

                """);
    }

    @Test
    void aToolCallStreamBecomesAToolUseBlockWithEveryArgumentPiece() {
        StreamEncoder encoder = dialect.newStreamEncoder(request(true));
        List<JsonNode> events = new ArrayList<>();

        for (ChatChunk chunk : openAiChunks("stream-tool-calls.sse")) {
            events.addAll(parse(encoder.encode(chunk)));
        }
        events.addAll(parse(encoder.end(new Usage(82, 17, 0, 0, 0))));

        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("message_start", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta",
                "message_stop");
        assertThat(events.get(1).get("content_block")).isEqualTo(json("""
                {"type":"tool_use","id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","name":"get_current_weather","input":{}}"""));
        StringBuilder arguments = new StringBuilder();
        events.subList(2, 5).forEach(e -> arguments.append(e.at("/delta/partial_json").asText()));
        assertThat(arguments).hasToString("{\"location\":\"Boston, MA\"}");
        assertThat(events.get(6).at("/delta/stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void thinkingTextAndToolUseOpenBlocksInOrderAndTheSignatureClosesTheThinking() {
        StreamEncoder encoder = dialect.newStreamEncoder(request(true));
        List<JsonNode> events = new ArrayList<>();

        for (String delta : List.of(
                "{\"role\":\"assistant\",\"content\":\"\"}",
                "{\"reasoning_content\":\"Think.\"}",
                "{\"thinking_blocks\":[{\"type\":\"thinking\",\"signature\":\"sig-1\"}]}",
                "{\"thinking_blocks\":[{\"type\":\"redacted_thinking\",\"data\":\"enc\"}]}",
                "{\"content\":\"Answer.\"}",
                "{\"tool_calls\":[{\"index\":0,\"id\":\"t0\",\"type\":\"function\",\"function\":{\"name\":\"a\",\"arguments\":\"\"}}]}",
                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}",
                "{\"tool_calls\":[{\"index\":1,\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"b\",\"arguments\":\"{\\\"x\\\":1}\"}}]}")) {
            events.addAll(parse(encoder.encode(chunk("{\"id\":\"msg_x\",\"model\":\"claude\",\"choices\":[{\"index\":0,\"delta\":"
                    + delta + ",\"finish_reason\":null}]}"))));
        }
        events.addAll(parse(encoder.encode(chunk("{\"id\":\"msg_x\",\"model\":\"claude\",\"choices\":[{\"index\":0,\"delta\":{},"
                + "\"finish_reason\":\"tool_calls\"}]}"))));
        events.addAll(parse(encoder.end(null)));

        assertThat(events).extracting(AnthropicDialectTest::describe).containsExactly(
                "message_start",
                "content_block_start 0 thinking", "content_block_delta 0 thinking_delta", "content_block_delta 0 signature_delta",
                "content_block_stop 0",
                "content_block_start 1 redacted_thinking", "content_block_stop 1",
                "content_block_start 2 text", "content_block_delta 2 text_delta", "content_block_stop 2",
                "content_block_start 3 tool_use", "content_block_delta 3 input_json_delta", "content_block_stop 3",
                "content_block_start 4 tool_use", "content_block_delta 4 input_json_delta", "content_block_stop 4",
                "message_delta", "message_stop");
        assertThat(events.get(3).at("/delta/signature").asText()).isEqualTo("sig-1");
        assertThat(events.get(10).at("/content_block/id").asText()).isEqualTo("t0");
        assertThat(events.get(14).at("/delta/partial_json").asText()).isEqualTo("{\"x\":1}");
        assertThat(events.get(16).at("/usage/output_tokens").asLong()).isZero();
    }

    @Test
    void theUsageOnlyChunkWritesNothing() {
        StreamEncoder encoder = dialect.newStreamEncoder(request(true));
        List<ChatChunk> chunks = openAiChunks("stream.sse");
        chunks.subList(0, chunks.size() - 1).forEach(encoder::encode);

        assertThat(chunks.get(chunks.size() - 1).usageOnly()).isTrue();
        assertThat(encoder.encode(chunks.get(chunks.size() - 1))).isNull();
    }

    @Test
    void aStreamWithoutChunksStillStartsAndEnds() {
        List<JsonNode> events = parse(dialect.newStreamEncoder(request(true)).end(Usage.NONE));

        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("message_start", "message_delta", "message_stop");
        assertThat(events.get(0).at("/message/model").asText()).isEqualTo("claude-sonnet-4-5");
    }

    @Test
    void anAnthropicStreamSurvivesTheRoundTripThroughTheCanonicalForm() {
        for (String name : List.of("stream-text.sse", "stream-tool-use.sse", "stream-thinking.sse")) {
            StreamDecoder decoder = new AnthropicCodec().newStreamDecoder("claude-sonnet-4-5");
            StreamEncoder encoder = dialect.newStreamEncoder(request(true));
            List<JsonNode> events = new ArrayList<>();

            decoder.decode(Recorded.bytes("anthropic", name), chunk -> events.addAll(parse(encoder.encode(chunk))));
            events.addAll(parse(encoder.end(decoder.usage())));

            List<JsonNode> original = new ArrayList<>();
            for (String event : Recorded.sseEvents("anthropic", name)) {
                JsonNode data = json(event.substring(event.indexOf("data: ") + 6));
                // pings carry nothing, and an empty piece of tool input is not worth an event
                if (!"ping".equals(data.get("type").asText()) && !"".equals(data.at("/delta/partial_json").asText(null))) {
                    original.add(data);
                }
            }
            assertThat(events).as(name).extracting(AnthropicDialectTest::describe)
                    .containsExactlyElementsOf(original.stream().map(AnthropicDialectTest::describe).toList());
            assertThat(text(events)).as(name).isEqualTo(text(original));
            assertThat(events.get(0).at("/message/id")).isEqualTo(original.get(0).at("/message/id"));
        }
    }

    @Test
    void anAnthropicProvidersEventsAreWrittenAsTheyCameAndNothingIsAddedAtTheEnd() {
        StreamEncoder encoder = dialect.newStreamEncoder(request(true));
        byte[] start = bytes("event: message_start\ndata: {\"type\": \"message_start\", \"message\": {}}\n\n");
        byte[] ping = bytes("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        ChatChunk role = chunk("{\"id\":\"msg_1\",\"model\":\"claude\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");

        assertThat(encoder.encode(role.withUpstreamEvent(WireFormat.ANTHROPIC_MESSAGES, start))).isSameAs(start);
        assertThat(encoder.encode(ChatChunk.upstreamEventOnly(WireFormat.ANTHROPIC_MESSAGES, ping))).isSameAs(ping);
        // what else a provider's event was decoded into (the usage chunk after message_stop) went out with that event
        assertThat(encoder.encode(chunk("{\"id\":\"msg_1\",\"model\":\"claude\",\"choices\":[]}"))).isNull();
        assertThat(encoder.end(Usage.NONE)).isEmpty();
    }

    @Test
    void anAnthropicProvidersAnswerIsWrittenAsItCame() {
        byte[] message = Recorded.bytes("anthropic", "message.json");

        assertThat(dialect.encodeResponse(new AnthropicCodec().decodeResponse(message, "claude"))).isSameAs(message);
    }

    @Test
    void aFailedStreamEndsWithAnErrorEvent() {
        StreamEncoder encoder = dialect.newStreamEncoder(request(true));
        GatewayException overloaded = new GatewayException(503, ErrorType.UPSTREAM, "upstream_overloaded", null, "Overloaded");

        assertThat(new String(encoder.error(overloaded), StandardCharsets.UTF_8)).isEqualTo("""
                event: error
                data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}

                """);
    }

    // ---- encodeError

    @ParameterizedTest
    @CsvSource({"400,invalid_request_error", "401,authentication_error", "403,permission_error", "404,not_found_error",
            "405,invalid_request_error", "413,request_too_large", "429,rate_limit_error", "500,api_error", "502,api_error",
            "503,overloaded_error", "504,api_error"})
    void errorsAreAnthropicShapedWithTheTypeOfTheirStatus(int status, String type) {
        GatewayException error = new GatewayException(status, ErrorType.INVALID_REQUEST, "c", "p", "Something \"went\" wrong.");

        assertThat(json(new String(dialect.encodeError(error), StandardCharsets.UTF_8))).isEqualTo(json(
                "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"Something \\\"went\\\" wrong.\"}}"));
    }

    // ---- helpers

    private JsonNode toolChoice(String choice) {
        return dialect.decodeRequest(bytes("{\"model\":\"m\",\"max_tokens\":1,\"tools\":[{\"name\":\"f\",\"input_schema\":"
                + "{\"type\":\"object\"}}],\"tool_choice\":" + choice + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .json().get("tool_choice");
    }

    private ChatRequest request(boolean stream) {
        return dialect.decodeRequest(bytes("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"));
    }

    private static List<ChatChunk> openAiChunks(String file) {
        StreamDecoder decoder = new OpenAiCodec().newStreamDecoder("gpt-4o-mini");
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(Recorded.bytes("openai", file), chunks::add);
        return chunks;
    }

    private static ChatChunk chunk(String json) {
        return ChatChunk.of((ObjectNode) json(json), null);
    }

    /** An event's type, block index and block or delta type, the shape a sequence test compares. */
    private static String describe(JsonNode event) {
        String type = event.get("type").asText();
        return switch (type) {
            case "content_block_start" -> type + " " + event.get("index").asInt() + " " + event.at("/content_block/type").asText();
            case "content_block_delta" -> type + " " + event.get("index").asInt() + " " + event.at("/delta/type").asText();
            case "content_block_stop" -> type + " " + event.get("index").asInt();
            default -> type;
        };
    }

    /** Everything a stream says, joined: text, thinking, signatures, tool ids, names and arguments, the stop reason. */
    private static String text(List<JsonNode> events) {
        StringBuilder text = new StringBuilder();
        for (JsonNode event : events) {
            JsonNode delta = event.path("delta");
            for (String field : List.of("text", "thinking", "signature", "partial_json", "stop_reason")) {
                text.append(delta.path(field).asText(""));
            }
            text.append(event.at("/content_block/id").asText("")).append(event.at("/content_block/name").asText(""));
        }
        return text.toString().replace(" ", "");
    }

    private static List<JsonNode> parse(byte[] events) {
        List<JsonNode> parsed = new ArrayList<>();
        if (events == null) {
            return parsed;
        }
        String text = new String(events, StandardCharsets.UTF_8);
        for (String event : text.split("\n\n")) {
            String[] lines = event.split("\n");
            assertThat(lines).hasSize(2);
            JsonNode data = json(lines[1].substring("data: ".length()));
            assertThat(lines[0]).isEqualTo("event: " + data.get("type").asText());
            parsed.add(data);
        }
        return parsed;
    }

    private static void append(StringBuilder out, byte[] bytes) {
        if (bytes != null) {
            out.append(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static String quote(String text) {
        try {
            return Json.MAPPER.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
