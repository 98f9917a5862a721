package caravan.api;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One canonical stream event: an OpenAI {@code chat.completion.chunk}. Like {@link ChatResponse}, it
 * keeps the upstream's bytes when they are that chunk verbatim, and then builds its Jackson tree only if
 * a step asks for it. {@code usage} is set on the chunk that carries the call's token counts.
 *
 * <p>A provider streaming another format a client may speak too (Anthropic Messages) has each of its
 * events kept with the first chunk decoded from it, so such a client gets the provider's stream event for
 * event; an event that holds nothing canonical ({@code ping}, a block's end) comes as a chunk of its own
 * that has no canonical content ({@link #canonical()} false), which clients of other formats skip.
 */
public final class ChatChunk {

    private final byte[] upstreamBytes;
    private final Usage usage;
    private final boolean hasChoices;
    /** The format of {@link #upstreamEvent}, null when there is none. */
    private final WireFormat upstreamFormat;
    private final byte[] upstreamEvent;
    private final boolean canonical;
    private ObjectNode json;

    private ChatChunk(ObjectNode json, byte[] upstreamBytes, Usage usage, boolean hasChoices,
                      WireFormat upstreamFormat, byte[] upstreamEvent, boolean canonical) {
        this.json = json;
        this.upstreamBytes = upstreamBytes;
        this.usage = usage;
        this.hasChoices = hasChoices;
        this.upstreamFormat = upstreamFormat;
        this.upstreamEvent = upstreamEvent;
        this.canonical = canonical;
    }

    private ChatChunk(ObjectNode json, byte[] upstreamBytes, Usage usage, boolean hasChoices) {
        this(json, upstreamBytes, usage, hasChoices, null, null, true);
    }

    /** A chunk a codec built or translated. */
    public static ChatChunk of(ObjectNode json, Usage usage) {
        JsonNode choices = json.get("choices");
        return new ChatChunk(json, null, usage, choices != null && !choices.isEmpty());
    }

    /**
     * A provider's stream event in {@code format} that holds nothing canonical: only a client speaking that
     * format is sent it. Its {@link #json()} is an empty object.
     */
    public static ChatChunk upstreamEventOnly(WireFormat format, byte[] event) {
        return new ChatChunk(Json.MAPPER.createObjectNode(), null, null, false, format, event, false);
    }

    /** This chunk, carrying the provider's stream event in {@code format} it was decoded from. */
    public ChatChunk withUpstreamEvent(WireFormat format, byte[] event) {
        return new ChatChunk(json, upstreamBytes, usage, hasChoices, format, event, canonical);
    }

    /**
     * A {@code chat.completion.chunk} object without choices: what a codec translating a provider's stream
     * starts each chunk from.
     */
    public static ObjectNode skeleton(String id, long created, String model) {
        ObjectNode chunk = Json.MAPPER.createObjectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

    /** A translated chunk with one choice carrying {@code delta}; a null finish reason is written as null. */
    public static ChatChunk ofDelta(ObjectNode skeleton, int index, ObjectNode delta, String finishReason) {
        ObjectNode choice = skeleton.putArray("choices").addObject();
        choice.put("index", index);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        return of(skeleton, null);
    }

    /** The usage-only chunk a stream ends with: no choices, the call's usage ({@code stream_options.include_usage}). */
    public static ChatChunk ofUsage(ObjectNode skeleton, Usage usage) {
        skeleton.putArray("choices");
        usage.writeOpenAi(skeleton);
        return of(skeleton, usage);
    }

    /**
     * An upstream's own chunk bytes, as already scanned: whether its {@code choices} are non-empty, and
     * the usage it reports.
     */
    public static ChatChunk ofChunkBytes(byte[] bytes, boolean hasChoices, Usage usage) {
        return new ChatChunk(null, bytes, usage, hasChoices);
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

    /** The text this chunk adds to the first choice's content; empty when it adds none. */
    public String deltaText() {
        return canonical ? json().path("choices").path(0).path("delta").path("content").asText("") : "";
    }

    /**
     * The provider's own stream event this chunk was decoded from, framed as the provider sent it, when the
     * provider spoke {@code format} (one other than the canonical one, whose chunks are {@link #upstreamBytes()}).
     */
    public byte[] upstreamEvent(WireFormat format) {
        return format == upstreamFormat ? upstreamEvent : null;
    }

    /** False for a provider's event that holds nothing a client of another format is sent. */
    public boolean canonical() {
        return canonical;
    }

    /** The upstream's bytes of this chunk, or null when it was translated. */
    public byte[] upstreamBytes() {
        return upstreamBytes;
    }

    /** The call's usage when this chunk reports it, else null. */
    public Usage usage() {
        return usage;
    }

    /** The usage-only chunk OpenAI sends last when asked for {@code stream_options.include_usage}. */
    public boolean usageOnly() {
        return usage != null && !hasChoices;
    }
}
