package caravan.cache;

import java.util.Locale;

/** How a call is cached: not at all, by its exact request, or by its exact request and then by meaning. */
public enum CacheMode {
    OFF, EXACT, SEMANTIC;

    /** {@code off}, {@code exact} or {@code semantic}, in any case; anything else is a configuration error. */
    public static CacheMode of(String name, String setting) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " must be off, exact or semantic, not '" + name + "'");
        }
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
