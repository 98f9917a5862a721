package caravan.providers.cohere;

import java.io.UncheckedIOException;

import caravan.api.ChatRequest;
import caravan.api.GatewayException;
import caravan.api.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a canonical (OpenAI Chat Completions) request as a Cohere v2 chat request. Messages keep their
 * roles ({@code developer} becomes {@code system}); function tools are the same shape in both APIs;
 * sampling parameters are renamed ({@code top_p} is {@code p}, {@code stop} is {@code stop_sequences});
 * an assistant's {@code reasoning_content} goes back as the {@code tool_plan} Cohere wrote before its
 * tool calls. What Cohere cannot express (audio or file parts, custom tools, the legacy {@code function}
 * role) is a 400 naming the parameter; OpenAI-only options without a Cohere counterpart ({@code n},
 * {@code logit_bias}, {@code user}, {@code parallel_tool_calls}, ...) are not sent.
 */
final class CohereRequestEncoder {

    private CohereRequestEncoder() {
    }

    static byte[] encode(ChatRequest request, String model) {
        ObjectNode in = request.json();
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("model", model);
        out.set("messages", messages(request.messages()));
        if (request.stream()) {
            out.put("stream", true);
        }
        tools(in, out);
        copy(in, "temperature", out, "temperature");
        copy(in, "top_p", out, "p");
        copy(in, "frequency_penalty", out, "frequency_penalty");
        copy(in, "presence_penalty", out, "presence_penalty");
        copy(in, "seed", out, "seed");
        copy(in, in.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens", out, "max_tokens");
        stopSequences(in.get("stop"), out);
        responseFormat(in.get("response_format"), out);
        thinking(in.get("reasoning_effort"), out);
        try {
            return Json.MAPPER.writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArrayNode messages(ArrayNode messages) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = "messages[" + i + "]";
            String role = message.path("role").asText();
            switch (role) {
                case "system", "developer" -> out.addObject().put("role", "system")
                        .set("content", content(message.get("content"), false, at + ".content"));
                case "user" -> out.addObject().put("role", "user")
                        .set("content", content(message.get("content"), true, at + ".content"));
                case "assistant" -> out.add(assistant(message, at));
                case "tool" -> out.addObject().put("role", "tool")
                        .put("tool_call_id", message.path("tool_call_id").asText())
                        .set("content", content(message.get("content"), false, at + ".content"));
                default -> throw GatewayException.badRequest("Cohere does not accept messages with role '" + role
                        + "'; send tool results with role 'tool'.", at + ".role", "invalid_value");
            }
        }
        return out;
    }

    private static ObjectNode assistant(JsonNode message, String at) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("role", "assistant");
        JsonNode content = message.get("content");
        if (content != null && !content.isNull() && !(content.isTextual() && content.asText().isEmpty())) {
            out.set("content", content(content, false, at + ".content"));
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty()) {
            // the plan Cohere wrote before these calls, kept by the client as reasoning_content
            JsonNode plan = message.get("reasoning_content");
            if (plan != null && plan.isTextual() && !plan.asText().isEmpty()) {
                out.put("tool_plan", plan.asText());
            }
            ArrayNode calls = out.putArray("tool_calls");
            for (JsonNode call : toolCalls) {
                JsonNode function = call.path("function");
                calls.addObject().put("id", call.path("id").asText()).put("type", "function").putObject("function")
                        .put("name", function.path("name").asText())
                        .put("arguments", function.path("arguments").asText("{}"));
            }
        }
        return out;
    }

