package caravan.dialect.anthropic;

import caravan.api.CanonicalExtensions;
import caravan.api.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Translates a validated Anthropic Messages request into the canonical Chat Completions request. The
 * top-level {@code system} becomes the first message; a user turn's {@code tool_result} blocks become
 * {@code tool} messages (before the rest of the turn, as Anthropic orders them); an assistant turn's text
 * becomes its content, {@code tool_use} blocks its tool calls and signed thinking its
 * {@code thinking_blocks}. What OpenAI has no field for but an Anthropic upstream needs back is kept under
 * the gateway's conventions ({@link CanonicalExtensions}): {@code cache_control} on parts, tool messages
 * and tools, {@code is_error} on tool messages, and {@code top_k} and {@code thinking} at the top level.
 */
final class MessagesRequestDecoder {

    private MessagesRequestDecoder() {
    }

    static ObjectNode decode(ObjectNode body) {
        ObjectNode canonical = Json.MAPPER.createObjectNode();
        canonical.put("model", body.get("model").asText());
        ArrayNode messages = canonical.putArray("messages");
        addSystem(body.get("system"), messages);
        for (JsonNode message : body.get("messages")) {
            if ("assistant".equals(message.get("role").asText())) {
                addAssistant(message.get("content"), messages);
            } else {
                addUser(message.get("content"), messages);
            }
        }
        canonical.set("max_tokens", body.get("max_tokens"));
        copy(body, "temperature", canonical, "temperature");
        copy(body, "top_p", canonical, "top_p");
        copy(body, "top_k", canonical, CanonicalExtensions.TOP_K);
        copy(body, "stop_sequences", canonical, "stop");
        boolean stream = body.path("stream").asBoolean(false);
        if (stream) {
            canonical.put("stream", true);
            // the stream's last event reports usage, so the gateway asks for it; a non-stream may not carry stream_options
            canonical.putObject("stream_options").put("include_usage", true);
        }
        JsonNode user = body.path("metadata").get("user_id");
        if (user != null && user.isTextual()) {
            canonical.put("user", user.asText());
        }
        addTools(body, canonical);
        copy(body, "thinking", canonical, CanonicalExtensions.THINKING);
        // the gateway acts on them itself, whichever dialect carried them
        copy(body, "fallbacks", canonical, "fallbacks");
        return canonical;
    }

    private static void addSystem(JsonNode system, ArrayNode messages) {
        if (system == null || system.isNull()) {
            return;
        }
        if (system.isTextual()) {
            if (!system.asText().isEmpty()) {
                messages.addObject().put("role", "system").put("content", system.asText());
            }
            return;
        }
        if (!system.isEmpty()) {
            ObjectNode message = messages.addObject().put("role", "system");
            message.set("content", parts(system));
        }
    }

    private static void addUser(JsonNode content, ArrayNode messages) {
        if (content.isTextual()) {
            messages.addObject().put("role", "user").put("content", content.asText());
            return;
        }
        ArrayNode rest = Json.MAPPER.createArrayNode();
        for (JsonNode block : content) {
            if ("tool_result".equals(block.get("type").asText())) {
                messages.add(toolMessage(block));
            } else {
                rest.add(block);
            }
        }
        if (!rest.isEmpty()) {
            ObjectNode message = messages.addObject().put("role", "user");
            message.set("content", parts(rest));
        }
    }

    private static ObjectNode toolMessage(JsonNode result) {
        ObjectNode message = Json.MAPPER.createObjectNode();
        message.put("role", "tool");
        message.put("tool_call_id", result.get("tool_use_id").asText());
        JsonNode content = result.get("content");
        if (content != null && content.isArray()) {
            message.set("content", parts(content));
        } else {
            message.put("content", content == null || content.isNull() ? "" : content.asText());
        }
        if (result.path("is_error").asBoolean(false)) {
            message.put(CanonicalExtensions.IS_ERROR, true);
        }
        copy(result, "cache_control", message, CanonicalExtensions.CACHE_CONTROL);
        return message;
    }

