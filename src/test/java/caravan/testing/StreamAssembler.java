package caravan.testing;

import java.util.List;

import caravan.api.ChatChunk;
import caravan.api.ChatResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Puts canonical stream chunks back together into the message they spell, so a test can check that a
 * codec's translated stream says exactly what its translation of the whole answer says: role, text,
 * reasoning, tool calls (ids, names and arguments joined across deltas), finish reason. Only the first
 * choice is assembled.
 */
public final class StreamAssembler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamAssembler() {
    }

    /** The message a stream spelled: {@code {role, content, reasoning_content?, tool_calls?, finish_reason}}. */
    public static ObjectNode assemble(List<ChatChunk> chunks) {
        ObjectNode message = JSON.createObjectNode();
        StringBuilder content = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode toolCalls = JSON.createArrayNode();
        String finishReason = null;
        boolean sawContent = false;
        for (ChatChunk chunk : chunks) {
            JsonNode choice = chunk.json().path("choices").path(0);
            if (choice.isMissingNode()) {
                continue;
            }
            JsonNode delta = choice.path("delta");
            if (delta.hasNonNull("role")) {
                message.put("role", delta.get("role").asText());
            }
            if (delta.hasNonNull("content")) {
                content.append(delta.get("content").asText());
                sawContent |= !delta.get("content").asText().isEmpty();
            }
            if (delta.hasNonNull("reasoning_content")) {
                reasoning.append(delta.get("reasoning_content").asText());
            }
            for (JsonNode call : delta.path("tool_calls")) {
                int index = call.path("index").asInt();
                while (toolCalls.size() <= index) {
                    toolCalls.addObject().put("id", "").put("type", "function").putObject("function")
                            .put("name", "").put("arguments", "");
                }
                ObjectNode assembled = (ObjectNode) toolCalls.get(index);
                ObjectNode function = (ObjectNode) assembled.get("function");
                if (call.hasNonNull("id")) {
                    assembled.put("id", call.get("id").asText());
                }
                if (call.path("function").hasNonNull("name")) {
                    function.put("name", function.get("name").asText() + call.path("function").get("name").asText());
                }
                if (call.path("function").hasNonNull("arguments")) {
                    function.put("arguments", function.get("arguments").asText()
                            + call.path("function").get("arguments").asText());
                }
                if (call.has("extra_content")) {
                    assembled.set("extra_content", call.get("extra_content"));
                }
            }
            if (choice.hasNonNull("finish_reason")) {
                finishReason = choice.get("finish_reason").asText();
            }
        }
        message.put("content", sawContent ? content.toString() : null);
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        message.put("finish_reason", finishReason);
        return message;
    }

    /** The same shape read from a whole answer, to compare with {@link #assemble}. */
    public static ObjectNode of(ChatResponse response) {
        JsonNode choice = response.json().path("choices").path(0);
        JsonNode source = choice.path("message");
        ObjectNode message = JSON.createObjectNode();
        message.put("role", source.path("role").asText());
        JsonNode content = source.get("content");
        message.put("content", content == null || content.isNull() || content.asText().isEmpty() ? null : content.asText());
        if (source.hasNonNull("reasoning_content") && !source.get("reasoning_content").asText().isEmpty()) {
            message.put("reasoning_content", source.get("reasoning_content").asText());
        }
        if (source.path("tool_calls").isArray() && !source.get("tool_calls").isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (JsonNode call : source.get("tool_calls")) {
                ObjectNode copy = calls.addObject();
                copy.put("id", call.path("id").asText());
                copy.put("type", call.path("type").asText("function"));
                copy.putObject("function").put("name", call.path("function").path("name").asText())
                        .put("arguments", call.path("function").path("arguments").asText());
                if (call.has("extra_content")) {
                    copy.set("extra_content", call.get("extra_content"));
                }
            }
        }
        message.put("finish_reason", choice.path("finish_reason").asText(null));
        return message;
    }
}
