package caravan.dialect.anthropic;

import java.util.Set;

import caravan.api.GatewayException;
import caravan.api.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks an Anthropic Messages request before it is translated, so bad input gets a 400 worded as
 * Anthropic words it ({@code max_tokens: Field required}, {@code messages.0.role: Input should be 'user'
 * or 'assistant'}) with the offending field as its path. Content the gateway cannot translate (documents,
 * server tools) is refused here too, by name, rather than dropped.
 */
final class MessagesRequestValidator {

    private static final Set<String> ROLES = Set.of("user", "assistant");
    private static final Set<String> TOOL_CHOICES = Set.of("auto", "any", "tool", "none");
    private static final String BLOCK_TAGS = "'text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking'";

    private MessagesRequestValidator() {
    }

    static void validate(ObjectNode body) {
        JsonNode model = required(body, "model", "model");
        if (!model.isTextual()) {
            throw invalid("model", "Input should be a valid string");
        }
        if (model.asText().isBlank()) {
            throw invalid("model", "String should have at least 1 character");
        }
        JsonNode maxTokens = required(body, "max_tokens", "max_tokens");
        if (!maxTokens.isIntegralNumber()) {
            throw invalid("max_tokens", "Input should be a valid integer");
        }
        if (maxTokens.asLong() < 1) {
            throw invalid("max_tokens", "Input should be greater than or equal to 1");
        }
        validateMessages(required(body, "messages", "messages"));
        validateSystem(body.get("system"));
        // 1e309 parses as infinity, which no provider reads as a number
        expect(body, "temperature", Json::isFiniteNumber, "Input should be a valid number", "temperature");
        expect(body, "top_p", Json::isFiniteNumber, "Input should be a valid number", "top_p");
        expect(body, "top_k", JsonNode::isIntegralNumber, "Input should be a valid integer", "top_k");
        expect(body, "stream", JsonNode::isBoolean, "Input should be a valid boolean", "stream");
        expect(body, "thinking", JsonNode::isObject, "Input should be a valid dictionary", "thinking");
        expectStrings(body, "stop_sequences");
        // the gateway's own field, as on /v1/chat/completions: the models to try when the first fails
        expectStrings(body, "fallbacks");
        JsonNode metadata = body.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                throw invalid("metadata", "Input should be a valid dictionary");
            }
            expect(metadata, "user_id", JsonNode::isTextual, "Input should be a valid string", "metadata.user_id");
        }
        validateTools(body.get("tools"));
        validateToolChoice(body.get("tool_choice"));
    }

    private static void validateMessages(JsonNode messages) {
        if (!messages.isArray()) {
            throw invalid("messages", "Input should be a valid list");
        }
        if (messages.isEmpty()) {
            throw invalid("messages", "at least one message is required");
        }
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages." + i;
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw invalid(at, "Input should be a valid dictionary");
            }
            JsonNode role = required(message, "role", at + ".role");
            if (!role.isTextual() || !ROLES.contains(role.asText())) {
                throw invalid(at + ".role", "Input should be 'user' or 'assistant'");
            }
            JsonNode content = required(message, "content", at + ".content");
            if (content.isArray()) {
                validateBlocks(content, at + ".content", false);
            } else if (!content.isTextual()) {
                throw invalid(at + ".content", "Input should be a valid string or a valid list");
            }
        }
    }

    /** Content blocks; inside a tool result only text and images are allowed. */
    private static void validateBlocks(JsonNode blocks, String at, boolean inToolResult) {
        for (int i = 0; i < blocks.size(); i++) {
            String blockAt = at + "." + i;
            JsonNode block = blocks.get(i);
            if (!block.isObject()) {
                throw invalid(blockAt, "Input should be a valid dictionary");
            }
            JsonNode type = required(block, "type", blockAt + ".type");
            String tag = type.asText();
            if (!type.isTextual() || inToolResult && !"text".equals(tag) && !"image".equals(tag)) {
                throw invalid(blockAt, "Input tag '" + tag + "' found using 'type' does not match any of the expected "
                        + "tags: " + (inToolResult ? "'text', 'image'" : BLOCK_TAGS));
            }
            switch (tag) {
                case "text" -> requireText(block, "text", blockAt);
                case "image" -> validateImageSource(required(block, "source", blockAt + ".source"), blockAt + ".source");
                case "tool_use" -> {
                    requireText(block, "id", blockAt);
                    requireText(block, "name", blockAt);
                    if (!required(block, "input", blockAt + ".input").isObject()) {
                        throw invalid(blockAt + ".input", "Input should be a valid dictionary");
                    }
                }
                case "tool_result" -> {
                    requireText(block, "tool_use_id", blockAt);
                    JsonNode content = block.get("content");
                    if (content != null && content.isArray()) {
                        validateBlocks(content, blockAt + ".content", true);
                    } else if (content != null && !content.isNull() && !content.isTextual()) {
                        throw invalid(blockAt + ".content", "Input should be a valid string or a valid list");
                    }
                    expect(block, "is_error", JsonNode::isBoolean, "Input should be a valid boolean", blockAt + ".is_error");
                }
                case "thinking" -> {
                    requireText(block, "thinking", blockAt);
                    requireText(block, "signature", blockAt);
                }
                case "redacted_thinking" -> requireText(block, "data", blockAt);
                default -> throw invalid(blockAt, "Input tag '" + tag + "' found using 'type' does not match any of "
                        + "the expected tags: " + BLOCK_TAGS);
            }
        }
    }

    private static void validateImageSource(JsonNode source, String at) {
        if (!source.isObject()) {
            throw invalid(at, "Input should be a valid dictionary");
        }
        String type = source.path("type").asText();
        switch (type) {
            case "base64" -> {
                requireText(source, "media_type", at);
                requireText(source, "data", at);
            }
            case "url" -> requireText(source, "url", at);
            default -> throw invalid(at, "Input tag '" + type + "' found using 'type' does not match any of the "
                    + "expected tags: 'base64', 'url'");
        }
    }

    private static void validateSystem(JsonNode system) {
        if (system == null || system.isNull() || system.isTextual()) {
            return;
        }
        if (!system.isArray()) {
            throw invalid("system", "Input should be a valid string or a valid list");
        }
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            if (!block.isObject() || !"text".equals(block.path("type").asText())) {
                throw invalid("system." + i, "Input should be a text block");
            }
            requireText(block, "text", "system." + i);
        }
    }

    private static void validateTools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw invalid("tools", "Input should be a valid list");
        }
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools." + i;
            JsonNode tool = tools.get(i);
            if (!tool.isObject()) {
                throw invalid(at, "Input should be a valid dictionary");
            }
            String type = tool.path("type").asText("custom");
            if (!"custom".equals(type)) {
                throw invalid(at + ".type", "Server tools such as '" + type + "' are not supported by this gateway; "
                        + "define the tool with a name and an input_schema");
            }
            requireText(tool, "name", at);
            if (!required(tool, "input_schema", at + ".input_schema").isObject()) {
                throw invalid(at + ".input_schema", "Input should be a valid dictionary");
            }
            expect(tool, "description", JsonNode::isTextual, "Input should be a valid string", at + ".description");
        }
    }

    private static void validateToolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return;
        }
        if (!choice.isObject()) {
            throw invalid("tool_choice", "Input should be a valid dictionary");
        }
        JsonNode type = required(choice, "type", "tool_choice.type");
        if (!TOOL_CHOICES.contains(type.asText())) {
            throw invalid("tool_choice", "Input tag '" + type.asText() + "' found using 'type' does not match any of "
                    + "the expected tags: 'auto', 'any', 'tool', 'none'");
        }
        if ("tool".equals(type.asText())) {
            requireText(choice, "name", "tool_choice");
        }
        expect(choice, "disable_parallel_tool_use", JsonNode::isBoolean, "Input should be a valid boolean",
                "tool_choice.disable_parallel_tool_use");
    }

    private static void requireText(JsonNode parent, String field, String at) {
        if (!required(parent, field, at + "." + field).isTextual()) {
            throw invalid(at + "." + field, "Input should be a valid string");
        }
    }

    private static JsonNode required(JsonNode parent, String field, String at) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            throw GatewayException.badRequest(at + ": Field required", at, "missing_required_parameter");
        }
        return value;
    }

    private interface Check {
        boolean ok(JsonNode value);
    }

    /** An optional field: absent and null pass, anything else must satisfy {@code check}. */
    private static void expect(JsonNode parent, String field, Check check, String problem, String at) {
        JsonNode value = parent.get(field);
        if (value != null && !value.isNull() && !check.ok(value)) {
            throw invalid(at, problem);
        }
    }

    /** An optional list of strings. */
    private static void expectStrings(JsonNode parent, String field) {
        JsonNode list = parent.get(field);
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            throw invalid(field, "Input should be a valid list");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isTextual()) {
                throw invalid(field + "." + i, "Input should be a valid string");
            }
        }
    }

    private static GatewayException invalid(String at, String problem) {
        return GatewayException.badRequest(at + ": " + problem, at, "invalid_value");
    }
}
