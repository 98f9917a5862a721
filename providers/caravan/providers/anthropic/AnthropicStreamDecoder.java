package caravan.providers.anthropic;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import caravan.api.ChatChunk;
import caravan.api.Json;
import caravan.api.WireFormat;
import caravan.providers.sse.SseStreamDecoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Translates Anthropic's stream events into canonical chunks as they arrive. {@code message_start} gives
 * the id, the model and the input side of the usage and becomes the first chunk (role, empty content);
 * each content block is followed by its index: text deltas become content, {@code tool_use} blocks tool
 * calls (numbered among tool-use blocks only, id and name from {@code content_block_start}, arguments
 * from every {@code input_json_delta}), thinking deltas {@code reasoning_content} and the signature a
 * {@code thinking_blocks} entry; {@code message_delta} carries the stop reason and the output usage;
 * {@code message_stop} ends the answer with the finish chunk and the usage-only chunk. {@code ping} and
 * event types added later are skipped; {@code error} is thrown. For an Anthropic client every event is
 * also kept as it came.
 */
final class AnthropicStreamDecoder extends SseStreamDecoder {

    private final AnthropicUsage counted = new AnthropicUsage();
    /** The content blocks seen so far, by their index in the message. */
    private final Map<Integer, Block> blocks = new HashMap<>();
    private String id = "";
    /** The model that was called, until {@code message_start} names the one that answers. */
    private String model;
    private final long created;
    private int toolCalls;
    private String stopReason;

    /** A content block: what it is and, for tool use, which tool call it is and whether it had arguments. */
    private static final class Block {
        final String type;
        final int toolCall;
        final JsonWhitespaceStripper arguments = new JsonWhitespaceStripper();
        boolean hadArguments;

        Block(String type, int toolCall) {
            this.type = type;
            this.toolCall = toolCall;
        }
    }

    /** @param keepEvents whether each event is kept as it came, for an Anthropic client */
    AnthropicStreamDecoder(String calledModel, Clock clock, boolean keepEvents) {
        super(keepEvents ? WireFormat.ANTHROPIC_MESSAGES : null);
        this.created = clock.instant().getEpochSecond();
        this.model = calledModel;
    }

    @Override
    protected void onEvent(String event, byte[] data) {
        JsonNode json = jsonObject(data);
        // the data's own type is what Anthropic documents; the event name repeats it
        switch (json.path("type").asText(event == null ? "" : event)) {
            case "message_start" -> {
                JsonNode message = json.path("message");
                id = message.path("id").asText("");
                model = AnthropicResponseDecoder.modelOr(message.path("model"), model);
                countUsage(message.get("usage"));
                ObjectNode delta = Json.MAPPER.createObjectNode().put("role", "assistant").put("content", "");
                emit(delta, null);
            }
            case "content_block_start" -> startBlock(json.path("index").asInt(), json.path("content_block"));
            case "content_block_delta" -> blockDelta(blocks.get(json.path("index").asInt()), json.path("delta"));
            case "content_block_stop" -> stopBlock(blocks.get(json.path("index").asInt()));
            case "message_delta" -> {
                String reason = json.path("delta").path("stop_reason").asText(null);
                if (reason != null) {
                    stopReason = reason;
                }
                countUsage(json.get("usage"));
            }
            case "message_stop" -> {
                emit(Json.MAPPER.createObjectNode(), AnthropicResponseDecoder.finishReason(stopReason));
                emit(ChatChunk.ofUsage(chunk(), counted.usage()));
                complete();
            }
            case "error" -> throw AnthropicErrors.fromEvent(json);
            default -> {
                // ping, and event types Anthropic adds later (its versioning policy says to skip them)
            }
        }
    }

    /** Anthropic reports the usage in pieces (the input side at the start, output totals in deltas): the sum so far. */
    private void countUsage(JsonNode reported) {
        if (counted.add(reported).reported()) {
            reportUsage(counted.usage());
        }
    }

    private void startBlock(int index, JsonNode block) {
        String type = block.path("type").asText();
        Block started = new Block(type, "tool_use".equals(type) ? toolCalls++ : -1);
        blocks.put(index, started);
        switch (type) {
            case "tool_use" -> {
                ObjectNode call = Json.MAPPER.createObjectNode();
                call.put("index", started.toolCall);
                call.put("id", block.path("id").asText());
                call.put("type", "function");
                call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                emitToolCall(call);
            }
            case "text" -> emitText("content", block.path("text").asText(""));
            case "thinking" -> emitText("reasoning_content", block.path("thinking").asText(""));
            case "redacted_thinking" -> {
                ObjectNode delta = Json.MAPPER.createObjectNode();
                delta.putArray("thinking_blocks").addObject().put("type", "redacted_thinking")
                        .put("data", block.path("data").asText());
                emit(delta, null);
            }
            default -> {
                // server tool use and its results: nothing the canonical form can carry
            }
        }
    }

    private void blockDelta(Block block, JsonNode delta) {
        switch (delta.path("type").asText()) {
            case "text_delta" -> emitText("content", delta.path("text").asText(""));
            case "thinking_delta" -> emitText("reasoning_content", delta.path("thinking").asText(""));
            case "signature_delta" -> {
                ObjectNode thinking = Json.MAPPER.createObjectNode();
                thinking.putArray("thinking_blocks").addObject().put("type", "thinking")
                        .put("signature", delta.path("signature").asText());
                emit(thinking, null);
            }
            case "input_json_delta" -> {
                if (block == null || block.toolCall < 0) {
                    return;
                }
                String arguments = block.arguments.strip(delta.path("partial_json").asText(""));
                if (!arguments.isEmpty()) {
                    block.hadArguments = true;
                    emitArguments(block.toolCall, arguments);
                }
            }
            default -> {
                // citations and delta types added later
            }
        }
    }

    /** A tool called without input still has arguments: {@code {}}, as its unstreamed answer says. */
    private void stopBlock(Block block) {
        if (block != null && block.toolCall >= 0 && !block.hadArguments) {
            block.hadArguments = true;
            emitArguments(block.toolCall, "{}");
        }
    }

    private void emitArguments(int toolCall, String arguments) {
        ObjectNode call = Json.MAPPER.createObjectNode();
        call.put("index", toolCall);
        call.putObject("function").put("arguments", arguments);
        emitToolCall(call);
    }

    private void emitToolCall(ObjectNode call) {
        ObjectNode delta = Json.MAPPER.createObjectNode();
        delta.putArray("tool_calls").add(call);
        emit(delta, null);
    }

    private void emitText(String field, String text) {
        if (!text.isEmpty()) {
            emit(Json.MAPPER.createObjectNode().put(field, text), null);
        }
    }

    private void emit(ObjectNode delta, String finishReason) {
        emit(ChatChunk.ofDelta(chunk(), 0, delta, finishReason));
    }

    private ObjectNode chunk() {
        return ChatChunk.skeleton(id, created, model);
    }
}
