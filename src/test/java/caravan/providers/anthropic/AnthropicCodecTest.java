package caravan.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.api.WireFormat;
import caravan.providers.StreamDecoder;
import caravan.providers.UpstreamRequest;
import caravan.providers.UpstreamSettings;
import caravan.testing.Recorded;
import caravan.testing.StreamAssembler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Anthropic Messages codec against Anthropic's documented payloads (src/test/resources/providers/anthropic). */
class AnthropicCodecTest {

    private static final String MODEL = "claude-sonnet-4-5";
    private static final UpstreamSettings SETTINGS = new UpstreamSettings("anthropic", "https://api.anthropic.com",
            "sk-ant-test");
    private static final Clock NOW = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    private final AnthropicCodec codec = new AnthropicCodec(new AnthropicSettings(), NOW);

    // ---- encodeRequest: the HTTP call

    @Test
    void postsToV1MessagesWithTheKeyAndTheDefaultVersion() {
        UpstreamRequest upstream = codec.encodeRequest(request("""
                {"model":"claude","messages":[{"role":"user","content":"Hi"}]}"""), "claude-sonnet-4-5", SETTINGS);

        assertThat(upstream.url()).isEqualTo("https://api.anthropic.com/v1/messages");
        assertThat(upstream.headers())
                .containsEntry("x-api-key", "sk-ant-test")
                .containsEntry("anthropic-version", "2023-06-01")
                .containsEntry("Content-Type", "application/json")
                .doesNotContainKey("Authorization");
    }

    @Test
    void sendsTheConfiguredApiVersionAndNoKeyWhenThereIsNone() {
        AnthropicCodec versioned = new AnthropicCodec(apiVersion("2024-01-01"), NOW);
        UpstreamSettings settings = new UpstreamSettings("anthropic", "http://127.0.0.1:9/", null);

        UpstreamRequest upstream = versioned.encodeRequest(request("""
                {"model":"claude","messages":[{"role":"user","content":"Hi"}]}"""), "claude", settings);

        assertThat(upstream.url()).isEqualTo("http://127.0.0.1:9/v1/messages");
        assertThat(upstream.headers()).containsEntry("anthropic-version", "2024-01-01").doesNotContainKey("x-api-key");
    }

    @Test
    void defaultBaseUrlIsAnthropicsApiWithoutV1() {
        assertThat(codec.defaultBaseUrl(SETTINGS)).isEqualTo("https://api.anthropic.com");
    }

    // ---- encodeRequest: the body

    @Test
    void systemAndDeveloperMessagesBecomeTheTopLevelSystem() {
        JsonNode body = encode("""
                {"model":"m","messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
                  {"role":"user","content":"Hi"}]}""");

        assertThat(body.get("system")).isEqualTo(json("""
                [{"type":"text","text":"Be brief."},{"type":"text","text":"Answer in French."}]"""));
        assertThat(body.get("messages")).isEqualTo(json("""
                [{"role":"user","content":[{"type":"text","text":"Hi"}]}]"""));
        assertThat(body.get("model").asText()).isEqualTo("claude-test");
    }

    @Test
    void maxTokensDefaultsWhenTheClientGaveNone() {
        assertThat(encode("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}]}""").get("max_tokens").asLong())
                .isEqualTo(4096);
        assertThat(encode("""
                {"model":"m","max_tokens":100,"messages":[{"role":"user","content":"Hi"}]}""").get("max_tokens").asLong())
                .isEqualTo(100);
        assertThat(encode("""
                {"model":"m","max_tokens":100,"max_completion_tokens":300,"messages":[{"role":"user","content":"Hi"}]}""")
                .get("max_tokens").asLong()).isEqualTo(300);
    }

    @Test
    void samplingParametersStopAndUserAreMapped() {
        JsonNode body = encode("""
                {"model":"m","temperature":0.3,"top_p":0.9,"top_k":40,"stop":"END","user":"u-42","stream":true,
                 "stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(body.get("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.get("top_p").asDouble()).isEqualTo(0.9);
        assertThat(body.get("top_k").asInt()).isEqualTo(40);
        assertThat(body.get("stop_sequences")).isEqualTo(json("[\"END\"]"));
        assertThat(body.get("metadata")).isEqualTo(json("{\"user_id\":\"u-42\"}"));
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.has("stream_options")).isFalse();
        assertThat(encode("""
                {"model":"m","stop":["a","b"],"messages":[{"role":"user","content":"Hi"}]}""").get("stop_sequences"))
                .isEqualTo(json("[\"a\",\"b\"]"));
    }

    @Test
    void imagesBecomeBase64OrUrlSources() {
        JsonNode body = encode("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"What is in these?"},
                  {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQSkZJRg=="}},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"high"}}]}]}""");

        assertThat(body.at("/messages/0/content")).isEqualTo(json("""
                [{"type":"text","text":"What is in these?"},
                 {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQSkZJRg=="}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}}]"""));
    }

