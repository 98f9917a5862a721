package caravan.providers.sse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.api.WireFormat;
import caravan.providers.StreamDecoder;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The stream decoder of a provider that streams Server-Sent Events: the bytes go through an
 * {@link SseReader} however the network split them, and each complete event reaches {@link #onEvent},
 * where the provider's decoder turns it into canonical chunks with {@link #emit}.
 *
 * <p>A provider whose events are in a format clients speak too ({@link #SseStreamDecoder(WireFormat)})
 * has each event kept, framed as it came, with the first chunk decoded from it, or sent as a chunk of its
 * own when nothing canonical came of it: a client of that format then gets the provider's stream as is.
 */
public abstract class SseStreamDecoder implements StreamDecoder {

    private static final byte[] DONE = "[DONE]".getBytes();
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.UTF_8);

    private final SseReader reader = new SseReader();
    /** Made once: the reader is handed a listener on every network read. */
    private final SseReader.Listener dispatch = this::dispatch;
    /** The format of the provider's events when a client may speak it too, else null. */
    private final WireFormat eventFormat;
    private Consumer<ChatChunk> out;
    /** The event being decoded, until a chunk carries it on. */
    private byte[] pendingEvent;
    private boolean complete;
    private Usage usage;

    /** A decoder whose events no client speaks: only the canonical chunks go on. */
    protected SseStreamDecoder() {
        this(null);
    }

    /** @param eventFormat the format of the provider's events, which a client of that format is sent as they came */
    protected SseStreamDecoder(WireFormat eventFormat) {
        this.eventFormat = eventFormat;
    }

    @Override
    public final void decode(byte[] bytes, Consumer<ChatChunk> out) {
        this.out = out;
        reader.feed(bytes, dispatch);
    }

    /** Decodes the event the last bytes completed; a decoder that sends something once the body ended adds it after. */
    @Override
    public void finish(Consumer<ChatChunk> out) {
        this.out = out;
        reader.finish(dispatch);
    }

    /** Decodes one complete event: {@code event} is its {@code event:} field (null when absent), {@code data} its data. */
    protected abstract void onEvent(String event, byte[] data);

    private void dispatch(String event, byte[] data) {
        pendingEvent = eventFormat == null ? null : frame(event, data);
        try {
            onEvent(event, data);
            if (pendingEvent != null) {
                out.accept(ChatChunk.upstreamEventOnly(eventFormat, pendingEvent));
            }
        } finally {
            pendingEvent = null;
        }
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

    /** Hands a chunk to whoever fed the bytes that completed it; the first chunk of an event carries the event. */
    protected final void emit(ChatChunk chunk) {
        if (pendingEvent != null) {
            chunk = chunk.withUpstreamEvent(eventFormat, pendingEvent);
            pendingEvent = null;
        }
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

    /**
     * An event written back as a provider writes it: its {@code event:} line, a {@code data:} line per line
     * of data, a blank line. Byte for byte what came for a provider that writes one {@code data:} line with
     * a space after the colon, as Anthropic does.
     */
    static byte[] frame(String event, byte[] data) {
        ByteArrayOutputStream framed = new ByteArrayOutputStream(data.length + 32);
        if (event != null) {
            framed.writeBytes(EVENT);
            framed.writeBytes(event.getBytes(StandardCharsets.UTF_8));
            framed.write('\n');
        }
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == '\n') {
                framed.writeBytes(DATA);
                framed.write(data, start, i - start);
                framed.write('\n');
                start = i + 1;
            }
        }
        framed.write('\n');
        return framed.toByteArray();
    }
}
