package caravan.providers.cohere;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import org.junit.jupiter.params.provider.ValueSource;

class CohereCodecTest {

    private static final String MODEL = "command-a-03-2025";
    private static final UpstreamSettings SETTINGS = new UpstreamSettings("cohere", "https://api.cohere.com", "co-key");

    private final CohereCodec codec = new CohereCodec(Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

    // ---- encodeRequest: the HTTP request

    @Test
    void postsToV2ChatWithTheKeyAsBearerToken() {
        UpstreamRequest upstream = codec.encodeRequest(request("{\"model\":\"cohere/command-a-03-2025\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"), "command-a-03-2025", SETTINGS);

        assertThat(upstream.url()).isEqualTo("https://api.cohere.com/v2/chat");
        assertThat(upstream.headers()).containsEntry("Authorization", "Bearer co-key")
                .containsEntry("Content-Type", "application/json")
                .containsEntry("Accept", "application/json");
    }

    @Test
    void streamsAskForAnEventStreamAndSayStream() {
        UpstreamRequest upstream = codec.encodeRequest(request("{\"model\":\"m\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
                "command-a-03-2025", SETTINGS);

        assertThat(upstream.headers()).containsEntry("Accept", "text/event-stream");
        assertThat(parse(upstream.body())).isEqualTo(json("{\"model\":\"command-a-03-2025\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":true}"));
    }

    @Test
    void defaultBaseUrlIsCoheresApi() {
        assertThat(codec.defaultBaseUrl(new UpstreamSettings("cohere", null, "co-key"))).isEqualTo("https://api.cohere.com");
    }

    @Test
    void noAuthorizationWithoutKey() {
        UpstreamRequest upstream = codec.encodeRequest(request("{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]}"), "m", new UpstreamSettings("cohere", "http://cohere.internal", null));

        assertThat(upstream.headers()).doesNotContainKey("Authorization");
    }

    // ---- encodeRequest: the body

    @Test
    void translatesAConversationWithToolsImagesAndSamplingParameters() {
        String openAi = """
                {"model":"cohere/command-a-03-2025",
                 "messages":[
                   {"role":"system","content":"You are a sales analyst."},
                   {"role":"developer","content":[{"type":"text","text":"Answer in English."}]},
                   {"role":"user","content":[{"type":"text","text":"Sales on 2023-09-29, and what is this?"},
                                             {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]},
                   {"role":"assistant","content":null,"reasoning_content":"I will look up the sales report.",
                    "tool_calls":[{"id":"query_daily_sales_report_hgxxmkby3wta","type":"function",
                                   "function":{"name":"query_daily_sales_report","arguments":"{\\"day\\": \\"2023-09-29\\"}"}}]},
                   {"role":"tool","tool_call_id":"query_daily_sales_report_hgxxmkby3wta","content":"{\\"total_sales_amount\\": 10000}"},
                   {"role":"assistant","content":"Sales were 10000."},
                   {"role":"user","content":"Thanks"}],
                 "tools":[{"type":"function","function":{"name":"query_daily_sales_report","description":"Sales for a day",
                           "parameters":{"type":"object","properties":{"day":{"type":"string"}},"required":["day"]},"strict":true}}],
                 "tool_choice":"required",
                 "temperature":0.3,"top_p":0.9,"max_completion_tokens":300,"max_tokens":999,"stop":"END","seed":42,
                 "frequency_penalty":0.1,"presence_penalty":0.2,
                 "response_format":{"type":"json_schema","json_schema":{"name":"r","schema":{"type":"object"}}},
                 "n":1,"user":"u-1","parallel_tool_calls":false,"logit_bias":{"50256":-100}}""";

        JsonNode sent = parse(codec.encodeRequest(request(openAi), "command-a-03-2025", SETTINGS).body());

        assertThat(sent).isEqualTo(json("""
                {"model":"command-a-03-2025",
                 "messages":[
                   {"role":"system","content":"You are a sales analyst."},
                   {"role":"system","content":[{"type":"text","text":"Answer in English."}]},
                   {"role":"user","content":[{"type":"text","text":"Sales on 2023-09-29, and what is this?"},
                                             {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]},
                   {"role":"assistant","tool_plan":"I will look up the sales report.",
                    "tool_calls":[{"id":"query_daily_sales_report_hgxxmkby3wta","type":"function",
                                   "function":{"name":"query_daily_sales_report","arguments":"{\\"day\\": \\"2023-09-29\\"}"}}]},
                   {"role":"tool","tool_call_id":"query_daily_sales_report_hgxxmkby3wta","content":"{\\"total_sales_amount\\": 10000}"},
                   {"role":"assistant","content":"Sales were 10000."},
                   {"role":"user","content":"Thanks"}],
                 "tools":[{"type":"function","function":{"name":"query_daily_sales_report","description":"Sales for a day",
                           "parameters":{"type":"object","properties":{"day":{"type":"string"}},"required":["day"]}}}],
                 "strict_tools":true,
                 "tool_choice":"REQUIRED",
                 "temperature":0.3,"p":0.9,"frequency_penalty":0.1,"presence_penalty":0.2,"seed":42,"max_tokens":300,
                 "stop_sequences":["END"],
                 "response_format":{"type":"json_object","json_schema":{"type":"object"}}}"""));
    }

    @Test
    void maxTokensAndStopListsAreRenamed() {
        JsonNode sent = encode("{\"model\":\"m\",\"max_tokens\":50,\"stop\":[\"a\",\"b\"],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        assertThat(sent.get("max_tokens").asInt()).isEqualTo(50);
        assertThat(sent.get("stop_sequences")).isEqualTo(json("[\"a\",\"b\"]"));
    }

    @Test
    void toolChoiceNoneIsNoneAndAutoIsLeftToCohere() {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]";
        String hi = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

        assertThat(encode("{\"model\":\"m\"," + hi + tools + ",\"tool_choice\":\"none\"}").get("tool_choice").asText())
                .isEqualTo("NONE");
        assertThat(encode("{\"model\":\"m\"," + hi + tools + ",\"tool_choice\":\"auto\"}").has("tool_choice")).isFalse();
        assertThat(encode("{\"model\":\"m\"," + hi + ",\"tool_choice\":\"required\"}").has("tool_choice")).isFalse();
    }

    @Test
    void namedToolChoiceRequiresAToolAndOffersOnlyThatOne() {
        JsonNode sent = encode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\",\"parameters\":{\"type\":\"object\"}}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"b\"}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"b\"}}}");

        assertThat(sent.get("tool_choice").asText()).isEqualTo("REQUIRED");
        assertThat(sent.get("tools")).isEqualTo(json("[{\"type\":\"function\",\"function\":{\"name\":\"b\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]"));
    }

    @Test
    void namedToolChoiceForAnUnknownToolIs400() {
        GatewayException error = encodeFails("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\"}}],"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"zzz\"}}}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("tool_choice");
    }

    @Test
    void contentPartsCohereCannotTakeAre400NamingThePart() {
        GatewayException error = encodeFails("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":["
                + "{\"type\":\"text\",\"text\":\"Listen\"},{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAA\",\"format\":\"wav\"}}]}]}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("messages[0].content[1].type");
    }

    @Test
    void imagesOutsideUserMessagesAre400() {
        GatewayException error = encodeFails("{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":["
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}]}");

        assertThat(error.param()).isEqualTo("messages[0].content[0].type");
    }

    @Test
    void theLegacyFunctionRoleIs400() {
        GatewayException error = encodeFails("{\"model\":\"m\",\"messages\":[{\"role\":\"function\",\"name\":\"f\","
                + "\"content\":\"42\"}]}");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.param()).isEqualTo("messages[0].role");
    }

    @Test
    void toolsOtherThanFunctionsAre400() {
        GatewayException error = encodeFails("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"grammar\"}}]}");

        assertThat(error.param()).isEqualTo("tools[0].type");
    }

    @ParameterizedTest
    @CsvSource({"text,text", "json_object,json_object"})
    void plainResponseFormatsKeepTheirType(String openAi, String cohere) {
        JsonNode sent = encode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"response_format\":{\"type\":\"" + openAi + "\"}}");

        assertThat(sent.get("response_format")).isEqualTo(json("{\"type\":\"" + cohere + "\"}"));
    }

    @ParameterizedTest
    @CsvSource({"none,disabled", "high,enabled"})
    void reasoningEffortTurnsThinkingOnOrOff(String effort, String thinking) {
        JsonNode sent = encode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"reasoning_effort\":\"" + effort + "\"}");

        assertThat(sent.get("thinking")).isEqualTo(json("{\"type\":\"" + thinking + "\"}"));
    }

    @Test
    void reasoningWithoutToolCallsIsNotSentBack() {
        JsonNode sent = encode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello\",\"reasoning_content\":\"greet back\"},"
                + "{\"role\":\"user\",\"content\":\"Bye\"}]}");

        assertThat(sent.at("/messages/1")).isEqualTo(json("{\"role\":\"assistant\",\"content\":\"Hello\"}"));
    }

