package caravan.limits;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LimitStoresTest {

    @Test
    void noRedisUrlMeansMemory() {
        try (LimitStore store = LimitStores.open(" ", null)) {
            assertThat(store.kind()).isEqualTo("memory");
        }
    }

    @Test
    void aRedisUrlMeansRedis() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (LimitStore store = LimitStores.open(RedisLimitStoreTest.REDIS, vertx)) {
            assertThat(store.kind()).isEqualTo("redis");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
