package caravan.providers.cohere;

import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.providers.StreamDecoder;
import caravan.providers.sse.SseReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Translates a Cohere v2 chat stream (SSE events whose JSON names its {@code type}) into OpenAI chunks as
 * each event arrives: the role first, then text ({@code content-delta}), reasoning ({@code tool-plan-delta}
 * and thinking deltas, as {@code reasoning_content}) and tool calls ({@code tool-call-start} opens a call
 * with its id and name, {@code tool-call-delta} adds argument text), and at {@code message-end} the finish
 * reason and the usage-only chunk. Block boundaries and citations carry nothing OpenAI streams and are
 * skipped. The answer is complete at {@code message-end}; a {@code data: [DONE]} after it is ignored.
 */
final class CohereStreamDecoder implements StreamDecoder, SseReader.Listener {

    private static final byte[] DONE = "[DONE]".getBytes();

    private final SseReader reader = new SseReader();
    /** Cohere's index of each tool call to the OpenAI index it is streamed under. */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>(4);
    private final long created;
    /** The model that was called: Cohere's stream does not name it. */
    private final String model;
    private Consumer<ChatChunk> out;
    private String id = "";
    private boolean started;
    private boolean done;
    private Usage usage;

    CohereStreamDecoder(String model, Clock clock) {
        this.created = clock.instant().getEpochSecond();
        this.model = model;
    }

    @Override
    public void decode(byte[] bytes, Consumer<ChatChunk> out) {
        this.out = out;
        reader.feed(bytes, this);
    }

    @Override
    public void finish(Consumer<ChatChunk> out) {
        this.out = out;
        reader.finish(this);
    }

    @Override
    public void onEvent(String event, byte[] data) {
        if (done || Arrays.equals(data, DONE)) {
            return;
        }
        ObjectNode json = CohereResponseDecoder.parse(data);
        if (json == null) {
            throw GatewayException.upstreamUnavailable("The upstream stream sent an event that is not JSON.", null);
        }
        JsonNode message = json.path("delta").path("message");
        switch (json.path("type").asText(event == null ? "" : event)) {
            case "message-start" -> {
                id = json.path("id").asText(id);
                begin();
            }
            case "content-start", "content-delta" -> {
                JsonNode content = message.path("content");
                sendText("content", content.path("text").asText(""));
                sendText("reasoning_content", content.path("thinking").asText(""));
            }
            case "tool-plan-delta" -> sendText("reasoning_content", message.path("tool_plan").asText(""));
            case "tool-call-start" -> startToolCall(json.path("index").asInt(), message.path("tool_calls"));
            case "tool-call-delta" -> sendArguments(toolIndex(json.path("index").asInt()),
                    CohereResponseDecoder.arguments(message.path("tool_calls").path("function").get("arguments")));
            case "message-end" -> end(json.path("delta"));
            default -> {
                // content-end, tool-call-end, citation-start/-end, debug and later event types
            }
        }
    }

    /** The first chunk of every OpenAI stream: the role, and empty content. */
    private void begin() {
        if (!started) {
            started = true;
            ObjectNode delta = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", "");
            send(delta, null);
        }
    }

    private void sendText(String field, String text) {
        if (!text.isEmpty()) {
            send(Json.MAPPER.createObjectNode().put(field, text), null);
        }
    }

    /** Opens the call as OpenAI does (id, type, name, empty arguments); any argument text it already carries follows. */
    private void startToolCall(int cohereIndex, JsonNode call) {
        int index = toolIndex(cohereIndex);
        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.putArray("tool_calls").addObject().put("index", index).put("id", call.path("id").asText())
                .put("type", "function").putObject("function")
                .put("name", call.path("function").path("name").asText()).put("arguments", "");
        send(delta, null);
        sendArguments(index, CohereResponseDecoder.arguments(call.path("function").get("arguments")));
    }

    private void sendArguments(int index, String arguments) {
        if (!arguments.isEmpty()) {
            ObjectNode delta = Json.MAPPER.createObjectNode();
            delta.putArray("tool_calls").addObject().put("index", index).putObject("function").put("arguments", arguments);
            send(delta, null);
        }
    }

    private int toolIndex(int cohereIndex) {
        return toolIndexes.computeIfAbsent(cohereIndex, unseen -> toolIndexes.size());
    }

    private void end(JsonNode delta) {
        String finishReason = CohereResponseDecoder.finishReason(delta.path("finish_reason").asText(null),
                delta.path("error").asText(null));
        send(Json.MAPPER.createObjectNode(), finishReason);
        Usage reported = CohereResponseDecoder.usage(delta.get("usage"));
        usage = reported;
        ObjectNode chunk = chunk();
        chunk.putArray("choices");
        Usage counted = reported == null ? Usage.NONE : reported;
        counted.writeOpenAi(chunk);
        out.accept(ChatChunk.of(chunk, counted));
        done = true;
    }

    private void send(ObjectNode delta, String finishReason) {
        begin();
        out.accept(ChatChunk.ofDelta(chunk(), 0, delta, finishReason));
    }

    private ObjectNode chunk() {
        return ChatChunk.skeleton(id, created, model);
    }

    @Override
    public boolean endOfStream() {
        return done;
    }

    @Override
    public Usage usage() {
        return usage;
    }
}
