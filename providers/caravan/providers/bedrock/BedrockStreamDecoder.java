package caravan.providers.bedrock;

import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.providers.StreamDecoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A ConverseStream answer (event-stream messages named by their {@code :event-type}) as OpenAI chunks:
 * messageStart opens the answer with the role, contentBlockStart of a toolUse opens a tool call (id,
 * name, empty arguments), contentBlockDelta carries text, tool input pieces and reasoning, messageStop
 * the finish reason, and metadata the usage, sent as the usage-only chunk. Exception messages are thrown.
 * The answer is complete at messageStop: every ConverseStream member is optional in the API reference,
 * so the metadata that normally follows is not required to end the stream cleanly.
 */
final class BedrockStreamDecoder implements StreamDecoder, EventStreamDecoder.Listener {

    private final EventStreamDecoder frames = new EventStreamDecoder();
    private final String id = "chatcmpl-" + UUID.randomUUID();
    private final long created;
    /** The model that was called: ConverseStream does not name it. */
    private final String model;
    /** The OpenAI tool call index of each toolUse content block, by Bedrock's contentBlockIndex. */
    private final Map<Integer, Integer> toolCallOfBlock = new HashMap<>(4);
    private Consumer<ChatChunk> out;
    private boolean started;
    private boolean stopped;
    private Usage usage;

    BedrockStreamDecoder(String model, Clock clock) {
        this.model = model;
        this.created = clock.instant().getEpochSecond();
    }

    @Override
    public void decode(byte[] bytes, Consumer<ChatChunk> out) {
        this.out = out;
        frames.feed(bytes, this);
    }

    @Override
    public boolean endOfStream() {
        return stopped;
    }

    @Override
    public Usage usage() {
        return usage;
    }

    @Override
    public void onMessage(EventStreamDecoder.Message message) {
        String messageType = message.header(":message-type");
        if ("exception".equals(messageType)) {
            throw BedrockErrors.fromStreamException(message.header(":exception-type"), message.payload());
        }
        if ("error".equals(messageType)) {
            throw BedrockErrors.fromStreamError(message.header(":error-code"), message.header(":error-message"));
        }
        String eventType = message.header(":event-type");
        if (eventType == null) {
            return;
        }
        JsonNode event = payload(message.payload());
        switch (eventType) {
            case "messageStart" -> start();
            case "contentBlockStart" -> blockStart(event);
            case "contentBlockDelta" -> blockDelta(event);
            case "messageStop" -> {
                ObjectNode chunk = choiceChunk();
                choice(chunk).put("finish_reason", BedrockResponseDecoder.finishReason(event.path("stopReason").asText(null)));
                send(chunk);
                stopped = true;
            }
            case "metadata" -> metadata(event);
            default -> {
                // contentBlockStop needs no chunk; event types added later are not the client's concern
            }
        }
    }

    /** The first chunk of every OpenAI stream: the role, and empty content. */
    private void start() {
        if (started) {
            return;
        }
        started = true;
        ObjectNode chunk = newChunk();
        chunk.putArray("choices").addObject().put("index", 0).<ObjectNode>set("delta", Json.MAPPER.createObjectNode()
                .put("role", "assistant").put("content", "")).putNull("finish_reason");
        send(chunk);
    }

    private void blockStart(JsonNode event) {
        JsonNode toolUse = event.path("start").path("toolUse");
        if (!toolUse.isObject()) {
            return;
        }
        ObjectNode chunk = choiceChunk();
        ObjectNode call = toolCall(chunk, event.path("contentBlockIndex").asInt());
        call.put("id", toolUse.path("toolUseId").asText());
        call.put("type", "function");
        call.putObject("function").put("name", toolUse.path("name").asText()).put("arguments", "");
        send(chunk);
    }

    private void blockDelta(JsonNode event) {
        JsonNode delta = event.path("delta");
        ObjectNode chunk = choiceChunk();
        ObjectNode chunkDelta = (ObjectNode) choice(chunk).get("delta");
        if (delta.has("text")) {
            chunkDelta.put("content", delta.get("text").asText());
        } else if (delta.has("toolUse")) {
            toolCall(chunk, event.path("contentBlockIndex").asInt()).putObject("function")
                    .put("arguments", delta.get("toolUse").path("input").asText());
        } else if (delta.has("reasoningContent")) {
            JsonNode reasoning = delta.get("reasoningContent");
            if (reasoning.has("text")) {
                chunkDelta.put("reasoning_content", reasoning.get("text").asText());
            } else if (reasoning.has("signature")) {
                chunkDelta.putArray("thinking_blocks").addObject().put("type", "thinking")
                        .put("signature", reasoning.get("signature").asText());
            } else if (reasoning.has("redactedContent")) {
                chunkDelta.putArray("thinking_blocks").addObject().put("type", "redacted_thinking")
                        .put("data", reasoning.get("redactedContent").asText());
            } else {
                return;
            }
        } else {
            return;
        }
        send(chunk);
    }

    private void metadata(JsonNode event) {
        Usage reported = BedrockResponseDecoder.usage(event.get("usage"));
        if (reported == null) {
            return;
        }
        usage = reported;
        out.accept(ChatChunk.ofUsage(newChunk(), reported));
    }

    /**
     * The chunk's tool call entry for a content block: OpenAI numbers calls 0, 1, ... in the order they
     * start, and every delta of a call carries its index.
     */
    private ObjectNode toolCall(ObjectNode chunk, int contentBlockIndex) {
        int index = toolCallOfBlock.computeIfAbsent(contentBlockIndex, block -> toolCallOfBlock.size());
        ArrayNode calls = ((ObjectNode) choice(chunk).get("delta")).putArray("tool_calls");
        return calls.addObject().put("index", index);
    }

    /** A chunk with one choice and an empty delta, after the role chunk if the stream did not send one yet. */
    private ObjectNode choiceChunk() {
        start();
        ObjectNode chunk = newChunk();
        chunk.putArray("choices").addObject().put("index", 0).<ObjectNode>set("delta", Json.MAPPER.createObjectNode())
                .putNull("finish_reason");
        return chunk;
    }

    private ObjectNode newChunk() {
        return ChatChunk.skeleton(id, created, model);
    }

    private static ObjectNode choice(ObjectNode chunk) {
        return (ObjectNode) chunk.get("choices").get(0);
    }

    private void send(ObjectNode chunk) {
        out.accept(ChatChunk.of(chunk, null));
    }

    private static JsonNode payload(byte[] payload) {
        try {
            JsonNode json = payload.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(payload);
            if (json == null || !json.isObject()) {
                throw notAnEvent();
            }
            return json;
        } catch (IOException e) {
            throw notAnEvent();
        }
    }

    private static GatewayException notAnEvent() {
        return GatewayException.upstreamUnavailable("The Bedrock stream sent an event whose payload is not JSON.", null);
    }
}
