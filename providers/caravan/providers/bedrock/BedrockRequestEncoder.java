package caravan.providers.bedrock;

import java.io.IOException;
import java.util.Set;

import caravan.api.CanonicalExtensions;
import caravan.api.ChatRequest;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.providers.codec.DataUrl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Chat Completions request as a Bedrock Converse (or ConverseStream) request body. System and developer
 * messages become {@code system} blocks; the conversation becomes {@code messages} of content blocks
 * (text, image, toolUse, toolResult, reasoningContent). Converse allows only the roles user and assistant,
 * strictly alternating, so tool results go into a user turn and consecutive turns of one role are merged
 * into one. Sampling parameters go to {@code inferenceConfig}, tools to {@code toolConfig}.
 *
 * <p>Prompt caching: Anthropic's {@code cache_control} marks (which the Anthropic dialect keeps on content
 * parts, tool messages and tools) end a cacheable prefix at the block they are on; Converse says the same
 * with a {@code cachePoint} block placed right after that content, in {@code system}, {@code messages} and
 * {@code toolConfig.tools} alike, its {@code ttl} (5m or 1h) as Anthropic's.
 */
final class BedrockRequestEncoder {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The cache lifetimes Converse's CachePointBlock takes, which are Anthropic's too. */
    private static final Set<String> CACHE_TTLS = Set.of("5m", "1h");

    private final ObjectNode request;
    private final ArrayNode messages = NODES.arrayNode();
    private ArrayNode system;
    private boolean toolBlocks;

    private BedrockRequestEncoder(ObjectNode request) {
        this.request = request;
    }

    static byte[] encode(ChatRequest request) {
        try {
            return Json.MAPPER.writeValueAsBytes(new BedrockRequestEncoder(request.json()).body());
        } catch (IOException e) {
            throw new IllegalStateException("A JSON tree always serialises", e);
        }
    }

    private ObjectNode body() {
        JsonNode chat = request.get("messages");
        for (int i = 0; i < chat.size(); i++) {
            JsonNode message = chat.get(i);
            String at = "messages[" + i + "]";
            switch (message.path("role").asText()) {
                case "system", "developer" -> systemBlocks(message.get("content"), at);
                case "user" -> append("user", userBlocks(message.get("content"), at));
                case "assistant" -> append("assistant", assistantBlocks(message, at));
                case "tool" -> append("user", toolResult(message, at));
                default -> throw GatewayException.badRequest("Bedrock needs tool results as 'tool' messages with a "
                        + "tool_call_id; the legacy 'function' role is not supported.", at + ".role", "invalid_value");
            }
        }
        ObjectNode body = NODES.objectNode();
        if (system != null) {
            body.set("system", system);
        }
        body.set("messages", messages);
        ObjectNode inference = inferenceConfig();
        if (!inference.isEmpty()) {
            body.set("inferenceConfig", inference);
        }
        ObjectNode tools = toolConfig();
        if (tools != null) {
            body.set("toolConfig", tools);
        }
        return body;
    }

