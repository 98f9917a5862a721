package caravan.dialect.openai;

import java.util.Set;

import caravan.api.GatewayException;
import caravan.api.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks the fields of a Chat Completions request that the gateway or an upstream relies on, so bad input
 * gets a 400 naming the offending parameter (OpenAI's wording) instead of an upstream's confusion.
 * Fields it does not know are left alone: they pass through to OpenAI-compatible upstreams.
 */
final class ChatRequestValidator {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final String[] NUMBERS = {"temperature", "top_p", "presence_penalty", "frequency_penalty"};
    private static final String[] INTEGERS = {"max_tokens", "max_completion_tokens", "n", "seed", "top_logprobs"};
    private static final String[] BOOLEANS = {"stream", "logprobs", "parallel_tool_calls", "store"};
    private static final String[] OBJECTS = {"stream_options", "response_format", "metadata", "logit_bias"};

    private ChatRequestValidator() {
    }

    static void validate(ObjectNode body) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw missing("model");
        }
        if (!model.isTextual()) {
            throw invalidType("model", "a string", model);
        }
        if (model.asText().isBlank()) {
            throw GatewayException.badRequest("Invalid 'model': empty string.", "model", "invalid_value");
        }
        validateMessages(body.get("messages"));
        for (String name : NUMBERS) {
            expect(body, name, JsonNode::isNumber, "a number");
            JsonNode value = body.get(name);
            // 1e309 parses as infinity, which would reach a provider as the string "Infinity"
            if (value != null && value.isNumber() && !Json.isFiniteNumber(value)) {
                throw GatewayException.badRequest("Invalid '" + name + "': the number is out of range.", name,
                        "invalid_value");
            }
        }
        for (String name : INTEGERS) {
            expect(body, name, JsonNode::canConvertToLong, "an integer");
            JsonNode value = body.get(name);
            if (value != null && value.isNumber() && !value.isIntegralNumber()) {
                throw invalidType(name, "an integer", value);
            }
        }
        for (String name : BOOLEANS) {
            expect(body, name, JsonNode::isBoolean, "a boolean");
        }
        for (String name : OBJECTS) {
            expect(body, name, JsonNode::isObject, "an object");
        }
        expect(body.path("stream_options"), "include_usage", JsonNode::isBoolean, "a boolean", "stream_options.include_usage");
        expect(body, "user", JsonNode::isTextual, "a string");
        expect(body, "stop", v -> v.isTextual() || v.isArray() && allText(v), "a string or an array of strings");
        expect(body, "tool_choice", v -> v.isTextual() || v.isObject(), "a string or an object");
        validateTools(body.get("tools"));
        expect(body, "fallbacks", v -> v.isArray() && allText(v), "an array of model names");
    }

    private static void validateMessages(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw missing("messages");
        }
        if (!messages.isArray()) {
            throw invalidType("messages", "an array", messages);
        }
        if (messages.isEmpty()) {
            throw GatewayException.badRequest(
                    "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                    "messages", "empty_array");
        }
        for (int i = 0; i < messages.size(); i++) {
            validateMessage(messages.get(i), "messages[" + i + "]");
        }
    }

    private static void validateMessage(JsonNode message, String at) {
        if (!message.isObject()) {
            throw invalidType(at, "an object", message);
        }
        JsonNode role = message.get("role");
        if (role == null || role.isNull()) {
            throw missing(at + ".role");
        }
        if (!role.isTextual()) {
            throw invalidType(at + ".role", "a string", role);
        }
        if (!ROLES.contains(role.asText())) {
            throw GatewayException.badRequest("Invalid value: '" + role.asText() + "'. Supported values are: "
                    + "'system', 'developer', 'user', 'assistant', 'tool', and 'function'.", at + ".role", "invalid_value");
        }
        JsonNode content = message.get("content");
        boolean assistant = "assistant".equals(role.asText());
        if ((content == null || content.isNull()) && !assistant) {
            throw missing(at + ".content");
        }
        if (content != null && !content.isNull()) {
            if (content.isArray()) {
                validateContentParts(content, at + ".content");
            } else if (!content.isTextual()) {
                throw invalidType(at + ".content", "a string or an array of content parts", content);
            }
        }
        expect(message, "name", JsonNode::isTextual, "a string", at + ".name");
        if ("tool".equals(role.asText())) {
            JsonNode toolCallId = message.get("tool_call_id");
            if (toolCallId == null || toolCallId.isNull()) {
                throw missing(at + ".tool_call_id");
            }
            expect(message, "tool_call_id", JsonNode::isTextual, "a string", at + ".tool_call_id");
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && !toolCalls.isNull()) {
            if (!toolCalls.isArray()) {
                throw invalidType(at + ".tool_calls", "an array", toolCalls);
            }
            for (int i = 0; i < toolCalls.size(); i++) {
                validateToolCall(toolCalls.get(i), at + ".tool_calls[" + i + "]");
            }
        }
    }

    private static void validateContentParts(JsonNode parts, String at) {
        for (int i = 0; i < parts.size(); i++) {
            JsonNode part = parts.get(i);
            String partAt = at + "[" + i + "]";
            if (!part.isObject()) {
                throw invalidType(partAt, "an object", part);
            }
            JsonNode type = part.get("type");
            if (type == null || type.isNull()) {
                throw missing(partAt + ".type");
            }
            if (!type.isTextual()) {
                throw invalidType(partAt + ".type", "a string", type);
            }
            switch (type.asText()) {
                case "text" -> {
                    if (!part.path("text").isTextual()) {
                        throw invalidType(partAt + ".text", "a string", part.path("text"));
                    }
                }
                case "image_url" -> {
                    if (!part.path("image_url").path("url").isTextual()) {
                        throw missing(partAt + ".image_url.url");
                    }
                }
                default -> {
                    // input_audio, file, refusal and whatever OpenAI adds next pass through unchecked
                }
            }
        }
    }

    private static void validateToolCall(JsonNode call, String at) {
        if (!call.isObject()) {
            throw invalidType(at, "an object", call);
        }
        JsonNode function = call.get("function");
        if (function == null || !function.isObject()) {
            throw missing(at + ".function");
        }
        expect(function, "name", JsonNode::isTextual, "a string", at + ".function.name");
        expect(function, "arguments", JsonNode::isTextual, "a string", at + ".function.arguments");
    }

    private static void validateTools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw invalidType("tools", "an array", tools);
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String at = "tools[" + i + "]";
            if (!tool.isObject()) {
                throw invalidType(at, "an object", tool);
            }
            if ("function".equals(tool.path("type").asText("function"))) {
                JsonNode name = tool.path("function").get("name");
                if (name == null || !name.isTextual()) {
                    throw missing(at + ".function.name");
                }
            }
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private interface Check {
        boolean ok(JsonNode value);
    }

    private static void expect(JsonNode parent, String field, Check check, String expected) {
        expect(parent, field, check, expected, field);
    }

    /** Checks an optional field: absent and null pass, anything else must satisfy {@code check}. */
    private static void expect(JsonNode parent, String field, Check check, String expected, String param) {
        JsonNode value = parent.get(field);
        if (value != null && !value.isNull() && !check.ok(value)) {
            throw invalidType(param, expected, value);
        }
    }

    private static GatewayException missing(String param) {
        return GatewayException.badRequest("Missing required parameter: '" + param + "'.", param,
                "missing_required_parameter");
    }

    private static GatewayException invalidType(String param, String expected, JsonNode actual) {
        return GatewayException.badRequest("Invalid type for '" + param + "': expected " + expected + ", but got "
                + describe(actual) + " instead.", param, "invalid_type");
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> "null";
        };
    }
}
