package caravan.cache;

/**
 * How one call is cached: the gateway's defaults ({@code GATEWAY_CACHE}, {@code GATEWAY_CACHE_TTL_S},
 * {@code GATEWAY_CACHE_SIMILARITY}), or what a named route's {@link CachePolicy} says instead.
 *
 * @param mode           off, exact, or semantic (exact first)
 * @param ttlSeconds     how long a stored answer is served
 * @param similarity     the least cosine similarity (0 to 1) of a semantic hit
 * @param maxEntryBytes  a larger answer is not stored
 * @param maxMessages    a longer conversation skips the semantic cache
 * @param maxTemperature a request sampled hotter than this skips the semantic cache
 * @param toolCalls      whether answers that call tools are stored
 */
public record CacheSettings(CacheMode mode, long ttlSeconds, double similarity, long maxEntryBytes, int maxMessages,
                            double maxTemperature, boolean toolCalls) {

    public static final long DEFAULT_TTL_SECONDS = 3600;
    public static final double DEFAULT_SIMILARITY = 0.95;
    public static final long DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_MESSAGES = 4;
    public static final double DEFAULT_MAX_TEMPERATURE = 1.0;

    public CacheSettings {
        if (ttlSeconds < 1) {
            throw new IllegalArgumentException("A cache TTL must be at least 1 second, not " + ttlSeconds);
        }
        if (!(similarity >= 0 && similarity <= 1)) {
            throw new IllegalArgumentException("A cache similarity threshold must be between 0 and 1, not " + similarity);
        }
        if (maxEntryBytes < 1 || maxMessages < 1) {
            throw new IllegalArgumentException("maxEntryBytes and maxMessages must be at least 1");
        }
    }

    public static CacheSettings defaults(CacheMode mode, long ttlSeconds, double similarity) {
        return new CacheSettings(mode, ttlSeconds, similarity, DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MAX_MESSAGES,
                DEFAULT_MAX_TEMPERATURE, false);
    }

    public boolean enabled() {
        return mode != CacheMode.OFF;
    }
}
