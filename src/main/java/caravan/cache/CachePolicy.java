package caravan.cache;

import org.apache.camel.support.RoutePolicySupport;

/**
 * A named route's own cache settings, written in its YAML: a bean of this type (a {@code beans:} entry of
 * the route's file) named as the route's {@code routePolicy}. Whatever it leaves unset is the gateway's
 * default. The {@code cacheLookup} step reads it before the route is called; as a route policy it does
 * nothing at run time, it only travels with the route (a reload of the file brings the new settings).
 *
 * <pre>
 * - beans:
 *     - name: supportCache
 *       type: caravan.cache.CachePolicy
 *       properties: { mode: semantic, ttlSeconds: 600, similarity: 0.9 }
 * - route:
 *     id: support
 *     group: policies
 *     routePolicy: supportCache
 * </pre>
 */
public final class CachePolicy extends RoutePolicySupport {

    private String mode;
    private Long ttlSeconds;
    private Double similarity;
    private Long maxEntryBytes;
    private Integer maxMessages;
    private Double maxTemperature;
    private Boolean toolCalls;
    /** The settings last derived, with the defaults they were derived from: read on every call of the route. */
    private volatile Derived derived;

    private record Derived(CacheSettings defaults, CacheSettings settings) {
    }

    /** These settings over {@code defaults}; checked (and a mistake thrown) the first time the route is called. */
    CacheSettings settings(CacheSettings defaults) {
        Derived known = derived;
        if (known != null && known.defaults == defaults) {
            return known.settings;
        }
        CacheSettings settings = new CacheSettings(
                mode == null ? defaults.mode() : CacheMode.of(mode, "The route's cache mode"),
                ttlSeconds == null ? defaults.ttlSeconds() : ttlSeconds,
                similarity == null ? defaults.similarity() : similarity,
                maxEntryBytes == null ? defaults.maxEntryBytes() : maxEntryBytes,
                maxMessages == null ? defaults.maxMessages() : maxMessages,
                maxTemperature == null ? defaults.maxTemperature() : maxTemperature,
                toolCalls == null ? defaults.toolCalls() : toolCalls);
        derived = new Derived(defaults, settings);
        return settings;
    }

    /** off, exact or semantic (semantic looks up the exact request first). */
    public void setMode(String mode) {
        this.mode = mode;
        derived = null;
    }

    /** How long the route's answers are served from the cache. */
    public void setTtlSeconds(long ttlSeconds) {
        this.ttlSeconds = ttlSeconds;
        derived = null;
    }

    /** The least cosine similarity (0 to 1) of a semantic hit. */
    public void setSimilarity(double similarity) {
        this.similarity = similarity;
        derived = null;
    }

    /** An answer larger than this (bytes of its JSON) is not stored. */
    public void setMaxEntryBytes(long maxEntryBytes) {
        this.maxEntryBytes = maxEntryBytes;
        derived = null;
    }

    /** A conversation with more messages skips the semantic cache. */
    public void setMaxMessages(int maxMessages) {
        this.maxMessages = maxMessages;
        derived = null;
    }

    /** A request with a higher {@code temperature} skips the semantic cache. */
    public void setMaxTemperature(double maxTemperature) {
        this.maxTemperature = maxTemperature;
        derived = null;
    }

    /** Whether answers that call tools are stored (off by default: a tool's result may change). */
    public void setToolCalls(boolean toolCalls) {
        this.toolCalls = toolCalls;
        derived = null;
    }
}