    @Test
    void toolsAndToolChoiceAreMapped() {
        String tools = """
                "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now",
                  "parameters":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}}},
                  {"type":"function","function":{"name":"now"}}]""";

        JsonNode body = encode("{\"model\":\"m\"," + tools + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(body.get("tools")).isEqualTo(json("""
                [{"name":"get_weather","description":"Weather now",
                  "input_schema":{"type":"object","properties":{"location":{"type":"string"}},"required":["location"]}},
                 {"name":"now","input_schema":{"type":"object","properties":{}}}]"""));
        assertThat(body.has("tool_choice")).isFalse();
        assertThat(toolChoice(tools, "\"auto\"")).isEqualTo(json("{\"type\":\"auto\"}"));
        assertThat(toolChoice(tools, "\"required\"")).isEqualTo(json("{\"type\":\"any\"}"));
        assertThat(toolChoice(tools, "\"none\"")).isEqualTo(json("{\"type\":\"none\"}"));
        assertThat(toolChoice(tools, "{\"type\":\"function\",\"function\":{\"name\":\"now\"}}"))
                .isEqualTo(json("{\"type\":\"tool\",\"name\":\"now\"}"));
        assertThat(encode("{\"model\":\"m\"," + tools + ",\"parallel_tool_calls\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").get("tool_choice"))
                .isEqualTo(json("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"));
    }

    @Test
    void assistantToolCallsAndToolResultsBecomeToolUseAndToolResultTurns() {
        JsonNode body = encode("""
                {"model":"m","messages":[
                  {"role":"user","content":"Weather in Paris and Rome?"},
                  {"role":"assistant","content":null,
                   "thinking_blocks":[{"type":"thinking","thinking":"Two cities.","signature":"sig-1"}],
                   "tool_calls":[
                    {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\": \\"Paris\\"}"}},
                    {"id":"toolu_2","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Rome\\"}"}}]},
                  {"role":"tool","tool_call_id":"toolu_1","content":"18C"},
                  {"role":"tool","tool_call_id":"toolu_2","content":[{"type":"text","text":"21C"}]},
                  {"role":"user","content":"Thanks. Which is warmer?"}]}""");

        assertThat(body.get("messages")).isEqualTo(json("""
                [{"role":"user","content":[{"type":"text","text":"Weather in Paris and Rome?"}]},
                 {"role":"assistant","content":[
                   {"type":"thinking","thinking":"Two cities.","signature":"sig-1"},
                   {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"location":"Paris"}},
                   {"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"location":"Rome"}}]},
                 {"role":"user","content":[
                   {"type":"tool_result","tool_use_id":"toolu_1","content":"18C"},
                   {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"21C"}]},
                   {"type":"text","text":"Thanks. Which is warmer?"}]}]"""));
    }

    @Test
    void consecutiveMessagesOfOneRoleAreJoinedAndEmptyTextIsLeftOut() {
        JsonNode body = encode("""
                {"model":"m","messages":[
                  {"role":"user","content":"First."},
                  {"role":"user","content":"Second."},
                  {"role":"assistant","content":""},
                  {"role":"assistant","content":"Answer."}]}""");

        assertThat(body.get("messages")).isEqualTo(json("""
                [{"role":"user","content":[{"type":"text","text":"First."},{"type":"text","text":"Second."}]},
                 {"role":"assistant","content":[{"type":"text","text":"Answer."}]}]"""));
    }

    @Test
    void anthropicOnlySettingsCarriedByTheGatewayConventionsArePassedOn() {
        JsonNode body = encode("""
                {"model":"m","thinking":{"type":"enabled","budget_tokens":2048},"messages":[
                  {"role":"system","content":[{"type":"text","text":"Long rules.","cache_control":{"type":"ephemeral"}}]},
                  {"role":"user","content":"Run it"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_9","type":"function","function":{"name":"run","arguments":""}}]},
                  {"role":"tool","tool_call_id":"toolu_9","content":"boom","is_error":true,"cache_control":{"type":"ephemeral"}}],
                 "tools":[{"type":"function","function":{"name":"run","parameters":{"type":"object"}},"cache_control":{"type":"ephemeral"}}]}""");

        assertThat(body.get("thinking")).isEqualTo(json("{\"type\":\"enabled\",\"budget_tokens\":2048}"));
        assertThat(body.get("system")).isEqualTo(json("""
                [{"type":"text","text":"Long rules.","cache_control":{"type":"ephemeral"}}]"""));
        assertThat(body.at("/messages/1/content/0/input")).isEqualTo(json("{}"));
        assertThat(body.at("/messages/2/content/0")).isEqualTo(json("""
                {"type":"tool_result","tool_use_id":"toolu_9","content":"boom","is_error":true,"cache_control":{"type":"ephemeral"}}"""));
        assertThat(body.at("/tools/0/cache_control")).isEqualTo(json("{\"type\":\"ephemeral\"}"));
    }

    @Test
    void whatAnthropicCannotTakeIsA400NamingTheField() {
        GatewayException audio = catchThrowableOfType(GatewayException.class, () -> encode("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x","format":"wav"}}]}]}"""));
        GatewayException arguments = catchThrowableOfType(GatewayException.class, () -> encode("""
                {"model":"m","messages":[{"role":"user","content":"Hi"},
                  {"role":"assistant","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"[1,2]"}}]}]}"""));
        GatewayException choices = catchThrowableOfType(GatewayException.class, () -> encode("""
                {"model":"m","n":2,"messages":[{"role":"user","content":"Hi"}]}"""));

        assertThat(audio.status()).isEqualTo(400);
        assertThat(audio.param()).isEqualTo("messages[0].content[0].type");
        assertThat(arguments.status()).isEqualTo(400);
        assertThat(arguments.param()).isEqualTo("messages[1].tool_calls[0].function.arguments");
        assertThat(choices.param()).isEqualTo("n");
    }

    // ---- decodeResponse

    @Test
    void documentedMessageDecodesWithEveryUsageBucket() {
        ChatResponse response = codec.decodeResponse(Recorded.bytes("anthropic", "message.json"), MODEL);

        ObjectNode completion = response.json();
        assertThat(completion.get("id").asText()).isEqualTo("msg_013Zva2CMHLNnXjNJJKqJ2EF");
        assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.get("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(completion.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hi! My name is Claude.");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        // input = input_tokens + cache_creation_input_tokens + cache_read_input_tokens
        assertThat(response.usage()).isEqualTo(new Usage(2095 + 2051 + 2051, 503, 2051, 2051, 0));
        assertThat(completion.get("usage")).hasToString(json("""
                {"prompt_tokens":6197,"completion_tokens":503,"total_tokens":6700,
                 "prompt_tokens_details":{"cached_tokens":2051,"cache_creation_tokens":2051}}""").toString());
    }

    @Test
    void toolUseDecodesIntoToolCallsWithCompactArguments() {
        JsonNode message = codec.decodeResponse(Recorded.bytes("anthropic", "message-tool-use.json"), MODEL).json()
                .at("/choices/0");

        assertThat(message.at("/message/content").asText()).isEqualTo("Okay, let's check the weather for San Francisco, CA:");
        assertThat(message.at("/message/tool_calls")).isEqualTo(json("""
                [{"id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","type":"function","function":{"name":"get_weather",
                  "arguments":"{\\"location\\":\\"San Francisco, CA\\",\\"unit\\":\\"fahrenheit\\"}"}}]"""));
        assertThat(message.get("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void thinkingDecodesIntoReasoningAndSignedThinkingBlocks() {
        JsonNode message = codec.decodeResponse(Recorded.bytes("anthropic", "message-thinking.json"), MODEL).json()
                .at("/choices/0/message");

        assertThat(message.get("content").asText()).isEqualTo("27 * 453 = 12,231");
        assertThat(message.get("reasoning_content").asText()).startsWith("Let me solve this step by step:").endsWith("= 12,231");
        assertThat(message.at("/thinking_blocks/0/type").asText()).isEqualTo("thinking");
        assertThat(message.at("/thinking_blocks/0/signature").asText()).isEqualTo("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...");
        assertThat(message.at("/thinking_blocks/0/thinking").asText()).isEqualTo(message.get("reasoning_content").asText());
    }

    @Test
    void redactedThinkingIsKeptForTheNextTurn() {
        JsonNode message = codec.decodeResponse(bytes("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[
                  {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"},{"type":"text","text":"Done."}],
                 "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":2}}"""), MODEL).json()
                .at("/choices/0/message");

        assertThat(message.get("thinking_blocks")).isEqualTo(json("[{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgBEgy3va3pzix\"}]"));
        assertThat(message.has("reasoning_content")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"end_turn,stop", "stop_sequence,stop", "max_tokens,length", "tool_use,tool_calls", "refusal,content_filter"})
    void stopReasonsMapToFinishReasons(String stopReason, String finishReason) {
        String body = Recorded.text("anthropic", "message-text.json").replace("\"end_turn\"", "\"" + stopReason + "\"");

        assertThat(codec.decodeResponse(bytes(body), MODEL).json().at("/choices/0/finish_reason").asText()).isEqualTo(finishReason);
    }

    @Test
    void aMessageWithoutAModelIsNamedByTheCalledModel() {
        String message = Recorded.text("anthropic", "message-text.json").replace("\"model\":\"claude-sonnet-4-5-20250929\",", "");
        String stream = Recorded.text("anthropic", "stream-text.sse").replace("\"model\": \"claude-sonnet-4-5-20250929\", ", "");

        assertThat(codec.decodeResponse(bytes(message), MODEL).json().get("model").asText()).isEqualTo(MODEL);
        assertThat(decodeWhole(bytes(stream))).extracting(c -> c.json().get("model").asText()).containsOnly(MODEL);
    }

    @Test
    void aBodyThatIsNotAMessageIsA502() {
        GatewayException html = catchThrowableOfType(GatewayException.class, () -> codec.decodeResponse(bytes("<html>oops</html>"), MODEL));
        GatewayException other = catchThrowableOfType(GatewayException.class, () -> codec.decodeResponse(bytes("{\"ok\":true}"), MODEL));

        assertThat(html.status()).isEqualTo(502);
        assertThat(other.status()).isEqualTo(502);
    }

    // ---- stream decoder

    @Test
    void textStreamDecodesIntoRoleContentFinishAndUsageChunks() {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();

        decoder.decode(Recorded.bytes("anthropic", "stream-text.sse"), chunks::add);
        decoder.finish(chunks::add);

        assertThat(chunks).hasSize(5);
        assertThat(chunks.get(0).json().at("/choices/0/delta")).isEqualTo(json("{\"role\":\"assistant\",\"content\":\"\"}"));
        assertThat(chunks.get(0).json().get("id").asText()).isEqualTo("msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY");
        assertThat(chunks.get(0).json().get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(chunks.get(0).json().get("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(chunks.subList(1, 3)).extracting(c -> c.json().at("/choices/0/delta/content").asText())
                .containsExactly("Hello", "!");
        assertThat(chunks.get(3).json().at("/choices/0/delta")).isEmpty();
        assertThat(chunks.get(3).json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(chunks.subList(0, 4)).noneMatch(ChatChunk::usageOnly).allMatch(c -> c.usage() == null);
        assertThat(chunks.get(4).usageOnly()).isTrue();
        assertThat(chunks.get(4).json().get("choices")).isEmpty();
        assertThat(chunks.get(4).json().at("/usage/prompt_tokens").asLong()).isEqualTo(25);
        assertThat(decoder.endOfStream()).isTrue();
        assertThat(decoder.usage()).isEqualTo(new Usage(25, 15, 0, 0, 0));
    }

    @Test
    void toolUseStreamKeepsIdAndNameAndEveryArgumentPiece() {
        List<ChatChunk> chunks = decodeWhole(Recorded.bytes("anthropic", "stream-tool-use.sse"));

        List<JsonNode> calls = new ArrayList<>();
        for (ChatChunk chunk : chunks) {
            chunk.json().at("/choices/0/delta/tool_calls").forEach(calls::add);
        }
        // the text block is block 0: the tool call is still tool call 0
        assertThat(calls.get(0)).isEqualTo(json("""
                {"index":0,"id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","type":"function","function":{"name":"get_weather","arguments":""}}"""));
        assertThat(calls.subList(1, calls.size())).allSatisfy(call -> {
            assertThat(call.get("index").asInt()).isZero();
            assertThat(call.has("id")).isFalse();
        });
        StringBuilder arguments = new StringBuilder();
        calls.forEach(call -> arguments.append(call.at("/function/arguments").asText()));
        assertThat(arguments).hasToString("{\"location\":\"San Francisco, CA\",\"unit\":\"fahrenheit\"}");
        assertThat(chunks.get(chunks.size() - 2).json().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void everyRecordedStreamSpellsWhatItsWholeAnswerSays() {
        for (String name : List.of("text", "tool-use", "thinking")) {
            ObjectNode streamed = StreamAssembler.assemble(decodeWhole(Recorded.bytes("anthropic", "stream-" + name + ".sse")));
            ObjectNode whole = StreamAssembler.of(codec.decodeResponse(Recorded.bytes("anthropic", "message-" + name + ".json"), MODEL));

            assertThat(streamed).as(name).isEqualTo(whole);
        }
    }

    @Test
    void streamsSplitAtEveryByteDecodeTheSame() {
        for (String name : List.of("stream-text.sse", "stream-tool-use.sse", "stream-thinking.sse")) {
            byte[] stream = Recorded.bytes("anthropic", name);
            StreamDecoder decoder = codec.newStreamDecoder(MODEL);
            List<ChatChunk> chunks = new ArrayList<>();

            for (byte b : stream) {
                decoder.decode(new byte[] {b}, chunks::add);
            }
            decoder.finish(chunks::add);

            List<ChatChunk> whole = decodeWhole(stream);
            assertThat(chunks).as(name).hasSameSizeAs(whole);
            for (int i = 0; i < chunks.size(); i++) {
                assertThat(withoutCreated(chunks.get(i))).as(name + " chunk " + i).isEqualTo(withoutCreated(whole.get(i)));
                assertThat(chunks.get(i).usage()).isEqualTo(whole.get(i).usage());
            }
            assertThat(decoder.endOfStream()).isTrue();
        }
    }

    @Test
    void thinkingStreamsReasoningAndTheSignatureAsAThinkingBlock() {
        List<ChatChunk> chunks = decodeWhole(Recorded.bytes("anthropic", "stream-thinking.sse"));

        assertThat(chunks.get(1).json().at("/choices/0/delta/reasoning_content").asText())
                .isEqualTo("Let me solve this step by step:\n\n1. First break down 27 * 453");
        assertThat(chunks).anySatisfy(chunk -> assertThat(chunk.json().at("/choices/0/delta/thinking_blocks")).isEqualTo(json("""
                [{"type":"thinking","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."}]""")));
    }

    @Test
    void toolCallsAreNumberedAmongToolUseBlocksAndACallWithoutInputHasEmptyObjectArguments() {
        String stream = sse("message_start", """
                {"type":"message_start","message":{"id":"msg_2","type":"message","role":"assistant","model":"claude","content":[],
                 "stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}""")
                + sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}")
                + sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Hmm.\"}}")
                + sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_a\",\"name\":\"now\",\"input\":{}}}")
                + sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
                + sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_b\",\"name\":\"echo\",\"input\":{}}}")
                + sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"say\\\": \\\"a b\\\"\"}}")
                + sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"}\"}}")
                + sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}")
                + sse("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":30}}")
                + sse("message_stop", "{\"type\":\"message_stop\"}");

        ObjectNode assembled = StreamAssembler.assemble(decodeWhole(bytes(stream)));

        assertThat(assembled.get("tool_calls")).isEqualTo(json("""
                [{"id":"toolu_a","type":"function","function":{"name":"now","arguments":"{}"}},
                 {"id":"toolu_b","type":"function","function":{"name":"echo","arguments":"{\\"say\\":\\"a b\\"}"}}]"""));
        assertThat(assembled.get("reasoning_content").asText()).isEqualTo("Hmm.");
    }

    @Test
    void streamUsageTakesTheInputSideFromMessageStartAndTotalsFromMessageDelta() {
        String stream = sse("message_start", """
                {"type":"message_start","message":{"id":"msg_3","type":"message","role":"assistant","model":"claude","content":[],
                 "stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":100,
                 "cache_read_input_tokens":2000,"output_tokens":1}}}""")
                + sse("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + sse("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}")
                + sse("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + sse("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},"
                        + "\"usage\":{\"output_tokens\":7,\"output_tokens_details\":{\"thinking_tokens\":3}}}")
                + sse("message_stop", "{\"type\":\"message_stop\"}");
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();

        decoder.decode(bytes(stream.substring(0, stream.indexOf("event: content_block_start"))), chunks::add);
        Usage afterStart = decoder.usage();
        decoder.decode(bytes(stream.substring(stream.indexOf("event: content_block_start"))), chunks::add);

        assertThat(afterStart).isEqualTo(new Usage(2112, 1, 2000, 100, 0));
        assertThat(decoder.usage()).isEqualTo(new Usage(2112, 7, 2000, 100, 3));
        assertThat(chunks.get(chunks.size() - 1).usage()).isEqualTo(new Usage(2112, 7, 2000, 100, 3));
        assertThat(chunks.get(chunks.size() - 2).json().at("/choices/0/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void errorEventThrowsAfterTheChunksBeforeIt() {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();

        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> decoder.decode(Recorded.bytes("anthropic", "stream-overloaded.sse"), chunks::add));

        assertThat(chunks).hasSize(1);
        assertThat(error.status()).isEqualTo(503);
        assertThat(error.getMessage()).isEqualTo("Overloaded");
        assertThat(decoder.endOfStream()).isFalse();
    }

    @Test
    void errorEventTypesMapAsTheirStatusesWould() {
        assertThat(streamError("rate_limit_error").status()).isEqualTo(429);
        assertThat(streamError("invalid_request_error").status()).isEqualTo(400);
        assertThat(streamError("api_error").status()).isEqualTo(502);
        assertThat(streamError("api_error").type()).isEqualTo("upstream_error");
    }

    @Test
    void streamWithoutMessageStopHasNotEnded() {
        String text = Recorded.text("anthropic", "stream-text.sse");
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);

        decoder.decode(bytes(text.substring(0, text.indexOf("event: message_stop"))), chunk -> { });
        decoder.finish(chunk -> { });

        assertThat(decoder.endOfStream()).isFalse();
    }

    @Test
    void unknownEventsAreSkippedAndNonJsonDataIsA502() {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(bytes(sse("future_event", "{\"type\":\"future_event\",\"x\":1}")), chunks::add);

        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> decoder.decode(bytes("event: content_block_delta\ndata: <html>\n\n"), chunks::add));

        assertThat(chunks).isEmpty();
        assertThat(error.status()).isEqualTo(502);
    }

    // ---- decodeError

    @ParameterizedTest
    @CsvSource({
            "400, 400, invalid_request_error, messages: text content blocks must be non-empty",
            "401, 401, authentication_error, invalid x-api-key",
            "403, 403, permission_error, Your API key does not have permission to use the specified resource.",
            "404, 404, not_found_error, The requested resource could not be found.",
            "413, 413, request_too_large, Request exceeds the maximum allowed number of bytes.",
            "429, 429, rate_limit_error, Number of request tokens has exceeded your per-minute rate limit",
            "500, 502, upstream_error, Internal server error",
            "529, 503, upstream_error, Overloaded"})
    void recordedErrorsMapToTheGatewaysStatuses(int upstream, int status, String type, String message) {
        GatewayException error = codec.decodeError(upstream, Recorded.bytes("anthropic", "error-" + upstream + ".json"), "7");

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.getMessage()).isEqualTo(message);
        assertThat(error.retryAfter()).isEqualTo("7");
    }

    @Test
    void anHtmlErrorPageBecomesAGenericMessage() {
        GatewayException error = codec.decodeError(502, bytes("<html><body>Bad gateway</body></html>"), null);

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.getMessage()).isEqualTo("The upstream provider answered HTTP 502.");
    }

    // ---- helpers

    private GatewayException streamError(String type) {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        return catchThrowableOfType(GatewayException.class, () -> decoder.decode(bytes(sse("error",
                "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"m\"}}")), chunk -> { }));
    }

    // ---- an Anthropic client: passed through

    @Test
    void anAnthropicClientsRequestIsSentAsItCameUnlessTheModelNameDiffers() {
        byte[] client = bytes("{\"model\": \"claude-sonnet-4-5\", \"max_tokens\": 10, \"messages\": [{\"role\":\"user\",\"content\":\"Hi\"}]}");
        ChatRequest request = anthropicClient(client);

        assertThat(codec.encodeRequest(request, MODEL, SETTINGS).body()).isSameAs(client);
        assertThat(new String(codec.encodeRequest(request, "claude-opus-4-1", SETTINGS).body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"model\":\"claude-opus-4-1\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
    }

    @Test
    void anAnthropicClientsStreamKeepsEveryEventWithTheSameCanonicalChunks() {
        for (String name : List.of("stream-text.sse", "stream-tool-use.sse", "stream-thinking.sse")) {
            byte[] recorded = Recorded.bytes("anthropic", name);
            StreamDecoder decoder = codec.newStreamDecoder(anthropicClient(bytes("{}")), MODEL);
            List<ChatChunk> chunks = new ArrayList<>();
            decoder.decode(recorded, chunks::add);

            ByteArrayOutputStream events = new ByteArrayOutputStream();
            chunks.forEach(chunk -> events.writeBytes(chunk.upstreamEvent(WireFormat.ANTHROPIC_MESSAGES) == null ? new byte[0]
                    : chunk.upstreamEvent(WireFormat.ANTHROPIC_MESSAGES)));
            assertThat(events.toString(StandardCharsets.UTF_8)).as(name).isEqualTo(String.join("", Recorded.sseEvents("anthropic", name)));
            assertThat(chunks.stream().filter(ChatChunk::canonical).map(AnthropicCodecTest::withoutCreated).toList()).as(name)
                    .isEqualTo(decodeWhole(recorded).stream().map(AnthropicCodecTest::withoutCreated).toList());
        }
    }

    @Test
    void anOpenAiClientsStreamCarriesNoAnthropicEvents() {
        StreamDecoder decoder = codec.newStreamDecoder(request("{\"model\":\"m\",\"messages\":[]}"), MODEL);
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(Recorded.bytes("anthropic", "stream-text.sse"), chunks::add);

        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.canonical()).isTrue();
            assertThat(chunk.upstreamEvent(WireFormat.ANTHROPIC_MESSAGES)).isNull();
        });
    }

    @Test
    void aWholeAnswerKeepsTheMessagesBytesAndReadsItsUsageWithoutTranslatingIt() {
        byte[] body = Recorded.bytes("anthropic", "message.json");

        ChatResponse response = codec.decodeResponse(body, MODEL);

        assertThat(response.upstreamBytes(WireFormat.ANTHROPIC_MESSAGES)).isSameAs(body);
        assertThat(response.upstreamBytes()).isNull();
        assertThat(response.modelIfParsed()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(response.usage()).isEqualTo(new Usage(2095 + 2051 + 2051, 503, 2051, 2051, 0));
    }

    private static ChatRequest anthropicClient(byte[] body) {
        return ChatRequest.translatedFrom(WireFormat.ANTHROPIC_MESSAGES,
                (ObjectNode) json("{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                (ObjectNode) json(new String(body, StandardCharsets.UTF_8)), body);
    }

    private JsonNode toolChoice(String tools, String choice) {
        return encode("{\"model\":\"m\"," + tools + ",\"tool_choice\":" + choice
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").get("tool_choice");
    }

    private JsonNode encode(String canonical) {
        return json(new String(codec.encodeRequest(request(canonical), "claude-test", SETTINGS).body(), StandardCharsets.UTF_8));
    }

    private List<ChatChunk> decodeWhole(byte[] stream) {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(stream, chunks::add);
        decoder.finish(chunks::add);
        return chunks;
    }

    private static JsonNode withoutCreated(ChatChunk chunk) {
        ObjectNode copy = chunk.json().deepCopy();
        copy.remove("created");
        return copy;
    }

    private static String sse(String event, String data) {
        return "event: " + event + "\ndata: " + data.replace("\n", "") + "\n\n";
    }

    private static ChatRequest request(String json) {
        return new ChatRequest((ObjectNode) json(json), null);
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

    private static AnthropicSettings apiVersion(String apiVersion) {
        AnthropicSettings settings = new AnthropicSettings();
        settings.setApiVersion(apiVersion);
        return settings;
    }
}
