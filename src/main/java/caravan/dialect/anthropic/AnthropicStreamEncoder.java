package caravan.dialect.anthropic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import caravan.api.ChatChunk;
import caravan.api.Dialect;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.api.WireFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes one canonical stream as Anthropic's event sequence: {@code message_start}; for each text,
 * thinking and tool-use block in the order the deltas open them, {@code content_block_start}, its
 * {@code content_block_delta}s and {@code content_block_stop}; then {@code message_delta} with the stop
 * reason and the usage, and {@code message_stop}. Only one block is open at a time: a delta of another
 * kind (or another tool call) closes the open block and starts the next. The input side of the usage is
 * not known when {@code message_start} goes out (an OpenAI upstream reports usage last), so
 * {@code message_delta} carries all of it.
 *
 * <p>An Anthropic provider's stream is not translated at all: its events reach the client as the provider
 * sent them, {@code message_stop} included, so nothing is added at the end.
 */
final class AnthropicStreamEncoder implements Dialect.StreamEncoder {

    private enum Kind { TEXT, THINKING, TOOL_USE }

    private static final byte[] NOTHING = new byte[0];

    private final String requestedModel;
    private boolean started;
    private int nextBlock;
    /** The open block's index, or -1. */
    private int openBlock = -1;
    private Kind openKind;
    /** Block index of each canonical tool call, by the call's index. */
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private String stopReason;
    /** The provider streams Anthropic events: each is passed on as it came, and nothing is written of its own. */
    private boolean passingThrough;

    AnthropicStreamEncoder(String requestedModel) {
        this.requestedModel = requestedModel;
    }

    @Override
    public byte[] encode(ChatChunk chunk) {
        byte[] own = chunk.upstreamEvent(WireFormat.ANTHROPIC_MESSAGES);
        if (own != null) {
            passingThrough = true;
            return own;
        }
        if (passingThrough || !chunk.canonical()) {
            // the rest of an event already passed on (its usage chunk), or another format's bare event
            return null;
        }
        Events events = new Events();
        ObjectNode json = chunk.json();
        if (!started) {
            messageStart(events, json.path("id").asText(""), json.path("model").asText(requestedModel));
        }
        JsonNode choice = json.path("choices").path(0);
        JsonNode delta = choice.path("delta");
        text(events, Kind.THINKING, delta.path("reasoning_content").asText(""));
        for (JsonNode thinking : delta.path("thinking_blocks")) {
            thinkingBlock(events, thinking);
        }
        text(events, Kind.TEXT, delta.path("content").asText(""));
        for (JsonNode call : delta.path("tool_calls")) {
            toolCall(events, call);
        }
        String finishReason = choice.path("finish_reason").asText(null);
        if (finishReason != null) {
            stopReason = MessageEncoder.stopReason(finishReason);
            closeBlock(events);
        }
        return events.bytes();
    }

    @Override
    public byte[] end(Usage usage) {
        if (passingThrough) {
            return NOTHING;
        }
        Events events = new Events();
        if (!started) {
            messageStart(events, "", requestedModel);
        }
        closeBlock(events);
        ObjectNode messageDelta = event("message_delta");
        messageDelta.putObject("delta").put("stop_reason", stopReason == null ? "end_turn" : stopReason)
                .putNull("stop_sequence");
        MessageEncoder.writeUsage(messageDelta.putObject("usage"), usage);
        events.add(messageDelta);
        events.add(event("message_stop"));
        return events.bytes();
    }

    @Override
    public byte[] error(GatewayException error) {
        Events events = new Events();
        events.add(AnthropicDialect.errorBody(error));
        return events.bytes();
    }

    private void messageStart(Events events, String id, String model) {
        started = true;
        ObjectNode start = event("message_start");
        ObjectNode message = start.putObject("message");
        message.put("id", id.isEmpty() ? "msg_caravan" : id);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", model);
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        MessageEncoder.writeUsage(message.putObject("usage"), Usage.NONE);
        events.add(start);
    }

