package caravan.providers.anthropic;

import java.io.IOException;
import java.time.Clock;

import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.WireFormat;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An Anthropic {@code message}, checked and kept as the provider's bytes (an Anthropic client gets them
 * unchanged), with its usage read at once and its translation into a canonical {@code chat.completion}
 * made only when a step needs it: text blocks joined into the content, {@code tool_use} blocks into tool
 * calls (input written as compact JSON, as the stream decoder spells it), thinking into
 * {@code reasoning_content} plus the signed {@code thinking_blocks} a later turn must send back. Blocks
 * the canonical form has no place for (server tool results, citations) are left out.
 */
final class AnthropicResponseDecoder {

    private AnthropicResponseDecoder() {
    }

    /**
     * Checks that the body is a message and reads its model and usage in one streaming pass; the tree is
     * built only if a step asks for the canonical answer.
     *
     * @param calledModel the answer's model when the message does not name its own
     */
    static ChatResponse decode(byte[] body, String calledModel, Clock clock) {
        try (JsonParser parser = Json.FACTORY.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notAMessage();
            }
            boolean content = false;
            String model = null;
            AnthropicUsage usage = new AnthropicUsage();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    usage.add(Json.readValueAt(parser));
                } else if ("model".equals(field) && value == JsonToken.VALUE_STRING) {
                    model = parser.getText();
                } else {
                    content |= "content".equals(field) && value == JsonToken.START_ARRAY;
                    parser.skipChildren();
                }
            }
            if (!content || parser.nextToken() != null) {
                throw notAMessage();
            }
            // a message without usage reports none (null), not zeros: the gateway then counts it itself
            return ChatResponse.ofUpstreamAnswer(WireFormat.ANTHROPIC_MESSAGES, body, usage.reported() ? usage.usage() : null,
                    model == null || model.isEmpty() ? calledModel : model, () -> translate(body, calledModel, clock));
        } catch (IOException e) {
            throw notAMessage();
        }
    }

    /** The message as a canonical {@code chat.completion}: the bytes were checked to be a message already. */
    private static ObjectNode translate(byte[] body, String calledModel, Clock clock) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw notAMessage();
        }
        if (message == null || !message.path("content").isArray()) {
            throw notAMessage();
        }
        ObjectNode completion = Json.MAPPER.createObjectNode();
        completion.put("id", message.path("id").asText());
        completion.put("object", "chat.completion");
        completion.put("created", clock.instant().getEpochSecond());
        completion.put("model", modelOr(message.path("model"), calledModel));
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode answer = choice.putObject("message");
        answer.put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode thinkingBlocks = Json.MAPPER.createArrayNode();
        ArrayNode toolCalls = Json.MAPPER.createArrayNode();
        boolean hasText = false;
        for (JsonNode block : message.get("content")) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    text.append(block.path("text").asText());
                    hasText = true;
                }
                case "tool_use" -> {
                    ObjectNode call = toolCalls.addObject();
                    call.put("id", block.path("id").asText());
                    call.put("type", "function");
                    call.putObject("function").put("name", block.path("name").asText())
                            .put("arguments", compact(block.path("input")));
                }
                case "thinking" -> {
                    reasoning.append(block.path("thinking").asText());
                    thinkingBlocks.addObject().put("type", "thinking").put("thinking", block.path("thinking").asText())
                            .put("signature", block.path("signature").asText());
                }
                case "redacted_thinking" ->
                        thinkingBlocks.addObject().put("type", "redacted_thinking").put("data", block.path("data").asText());
                default -> {
                    // server tool use and its results, and blocks added later: nothing the canonical form can carry
                }
            }
        }
        if (hasText) {
            answer.put("content", text.toString());
        } else {
            answer.putNull("content");
        }
        answer.putNull("refusal");
        if (!reasoning.isEmpty()) {
            answer.put("reasoning_content", reasoning.toString());
        }
        if (!thinkingBlocks.isEmpty()) {
            answer.set("thinking_blocks", thinkingBlocks);
        }
        if (!toolCalls.isEmpty()) {
            answer.set("tool_calls", toolCalls);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(message.path("stop_reason").asText(null)));
        new AnthropicUsage().add(message.get("usage")).usage().writeOpenAi(completion);
        return completion;
    }

    /** The message's own {@code model} (the dated version Anthropic served), else the model that was called. */
    static String modelOr(JsonNode model, String calledModel) {
        String named = model.asText("");
        return named.isEmpty() ? calledModel : named;
    }

    /** Anthropic's {@code stop_reason} as an OpenAI {@code finish_reason}. */
    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            // end_turn, stop_sequence, pause_turn
            default -> "stop";
        };
    }

    private static String compact(JsonNode input) {
        try {
            return Json.MAPPER.writeValueAsString(input.isObject() ? input : Json.MAPPER.createObjectNode());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GatewayException notAMessage() {
        return GatewayException.upstreamUnavailable("The upstream answered with a body that is not an Anthropic message.", null);
    }
}
