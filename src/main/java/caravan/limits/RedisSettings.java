package caravan.limits;

import java.net.URI;
import java.time.Duration;

/**
 * How the shared limit store reaches Redis.
 *
 * @param url         {@code REDIS_URL} as the Vert.x client reads it: {@code redis://host:port},
 *                    {@code redis://:password@host:port/db}, {@code rediss://...} for TLS
 * @param keyPrefix   put before every key, so that several deployments (or tests) can share one Redis
 * @param timeout     the longest a call may take before the store counts as unavailable for it
 * @param maxInFlight the most calls waiting for their replies on one event loop's connection; past that
 *                    they fail at once
 */
public record RedisSettings(String url, String keyPrefix, Duration timeout, int maxInFlight) {

    /** The defaults: a call that took longer than this is better answered by the caller's fail-open/closed rule. */
    public static RedisSettings of(String url) {
        return new RedisSettings(url, "caravan:", Duration.ofMillis(250), 4096);
    }

    public RedisSettings withTimeout(Duration timeout) {
        return new RedisSettings(url, keyPrefix, timeout, maxInFlight);
    }

    public RedisSettings withKeyPrefix(String prefix) {
        return new RedisSettings(url, prefix, timeout, maxInFlight);
    }

    /** Where Redis is, for logs and errors: the URL without its user and password. */
    public String address() {
        try {
            URI uri = URI.create(url);
            String host = uri.getHost() == null ? "" : uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            return uri.getScheme() + "://" + host + (uri.getPath() == null ? "" : uri.getPath());
        } catch (IllegalArgumentException unparsable) {
            return "(a REDIS_URL that is not a URL)";
        }
    }
}
