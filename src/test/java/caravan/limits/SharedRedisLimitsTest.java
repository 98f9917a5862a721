package caravan.limits;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import caravan.testing.RedisServerProcess;
import caravan.store.TestPostgres;
import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import caravan.testing.SharedStores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances on one Redis (and one PostgreSQL): a key's rate limit and a tenant's budget are one
 * limit across both, not one per instance. The Redis is this class's own redis-server, so no other test
 * (and no earlier run) shares its counters.
 */
class SharedRedisLimitsTest {

    static final String MASTER = "sk-caravan-master-shared-redis";
    static final String COMPLETION = Recorded.text("openai", "completion.json");

    static RedisServerProcess redis;
    static TestPostgres postgres;
    static FakeUpstream upstream;
    static GatewayUnderTest a;
    static GatewayUnderTest b;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.startRequired();
        postgres = TestPostgres.createDatabase();
        String secretKey = SharedStores.newSecretKey();
        upstream = FakeUpstream.start(Answer.json(200, COMPLETION));
        a = instance(secretKey);
        b = instance(secretKey);
    }

    static GatewayUnderTest instance(String secretKey) {
        return GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.master-key", MASTER)
                .property("gateway.database-url", postgres.url())
                .property("gateway.secret-key", secretKey)
                .property("gateway.redis-url", redis.url())
                .start();
    }

    /** In this order: the instances write their spend and let go of PostgreSQL and Redis before those go. */
    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] {a, b, upstream, postgres, redis}) {
            if (started != null) {
                started.close();
            }
        }
    }

    @BeforeEach
    void freshUpstream() {
        upstream.reset(Answer.json(200, COMPLETION));
    }

    static String chat(int maxTokens) {
        return "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
    }

    static CompletableFuture<HttpResponse<String>> callLater(GatewayUnderTest gateway, String key, String body) {
        HttpRequest request = gateway.request("/v1/chat/completions").header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return GatewayUnderTest.http().sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aKeysRequestsPerMinuteAreOneLimitAcrossBothInstances() {
        String key = new Admin(a, MASTER).createKey("{\"tenant\":\"shared-rpm\",\"rpm\":4}").get("key").asText();
        SharedStores.awaitKnown(b, key);

        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add((i % 2 == 0 ? a : b).post("/v1/chat/completions", chat(16), "Authorization", "Bearer " + key));
        }

        // one limit per instance would have let 4 + 4 through
        assertThat(answers).extracting(HttpResponse::statusCode).containsExactly(200, 200, 200, 200, 429, 429, 429, 429, 429, 429);
        assertThat(answers.subList(4, 10)).allSatisfy(answer ->
                assertThat(Admin.json(answer).at("/error/code").asText()).isEqualTo("rpm_limit"));
        // each granted call, on either instance, saw what both had taken
        assertThat(answers.subList(0, 4)).extracting(answer -> answer.headers().firstValue("x-ratelimit-remaining-requests").orElse(""))
                .containsExactly("3", "2", "1", "0");
        assertThat(upstream.requestCount()).isEqualTo(4);
    }

    @Test
    void aTenantsBudgetIsOneBudgetAcrossBothInstances() {
        // each call reserves its input and 100,000 output tokens of gpt-4o-mini, a little over $0.06: room for 6
        new Admin(a, MASTER).createTenant("{\"id\":\"shared-budget\",\"budget_usd\":0.39}");
        String key = new Admin(b, MASTER).createKey("{\"tenant\":\"shared-budget\"}").get("key").asText();
        SharedStores.awaitKnown(a, key);
        CompletableFuture<Void> release = new CompletableFuture<>();
        upstream.reset(exchange -> release.thenRun(() -> exchange.vertx().runOnContext(
                v -> Answer.json(200, COMPLETION).answer(exchange))));

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(callLater(i % 2 == 0 ? a : b, key, chat(100_000)));
        }
        try {
            // the upstream holds every call it got until each of the others was refused
            await("every call refused or held by the upstream").atMost(Duration.ofSeconds(20))
                    .until(() -> calls.stream().filter(CompletableFuture::isDone).count() + upstream.requestCount() == 20);
        } finally {
            release.complete(null);
        }
        List<HttpResponse<String>> answers = calls.stream().map(CompletableFuture::join).toList();
        // one budget each would have let 6 + 6 through
        assertThat(answers).filteredOn(answer -> answer.statusCode() == 200).hasSize(6);
        List<HttpResponse<String>> refused = answers.stream().filter(answer -> answer.statusCode() == 429).toList();
        assertThat(refused).hasSize(14);
        assertThat(refused).allSatisfy(answer -> {
            assertThat(Admin.json(answer).at("/error/code").asText()).isEqualTo("budget_exceeded");
            assertThat(Admin.json(answer).at("/error/message").asText()).contains("tenant");
        });
        assertThat(upstream.requestCount()).isEqualTo(6);
    }
}
