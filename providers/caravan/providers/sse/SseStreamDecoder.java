package caravan.providers.sse;

import java.util.Arrays;
import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.providers.StreamDecoder;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The stream decoder of a provider that streams Server-Sent Events: the bytes go through an
 * {@link SseReader} however the network split them, and each complete event reaches {@link #onEvent},
 * where the provider's decoder turns it into canonical chunks with {@link #emit}.
 */
public abstract class SseStreamDecoder implements StreamDecoder, SseReader.Listener {

    private static final byte[] DONE = "[DONE]".getBytes();

    private final SseReader reader = new SseReader();
    private Consumer<ChatChunk> out;
    private boolean complete;
    private Usage usage;

    @Override
    public final void decode(byte[] bytes, Consumer<ChatChunk> out) {
        this.out = out;
        reader.feed(bytes, this);
    }

    /** Decodes the event the last bytes completed; a decoder that sends something once the body ended adds it after. */
    @Override
    public void finish(Consumer<ChatChunk> out) {
        this.out = out;
        reader.finish(this);
    }

    @Override
    public final boolean endOfStream() {
        return complete;
    }

    @Override
    public final Usage usage() {
        return usage;
    }

    /** The provider said the answer is complete: the stream may end cleanly now. */
    protected final void complete() {
        complete = true;
    }

    /** The provider reported the usage so far; a later report replaces it, an event without one changes nothing. */
    protected final void reportUsage(Usage reported) {
        if (reported != null) {
            usage = reported;
        }
    }

    /** Hands a chunk to whoever fed the bytes that completed it. */
    protected final void emit(ChatChunk chunk) {
        out.accept(chunk);
    }

    /** {@code data: [DONE]}, the end of an OpenAI-style stream. */
    protected static boolean isDone(byte[] data) {
        return Arrays.equals(data, DONE);
    }

    /** An event's data as the JSON object every provider's events are; anything else is a broken stream. */
    protected static ObjectNode jsonObject(byte[] data) {
        ObjectNode json = Json.objectOrNull(data);
        if (json == null) {
            throw notJson();
        }
        return json;
    }

    protected static GatewayException notJson() {
        return GatewayException.upstreamUnavailable("The upstream stream sent an event that is not JSON.", null);
    }
}
