package caravan.providers.anthropic;

import java.io.IOException;

import caravan.api.ChatRequest;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.WireFormat;
import caravan.providers.codec.DataUrl;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a canonical (OpenAI Chat Completions) request as an Anthropic Messages request. Anthropic has no
 * system role (system and developer messages become the top-level {@code system}), keeps tool results in
 * user turns, and wants user and assistant turns to alternate, so consecutive messages of one role are
 * joined into one turn. A request Anthropic cannot express (a content part it has no block for, tool-call
 * arguments that are not a JSON object) is a 400 here rather than a confusing upstream error.
 */
final class AnthropicRequestEncoder {

    /** Anthropic requires {@code max_tokens}; OpenAI clients usually leave it out. */
    static final long DEFAULT_MAX_TOKENS = 4096;

    private AnthropicRequestEncoder() {
    }

    /**
     * The Messages body asking {@code model} for {@code request}'s answer: the client's own request when it
     * spoke Anthropic Messages, translated from the canonical form otherwise.
     */
    static byte[] encode(ChatRequest request, String model) {
        ChatRequest.Original own = request.original(WireFormat.ANTHROPIC_MESSAGES);
        return own != null ? passThrough(own, model) : write(encode(request.json(), model));
    }

    /**
     * The client's bytes as they came, unless the provider's model name differs from the one the client
     * wrote ({@code anthropic/claude-...}, a route's name) or the body holds the gateway's own fields: then
     * the client's fields in their order, with that model and without those fields.
     */
    private static byte[] passThrough(ChatRequest.Original own, String model) {
        ObjectNode client = own.json();
        boolean unchanged = model.equals(client.path("model").asText())
                && ChatRequest.GATEWAY_FIELDS.stream().noneMatch(client::has);
        if (unchanged) {
            return own.bytes();
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        client.properties().forEach(field -> {
            if ("model".equals(field.getKey())) {
                body.put("model", model);
            } else if (!ChatRequest.GATEWAY_FIELDS.contains(field.getKey())) {
                body.set(field.getKey(), field.getValue());
            }
        });
        return write(body);
    }

    private static byte[] write(ObjectNode body) {
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serialises", e);
        }
    }

    static ObjectNode encode(ObjectNode canonical, String model) {
        if (canonical.path("n").asInt(1) > 1) {
            throw GatewayException.badRequest("Anthropic answers with one choice only; 'n' must be 1.", "n", "invalid_value");
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", maxTokens(canonical));
        ArrayNode system = Json.MAPPER.createArrayNode();
        ArrayNode messages = Json.MAPPER.createArrayNode();
        JsonNode canonicalMessages = canonical.path("messages");
        for (int i = 0; i < canonicalMessages.size(); i++) {
            addMessage(canonicalMessages.get(i), "messages[" + i + "]", system, messages);
        }
        if (!system.isEmpty()) {
            body.set("system", system);
        }
        body.set("messages", messages);
        copyNumber(canonical, "temperature", body);
        copyNumber(canonical, "top_p", body);
        // not an OpenAI field, but the one OpenAI-compatible servers and the Anthropic dialect use
        copyNumber(canonical, "top_k", body);
        JsonNode stop = canonical.get("stop");
        if (stop != null && stop.isTextual()) {
            body.putArray("stop_sequences").add(stop.asText());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            body.set("stop_sequences", stop);
        }
        if (canonical.path("stream").asBoolean(false)) {
            body.put("stream", true);
        }
        JsonNode user = canonical.get("user");
        if (user != null && user.isTextual()) {
            body.putObject("metadata").put("user_id", user.asText());
        }
        addTools(canonical, body);
        // Anthropic's extended thinking settings, as the Anthropic dialect carries them
        JsonNode thinking = canonical.get("thinking");
        if (thinking != null && thinking.isObject()) {
            body.set("thinking", thinking);
        }
        return body;
    }

    private static long maxTokens(ObjectNode canonical) {
        JsonNode value = canonical.get("max_completion_tokens");
        if (value == null || !value.canConvertToLong()) {
            value = canonical.get("max_tokens");
        }
        return value != null && value.canConvertToLong() ? value.asLong() : DEFAULT_MAX_TOKENS;
    }

    private static void addMessage(JsonNode message, String at, ArrayNode system, ArrayNode messages) {
        String role = message.path("role").asText();
        switch (role) {
            case "system", "developer" -> system.addAll(textBlocks(message.get("content"), at + ".content"));
            case "user" -> appendTurn(messages, "user", contentBlocks(message.get("content"), at + ".content"));
            case "assistant" -> appendTurn(messages, "assistant", assistantBlocks(message, at));
            case "tool" -> appendTurn(messages, "user", Json.MAPPER.createArrayNode().add(toolResult(message, at)));
            default -> throw GatewayException.badRequest("Role '" + role + "' cannot be sent to Anthropic; use 'tool' "
                    + "messages for tool results.", at + ".role", "invalid_value");
        }
    }

    /** Anthropic wants user and assistant turns to alternate: blocks of the same role as the last turn join it. */
    private static void appendTurn(ArrayNode messages, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(blocks);
            return;
        }
        ObjectNode turn = messages.addObject();
        turn.put("role", role);
        turn.set("content", blocks);
    }

