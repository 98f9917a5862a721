package caravan.api;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The canonical whole answer: an OpenAI {@code chat.completion} object. When the provider's own bytes
 * already are that object (an OpenAI-compatible upstream), they are kept and an OpenAI client gets them
 * unchanged; the Jackson tree is then built only if a step asks for it. A codec that translated the
 * answer gives the tree and no bytes.
 */
public final class ChatResponse {

    private final byte[] upstreamBytes;
    private final Usage usage;
    private ObjectNode json;

    private ChatResponse(ObjectNode json, byte[] upstreamBytes, Usage usage) {
        this.json = json;
        this.upstreamBytes = upstreamBytes;
        this.usage = usage;
    }

    /** An answer a codec built or translated. */
    public static ChatResponse of(ObjectNode json, Usage usage) {
        return new ChatResponse(json, null, usage);
    }

    /** An upstream's own {@code chat.completion} bytes, already checked to be one, with the usage they report. */
    public static ChatResponse ofCompletionBytes(byte[] bytes, Usage usage) {
        return new ChatResponse(null, bytes, usage);
    }

    public ObjectNode json() {
        if (json == null) {
            try {
                json = (ObjectNode) Json.MAPPER.readTree(upstreamBytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return json;
    }

    /** The upstream's bytes of this answer, or null when it was translated. */
    public byte[] upstreamBytes() {
        return upstreamBytes;
    }

    /** The tokens the call consumed; null when the provider reported none. */
    public Usage usage() {
        return usage;
    }

    /** The text of the first choice's message; empty when it has none (tool calls only, say). */
    public String answerText() {
        return json().path("choices").path(0).path("message").path("content").asText("");
    }

    public String id() {
        return json().path("id").asText(null);
    }

    public String model() {
        return json().path("model").asText(null);
    }

    /** The answer's model if its tree is already built, else null: metrics must not cost a parse per answer. */
    public String modelIfParsed() {
        return json == null ? null : json.path("model").asText(null);
    }
}
