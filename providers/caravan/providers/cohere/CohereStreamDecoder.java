package caravan.providers.cohere;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import caravan.api.ChatChunk;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.providers.sse.SseStreamDecoder;
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
final class CohereStreamDecoder extends SseStreamDecoder {

    /** Cohere's index of each tool call to the OpenAI index it is streamed under. */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>(4);
    private final long created;
    /** The model that was called: Cohere's stream does not name it. */
    private final String model;
    private String id = "";
    private boolean started;

    CohereStreamDecoder(String model, Clock clock) {
        this.created = clock.instant().getEpochSecond();
        this.model = model;
    }

    @Override
    protected void onEvent(String event, byte[] data) {
        if (endOfStream() || isDone(data)) {
            return;
        }
        ObjectNode json = jsonObject(data);
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
        reportUsage(reported);
        emit(ChatChunk.ofUsage(chunk(), reported == null ? Usage.NONE : reported));
        complete();
    }

    private void send(ObjectNode delta, String finishReason) {
        begin();
        emit(ChatChunk.ofDelta(chunk(), 0, delta, finishReason));
    }

    private ObjectNode chunk() {
        return ChatChunk.skeleton(id, created, model);
    }
}