    /** A string stays a string; content parts become Cohere content blocks (images only where Cohere takes them). */
    private static JsonNode content(JsonNode content, boolean imagesAllowed, String at) {
        if (content == null || !content.isArray()) {
            return Json.MAPPER.getNodeFactory().textNode(content == null || content.isNull() ? "" : content.asText());
        }
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = part.path("type").asText();
            if ("text".equals(type)) {
                blocks.addObject().put("type", "text").put("text", part.path("text").asText());
            } else if ("image_url".equals(type) && imagesAllowed) {
                ObjectNode image = blocks.addObject().put("type", "image_url").putObject("image_url");
                image.put("url", part.path("image_url").path("url").asText());
                JsonNode detail = part.path("image_url").get("detail");
                if (detail != null && detail.isTextual()) {
                    image.put("detail", detail.asText());
                }
            } else {
                throw GatewayException.badRequest("Cohere does not accept content parts of type '" + type
                        + "' here.", at + "[" + i + "].type", "invalid_value");
            }
        }
        return blocks;
    }

    /**
     * OpenAI function tools are Cohere's tools; a named tool choice becomes {@code REQUIRED} with only that
     * tool offered, which is how Cohere says "call this one".
     */
    private static void tools(ObjectNode in, ObjectNode out) {
        JsonNode tools = in.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) {
            return;
        }
        JsonNode choice = in.get("tool_choice");
        String forced = choice != null && choice.isObject() ? forcedFunction(choice) : null;
        ArrayNode cohereTools = Json.MAPPER.createArrayNode();
        boolean strict = false;
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            if (!"function".equals(tool.path("type").asText("function"))) {
                throw GatewayException.badRequest("Cohere accepts only function tools.", "tools[" + i + "].type",
                        "invalid_value");
            }
            JsonNode function = tool.path("function");
            if (forced != null && !forced.equals(function.path("name").asText())) {
                continue;
            }
            ObjectNode cohereFunction = cohereTools.addObject().put("type", "function").putObject("function");
            cohereFunction.put("name", function.path("name").asText());
            if (function.hasNonNull("description")) {
                cohereFunction.put("description", function.get("description").asText());
            }
            // Cohere requires a parameter schema; a function without parameters takes an empty object
            cohereFunction.set("parameters", function.get("parameters") instanceof ObjectNode schema ? schema
                    : Json.MAPPER.createObjectNode().put("type", "object").set("properties", Json.MAPPER.createObjectNode()));
            strict |= function.path("strict").asBoolean(false);
        }
        if (forced != null && cohereTools.isEmpty()) {
            throw GatewayException.badRequest("tool_choice names the function '" + forced + "', which is not in tools.",
                    "tool_choice", "invalid_value");
        }
        out.set("tools", cohereTools);
        if (strict) {
            out.put("strict_tools", true);
        }
        if (forced != null || choice != null && "required".equals(choice.asText())) {
            out.put("tool_choice", "REQUIRED");
        } else if (choice != null && "none".equals(choice.asText())) {
            out.put("tool_choice", "NONE");
        }
    }

    private static String forcedFunction(JsonNode choice) {
        JsonNode name = choice.path("function").get("name");
        if (!"function".equals(choice.path("type").asText()) || name == null || !name.isTextual()) {
            throw GatewayException.badRequest("Cohere accepts tool_choice 'auto', 'none', 'required' or a named function.",
                    "tool_choice", "invalid_value");
        }
        return name.asText();
    }

    private static void stopSequences(JsonNode stop, ObjectNode out) {
        if (stop == null || stop.isNull()) {
            return;
        }
        ArrayNode sequences = out.putArray("stop_sequences");
        if (stop.isArray()) {
            stop.forEach(sequences::add);
        } else {
            sequences.add(stop.asText());
        }
    }

    /** {@code json_schema} is Cohere's {@code json_object} with the schema inlined. */
    private static void responseFormat(JsonNode format, ObjectNode out) {
        if (format == null || format.isNull()) {
            return;
        }
        String type = format.path("type").asText();
        switch (type) {
            case "text", "json_object" -> out.putObject("response_format").put("type", type);
            case "json_schema" -> {
                ObjectNode cohere = out.putObject("response_format").put("type", "json_object");
                JsonNode schema = format.path("json_schema").get("schema");
                if (schema != null && schema.isObject()) {
                    cohere.set("json_schema", schema);
                }
            }
            default -> throw GatewayException.badRequest("Cohere does not support response_format type '" + type + "'.",
                    "response_format.type", "invalid_value");
        }
    }

    /** As Cohere's own OpenAI compatibility API reads it: "none" turns thinking off, any other effort on. */
    private static void thinking(JsonNode effort, ObjectNode out) {
        if (effort != null && effort.isTextual()) {
            out.putObject("thinking").put("type", "none".equals(effort.asText()) ? "disabled" : "enabled");
        }
    }

    private static void copy(ObjectNode in, String from, ObjectNode out, String to) {
        JsonNode value = in.get(from);
        if (value != null && !value.isNull()) {
            out.set(to, value);
        }
    }
}
