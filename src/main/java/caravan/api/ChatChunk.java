package caravan.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One canonical stream event: an OpenAI {@code chat.completion.chunk}. Like {@link ChatResponse}, it keeps
 * the upstream's bytes when they are that chunk verbatim. {@code usage} is set on the chunk that carries
 * the call's token counts.
 */
public record ChatChunk(ObjectNode json, byte[] upstreamBytes, Usage usage) {

    /** The usage-only chunk OpenAI sends last when asked for {@code stream_options.include_usage}. */
    public boolean usageOnly() {
        JsonNode choices = json.get("choices");
        return usage != null && (choices == null || choices.isEmpty());
    }
}
