package caravan.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a keyed call costs Redis, counted by a redis-server of the test's own: one script at admission
 * (the rate limits and the first attempt's budget) and one when the call ends (budget settled, tokens
 * corrected), whatever limits the key has; and each event loop's calls are answered on that loop.
 */
class RedisRoundTripsTest {

    static final String MASTER = "sk-caravan-master-round-trips";

    @Test
    void aCallToAModelNamedDirectlyMakesTwoScriptCalls() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.startRequired();
             FakeUpstream upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
             GatewayUnderTest gateway = GatewayUnderTest.builder().openAi(upstream).property("gateway.master-key", MASTER)
                     .property("gateway.redis-url", redis.url())
                     // a busy test machine must not turn a slow reply into a call let through unlimited (fail open)
                     .property("gateway.redis-timeout-ms", "10000").start()) {
            String key = new Admin(gateway, MASTER).createKey("{\"tenant\":\"t-trips\",\"rpm\":1000,\"tpm\":1000000,"
                    + "\"budget_usd\":100,\"budget_period\":\"day\"}").get("key").asText();
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

                // the ends are written after the answers: wait for all twenty, then make sure no more came
                await().until(() -> scriptCalls(stats) - before >= 20);
                assertThat(scriptCalls(stats) - before).isEqualTo(20);
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

    private static final Pattern EVALSHA = Pattern.compile("cmdstat_evalsha:calls=(\\d+)");

    private static long scriptCalls(Redis redis) {
        String info = redis.send(Request.cmd(Command.INFO).arg("commandstats")).toCompletionStage().toCompletableFuture()
                .join().toString();
        Matcher calls = EVALSHA.matcher(info);
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
}
