package caravan.cache;

import caravan.api.GatewayException;
import caravan.keys.VirtualKey;
import org.apache.camel.Message;

/**
 * What the client asked of the cache for this call: {@code Cache-Control: no-cache} (answer afresh, store the
 * new answer), {@code no-store} (neither look up nor store), and {@code x-caravan-cache-ttl: <seconds>} (how
 * long to keep this answer). A key its admin barred from these ({@code cache_control: false}) is cached as
 * its route says, whatever it sends.
 *
 * @param ttlSeconds the TTL asked for, or 0 for the route's
 */
record CacheDirectives(boolean noCache, boolean noStore, long ttlSeconds) {

    static final String TTL_HEADER = "x-caravan-cache-ttl";
    /** A month: longer is a mistake, and an entry would outlive any change of the route's models. */
    static final long MAX_TTL_SECONDS = 30L * 24 * 3600;

    static final CacheDirectives NONE = new CacheDirectives(false, false, 0);

    static CacheDirectives of(Message message, VirtualKey key) {
        if (key != null && !key.cacheControl()) {
            return NONE;
        }
        String control = message.getHeader("Cache-Control", String.class);
        String ttl = message.getHeader(TTL_HEADER, String.class);
        if (control == null && ttl == null) {
            return NONE;
        }
        boolean noCache = false;
        boolean noStore = false;
        if (control != null) {
            for (String directive : control.split(",")) {
                String name = directive.trim();
                noCache |= name.equalsIgnoreCase("no-cache");
                noStore |= name.equalsIgnoreCase("no-store");
            }
        }
        return new CacheDirectives(noCache, noStore, ttl == null ? 0 : ttlSeconds(ttl.trim()));
    }

    private static long ttlSeconds(String value) {
        long seconds;
        try {
            seconds = Long.parseLong(value);
        } catch (NumberFormatException notANumber) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > MAX_TTL_SECONDS) {
            throw GatewayException.badRequest("Invalid '" + TTL_HEADER + "': give whole seconds from 1 to "
                    + MAX_TTL_SECONDS + ".", TTL_HEADER, "invalid_value");
        }
        return seconds;
    }
}
