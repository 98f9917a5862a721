package caravan.routing;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/** Which model answered each recent request, so feedback posted later can be credited to it. */
public final class RecentCalls {

    private final Cache<String, Target> served;

    public RecentCalls(long capacity, Duration keep) {
        // upkeep on the writing thread: the default hands it to the common pool on every write, and that
        // hand-off (a thread wake-up per request) cost more than the upkeep itself
        this.served = Caffeine.newBuilder().maximumSize(capacity).expireAfterWrite(keep).executor(Runnable::run).build();
    }

    void remember(String requestId, Target target) {
        served.put(requestId, target);
    }

    /** The model that answered the request, or null when it is unknown or too old. */
    public Target servedBy(String requestId) {
        return served.getIfPresent(requestId);
    }
}