    private static void addAssistant(JsonNode content, ArrayNode messages) {
        ObjectNode message = messages.addObject().put("role", "assistant");
        if (content.isTextual()) {
            message.put("content", content.asText());
            return;
        }
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        ArrayNode thinking = Json.MAPPER.createArrayNode();
        ArrayNode calls = Json.MAPPER.createArrayNode();
        for (JsonNode block : content) {
            switch (block.get("type").asText()) {
                case "text" -> {
                    text.append(block.get("text").asText());
                    hasText = true;
                }
                case "tool_use" -> {
                    ObjectNode call = calls.addObject();
                    call.put("id", block.get("id").asText());
                    call.put("type", "function");
                    call.putObject("function").put("name", block.get("name").asText())
                            .put("arguments", compact(block.get("input")));
                }
                case "thinking" -> thinking.addObject().put("type", "thinking")
                        .put("thinking", block.get("thinking").asText())
                        .put("signature", block.get("signature").asText());
                case "redacted_thinking" -> thinking.addObject().put("type", "redacted_thinking")
                        .put("data", block.get("data").asText());
                default -> {
                    // the validator admits no other block in an assistant turn's translation
                }
            }
        }
        if (hasText) {
            message.put("content", text.toString());
        } else if (calls.isEmpty()) {
            message.put("content", "");
        } else {
            message.putNull("content");
        }
        if (!thinking.isEmpty()) {
            message.set(CanonicalExtensions.THINKING_BLOCKS, thinking);
        }
        if (!calls.isEmpty()) {
            message.set("tool_calls", calls);
        }
    }

    /**
     * Text and image blocks as content parts. A lone text block without a cache mark is sent as a plain
     * string, which every OpenAI-compatible server reads.
     */
    private static JsonNode parts(JsonNode blocks) {
        if (blocks.size() == 1 && "text".equals(blocks.get(0).path("type").asText())
                && !blocks.get(0).has("cache_control")) {
            return blocks.get(0).get("text");
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (JsonNode block : blocks) {
            ObjectNode part = parts.addObject();
            if ("image".equals(block.get("type").asText())) {
                JsonNode source = block.get("source");
                String url = "url".equals(source.get("type").asText()) ? source.get("url").asText()
                        : "data:" + source.get("media_type").asText() + ";base64," + source.get("data").asText();
                part.put("type", "image_url").putObject("image_url").put("url", url);
            } else {
                part.put("type", "text").put("text", block.get("text").asText());
            }
            copy(block, "cache_control", part, CanonicalExtensions.CACHE_CONTROL);
        }
        return parts;
    }

    private static void addTools(ObjectNode body, ObjectNode canonical) {
        JsonNode tools = body.get("tools");
        if (tools == null || tools.isNull() || tools.isEmpty()) {
            return;
        }
        ArrayNode canonicalTools = canonical.putArray("tools");
        for (JsonNode tool : tools) {
            ObjectNode canonicalTool = canonicalTools.addObject().put("type", "function");
            ObjectNode function = canonicalTool.putObject("function").put("name", tool.get("name").asText());
            if (tool.hasNonNull("description")) {
                function.put("description", tool.get("description").asText());
            }
            function.set("parameters", tool.get("input_schema"));
            copy(tool, "cache_control", canonicalTool, CanonicalExtensions.CACHE_CONTROL);
        }
        JsonNode choice = body.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return;
        }
        switch (choice.get("type").asText()) {
            case "any" -> canonical.put("tool_choice", "required");
            case "none" -> canonical.put("tool_choice", "none");
            case "tool" -> canonical.putObject("tool_choice").put("type", "function")
                    .putObject("function").put("name", choice.get("name").asText());
            default -> canonical.put("tool_choice", "auto");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false)) {
            canonical.put("parallel_tool_calls", false);
        }
    }

    private static String compact(JsonNode input) {
        try {
            return Json.MAPPER.writeValueAsString(input);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(as, value);
        }
    }
}
