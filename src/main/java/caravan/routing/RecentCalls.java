package caravan.routing;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/** Which model answered each recent request, so feedback posted later can be credited to it. */
public final class RecentCalls {

    private final Cache<String, Target> served;

    public RecentCalls(long capacity, Duration keep) {
        this.served = Caffeine.newBuilder().maximumSize(capacity).expireAfterWrite(keep).build();
    }

    void remember(String requestId, Target target) {
        served.put(requestId, target);
    }

    /** The model that answered the request, or null when it is unknown or too old. */
    public Target servedBy(String requestId) {
        return served.getIfPresent(requestId);
    }
}
