package caravan.limits;

import io.vertx.core.Vertx;

/** Chooses the limit store from configuration: Redis when {@code REDIS_URL} is set, else this process's memory. */
public final class LimitStores {

    private LimitStores() {
    }

    public static LimitStore open(String redisUrl, Vertx vertx) {
        return redisUrl == null || redisUrl.isBlank() ? new LocalLimitStore() : RedisLimitStore.connect(vertx, redisUrl.strip());
    }
}