    /** Adds the blocks to the last turn when it has the same role, else starts a turn; blank turns are dropped. */
    private void append(String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(blocks);
        } else {
            messages.addObject().put("role", role).set("content", blocks);
        }
    }

    private void systemBlocks(JsonNode content, String at) {
        ArrayNode blocks = NODES.arrayNode();
        if (content.isTextual()) {
            addText(blocks, content.asText());
        } else {
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                if (!"text".equals(part.path("type").asText())) {
                    throw unsupportedPart(part, at + ".content[" + j + "]");
                }
                addText(blocks, part.path("text").asText());
                addCachePoint(blocks, part);
            }
        }
        if (!blocks.isEmpty()) {
            if (system == null) {
                system = NODES.arrayNode();
            }
            system.addAll(blocks);
        }
    }

    private static ArrayNode userBlocks(JsonNode content, String at) {
        ArrayNode blocks = NODES.arrayNode();
        if (content.isTextual()) {
            addText(blocks, content.asText());
            return blocks;
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partAt = at + ".content[" + j + "]";
            switch (part.path("type").asText()) {
                case "text" -> addText(blocks, part.path("text").asText());
                case "image_url" -> blocks.addObject().set("image", image(part.path("image_url").path("url").asText(),
                        partAt + ".image_url.url"));
                default -> throw unsupportedPart(part, partAt);
            }
            addCachePoint(blocks, part);
        }
        return blocks;
    }

    /**
     * Reasoning first (Anthropic models on Bedrock want their signed thinking back before the tool use it
     * led to), then the text, then the tool calls.
     */
    private ArrayNode assistantBlocks(JsonNode message, String at) {
        ArrayNode blocks = NODES.arrayNode();
        for (JsonNode thinking : message.path("thinking_blocks")) {
            ObjectNode reasoning = blocks.addObject().putObject("reasoningContent");
            if ("redacted_thinking".equals(thinking.path("type").asText())) {
                reasoning.put("redactedContent", thinking.path("data").asText());
            } else {
                ObjectNode text = reasoning.putObject("reasoningText").put("text", thinking.path("thinking").asText());
                if (thinking.hasNonNull("signature")) {
                    text.put("signature", thinking.get("signature").asText());
                }
            }
        }
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            addText(blocks, content.asText());
        } else if (content != null && content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                switch (part.path("type").asText()) {
                    case "text" -> addText(blocks, part.path("text").asText());
                    case "refusal" -> addText(blocks, part.path("refusal").asText());
                    default -> throw unsupportedPart(part, at + ".content[" + j + "]");
                }
                addCachePoint(blocks, part);
            }
        }
        JsonNode calls = message.path("tool_calls");
        for (int k = 0; k < calls.size(); k++) {
            JsonNode call = calls.get(k);
            ObjectNode toolUse = blocks.addObject().putObject("toolUse");
            toolUse.put("toolUseId", call.path("id").asText());
            toolUse.put("name", call.path("function").path("name").asText());
            toolUse.set("input", arguments(call.path("function").path("arguments").asText(),
                    at + ".tool_calls[" + k + "].function.arguments"));
            toolBlocks = true;
        }
        return blocks;
    }

    /** A tool's answer; one that is a JSON object goes as {@code json}, anything else as {@code text}. */
    private ArrayNode toolResult(JsonNode message, String at) {
        ArrayNode content = NODES.arrayNode();
        JsonNode given = message.get("content");
        if (given.isTextual()) {
            JsonNode json = parseObject(given.asText());
            if (json != null) {
                content.addObject().set("json", json);
            } else {
                content.addObject().put("text", given.asText());
            }
        } else {
            for (int j = 0; j < given.size(); j++) {
                JsonNode part = given.get(j);
                if (!"text".equals(part.path("type").asText())) {
                    throw unsupportedPart(part, at + ".content[" + j + "]");
                }
                content.addObject().put("text", part.path("text").asText());
            }
        }
        ArrayNode blocks = NODES.arrayNode();
        ObjectNode result = blocks.addObject().putObject("toolResult");
        result.put("toolUseId", message.path("tool_call_id").asText());
        result.set("content", content);
        // the Anthropic dialect keeps a tool_result's mark on the tool message
        addCachePoint(blocks, message);
        toolBlocks = true;
        return blocks;
    }

    private ObjectNode inferenceConfig() {
        ObjectNode config = NODES.objectNode();
        JsonNode maxTokens = request.hasNonNull("max_completion_tokens") ? request.get("max_completion_tokens")
                : request.get("max_tokens");
        if (maxTokens != null && !maxTokens.isNull()) {
            config.set("maxTokens", maxTokens);
        }
        copyNumber("temperature", config, "temperature");
        copyNumber("top_p", config, "topP");
        JsonNode stop = request.get("stop");
        if (stop != null && stop.isTextual()) {
            config.putArray("stopSequences").add(stop.asText());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            config.set("stopSequences", stop.deepCopy());
        }
        return config;
    }

    private void copyNumber(String from, ObjectNode config, String to) {
        JsonNode value = request.get(from);
        if (value != null && value.isNumber()) {
            config.set(to, value);
        }
    }

    /**
     * Converse has no "none" tool choice: with {@code tool_choice: "none"} the tools are left out, unless
     * the conversation already holds tool calls or results, which Converse accepts only beside a toolConfig.
     */
    private ObjectNode toolConfig() {
        JsonNode tools = request.path("tools");
        JsonNode choice = request.get("tool_choice");
        boolean none = choice != null && "none".equals(choice.asText());
        if (tools.isEmpty() || none && !toolBlocks) {
            return null;
        }
        ObjectNode config = NODES.objectNode();
        ArrayNode specs = config.putArray("tools");
        for (JsonNode tool : tools) {
            if (!"function".equals(tool.path("type").asText("function"))) {
                continue;
            }
            JsonNode function = tool.path("function");
            ObjectNode spec = specs.addObject().putObject("toolSpec");
            spec.put("name", function.path("name").asText());
            if (function.hasNonNull("description") && !function.get("description").asText().isEmpty()) {
                spec.put("description", function.get("description").asText());
            }
            JsonNode parameters = function.get("parameters");
            spec.putObject("inputSchema").set("json", parameters != null && parameters.isObject() ? parameters
                    : NODES.objectNode().put("type", "object").set("properties", NODES.objectNode()));
            addCachePoint(specs, tool);
        }
        if (choice == null || none) {
            return config;
        }
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto" -> config.putObject("toolChoice").putObject("auto");
                case "required" -> config.putObject("toolChoice").putObject("any");
                default -> throw GatewayException.badRequest("Invalid value: '" + choice.asText()
                        + "'. Supported values are: 'none', 'auto' and 'required'.", "tool_choice", "invalid_value");
            }
        } else {
            config.putObject("toolChoice").putObject("tool").put("name", choice.path("function").path("name").asText());
        }
        return config;
    }

    /** Converse takes an image as its bytes (base64 in JSON) and its format, so only base64 data: URLs can be sent. */
    private static ObjectNode image(String url, String param) {
        DataUrl data = DataUrl.parseBase64(url);
        if (data == null) {
            throw GatewayException.badRequest("Bedrock accepts images only as base64 data: URLs "
                    + "(data:image/png;base64,...).", param, "invalid_value");
        }
        String format = switch (data.mediaType()) {
            case "image/png" -> "png";
            case "image/jpeg", "image/jpg" -> "jpeg";
            case "image/gif" -> "gif";
            case "image/webp" -> "webp";
            default -> throw GatewayException.badRequest("Bedrock accepts png, jpeg, gif and webp images.", param,
                    "invalid_value");
        };
        ObjectNode image = NODES.objectNode().put("format", format);
        image.putObject("source").put("bytes", data.base64());
        return image;
    }

    private static JsonNode arguments(String arguments, String param) {
        if (arguments.isBlank()) {
            return NODES.objectNode();
        }
        JsonNode input = parseObject(arguments);
        if (input == null) {
            throw GatewayException.badRequest("Bedrock needs tool call arguments that are a JSON object.", param,
                    "invalid_value");
        }
        return input;
    }

    private static JsonNode parseObject(String text) {
        try {
            JsonNode json = Json.MAPPER.readTree(text);
            return json != null && json.isObject() ? json : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * A {@code cachePoint} after the block(s) {@code marked} became, when it carries Anthropic's
     * {@code cache_control}. Nothing when those blocks were left out (blank text): a cache point closes a
     * prefix, and Converse has no block to close it at.
     */
    private static void addCachePoint(ArrayNode blocks, JsonNode marked) {
        JsonNode cacheControl = marked.get(CanonicalExtensions.CACHE_CONTROL);
        if (cacheControl == null || !cacheControl.isObject() || blocks.isEmpty()
                || blocks.get(blocks.size() - 1).has("cachePoint")) {
            return;
        }
        ObjectNode cachePoint = blocks.addObject().putObject("cachePoint").put("type", "default");
        String ttl = cacheControl.path("ttl").asText("");
        if (CACHE_TTLS.contains(ttl)) {
            cachePoint.put("ttl", ttl);
        }
    }

    /** Converse rejects blank text blocks, so they are left out. */
    private static void addText(ArrayNode blocks, String text) {
        if (!text.isBlank()) {
            blocks.addObject().put("text", text);
        }
    }

    private static GatewayException unsupportedPart(JsonNode part, String param) {
        return GatewayException.badRequest("Bedrock does not accept content parts of type '" + part.path("type").asText()
                + "' here.", param + ".type", "invalid_value");
    }
}
