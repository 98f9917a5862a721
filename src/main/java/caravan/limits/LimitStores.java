package caravan.limits;

import io.vertx.core.Vertx;

/** Chooses the limit store from configuration: Redis when {@code REDIS_URL} is set, else this process's memory. */
public final class LimitStores {

    private LimitStores() {
    }

    public static LimitStore open(String redisUrl, Vertx vertx) {
        return open(redisUrl, null, vertx);
    }

    /** @param timeout how long a Redis command may take before the store counts as down for it, or null for the default */
    public static LimitStore open(String redisUrl, java.time.Duration timeout, Vertx vertx) {
        if (redisUrl == null || redisUrl.isBlank()) {
            return new LocalLimitStore();
        }
        RedisSettings settings = RedisSettings.of(redisUrl.strip());
        return RedisLimitStore.connect(vertx, timeout == null ? settings : settings.withTimeout(timeout));
    }
}