    // ---- decodeResponse

    @Test
    void textAnswerBecomesAChatCompletion() {
        ChatResponse response = codec.decodeResponse(Recorded.bytes("cohere", "completion.json"), MODEL);

        ObjectNode json = response.json();
        assertThat(json.get("id").asText()).isEqualTo("29f14a5a-11de-4cae-9800-25e4747408ea");
        assertThat(json.get("object").asText()).isEqualTo("chat.completion");
        assertThat(json.get("created").asLong()).isPositive();
        assertThat(json.has("model")).isTrue();
        // Cohere's answer does not name the model: the one that was called does
        assertThat(json.get("model").asText()).isEqualTo(MODEL);
        assertThat(json.at("/choices/0/index").asInt()).isZero();
        assertThat(json.at("/choices/0/message")).isEqualTo(json("{\"role\":\"assistant\",\"content\":\"LLMs stand for Large "
                + "Language Models, which are a type of neural network model specialized in processing and generating human language.\"}"));
        assertThat(json.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(json(json.get("usage").toString())).isEqualTo(json("{\"prompt_tokens\":71,\"completion_tokens\":26,\"total_tokens\":97}"));
        assertThat(response.usage()).isEqualTo(new Usage(71, 26, 0, 0, 0));
        assertThat(response.upstreamBytes()).isNull();
    }

    @Test
    void toolCallAnswerKeepsIdsNamesArgumentsAndThePlan() {
        ChatResponse response = codec.decodeResponse(Recorded.bytes("cohere", "completion-tool-calls.json"), MODEL);

        JsonNode message = response.json().at("/choices/0/message");
        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.get("reasoning_content").asText()).startsWith("I will use the query_daily_sales_report tool");
        assertThat(message.get("tool_calls")).isEqualTo(json("""
                [{"id":"query_daily_sales_report_j3f0adww9pmr","type":"function",
                  "function":{"name":"query_daily_sales_report","arguments":"{\\"day\\": \\"2023-09-29\\"}"}},
                 {"id":"query_product_catalog_c66nf11r6s8g","type":"function",
                  "function":{"name":"query_product_catalog","arguments":"{\\"category\\": \\"Electronics\\"}"}}]"""));
        assertThat(response.json().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(response.usage()).isEqualTo(new Usage(1589, 135, 0, 0, 0));
    }

    @Test
    void thinkingBlocksBecomeReasoningContent() {
        ChatResponse response = codec.decodeResponse(Recorded.bytes("cohere", "completion-thinking.json"), MODEL);

        JsonNode message = response.json().at("/choices/0/message");
        assertThat(message.get("reasoning_content").asText()).isEqualTo("I will first find the sales summary for 29th "
                + "September 2023. Then, I will find the details of the products in the 'Electronics' category.");
        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.get("tool_calls")).hasSize(2);
    }

