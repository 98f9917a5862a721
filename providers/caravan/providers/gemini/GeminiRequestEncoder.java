package caravan.providers.gemini;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import caravan.api.ChatRequest;
import caravan.api.GatewayException;
import caravan.api.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A canonical Chat Completions request as a Gemini {@code GenerateContentRequest}: system and developer
 * messages become {@code systemInstruction}; user turns {@code user} contents, assistant turns {@code model}
 * contents (tool calls as {@code functionCall} parts, thought signatures put back where Gemini sent them);
 * tool results {@code functionResponse} parts of a {@code user} content; tools {@code functionDeclarations};
 * sampling, limits and JSON output {@code generationConfig}.
 */
final class GeminiRequestEncoder {

    private GeminiRequestEncoder() {
    }

    static byte[] encode(ChatRequest request) {
        ObjectNode json = request.json();
        ObjectNode body = Json.MAPPER.createObjectNode();
        Turns turns = new Turns(body.putArray("contents"));
        ArrayNode system = Json.MAPPER.createArrayNode();
        // a tool result names only its call's id; Gemini wants the function's name
        Map<String, String> functionOfCall = new HashMap<>();
        ArrayNode messages = request.messages();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = "messages[" + i + "]";
            switch (message.path("role").asText()) {
                case "system", "developer" -> system.addAll(textParts(message.get("content"), at + ".content"));
                case "user" -> turns.add("user", userParts(message.get("content"), at + ".content"));
                case "assistant" -> turns.add("model", modelParts(message, at, functionOfCall));
                case "tool" -> turns.add("user", functionResponse(functionName(message, at, functionOfCall),
                        message.get("content"), at));
                case "function" -> turns.add("user", functionResponse(message.path("name").asText(),
                        message.get("content"), at));
                default -> throw GatewayException.badRequest("Gemini cannot take a message with role '"
                        + message.path("role").asText() + "'.", at + ".role", "invalid_value");
            }
        }
        if (!system.isEmpty()) {
            body.putObject("systemInstruction").set("parts", system);
        }
        tools(json, body);
        ObjectNode generationConfig = generationConfig(json);
        if (!generationConfig.isEmpty()) {
            body.set("generationConfig", generationConfig);
        }
        try {
            return Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A Jackson tree always serialises", e);
        }
    }

    /**
     * Gemini alternates turns: consecutive messages of one role (parallel tool results above all, which it
     * wants in one content) share one content.
     */
    private static final class Turns {
        private final ArrayNode contents;
        private ObjectNode last;
        private String lastRole;

        Turns(ArrayNode contents) {
            this.contents = contents;
        }

        void add(String role, ArrayNode parts) {
            if (parts.isEmpty()) {
                return;
            }
            if (role.equals(lastRole)) {
                ((ArrayNode) last.get("parts")).addAll(parts);
                return;
            }
            last = contents.addObject();
            last.put("role", role);
            last.set("parts", parts);
            lastRole = role;
        }
    }

    /** Text content: a string, or an array of {@code text} parts. */
    private static ArrayNode textParts(JsonNode content, String at) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            parts.addObject().put("text", content.asText());
            return parts;
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            switch (part.path("type").asText()) {
                case "text" -> parts.addObject().put("text", part.path("text").asText());
                // a refusal is the assistant's own earlier answer, not text to send back as if written
                case "refusal" -> { }
                default -> throw unsupportedPart(part, at + "[" + j + "]");
            }
        }
        return parts;
    }

    private static ArrayNode userParts(JsonNode content, String at) {
        if (content.isTextual()) {
            return textParts(content, at);
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partAt = at + "[" + j + "]";
            switch (part.path("type").asText()) {
                case "text" -> parts.addObject().put("text", part.path("text").asText());
                case "image_url" -> parts.add(MediaParts.image(part.get("image_url"), partAt + ".image_url"));
                case "input_audio" -> parts.add(MediaParts.audio(part.get("input_audio"), partAt + ".input_audio"));
                case "file" -> parts.add(MediaParts.file(part.get("file"), partAt + ".file"));
                default -> throw unsupportedPart(part, partAt);
            }
        }
        return parts;
    }

    private static GatewayException unsupportedPart(JsonNode part, String at) {
        return GatewayException.badRequest("Gemini cannot take a content part of type '" + part.path("type").asText()
                + "' here.", at + ".type", "invalid_value");
    }

    /**
     * The assistant's text, then its tool calls. Thought signatures go back on the parts they came with:
     * a call's on its {@code functionCall} part, the message's on the first text part (an empty one when
     * the message has no text, as Gemini itself sends a trailing signature).
     */
    private static ArrayNode modelParts(JsonNode message, String at, Map<String, String> functionOfCall) {
        ArrayNode parts = textParts(message.get("content"), at + ".content");
        String signature = signature(message);
        if (signature != null) {
            if (parts.isEmpty()) {
                parts.addObject().put("text", "");
            }
            ((ObjectNode) parts.get(0)).put("thoughtSignature", signature);
        }
        JsonNode calls = message.path("tool_calls");
        for (int k = 0; k < calls.size(); k++) {
            JsonNode call = calls.get(k);
            String callAt = at + ".tool_calls[" + k + "]";
            String name = call.path("function").path("name").asText();
            functionOfCall.put(call.path("id").asText(), name);
            ObjectNode part = functionCall(name, call.path("function").get("arguments"), callAt + ".function.arguments");
            String callSignature = signature(call);
            if (callSignature != null) {
                part.put("thoughtSignature", callSignature);
            }
            parts.add(part);
        }
        JsonNode legacyCall = message.get("function_call");
        if (legacyCall != null && legacyCall.isObject()) {
            parts.add(functionCall(legacyCall.path("name").asText(), legacyCall.get("arguments"),
                    at + ".function_call.arguments"));
        }
        return parts;
    }

    /** {@code extra_content.google.thought_signature}, Google's own OpenAI-compatible home for a signature. */
    private static String signature(JsonNode node) {
        JsonNode signature = node.path("extra_content").path("google").get("thought_signature");
        return signature == null || !signature.isTextual() ? null : signature.asText();
    }

    private static ObjectNode functionCall(String name, JsonNode arguments, String at) {
        ObjectNode part = Json.MAPPER.createObjectNode();
        ObjectNode call = part.putObject("functionCall");
        call.put("name", name);
        call.set("args", arguments(arguments, at));
        return part;
    }

    /** OpenAI carries arguments as a JSON string; Gemini as the object itself. */
    private static ObjectNode arguments(JsonNode arguments, String at) {
        if (arguments == null || arguments.isNull() || arguments.isTextual() && arguments.asText().isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        if (arguments instanceof ObjectNode object) {
            return object;
        }
        JsonNode parsed = parseOrNull(arguments.asText());
        if (parsed instanceof ObjectNode object) {
            return object;
        }
        throw GatewayException.badRequest("Gemini needs tool call arguments that are a JSON object.", at, "invalid_value");
    }

    private static String functionName(JsonNode message, String at, Map<String, String> functionOfCall) {
        String name = functionOfCall.get(message.path("tool_call_id").asText());
        if (name == null && message.hasNonNull("name")) {
            name = message.get("name").asText();
        }
        if (name == null) {
            throw GatewayException.badRequest("Tool message answers tool call '" + message.path("tool_call_id").asText()
                    + "', which no earlier assistant message made; Gemini needs the function's name.",
                    at + ".tool_call_id", "invalid_value");
        }
        return name;
    }

    /** Gemini wants the result as an object: a JSON object is sent as is, anything else as {@code {"result": ...}}. */
    private static ArrayNode functionResponse(String name, JsonNode content, String at) {
        String text = textOf(content, at + ".content");
        JsonNode parsed = parseOrNull(text);
        ObjectNode response;
        if (parsed instanceof ObjectNode object) {
            response = object;
        } else {
            response = Json.MAPPER.createObjectNode();
            if (parsed == null) {
                response.put("result", text);
            } else {
                response.set("result", parsed);
            }
        }
        ArrayNode parts = Json.MAPPER.createArrayNode();
        ObjectNode functionResponse = parts.addObject().putObject("functionResponse");
        functionResponse.put("name", name);
        functionResponse.set("response", response);
        return parts;
    }

    private static String textOf(JsonNode content, String at) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : textParts(content, at)) {
            text.append(part.path("text").asText());
        }
        return text.toString();
    }

    private static JsonNode parseOrNull(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static void tools(ObjectNode json, ObjectNode body) {
        JsonNode tools = json.path("tools");
        if (tools.isEmpty()) {
            return;
        }
        ArrayNode declarations = Json.MAPPER.createArrayNode();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            if (!"function".equals(tool.path("type").asText("function"))) {
                throw GatewayException.badRequest("Gemini can only call tools of type 'function'.",
                        "tools[" + i + "].type", "invalid_value");
            }
            JsonNode function = tool.path("function");
            ObjectNode declaration = declarations.addObject();
            declaration.put("name", function.path("name").asText());
            if (function.hasNonNull("description")) {
                declaration.put("description", function.get("description").asText());
            }
            ObjectNode parameters = JsonSchemaSubset.of(function.get("parameters"));
            // Gemini rejects an OBJECT without properties; a function without parameters simply has none
            if (parameters.hasNonNull("properties") && !parameters.get("properties").isEmpty()) {
                declaration.set("parameters", parameters);
            }
        }
        body.putArray("tools").addObject().set("functionDeclarations", declarations);
        JsonNode choice = json.get("tool_choice");
        if (choice != null && !choice.isNull()) {
            body.putObject("toolConfig").set("functionCallingConfig", functionCallingConfig(choice));
        }
    }

    private static ObjectNode functionCallingConfig(JsonNode choice) {
        ObjectNode config = Json.MAPPER.createObjectNode();
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> config.put("mode", "AUTO");
                case "none" -> config.put("mode", "NONE");
                case "required" -> config.put("mode", "ANY");
                default -> throw GatewayException.badRequest("Gemini cannot take tool_choice '" + choice.asText()
                        + "'; use 'auto', 'none', 'required' or a named function.", "tool_choice", "invalid_value");
            }
        } else if ("function".equals(choice.path("type").asText()) && choice.path("function").hasNonNull("name")) {
            config.put("mode", "ANY");
            config.putArray("allowedFunctionNames").add(choice.get("function").get("name").asText());
        } else {
            throw GatewayException.badRequest("Gemini cannot take this tool_choice; use 'auto', 'none', 'required' or "
                    + "{\"type\":\"function\",\"function\":{\"name\":...}}.", "tool_choice", "invalid_value");
        }
        return config;
    }

    private static ObjectNode generationConfig(ObjectNode json) {
        ObjectNode config = Json.MAPPER.createObjectNode();
        copyNumber(json, "temperature", config, "temperature");
        copyNumber(json, "top_p", config, "topP");
        // max_completion_tokens replaced max_tokens in OpenAI's API; a client sending both means the newer one
        copyNumber(json, json.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens",
                config, "maxOutputTokens");
        copyNumber(json, "n", config, "candidateCount");
        copyNumber(json, "seed", config, "seed");
        copyNumber(json, "presence_penalty", config, "presencePenalty");
        copyNumber(json, "frequency_penalty", config, "frequencyPenalty");
        JsonNode stop = json.get("stop");
        if (stop != null && stop.isTextual()) {
            config.putArray("stopSequences").add(stop.asText());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            config.set("stopSequences", stop);
        }
        JsonNode format = json.get("response_format");
        if (format != null && format.isObject()) {
            switch (format.path("type").asText()) {
                case "json_object" -> config.put("responseMimeType", "application/json");
                case "json_schema" -> {
                    config.put("responseMimeType", "application/json");
                    config.set("responseSchema", JsonSchemaSubset.of(format.path("json_schema").get("schema")));
                }
                case "text" -> { }
                default -> throw GatewayException.badRequest("Gemini cannot take response_format of type '"
                        + format.path("type").asText() + "'.", "response_format.type", "invalid_value");
            }
        }
        return config;
    }

    private static void copyNumber(ObjectNode from, String field, ObjectNode to, String name) {
        JsonNode value = from.get(field);
        if (value != null && value.isNumber()) {
            to.set(name, value);
        }
    }
}
