package caravan.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Targets that answered 429 with a Retry-After, and until when later requests skip them. */
public final class Cooldowns {

    /** Targets are what clients name, so the set is bounded: past it, expired entries go, then new ones are not kept. */
    static final int MAX_TARGETS = 10_000;

    private final Map<Target, Long> until = new ConcurrentHashMap<>();

    void coolDown(Target target, long millis) {
        if (millis <= 0) {
            return;
        }
        if (until.size() >= MAX_TARGETS && !until.containsKey(target)) {
            long now = System.nanoTime();
            until.values().removeIf(end -> end - now <= 0);
            if (until.size() >= MAX_TARGETS) {
                return;
            }
        }
        until.merge(target, System.nanoTime() + millis * 1_000_000, Math::max);
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