    @Test
    void citationsAreLeftOutOfTheAnswer() {
        ChatResponse response = codec.decodeResponse(Recorded.bytes("cohere", "completion-citations.json"), MODEL);

        JsonNode message = response.json().at("/choices/0/message");
        assertThat(message.get("content").asText()).isEqualTo("Both Nsync and Backstreet Boys were");
        assertThat(message.has("citations")).isFalse();
        assertThat(response.usage()).isEqualTo(new Usage(1661, 19, 0, 0, 0));
    }

    @ParameterizedTest
    @CsvSource({"COMPLETE,stop", "STOP_SEQUENCE,stop", "MAX_TOKENS,length", "TOOL_CALL,tool_calls", "TIMEOUT,length"})
    void finishReasonsAreOpenAis(String cohere, String openAi) {
        String body = Recorded.text("cohere", "completion.json").replace("\"COMPLETE\"", "\"" + cohere + "\"");

        assertThat(codec.decodeResponse(bytes(body), MODEL).json().at("/choices/0/finish_reason").asText()).isEqualTo(openAi);
    }

    @Test
    void errorFinishIsA502() {
        String body = Recorded.text("cohere", "completion.json").replace("\"COMPLETE\"", "\"ERROR\"");

        GatewayException error = catchThrowableOfType(GatewayException.class, () -> codec.decodeResponse(bytes(body), MODEL));

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.type()).isEqualTo("upstream_error");
    }

    @Test
    void cachedTokensAreCacheReadsAndBilledUnitsStandInForMissingTokenCounts() {
        String cached = "{\"id\":\"a\",\"finish_reason\":\"COMPLETE\",\"message\":{\"role\":\"assistant\",\"content\":[]},"
                + "\"usage\":{\"tokens\":{\"input_tokens\":793,\"output_tokens\":61},\"cached_tokens\":176}}";
        String billedOnly = "{\"id\":\"b\",\"finish_reason\":\"COMPLETE\",\"message\":{\"role\":\"assistant\",\"content\":[]},"
                + "\"usage\":{\"billed_units\":{\"input_tokens\":50.0,\"output_tokens\":26.0}}}";

        assertThat(codec.decodeResponse(bytes(cached), MODEL).usage()).isEqualTo(new Usage(793, 61, 176, 0, 0));
        assertThat(codec.decodeResponse(bytes(cached), MODEL).json().at("/usage/prompt_tokens_details/cached_tokens").asInt())
                .isEqualTo(176);
        assertThat(codec.decodeResponse(bytes(billedOnly), MODEL).usage()).isEqualTo(new Usage(50, 26, 0, 0, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html>oops</html>", "{\"not\":\"an answer\"}", ""})
    void bodyThatIsNotAnAnswerIsA502(String body) {
        GatewayException error = catchThrowableOfType(GatewayException.class, () -> codec.decodeResponse(bytes(body), MODEL));

        assertThat(error.status()).isEqualTo(502);
    }

    // ---- stream decoder

    @Test
    void textStreamBecomesRoleContentFinishAndUsageChunks() {
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);

        List<ChatChunk> chunks = decode(decoder, Recorded.bytes("cohere", "stream.sse"));

        assertThat(chunks).hasSize(1 + 24 + 1 + 1);
        ObjectNode first = chunks.get(0).json();
        assertThat(first.get("id").asText()).isEqualTo("29f14a5a-11de-4cae-9800-25e4747408ea");
        assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.at("/choices/0/delta")).isEqualTo(json("{\"role\":\"assistant\",\"content\":\"\"}"));
        assertThat(first.at("/choices/0/finish_reason").isNull()).isTrue();
        assertThat(chunks.get(1).json().at("/choices/0/delta")).isEqualTo(json("{\"content\":\"LL\"}"));
        ObjectNode finish = chunks.get(25).json();
        assertThat(finish.at("/choices/0/delta")).isEqualTo(json("{}"));
        assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        ChatChunk usage = chunks.get(26);
        assertThat(usage.usageOnly()).isTrue();
        assertThat(usage.json().get("choices")).isEmpty();
        assertThat(json(usage.json().get("usage").toString())).isEqualTo(json("{\"prompt_tokens\":71,\"completion_tokens\":26,\"total_tokens\":97}"));
        assertThat(chunks.subList(0, 26)).noneMatch(chunk -> chunk.usage() != null);
        assertThat(chunks).allMatch(chunk -> chunk.json().get("id").asText().equals("29f14a5a-11de-4cae-9800-25e4747408ea"));
        assertThat(chunks).extracting(chunk -> chunk.json().get("model").asText()).containsOnly(MODEL);
        assertThat(decoder.endOfStream()).isTrue();
        assertThat(decoder.usage()).isEqualTo(new Usage(71, 26, 0, 0, 0));
    }

    @Test
    void toolCallStreamOpensEachCallOnceThenStreamsItsArguments() {
        List<ChatChunk> chunks = decode(codec.newStreamDecoder(MODEL), Recorded.bytes("cohere", "stream-tool-calls.sse"));

        List<JsonNode> calls = new ArrayList<>();
        for (ChatChunk chunk : chunks) {
            chunk.json().at("/choices/0/delta/tool_calls").forEach(calls::add);
        }
        assertThat(calls.get(0)).isEqualTo(json("{\"index\":0,\"id\":\"query_daily_sales_report_j3f0adww9pmr\","
                + "\"type\":\"function\",\"function\":{\"name\":\"query_daily_sales_report\",\"arguments\":\"\"}}"));
        assertThat(calls.get(1)).isEqualTo(json("{\"index\":0,\"function\":{\"arguments\":\"{\\\"\"}}"));
        assertThat(calls).filteredOn(call -> call.has("id")).extracting(call -> call.get("index").asInt())
                .containsExactly(0, 1);
        assertThat(chunks.get(1).json().at("/choices/0/delta/reasoning_content").asText()).isEqualTo("I");
        assertThat(chunks.get(chunks.size() - 2).json().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    }

    @ParameterizedTest
    @CsvSource({"stream.sse,completion.json", "stream-tool-calls.sse,completion-tool-calls.json",
            "stream-citations.sse,completion-citations.json"})
    void streamSpellsTheSameMessageAsTheWholeAnswer(String stream, String answer) {
        List<ChatChunk> chunks = decode(codec.newStreamDecoder(MODEL), Recorded.bytes("cohere", stream));

        assertThat(StreamAssembler.assemble(chunks))
                .isEqualTo(StreamAssembler.of(codec.decodeResponse(Recorded.bytes("cohere", answer), MODEL)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"stream.sse", "stream-tool-calls.sse", "stream-citations.sse"})
    void streamSplitAtEveryByteDecodesTheSame(String recording) {
        byte[] stream = Recorded.bytes("cohere", recording);
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();

        for (byte b : stream) {
            decoder.decode(new byte[] {b}, chunks::add);
        }
        decoder.finish(chunks::add);

        StreamDecoder whole = codec.newStreamDecoder(MODEL);
        assertThat(chunks).extracting(ChatChunk::json)
                .containsExactlyElementsOf(decode(whole, stream).stream().map(ChatChunk::json).toList());
        assertThat(decoder.endOfStream()).isTrue();
        assertThat(decoder.usage()).isEqualTo(whole.usage()).isNotNull();
    }

    @Test
    void thinkingDeltasAreReasoningContent() {
        byte[] stream = bytes(event("message-start", "{\"type\":\"message-start\",\"id\":\"r1\",\"delta\":{\"message\":{\"role\":\"assistant\"}}}")
                + event("content-start", "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"type\":\"thinking\",\"thinking\":\"\"}}}}")
                + event("content-delta", "{\"type\":\"content-delta\",\"index\":0,\"delta\":{\"message\":{\"content\":{\"thinking\":\"Alice's brother\"}}}}")
                + event("content-end", "{\"type\":\"content-end\",\"index\":0}")
                + event("content-start", "{\"type\":\"content-start\",\"index\":1,\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}")
                + event("content-delta", "{\"type\":\"content-delta\",\"index\":1,\"delta\":{\"message\":{\"content\":{\"text\":\"3\"}}}}")
                + event("content-end", "{\"type\":\"content-end\",\"index\":1}")
                + event("message-end", "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\","
                        + "\"usage\":{\"tokens\":{\"input_tokens\":30,\"output_tokens\":12}}}}"));

        ObjectNode message = StreamAssembler.assemble(decode(codec.newStreamDecoder(MODEL), stream));

        assertThat(message).isEqualTo(json("{\"role\":\"assistant\",\"content\":\"3\",\"reasoning_content\":\"Alice's brother\","
                + "\"finish_reason\":\"stop\"}"));
    }

    @Test
    void argumentTextAlreadyInToolCallStartIsNotDropped() {
        byte[] stream = bytes(event("message-start", "{\"type\":\"message-start\",\"id\":\"t1\"}")
                + event("tool-call-start", "{\"type\":\"tool-call-start\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":"
                        + "{\"id\":\"get_weather_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\"}}}}}")
                + event("tool-call-delta", "{\"type\":\"tool-call-delta\",\"index\":0,\"delta\":{\"message\":{\"tool_calls\":"
                        + "{\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}}}}")
                + event("tool-call-end", "{\"type\":\"tool-call-end\",\"index\":0}")
                + event("message-end", "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"TOOL_CALL\"}}"));

        ObjectNode message = StreamAssembler.assemble(decode(codec.newStreamDecoder(MODEL), stream));

        assertThat(message.at("/tool_calls/0/function/arguments").asText()).isEqualTo("{\"city\":\"Paris\"}");
        assertThat(message.at("/tool_calls/0/id").asText()).isEqualTo("get_weather_1");
    }

    @Test
    void doneAfterMessageEndIsIgnored() {
        byte[] recorded = Recorded.bytes("cohere", "stream.sse");
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);

        List<ChatChunk> chunks = decode(decoder, bytes(new String(recorded, StandardCharsets.UTF_8) + "data: [DONE]\n\n"));

        assertThat(chunks).hasSize(27);
        assertThat(decoder.endOfStream()).isTrue();
    }

    @Test
    void streamWithoutMessageEndHasNotEnded() {
        List<String> events = Recorded.sseEvents("cohere", "stream.sse");
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);

        decode(decoder, bytes(String.join("", events.subList(0, events.size() - 1))));

        assertThat(decoder.endOfStream()).isFalse();
        assertThat(decoder.usage()).isNull();
    }

    @Test
    void errorAtMessageEndThrowsA502WithCoheresMessage() {
        List<String> events = Recorded.sseEvents("cohere", "stream.sse");
        byte[] stream = bytes(events.get(0) + events.get(2) + event("message-end", "{\"type\":\"message-end\","
                + "\"delta\":{\"error\":\"internal error while generating\",\"finish_reason\":\"ERROR\"}}"));
        StreamDecoder decoder = codec.newStreamDecoder(MODEL);
        List<ChatChunk> chunks = new ArrayList<>();

        GatewayException error = catchThrowableOfType(GatewayException.class, () -> decoder.decode(stream, chunks::add));

        assertThat(chunks).hasSize(2);
        assertThat(error.status()).isEqualTo(502);
        assertThat(error.getMessage()).isEqualTo("internal error while generating");
        assertThat(decoder.endOfStream()).isFalse();
    }

    @Test
    void eventThatIsNotJsonThrowsA502() {
        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> codec.newStreamDecoder(MODEL).decode(bytes("event: content-delta\ndata: <html>\n\n"), chunk -> { }));

        assertThat(error.status()).isEqualTo(502);
    }

    // ---- decodeError

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "400|error-400.json|400|invalid_request_error|",
            "422|error-400.json|400|invalid_request_error|",
            "401|error-401.json|401|authentication_error|invalid_api_key",
            "403|error-401.json|403|permission_error|",
            "404|error-404.json|404|not_found_error|",
            "413|error-400.json|413|invalid_request_error|request_too_large",
            "498|error-400.json|400|invalid_request_error|content_filter",
            "500|error-500.json|502|upstream_error|upstream_error",
            "504|error-500.json|502|upstream_error|upstream_error"})
    void errorStatusesMapToTheGatewaysWithCoheresMessage(int status, String file, int expected, String type, String code) {
        GatewayException error = codec.decodeError(status, Recorded.bytes("cohere", file), null);

        assertThat(error.status()).isEqualTo(expected);
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.getMessage()).isEqualTo(parse(Recorded.bytes("cohere", file)).get("message").asText());
    }

    @Test
    void rateLimitIs429KeepingRetryAfter() {
        GatewayException error = codec.decodeError(429, Recorded.bytes("cohere", "error-429.json"), "30");

        assertThat(error.status()).isEqualTo(429);
        assertThat(error.type()).isEqualTo("rate_limit_error");
        assertThat(error.retryAfter()).isEqualTo("30");
        assertThat(error.getMessage()).startsWith("You are using a Trial key");
    }

    @Test
    void unavailableIsARetryable503KeepingRetryAfter() {
        GatewayException error = codec.decodeError(503, Recorded.bytes("cohere", "error-503.json"), "5");

        assertThat(error.status()).isEqualTo(503);
        assertThat(error.retryAfter()).isEqualTo("5");
        assertThat(error.getMessage()).startsWith("service unavailable");
    }

    @Test
    void nonJsonErrorBodyIsNotLeaked() {
        GatewayException error = codec.decodeError(502, bytes("<html><body>Bad Gateway</body></html>"), null);

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.getMessage()).isEqualTo("The upstream provider answered HTTP 502.");
    }

    // ---- helpers

    private JsonNode encode(String openAi) {
        return parse(codec.encodeRequest(request(openAi), "m", SETTINGS).body());
    }

    private GatewayException encodeFails(String openAi) {
        return catchThrowableOfType(GatewayException.class, () -> codec.encodeRequest(request(openAi), "m", SETTINGS));
    }

    private static List<ChatChunk> decode(StreamDecoder decoder, byte[] stream) {
        List<ChatChunk> chunks = new ArrayList<>();
        decoder.decode(stream, chunks::add);
        decoder.finish(chunks::add);
        return chunks;
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static ChatRequest request(String body) {
        return new ChatRequest((ObjectNode) json(body), bytes(body));
    }

    private static JsonNode json(String text) {
        return parse(bytes(text));
    }

    private static JsonNode parse(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