    /** Thinking first (Anthropic checks that a turn's signed thinking comes back before its tool use), then text, then tool use. */
    private static ArrayNode assistantBlocks(JsonNode message, String at) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        for (JsonNode thinking : message.path("thinking_blocks")) {
            String type = thinking.path("type").asText();
            if ("thinking".equals(type)) {
                blocks.addObject().put("type", "thinking").put("thinking", thinking.path("thinking").asText())
                        .put("signature", thinking.path("signature").asText());
            } else if ("redacted_thinking".equals(type)) {
                blocks.addObject().put("type", "redacted_thinking").put("data", thinking.path("data").asText());
            }
        }
        blocks.addAll(contentBlocks(message.get("content"), at + ".content"));
        JsonNode calls = message.path("tool_calls");
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            JsonNode function = call.path("function");
            ObjectNode toolUse = blocks.addObject();
            toolUse.put("type", "tool_use");
            toolUse.put("id", call.path("id").asText());
            toolUse.put("name", function.path("name").asText());
            toolUse.set("input", arguments(function.path("arguments").asText(""), at + ".tool_calls[" + i + "].function.arguments"));
        }
        return blocks;
    }

    private static ObjectNode arguments(String arguments, String at) {
        if (arguments.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            if (Json.MAPPER.readTree(arguments) instanceof ObjectNode input) {
                return input;
            }
        } catch (IOException notJson) {
            // answered below: Anthropic needs the input as an object
        }
        throw GatewayException.badRequest("Invalid '" + at + "': Anthropic needs tool-call arguments that are a JSON object.",
                at, "invalid_value");
    }

    private static ObjectNode toolResult(JsonNode message, String at) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("type", "tool_result");
        result.put("tool_use_id", message.path("tool_call_id").asText());
        JsonNode content = message.get("content");
        if (content != null && content.isArray()) {
            result.set("content", contentBlocks(content, at + ".content"));
        } else {
            result.put("content", content == null || content.isNull() ? "" : content.asText());
        }
        // the Anthropic dialect's conventions for what OpenAI's tool message cannot say
        if (message.path("is_error").asBoolean(false)) {
            result.put("is_error", true);
        }
        copyCacheControl(message, result);
        return result;
    }

    /** System content: text only. */
    private static ArrayNode textBlocks(JsonNode content, String at) {
        ArrayNode blocks = contentBlocks(content, at);
        for (JsonNode block : blocks) {
            if (!"text".equals(block.path("type").asText())) {
                throw GatewayException.badRequest("Invalid '" + at + "': Anthropic takes only text in system messages.",
                        at, "invalid_value");
            }
        }
        return blocks;
    }

    /** A message's content, a string or content parts, as Anthropic blocks; empty text is left out (Anthropic rejects it). */
    private static ArrayNode contentBlocks(JsonNode content, String at) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (!content.isArray()) {
            if (!content.asText().isEmpty()) {
                blocks.addObject().put("type", "text").put("text", content.asText());
            }
            return blocks;
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String partAt = at + "[" + i + "]";
            String type = part.path("type").asText();
            ObjectNode block;
            switch (type) {
                case "text", "refusal" -> {
                    String text = part.path(type).asText();
                    if (text.isEmpty()) {
                        continue;
                    }
                    block = Json.MAPPER.createObjectNode().put("type", "text").put("text", text);
                }
                case "image_url" -> block = image(part.path("image_url").path("url").asText(), partAt + ".image_url.url");
                default -> throw GatewayException.badRequest("Content part type '" + type + "' cannot be sent to "
                        + "Anthropic; it takes text and images.", partAt + ".type", "invalid_value");
            }
            copyCacheControl(part, block);
            blocks.add(block);
        }
        return blocks;
    }

    /** A data URL becomes a base64 source; any other URL is fetched by Anthropic. */
    private static ObjectNode image(String url, String at) {
        ObjectNode block = Json.MAPPER.createObjectNode().put("type", "image");
        ObjectNode source = block.putObject("source");
        if (!DataUrl.isDataUrl(url)) {
            source.put("type", "url").put("url", url);
            return block;
        }
        DataUrl data = DataUrl.parseBase64(url);
        if (data == null) {
            throw GatewayException.badRequest("Invalid '" + at + "': a data URL must be base64 encoded "
                    + "(data:image/png;base64,...).", at, "invalid_value");
        }
        source.put("type", "base64");
        source.put("media_type", data.mediaType());
        source.put("data", data.base64());
        return block;
    }

    private static void addTools(ObjectNode canonical, ObjectNode body) {
        JsonNode tools = canonical.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) {
            return;
        }
        ArrayNode anthropicTools = body.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            if (!"function".equals(tool.path("type").asText("function"))) {
                throw GatewayException.badRequest("Tool type '" + tool.path("type").asText() + "' cannot be sent to "
                        + "Anthropic; it takes function tools.", "tools[" + i + "].type", "invalid_value");
            }
            JsonNode function = tool.path("function");
            ObjectNode anthropicTool = anthropicTools.addObject();
            anthropicTool.put("name", function.path("name").asText());
            if (function.hasNonNull("description")) {
                anthropicTool.put("description", function.get("description").asText());
            }
            JsonNode parameters = function.get("parameters");
            anthropicTool.set("input_schema", parameters != null && parameters.isObject() ? parameters
                    : Json.MAPPER.createObjectNode().put("type", "object").set("properties", Json.MAPPER.createObjectNode()));
            copyCacheControl(tool, anthropicTool);
        }
        ObjectNode choice = toolChoice(canonical.get("tool_choice"));
        if (canonical.path("parallel_tool_calls").isBoolean() && !canonical.get("parallel_tool_calls").asBoolean()) {
            if (choice == null) {
                choice = Json.MAPPER.createObjectNode().put("type", "auto");
            }
            if (!"none".equals(choice.path("type").asText())) {
                choice.put("disable_parallel_tool_use", true);
            }
        }
        if (choice != null) {
            body.set("tool_choice", choice);
        }
    }

    private static ObjectNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isObject()) {
            return Json.MAPPER.createObjectNode().put("type", "tool")
                    .put("name", choice.path("function").path("name").asText());
        }
        return switch (choice.asText()) {
            case "required" -> Json.MAPPER.createObjectNode().put("type", "any");
            case "none" -> Json.MAPPER.createObjectNode().put("type", "none");
            default -> Json.MAPPER.createObjectNode().put("type", "auto");
        };
    }

    /** Prompt caching marks, which the Anthropic dialect keeps on parts, tool messages and tools. */
    private static void copyCacheControl(JsonNode from, ObjectNode to) {
        JsonNode cacheControl = from.get("cache_control");
        if (cacheControl != null && cacheControl.isObject()) {
            to.set("cache_control", cacheControl);
        }
    }

    private static void copyNumber(JsonNode from, String field, ObjectNode to) {
        JsonNode value = from.get(field);
        if (value != null && value.isNumber()) {
            to.set(field, value);
        }
    }
}
