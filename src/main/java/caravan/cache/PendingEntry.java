package caravan.cache;

/**
 * What {@code cacheLookup} leaves for {@code cacheStore} on a miss whose answer may be stored: the key,
 * how long to keep the answer, the settings it is judged by, and, for a stream, the capture of its chunks.
 * The exchange variable {@code cachePending}.
 */
public final class PendingEntry {

    private final String key;
    private final long ttlMillis;
    private final CacheSettings settings;
    private final StreamCapture capture;

    PendingEntry(String key, long ttlMillis, CacheSettings settings, StreamCapture capture) {
        this.key = key;
        this.ttlMillis = ttlMillis;
        this.settings = settings;
        this.capture = capture;
    }

    String key() {
        return key;
    }

    long ttlMillis() {
        return ttlMillis;
    }

    CacheSettings settings() {
        return settings;
    }

    /** The stream's capture, or null for a whole answer. */
    StreamCapture capture() {
        return capture;
    }
}
