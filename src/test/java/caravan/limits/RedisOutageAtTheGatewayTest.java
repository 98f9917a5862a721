package caravan.limits;

import java.net.http.HttpResponse;
import java.time.Duration;

import caravan.testing.RedisServerProcess;
import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.PrometheusScrape;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway whose Redis stops, or was never there, as its clients and its operator see it: failing open,
 * limited calls go through; failing closed, they get a 503; either way {@code /readyz} and {@code /metrics}
 * say so, a key without limits never notices, and the limits are back when Redis is. Each test stops a
 * redis-server of its own.
 */
class RedisOutageAtTheGatewayTest {

    static final String MASTER = "sk-caravan-master-redis-outage";
    static final String COMPLETION = Recorded.text("openai", "completion.json");

    static FakeUpstream upstream;

    @BeforeAll
    static void startUpstream() {
        upstream = FakeUpstream.start(Answer.json(200, COMPLETION));
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    @BeforeEach
    void freshUpstream() {
        upstream.reset(Answer.json(200, COMPLETION));
    }

    static GatewayUnderTest instance(String redisUrl, String onStoreDown) {
        GatewayUnderTest.Builder builder = GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.master-key", MASTER)
                .property("gateway.redis-url", redisUrl);
        return (onStoreDown == null ? builder : builder.property("gateway.limits-on-store-down", onStoreDown)).start();
    }

    static HttpResponse<String> call(GatewayUnderTest gateway, String key) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}", "Authorization", "Bearer " + key);
    }

    static double rateLimited(GatewayUnderTest gateway, String reason) {
        HttpResponse<String> metrics = gateway.get("/metrics", "Authorization", "Bearer " + MASTER);
        assertThat(metrics.statusCode()).isEqualTo(200);
        return PrometheusScrape.value(metrics.body(), "caravan_rate_limited_total", "reason=\"" + reason + "\"");
    }

    static void assertReadiness(GatewayUnderTest gateway, int status, boolean reachable, String onStoreDown) {
        HttpResponse<String> readyz = gateway.get("/readyz");
        assertThat(readyz.statusCode()).as(readyz.body()).isEqualTo(status);
        JsonNode limits = Admin.json(readyz).get("limits");
        assertThat(limits.get("store").asText()).isEqualTo("redis");
        assertThat(limits.get("reachable").asBoolean()).as(readyz.body()).isEqualTo(reachable);
        assertThat(limits.get("on_store_down").asText()).isEqualTo(onStoreDown);
    }

    static void awaitReachable(GatewayUnderTest gateway) {
        // the store looks for its Redis once a second while it is gone, with no traffic needed
        await("/readyz says Redis is reachable again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Admin.json(gateway.get("/readyz")).at("/limits/reachable").asBoolean());
    }

    @Test
    void failingOpenLetsLimitedCallsThroughUntilRedisIsBack() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.startRequired();
             GatewayUnderTest gateway = instance(redis.url(), null)) {
            Admin admin = new Admin(gateway, MASTER);
            String limited = admin.createKey("{\"tenant\":\"outage-open\",\"rpm\":2}").get("key").asText();
            String unlimited = admin.createKey("{\"tenant\":\"outage-open-free\"}").get("key").asText();
            HttpResponse<String> counted = call(gateway, limited);
            assertThat(counted.statusCode()).isEqualTo(200);
            assertThat(counted.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
            assertReadiness(gateway, 200, true, "open");

            redis.stop();

            // more than the key's 2 a minute: nothing counts them while Redis is down
            for (int i = 0; i < 3; i++) {
                assertThat(call(gateway, limited).statusCode()).isEqualTo(200);
            }
            assertThat(call(gateway, unlimited).statusCode()).isEqualTo(200);
            assertReadiness(gateway, 200, false, "open");
            assertThat(rateLimited(gateway, "store_down_open")).isEqualTo(3);
            assertThat(upstream.requestCount()).isEqualTo(5);

            redis.start();
            awaitReachable(gateway);
            assertReadiness(gateway, 200, true, "open");

            // Redis came back empty, so the key's bucket is full again: and it is enforced again
            assertThat(call(gateway, limited).statusCode()).isEqualTo(200);
            assertThat(call(gateway, limited).statusCode()).isEqualTo(200);
            HttpResponse<String> over = call(gateway, limited);
            assertThat(over.statusCode()).isEqualTo(429);
            assertThat(Admin.json(over).at("/error/code").asText()).isEqualTo("rpm_limit");
            assertThat(call(gateway, unlimited).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void failingClosedRefusesLimitedCallsUntilRedisIsBack() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.startRequired();
             GatewayUnderTest gateway = instance(redis.url(), "closed")) {
            Admin admin = new Admin(gateway, MASTER);
            String limited = admin.createKey("{\"tenant\":\"outage-closed\",\"rpm\":100}").get("key").asText();
            String unlimited = admin.createKey("{\"tenant\":\"outage-closed-free\"}").get("key").asText();
            assertThat(call(gateway, limited).statusCode()).isEqualTo(200);
            assertReadiness(gateway, 200, true, "closed");

            redis.stop();

            HttpResponse<String> refused = call(gateway, limited);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(Admin.json(refused).at("/error/code").asText()).isEqualTo("limits_unavailable");
            assertThat(Admin.json(refused).at("/error/type").asText()).isEqualTo("api_error");
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(call(gateway, unlimited).statusCode()).isEqualTo(200);
            assertReadiness(gateway, 503, false, "closed");
            assertThat(rateLimited(gateway, "store_down_closed")).isEqualTo(1);
            // the first call while Redis answered, and the unlimited one
            assertThat(upstream.requestCount()).isEqualTo(2);

            redis.start();
            awaitReachable(gateway);
            assertReadiness(gateway, 200, true, "closed");

            HttpResponse<String> admitted = call(gateway, limited);
            assertThat(admitted.statusCode()).isEqualTo(200);
            // counted in the Redis that came back empty
            assertThat(admitted.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("99");
        }
    }

    @Test
    void aRedisThatWasNeverThereIsAnOutageFromTheStart() {
        String nothingListens = "redis://127.0.0.1:" + RedisServerProcess.freePort();
        try (GatewayUnderTest open = instance(nothingListens, "open");
             GatewayUnderTest closed = instance(nothingListens, "closed")) {
            for (GatewayUnderTest gateway : new GatewayUnderTest[] {open, closed}) {
                Admin admin = new Admin(gateway, MASTER);
                String limited = admin.createKey("{\"tenant\":\"never-there\",\"tpm\":100000}").get("key").asText();
                String unlimited = admin.createKey("{\"tenant\":\"never-there-free\"}").get("key").asText();

                assertThat(call(gateway, limited).statusCode()).isEqualTo(gateway == open ? 200 : 503);
                assertThat(call(gateway, unlimited).statusCode()).isEqualTo(200);
            }
            assertReadiness(open, 200, false, "open");
            assertReadiness(closed, 503, false, "closed");
            assertThat(rateLimited(open, "store_down_open")).isEqualTo(1);
            assertThat(rateLimited(closed, "store_down_closed")).isEqualTo(1);
        }
    }
}
