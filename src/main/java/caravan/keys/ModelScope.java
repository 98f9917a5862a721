package caravan.keys;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import caravan.api.Globs;

/**
 * What a key may call: its {@code models} entries are named routes, {@code provider/model} names, bare
 * model names, or globs over any of those ({@code openai/*}, {@code *-mini}). An empty list allows all.
 * A call is allowed when an entry names what the client asked for (a route, or a model as written) or the
 * provider and model it resolved to; a named route allows whatever its own steps call.
 */
public final class ModelScope {

    private static final int MAX_PATTERNS = 10_000;
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private ModelScope() {
    }

    /**
     * @param requested the model or route name the client sent
     * @param provider  the provider it resolved to, or null for a named route
     * @param model     the provider's model name it resolved to, or null for a named route
     */
    public static boolean allows(List<String> entries, String requested, String provider, String model) {
        if (entries.isEmpty()) {
            return true;
        }
        String qualified = provider == null ? null : provider + "/" + model;
        for (String entry : entries) {
            if (matches(entry, requested) || (qualified != null && (matches(entry, qualified) || matches(entry, model)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String entry, String name) {
        if (name == null) {
            return false;
        }
        if (entry.indexOf('*') < 0) {
            return entry.equals(name);
        }
        Pattern pattern = PATTERNS.get(entry);
        if (pattern == null) {
            pattern = Globs.compile(entry);
            if (PATTERNS.size() < MAX_PATTERNS) {
                PATTERNS.put(entry, pattern);
            }
        }
        return pattern.matcher(name).matches();
    }
}
