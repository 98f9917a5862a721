package caravan.limits;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import caravan.testing.RedisServerProcess;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a keyed call costs Redis, counted by a redis-server of the test's own: at most one script at
 * admission (the rate limits and the first attempt's budget), shared with the other admissions of the same
 * round of its event loop, and at most one when the call ends (budget settled, tokens corrected), shared
 * with the other calls that end within a few milliseconds, whatever limits the key has; and each event
 * loop's calls are answered on that loop.
 */
class RedisRoundTripsTest {

    static final String MASTER = "sk-caravan-master-round-trips";

    @Test
    void aCallToAModelNamedDirectlyMakesAtMostTwoScriptCalls() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.startRequired();
             FakeUpstream upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
             GatewayUnderTest gateway = GatewayUnderTest.builder().openAi(upstream).property("gateway.master-key", MASTER)
                     .property("gateway.redis-url", redis.url())
                     // a busy test machine must not turn a slow reply into a call let through unlimited (fail open)
                     .property("gateway.redis-timeout-ms", "10000").start()) {
            var created = new Admin(gateway, MASTER).createKey("{\"tenant\":\"t-trips\",\"rpm\":1000,\"tpm\":1000000,"
                    + "\"budget_usd\":100,\"budget_period\":\"day\"}");
            String key = created.get("key").asText();
            String keyId = created.get("id").asText();
            Vertx vertx = Vertx.vertx();
            Redis stats = Redis.createClient(vertx, redis.url());
            try {
                long before = scriptCalls(stats);
                List<CompletableFuture<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    calls.add(CompletableFuture.supplyAsync(() -> gateway.post("/v1/chat/completions",
                            "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                            "Authorization", "Bearer " + key).statusCode()));
                }
                calls.forEach(call -> assertThat(call.join()).isEqualTo(200));

                // the ends are written after the answers: wait until every reservation is settled, then count
                // at most ten admissions and ten ends (fewer when calls shared them)
                String account = stats.send(Request.cmd(Command.KEYS).arg("caravan:budget:key:" + keyId + ":day:*"))
                        .toCompletionStage().toCompletableFuture().join().get(0).toString();
                await().until(() -> "0".equals(field(stats, account, "reserved")));
                assertThat(scriptCalls(stats) - before).isBetween(2L, 20L);
            } finally {
                stats.close();
                vertx.close().toCompletionStage().toCompletableFuture().join();
            }
        }
    }

    @Test
    void eachEventLoopIsAnsweredOnItsOwnThread() throws Exception {
        Vertx loops = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
        try (RedisServerProcess redis = RedisServerProcess.startRequired();
             LimitStore store = RedisLimitStore.connect(loops, redis.url())) {
            List<CompletableFuture<Boolean>> sameThread = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Context context = loops.getOrCreateContext();
                CompletableFuture<Boolean> answered = new CompletableFuture<>();
                context.runOnContext(start -> {
                    Thread caller = Thread.currentThread();
                    store.take(List.of(new LimitStore.BucketRequest("rpm:key:loop", 100, 1)))
                            .whenComplete((take, failure) -> answered.complete(failure == null && Thread.currentThread() == caller));
                });
                sameThread.add(answered);
            }

            assertThat(sameThread).allSatisfy(answered -> assertThat(answered.join()).isTrue());
        } finally {
            loops.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    @Test
    void callsEndingWithinTheWindowGiveBackInOneScript() throws Exception {
        onOwnRedis((loops, store, stats) -> {
            LimitStore.BucketRequest tpm = new LimitStore.BucketRequest("tpm:key:k", 10_000, 1_000);
            List<String> ids = List.of("r1", "r2", "r3");
            for (String id : ids) {
                LimitStore.Admitted admitted = store.admit(List.of(tpm),
                                List.of(new LimitStore.ReserveRequest("budget:key:k:day", 100 * DOLLAR, 3 * DOLLAR, false, 0, TOMORROW)))
                        .toCompletableFuture().get(5, TimeUnit.SECONDS);
                assertThat(admitted.take().granted()).isTrue();
                assertThat(store.enter("parallel:key:k", 3, id).toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
            }
            long before = scriptCalls(stats);

            // three calls end in one task of an event loop: its timer cannot fire before all three are in
            CompletableFuture<Void> ended = new CompletableFuture<>();
            loops.getOrCreateContext().runOnContext(task -> {
                for (String id : ids) {
                    store.finish(List.of(new LimitStore.Settlement("budget:key:k:day", 3 * DOLLAR, DOLLAR / 2, TOMORROW)),
                            List.of(new LimitStore.Correction(tpm, -400)), List.of("parallel:key:k"), id);
                }
                ended.complete(null);
            });
            ended.get(5, TimeUnit.SECONDS);

            await().untilAsserted(() -> assertThat(store.account("budget:key:k:day").toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isEqualTo(new LimitStore.Account(3 * DOLLAR / 2, 0)));
            assertThat(scriptCalls(stats) - before).isEqualTo(1);
            // all three slots are free, and 3 x 400 tokens came back: 10 000 - 3 000 + 1 200, less 1 taken now
            for (String id : List.of("r4", "r5", "r6")) {
                assertThat(store.enter("parallel:key:k", 3, id).toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
            }
            LimitStore.Take take = store.take(List.of(new LimitStore.BucketRequest("tpm:key:k", 10_000, 1)))
                    .toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(take.remaining()[0]).isBetween(8_199L, 8_300L);
        });
    }

    @Test
    void admissionsOfOneRoundGoAsOneScriptAndSeeEachOthersTakes() throws Exception {
        onOwnRedis((loops, store, stats) -> {
            // warm the connection (it loads the scripts as it opens) so that the round below is one write
            store.take(List.of(new LimitStore.BucketRequest("rpm:key:warm", 10, 1))).toCompletableFuture().get(5, TimeUnit.SECONDS);
            long before = scriptCalls(stats);

            // seven calls admitted in one task of an event loop: 5 requests a minute, a budget of $10 at $3 a call
            List<CompletableFuture<LimitStore.Admitted>> admitted = new ArrayList<>();
            CompletableFuture<Void> asked = new CompletableFuture<>();
            loops.getOrCreateContext().runOnContext(task -> {
                for (int i = 0; i < 7; i++) {
                    admitted.add(store.admit(List.of(new LimitStore.BucketRequest("rpm:key:k", 5, 1)),
                                    List.of(new LimitStore.ReserveRequest("budget:key:k:day", 10 * DOLLAR, 3 * DOLLAR, false, 0, TOMORROW)))
                            .toCompletableFuture());
                }
                asked.complete(null);
            });
            asked.get(5, TimeUnit.SECONDS);
            List<LimitStore.Admitted> outcomes = new ArrayList<>();
            for (CompletableFuture<LimitStore.Admitted> outcome : admitted) {
                outcomes.add(outcome.get(5, TimeUnit.SECONDS));
            }

            assertThat(scriptCalls(stats) - before).isEqualTo(1);
            // as one after another: the buckets grant five and refuse two, the budget reserves three and refuses the fourth
            assertThat(outcomes).extracting(outcome -> outcome.take().granted()).containsExactly(true, true, true, true, true, false, false);
            assertThat(outcomes.subList(0, 5)).extracting(outcome -> outcome.take().remaining()[0]).containsExactly(4L, 3L, 2L, 1L, 0L);
            assertThat(outcomes.subList(0, 5)).extracting(LimitStore.Admitted::refusedAccount).containsExactly(-1, -1, -1, 0, 0);
            assertThat(store.account("budget:key:k:day").toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isEqualTo(new LimitStore.Account(0, 9 * DOLLAR));
            // what the round took is in Redis: the next take finds the bucket empty
            assertThat(store.take(List.of(new LimitStore.BucketRequest("rpm:key:k", 5, 1))).toCompletableFuture()
                    .get(5, TimeUnit.SECONDS).granted()).isFalse();
        });
    }

    private static final long DOLLAR = 1_000_000_000L;
    private static final Instant TOMORROW = Instant.now().plus(Duration.ofDays(1));

    private interface StoreTest {
        void run(Vertx loops, LimitStore store, Redis stats) throws Exception;
    }

    /** Runs a test against a store on a redis-server of its own, with a client that reads its statistics. */
    private static void onOwnRedis(StoreTest test) throws Exception {
        Vertx loops = Vertx.vertx();
        try (RedisServerProcess redis = RedisServerProcess.startRequired();
             LimitStore store = RedisLimitStore.connect(loops, redis.url())) {
            Redis stats = Redis.createClient(loops, redis.url());
            try {
                test.run(loops, store, stats);
            } finally {
                stats.close();
            }
        } finally {
            loops.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static String field(Redis redis, String key, String field) {
        Response value = redis.send(Request.cmd(Command.HGET).arg(key).arg(field)).toCompletionStage().toCompletableFuture().join();
        return value == null ? null : value.toString();
    }

    private static final Pattern EVALSHA = Pattern.compile("cmdstat_evalsha:calls=(\\d+)");

    private static long scriptCalls(Redis redis) {
        String info = redis.send(Request.cmd(Command.INFO).arg("commandstats")).toCompletionStage().toCompletableFuture()
                .join().toString();
        Matcher calls = EVALSHA.matcher(info);
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
}
