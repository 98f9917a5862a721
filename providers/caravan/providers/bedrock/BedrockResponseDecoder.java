package caravan.providers.bedrock;

import java.io.IOException;
import java.time.Clock;
import java.util.UUID;

import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Converse answer ({@code output.message.content}, {@code stopReason}, {@code usage}) as an OpenAI
 * {@code chat.completion}: text blocks become the content, toolUse blocks the tool calls (their input
 * serialised as the arguments string), reasoning blocks {@code reasoning_content} plus the
 * {@code thinking_blocks} a later turn must send back. Converse names no id, so one is made, and no
 * model, so the answer is named by the model that was called. Also holds the finish-reason and usage
 * mappings the stream decoder shares.
 */
final class BedrockResponseDecoder {

    private BedrockResponseDecoder() {
    }

    static ChatResponse decode(byte[] body, String model, Clock clock) {
        ObjectNode converse = Json.objectOrNull(body);
        if (converse == null) {
            throw notAnAnswer();
        }
        JsonNode content = converse.path("output").path("message").path("content");
        if (!content.isArray()) {
            throw notAnAnswer();
        }
        ObjectNode completion = Json.MAPPER.createObjectNode();
        completion.put("id", "chatcmpl-" + UUID.randomUUID());
        completion.put("object", "chat.completion");
        completion.put("created", clock.instant().getEpochSecond());
        completion.put("model", model);
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("message", message(content));
        choice.put("finish_reason", finishReason(converse.path("stopReason").asText(null)));
        Usage usage = usage(converse.get("usage"));
        if (usage != null) {
            usage.writeOpenAi(completion);
        }
        return ChatResponse.of(completion, usage);
    }

    /** Bedrock's {@code stopReason} as an OpenAI {@code finish_reason}. */
    static String finishReason(String stopReason) {
        return switch (stopReason == null ? "" : stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "guardrail_intervened", "content_filtered" -> "content_filter";
            // end_turn, stop_sequence, and the malformed_* outcomes, which end the answer as it stands
            default -> "stop";
        };
    }

    /**
     * Bedrock's {@code TokenUsage} in the gateway's buckets; null when there is none. Bedrock counts cache
     * reads and writes apart from {@code inputTokens}; the canonical input bucket holds every prompt token,
     * so it is their sum.
     */
    static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        long cacheRead = usage.path("cacheReadInputTokens").asLong();
        long cacheWrite = usage.path("cacheWriteInputTokens").asLong();
        return new Usage(usage.path("inputTokens").asLong() + cacheRead + cacheWrite, usage.path("outputTokens").asLong(),
                cacheRead, cacheWrite, 0);
    }

    private static ObjectNode message(JsonNode content) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode thinkingBlocks = Json.MAPPER.createArrayNode();
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        boolean hasText = false;
        for (JsonNode block : content) {
            if (block.has("text")) {
                text.append(block.get("text").asText());
                hasText = true;
            } else if (block.has("toolUse")) {
                JsonNode toolUse = block.get("toolUse");
                ObjectNode call = toolCalls.addObject();
                call.put("id", toolUse.path("toolUseId").asText());
                call.put("type", "function");
                call.putObject("function").put("name", toolUse.path("name").asText())
                        .put("arguments", arguments(toolUse.path("input")));
            } else if (block.has("reasoningContent")) {
                JsonNode reasoningContent = block.get("reasoningContent");
                if (reasoningContent.has("redactedContent")) {
                    thinkingBlocks.addObject().put("type", "redacted_thinking")
                            .put("data", reasoningContent.get("redactedContent").asText());
                } else {
                    JsonNode reasoningText = reasoningContent.path("reasoningText");
                    reasoning.append(reasoningText.path("text").asText());
                    ObjectNode thinking = thinkingBlocks.addObject().put("type", "thinking")
                            .put("thinking", reasoningText.path("text").asText());
                    if (reasoningText.hasNonNull("signature")) {
                        thinking.put("signature", reasoningText.get("signature").asText());
                    }
                }
            }
        }
        ObjectNode message = Json.MAPPER.createObjectNode();
        message.put("role", "assistant");
        message.put("content", hasText ? text.toString() : null);
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (!thinkingBlocks.isEmpty()) {
            message.set("thinking_blocks", thinkingBlocks);
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        return message;
    }

    private static String arguments(JsonNode input) {
        try {
            return input.isMissingNode() || input.isNull() ? "{}" : Json.MAPPER.writeValueAsString(input);
        } catch (IOException e) {
            throw new IllegalStateException("A JSON tree always serialises", e);
        }
    }

    private static GatewayException notAnAnswer() {
        return GatewayException.upstreamUnavailable("Bedrock answered with a body that is not a Converse response.", null);
    }
}