    private void text(Events events, Kind kind, String text) {
        if (text.isEmpty()) {
            return;
        }
        if (openKind != kind) {
            ObjectNode block = Json.MAPPER.createObjectNode();
            if (kind == Kind.TEXT) {
                block.put("type", "text").put("text", "");
            } else {
                block.put("type", "thinking").put("thinking", "").put("signature", "");
            }
            startBlock(events, kind, block);
        }
        ObjectNode delta = Json.MAPPER.createObjectNode();
        if (kind == Kind.TEXT) {
            delta.put("type", "text_delta").put("text", text);
        } else {
            delta.put("type", "thinking_delta").put("thinking", text);
        }
        blockDelta(events, openBlock, delta);
    }

    /** A signature ends the thinking block it signs; a redacted block is whole in one delta. */
    private void thinkingBlock(Events events, JsonNode thinking) {
        String type = thinking.path("type").asText();
        if ("redacted_thinking".equals(type)) {
            startBlock(events, null, MessageEncoder.thinkingBlock(thinking));
            closeBlock(events);
        } else if ("thinking".equals(type) && thinking.hasNonNull("signature")) {
            if (openKind != Kind.THINKING) {
                startBlock(events, Kind.THINKING, Json.MAPPER.createObjectNode().put("type", "thinking")
                        .put("thinking", "").put("signature", ""));
            }
            blockDelta(events, openBlock, Json.MAPPER.createObjectNode().put("type", "signature_delta")
                    .put("signature", thinking.get("signature").asText()));
            closeBlock(events);
        }
    }

    private void toolCall(Events events, JsonNode call) {
        int index = call.path("index").asInt(0);
        Integer block = toolBlocks.get(index);
        if (block == null) {
            ObjectNode toolUse = Json.MAPPER.createObjectNode();
            toolUse.put("type", "tool_use");
            toolUse.put("id", call.path("id").asText(""));
            toolUse.put("name", call.path("function").path("name").asText(""));
            toolUse.putObject("input");
            block = startBlock(events, Kind.TOOL_USE, toolUse);
            toolBlocks.put(index, block);
        }
        String arguments = call.path("function").path("arguments").asText("");
        if (!arguments.isEmpty()) {
            // a late piece of an earlier call still belongs to that call's block
            blockDelta(events, block, Json.MAPPER.createObjectNode().put("type", "input_json_delta")
                    .put("partial_json", arguments));
        }
    }

    private int startBlock(Events events, Kind kind, ObjectNode block) {
        closeBlock(events);
        int index = nextBlock++;
        ObjectNode start = event("content_block_start");
        start.put("index", index);
        start.set("content_block", block);
        events.add(start);
        openBlock = index;
        openKind = kind;
        return index;
    }

    private void blockDelta(Events events, int index, ObjectNode delta) {
        ObjectNode event = event("content_block_delta");
        event.put("index", index);
        event.set("delta", delta);
        events.add(event);
    }

    private void closeBlock(Events events) {
        if (openBlock < 0) {
            return;
        }
        events.add(event("content_block_stop").put("index", openBlock));
        openBlock = -1;
        openKind = null;
    }

    private static ObjectNode event(String type) {
        return Json.MAPPER.createObjectNode().put("type", type);
    }

    /** The SSE events one call produces: {@code event: <type>} and {@code data: <json>}, each ending in a blank line. */
    private static final class Events {

        private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.UTF_8);
        private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.UTF_8);
        private static final byte[] END = "\n\n".getBytes(StandardCharsets.UTF_8);

        private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        void add(ObjectNode event) {
            try {
                out.write(EVENT);
                out.write(event.path("type").asText().getBytes(StandardCharsets.UTF_8));
                out.write(DATA);
                out.write(Json.MAPPER.writeValueAsBytes(event));
                out.write(END);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] bytes() {
            return out.size() == 0 ? null : out.toByteArray();
        }
    }
}
