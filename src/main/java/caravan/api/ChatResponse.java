package caravan.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The canonical whole answer: an OpenAI {@code chat.completion} object. When the provider's own bytes
 * already are that object (an OpenAI-compatible upstream), they are kept and an OpenAI client gets them
 * unchanged; the Jackson tree is then built only if a step asks for it. A provider speaking another
 * format a client may speak too (Anthropic Messages) has its bytes kept the same way, for such a client,
 * with the translation into the canonical tree made only if a step asks for it. A codec that translated
 * the answer gives the tree and no bytes.
 */
public final class ChatResponse {

    /** The format of {@link #upstreamBytes}, null when there are none. */
    private final WireFormat upstreamFormat;
    private final byte[] upstreamBytes;
    private final Usage usage;
    /** The answer's model as the codec read it while checking the bytes, or null. */
    private final String scannedModel;
    /** Builds the canonical tree from bytes in another format; null for canonical bytes. */
    private final Supplier<ObjectNode> translation;
    private ObjectNode json;

    private ChatResponse(ObjectNode json, WireFormat upstreamFormat, byte[] upstreamBytes, Usage usage,
                         String scannedModel, Supplier<ObjectNode> translation) {
        this.json = json;
        this.upstreamFormat = upstreamFormat;
        this.upstreamBytes = upstreamBytes;
        this.usage = usage;
        this.scannedModel = scannedModel;
        this.translation = translation;
    }

    /** An answer a codec built or translated. */
    public static ChatResponse of(ObjectNode json, Usage usage) {
        return new ChatResponse(json, null, null, usage, null, null);
    }

    /** An upstream's own {@code chat.completion} bytes, already checked to be one, with the usage they report. */
    public static ChatResponse ofCompletionBytes(byte[] bytes, Usage usage) {
        return new ChatResponse(null, WireFormat.CHAT_COMPLETIONS, bytes, usage, null, null);
    }

    /**
     * An upstream's own answer in another format, already checked to be one, with the usage and model it
     * reports; {@code translation} makes its canonical tree when a step needs it.
     */
    public static ChatResponse ofUpstreamAnswer(WireFormat format, byte[] bytes, Usage usage, String model,
                                                Supplier<ObjectNode> translation) {
        return new ChatResponse(null, format, bytes, usage, model, translation);
    }

    public ObjectNode json() {
        if (json == null) {
            json = translation != null ? translation.get() : parse(upstreamBytes);
        }
        return json;
    }

    private static ObjectNode parse(byte[] bytes) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The upstream's bytes of this answer when they are the canonical {@code chat.completion}, else null. */
    public byte[] upstreamBytes() {
        return upstreamBytes(WireFormat.CHAT_COMPLETIONS);
    }

    /** The upstream's own bytes of this answer when it spoke {@code format}: a client speaking it gets them as they are. */
    public byte[] upstreamBytes(WireFormat format) {
        return format == upstreamFormat ? upstreamBytes : null;
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

    /**
     * The answer's model if it is known without building the tree (the tree is built, or the codec read
     * the model while checking the bytes), else null: metrics must not cost a parse per answer.
     */
    public String modelIfParsed() {
        return json != null ? json.path("model").asText(null) : scannedModel;
    }
}
