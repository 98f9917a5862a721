package caravan.limits;

import caravan.testing.RedisServerProcess;
import caravan.limits.LimitStore.BucketRequest;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A Redis that is not there, stops, comes back or hangs: calls fail promptly and the store recovers by itself. */
class RedisOutageTest {

    private static final List<BucketRequest> ONE_REQUEST = List.of(new BucketRequest("rpm:key:a", 10, 1));

    private static Vertx vertx;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aRedisThatIsNotThereFailsEveryCallPromptly() {
        int port = RedisServerProcess.freePort();
        try (LimitStore store = RedisLimitStore.connect(vertx, "redis://:s3cret@127.0.0.1:" + port + "/2")) {
            assertUnavailable(store.take(ONE_REQUEST));
            assertUnavailable(store.enter("par:key:a", 2, "r1"));
            assertUnavailable(store.reserve("budget:key:a:day", 10, 1, false, 0, Instant.MAX));
            assertUnavailable(store.account("budget:key:a:day"));
            assertThat(store.reachable()).isFalse();

            // fire and forget: no exception, a throttled warning
            store.adjust(ONE_REQUEST.get(0), 5);
            store.leave("par:key:a", "r1");
            store.settle("budget:key:a:day", 1, 1, Instant.MAX);
        }
    }

    @Test
    void theErrorNamesRedisWithoutItsPassword() {
        int port = RedisServerProcess.freePort();
        try (LimitStore store = RedisLimitStore.connect(vertx, "redis://:s3cret@127.0.0.1:" + port + "/2")) {
            assertThatThrownBy(() -> store.take(ONE_REQUEST).toCompletableFuture().get(2, TimeUnit.SECONDS))
                    .cause()
                    .hasMessageContaining("redis://127.0.0.1:" + port + "/2")
                    .hasMessageNotContaining("s3cret");
        }
    }

    @Test
    void aRestartedRedisIsFoundAgainAndGetsTheScriptsAgain() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.startRequired();
             LimitStore store = RedisLimitStore.connect(vertx, server.url())) {
            assertThat(store.take(ONE_REQUEST).toCompletableFuture().get(2, TimeUnit.SECONDS).granted()).isTrue();

            server.stop();
            assertUnavailable(store.take(ONE_REQUEST));
            assertThat(store.reachable()).isFalse();

            server.start();
            // found again with no traffic (the store's own probe); the new connection loads the scripts again
            await().atMost(Duration.ofSeconds(10)).until(store::reachable);
            assertThat(store.take(ONE_REQUEST).toCompletableFuture().get(2, TimeUnit.SECONDS).granted()).isTrue();
        }
    }

    @Test
    void aRedisThatDoesNotAnswerInTimeFailsTheCall() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.startRequired();
             LimitStore store = RedisLimitStore.connect(vertx, server.url())) {
            store.take(ONE_REQUEST).toCompletableFuture().get(2, TimeUnit.SECONDS);

            server.pause();
            try {
                assertThatThrownBy(() -> store.take(ONE_REQUEST).toCompletableFuture().get(1, TimeUnit.SECONDS))
                        .cause()
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("did not answer the take script within 250 ms");
                assertThat(store.reachable()).isFalse();
            } finally {
                server.resume();
            }

            await().atMost(Duration.ofSeconds(10)).until(store::reachable);
            assertThat(store.take(ONE_REQUEST).toCompletableFuture().get(2, TimeUnit.SECONDS).granted()).isTrue();
        }
    }

    @Test
    void theTimeoutIsTheOperatorsToChoose() throws Exception {
        try (RedisServerProcess server = RedisServerProcess.startRequired();
             LimitStore store = LimitStores.open(server.url(), Duration.ofMillis(40), vertx)) {
            store.take(ONE_REQUEST).toCompletableFuture().get(2, TimeUnit.SECONDS);

            server.pause();
            try {
                assertThatThrownBy(() -> store.take(ONE_REQUEST).toCompletableFuture().get(1, TimeUnit.SECONDS))
                        .cause()
                        .hasMessageContaining("did not answer the take script within 40 ms");
            } finally {
                server.resume();
            }
        }
    }

    private static void assertUnavailable(CompletionStage<?> call) {
        assertThatThrownBy(() -> call.toCompletableFuture().get(2, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(StoreUnavailableException.class);
    }
}
