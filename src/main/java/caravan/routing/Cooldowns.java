package caravan.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Targets that answered 429 with a Retry-After, and until when later requests skip them. */
public final class Cooldowns {

    private final Map<Target, Long> until = new ConcurrentHashMap<>();

    void coolDown(Target target, long millis) {
        if (millis > 0) {
            until.merge(target, System.nanoTime() + millis * 1_000_000, Math::max);
        }
    }

    /** Forgets every cooldown (an operator's reset, and tests). */
    public void clear() {
        until.clear();
    }

    boolean isCooling(Target target) {
        Long end = until.get(target);
        if (end == null) {
            return false;
        }
        if (end - System.nanoTime() > 0) {
            return true;
        }
        until.remove(target, end);
        return false;
    }
}
