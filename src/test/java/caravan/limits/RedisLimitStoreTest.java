package caravan.limits;

import caravan.limits.LimitStore.Take;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** The contract against the Redis the build runs, each test under keys of its own. */
class RedisLimitStoreTest extends LimitStoreContractTest {

    static final String REDIS = "redis://127.0.0.1:6379";

    private static Vertx vertx;
    private static Redis admin;
    private String prefix;

    @BeforeAll
    static void requireRedis() {
        vertx = Vertx.vertx();
        admin = Redis.createClient(vertx, REDIS);
        try {
            answer(admin.send(Request.cmd(Command.PING)).toCompletionStage());
        } catch (AssertionError e) {
            fail("These tests need Redis at 127.0.0.1:6379 (e.g. `redis-server --daemonize yes`): " + e.getMessage());
        }
    }

    @AfterAll
    static void closeVertx() {
        admin.close();
        answer(vertx.close().toCompletionStage());
    }

    @Override
    protected LimitStore newStore() {
        prefix = "caravan-test:" + UUID.randomUUID() + ":";
        return RedisLimitStore.connect(vertx, RedisSettings.of(REDIS).withKeyPrefix(prefix));
    }

    @AfterEach
    void deleteKeys() {
        String cursor = "0";
        do {
            Response page = answer(admin.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*").arg("COUNT").arg(1000))
                    .toCompletionStage());
            cursor = page.get(0).toString();
            if (page.get(1).size() > 0) {
                Request delete = Request.cmd(Command.DEL);
                page.get(1).forEach(key -> delete.arg(key.toString()));
                answer(admin.send(delete).toCompletionStage());
            }
        } while (!cursor.equals("0"));
    }

    @Test
    void twoInstancesOnOneRedisShareOneLimit() {
        Vertx otherInstance = Vertx.vertx();
        try (LimitStore other = RedisLimitStore.connect(otherInstance, RedisSettings.of(REDIS).withKeyPrefix(prefix))) {
            List<CompletableFuture<Take>> takes = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                takes.add(store.take(List.of(bucket("rpm:key:shared", 10, 1))).toCompletableFuture());
                takes.add(other.take(List.of(bucket("rpm:key:shared", 10, 1))).toCompletableFuture());
            }

            long granted = takes.stream().map(LimitStoreContractTest::answer).filter(Take::granted).count();

            assertThat(granted).isEqualTo(10);
        } finally {
            answer(otherInstance.close().toCompletionStage());
        }
    }

    @Test
    void bucketsForgetThemselvesOnceFullAgain() {
        take(bucket("rpm:key:a", 10, 4));

        Response ttl = answer(admin.send(Request.cmd(Command.PTTL).arg(prefix + "bucket:rpm:key:a")).toCompletionStage());

        // 4 tokens refill in 24 s, and the key lives 2 minutes past that
        assertThat(ttl.toLong()).isBetween(120_000L, 144_000L);
    }
}
