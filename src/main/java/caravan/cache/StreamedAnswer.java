package caravan.cache;

import java.util.List;

import caravan.api.ChatChunk;
import caravan.api.Json;
import caravan.api.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Puts the canonical chunks of a completed stream back together into the {@code chat.completion} they
 * spell, as the provider would have answered the same request whole: id, created, model and fingerprint
 * of the stream, and for the first choice its role, text, reasoning, signed thinking, tool calls (ids,
 * names and arguments joined across deltas) and finish reason, with the stream's usage.
 */
final class StreamedAnswer {

    private StreamedAnswer() {
    }

    static ObjectNode assemble(List<ChatChunk> chunks, Usage usage) {
        ObjectNode completion = Json.MAPPER.createObjectNode();
        completion.put("object", "chat.completion");
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        ArrayNode thinkingBlocks = Json.MAPPER.createArrayNode();
        String role = "assistant";
        String finishReason = null;
        boolean sawContent = false;
        for (ChatChunk chunk : chunks) {
            ObjectNode json = chunk.json();
            copyOnce(json, completion, "id");
            copyOnce(json, completion, "created");
            copyOnce(json, completion, "model");
            copyOnce(json, completion, "system_fingerprint");
            JsonNode choice = json.path("choices").path(0);
            if (choice.isMissingNode()) {
                continue;
            }
            JsonNode delta = choice.path("delta");
            if (delta.hasNonNull("role")) {
                role = delta.get("role").asText();
            }
            if (delta.hasNonNull("content")) {
                content.append(delta.get("content").asText());
                sawContent = true;
            }
            if (delta.hasNonNull("reasoning_content")) {
                reasoning.append(delta.get("reasoning_content").asText());
            }
            for (JsonNode thinking : delta.path("thinking_blocks")) {
                thinkingBlocks.add(thinking);
            }
            for (JsonNode call : delta.path("tool_calls")) {
                toolCall(toolCalls, call);
            }
            if (choice.hasNonNull("finish_reason")) {
                finishReason = choice.get("finish_reason").asText();
            }
        }
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", role);
        if (sawContent || toolCalls.isEmpty()) {
            message.put("content", content.toString());
        } else {
            message.putNull("content");
        }
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!thinkingBlocks.isEmpty()) {
            message.set("thinking_blocks", thinkingBlocks);
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        choice.put("finish_reason", finishReason == null ? "stop" : finishReason);
        if (usage != null) {
            usage.writeOpenAi(completion);
        }
        return completion;
    }

    private static void toolCall(ArrayNode toolCalls, JsonNode call) {
        int index = call.path("index").asInt(0);
        while (toolCalls.size() <= index) {
            toolCalls.addObject().put("id", "").put("type", "function").putObject("function")
                    .put("name", "").put("arguments", "");
        }
        ObjectNode assembled = (ObjectNode) toolCalls.get(index);
        ObjectNode function = (ObjectNode) assembled.get("function");
        if (call.hasNonNull("id")) {
            assembled.put("id", call.get("id").asText());
        }
        JsonNode delta = call.path("function");
        if (delta.hasNonNull("name")) {
            function.put("name", function.get("name").asText() + delta.get("name").asText());
        }
        if (delta.hasNonNull("arguments")) {
            function.put("arguments", function.get("arguments").asText() + delta.get("arguments").asText());
        }
        if (call.has("extra_content")) {
            assembled.set("extra_content", call.get("extra_content"));
        }
    }

    private static void copyOnce(ObjectNode from, ObjectNode to, String field) {
        if (!to.has(field) && from.hasNonNull(field)) {
            to.set(field, from.get(field));
        }
    }
}
