package caravan.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The canonical whole answer: an OpenAI {@code chat.completion} object. {@code upstreamBytes} holds the
 * provider's own bytes when they already are that object (an OpenAI-compatible upstream), so an OpenAI
 * client gets them unchanged; it is null when a codec translated the answer.
 */
public record ChatResponse(ObjectNode json, byte[] upstreamBytes, Usage usage) {

    public String id() {
        return json.path("id").asText(null);
    }

    public String model() {
        return json.path("model").asText(null);
    }
}
