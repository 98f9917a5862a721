package caravan.cache;

/**
 * What {@code cacheLookup} leaves for {@code cacheStore} on a miss whose answer may be stored: the key,
 * how long to keep the answer, the settings it is judged by, for a stream the capture of its chunks, and
 * for the semantic cache the question and its embedding (null when the lookup was skipped). The exchange
 * variable {@code cachePending}.
 */
public final class PendingEntry {

    private final String key;
    private final long ttlMillis;
    private final CacheSettings settings;
    private final StreamCapture capture;
    private final SemanticCache.Question question;
    private final float[] vector;

    PendingEntry(String key, long ttlMillis, CacheSettings settings, StreamCapture capture,
                 SemanticCache.Question question, float[] vector) {
        this.key = key;
        this.ttlMillis = ttlMillis;
        this.settings = settings;
        this.capture = capture;
        this.question = question;
        this.vector = vector;
    }

    /** The semantic question to store with the answer, or null. */
    SemanticCache.Question question() {
        return question;
    }

    /** The question's embedding, or null when it was not computed. */
    float[] vector() {
        return vector;
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
