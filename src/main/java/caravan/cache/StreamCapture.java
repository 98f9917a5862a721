package caravan.cache;

import java.util.ArrayList;
import java.util.List;

import caravan.api.ChatChunk;
import caravan.api.ClientStream;
import caravan.api.ForwardingClientStream;
import caravan.api.Usage;

/**
 * Keeps the chunks of a streamed answer on their way to the client, so that {@code cacheStore} can store
 * the answer once the stream ended cleanly: each chunk goes to the client first and is only kept (never
 * parsed) here. A retry or fallback forgets what the failed attempt sent; a stream that failed or whose
 * client left never completes, so it is never stored; one larger than the route's entry size stops being
 * kept at once.
 */
final class StreamCapture extends ForwardingClientStream {

    private final long maxBytes;
    private List<ChatChunk> chunks = new ArrayList<>();
    private long bytes;
    private boolean tooLarge;
    private boolean completed;
    private Usage usage;

    StreamCapture(ClientStream next, long maxBytes) {
        super(next);
        this.maxBytes = maxBytes;
    }

    @Override
    public void sendChunk(ChatChunk chunk) {
        next.sendChunk(chunk);
        if (tooLarge || !chunk.canonical()) {
            return;
        }
        byte[] raw = chunk.upstreamBytes();
        // a translated chunk holds its tree: about its text, counted by its delta
        bytes += raw != null ? raw.length : 64 + chunk.deltaText().length() * 2L;
        if (bytes > maxBytes) {
            tooLarge = true;
            chunks = null;
            return;
        }
        chunks.add(chunk);
    }

    @Override
    public void completeStream(Usage usage) {
        next.completeStream(usage);
        this.usage = usage;
        this.completed = true;
    }

    @Override
    public void newAttempt() {
        next.newAttempt();
        chunks = new ArrayList<>();
        bytes = 0;
        tooLarge = false;
    }

    /** The chunks of a stream that ended cleanly, or null (it failed, was cut, or grew too large). */
    List<ChatChunk> completedChunks() {
        return completed && !tooLarge ? chunks : null;
    }

    Usage usage() {
        return usage;
    }
}
