package caravan.dialect.anthropic;

import java.io.IOException;

import caravan.api.Json;
import caravan.api.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a canonical {@code chat.completion} as an Anthropic {@code message}: signed thinking first, then
 * the text, then one {@code tool_use} block per tool call; the finish reason as a stop reason; the usage
 * in Anthropic's buckets, where {@code input_tokens} excludes what the prompt cache read or wrote.
 */
final class MessageEncoder {

    private MessageEncoder() {
    }

    static ObjectNode encode(ObjectNode completion, Usage usage) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode answer = choice.path("message");
        ObjectNode message = Json.MAPPER.createObjectNode();
        message.put("id", completion.path("id").asText());
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", completion.path("model").asText());
        ArrayNode content = message.putArray("content");
        for (JsonNode thinking : answer.path("thinking_blocks")) {
            ObjectNode block = thinkingBlock(thinking);
            if (block != null) {
                content.add(block);
            }
        }
        String text = text(answer.get("content"));
        if (text.isEmpty() && answer.path("refusal").isTextual()) {
            text = answer.get("refusal").asText();
        }
        if (!text.isEmpty()) {
            content.addObject().put("type", "text").put("text", text);
        }
        for (JsonNode call : answer.path("tool_calls")) {
            ObjectNode toolUse = content.addObject();
            toolUse.put("type", "tool_use");
            toolUse.put("id", call.path("id").asText());
            toolUse.put("name", call.path("function").path("name").asText());
            toolUse.set("input", input(call.path("function").path("arguments").asText("")));
        }
        message.put("stop_reason", stopReason(choice.path("finish_reason").asText(null)));
        message.putNull("stop_sequence");
        writeUsage(message.putObject("usage"), usage);
        return message;
    }

    /** A canonical {@code thinking_blocks} entry as Anthropic's block; null for a kind Anthropic does not know. */
    static ObjectNode thinkingBlock(JsonNode thinking) {
        return switch (thinking.path("type").asText()) {
            case "thinking" -> Json.MAPPER.createObjectNode().put("type", "thinking")
                    .put("thinking", thinking.path("thinking").asText()).put("signature", thinking.path("signature").asText());
            case "redacted_thinking" -> Json.MAPPER.createObjectNode().put("type", "redacted_thinking")
                    .put("data", thinking.path("data").asText());
            default -> null;
        };
    }

    /** An OpenAI {@code finish_reason} as Anthropic's {@code stop_reason}. */
    static String stopReason(String finishReason) {
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    /** Anthropic's usage fields: {@code input_tokens} is what neither read nor filled the prompt cache. */
    static void writeUsage(ObjectNode target, Usage usage) {
        Usage known = usage == null ? Usage.NONE : usage;
        target.put("input_tokens", Math.max(0, known.inputTokens() - known.cacheReadTokens() - known.cacheWriteTokens()));
        target.put("cache_creation_input_tokens", known.cacheWriteTokens());
        target.put("cache_read_input_tokens", known.cacheReadTokens());
        target.put("output_tokens", known.outputTokens());
    }

    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (!content.isArray()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText())) {
                text.append(part.path("text").asText());
            }
        }
        return text.toString();
    }

    /**
     * Tool-call arguments as the object Anthropic's {@code input} must be. A model that wrote arguments
     * that are not a JSON object leaves nothing Anthropic clients could read; they get an empty input.
     */
    private static JsonNode input(String arguments) {
        try {
            if (!arguments.isBlank() && Json.MAPPER.readTree(arguments) instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException notJson) {
            // answered below
        }
        return Json.MAPPER.createObjectNode();
    }
}
