package caravan.keys;

import java.net.http.HttpResponse;
import java.time.Duration;

import caravan.store.TestPostgres;
import caravan.testing.Admin;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import caravan.testing.SharedStores;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances on one PostgreSQL, with the same secret key and the default refresh (500 ms): what
 * the admin does on one is in force on the other within a second, without a restart. Limits stay in each
 * instance's memory here (no Redis): only keys and tenants are shared.
 */
class TwoInstancesOnePostgresTest {

    static final String MASTER = "sk-caravan-master-two-instances";

    static TestPostgres postgres;
    static FakeUpstream upstream;
    static GatewayUnderTest a;
    static GatewayUnderTest b;
    static Admin adminOfA;

    @BeforeAll
    static void start() {
        postgres = TestPostgres.createDatabase();
        String secretKey = SharedStores.newSecretKey();
        upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        a = instance(secretKey);
        b = instance(secretKey);
        adminOfA = new Admin(a, MASTER);
    }

    static GatewayUnderTest instance(String secretKey) {
        return GatewayUnderTest.builder().openAi(upstream)
                .property("gateway.master-key", MASTER)
                .property("gateway.database-url", postgres.url())
                .property("gateway.secret-key", secretKey)
                .start();
    }

    /** In this order: the instances let go of the database before it is dropped. */
    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] {a, b, upstream, postgres}) {
            if (started != null) {
                started.close();
            }
        }
    }

    static HttpResponse<String> call(GatewayUnderTest gateway, String key) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}", "Authorization", "Bearer " + key);
    }

    @Test
    void aKeyMadeOnOneInstanceOpensTheOtherWithinASecond() {
        String key = adminOfA.createKey("{\"tenant\":\"two-made\"}").get("key").asText();
        assertThat(call(a, key).statusCode()).isEqualTo(200);

        SharedStores.awaitKnown(b, key);

        HttpResponse<String> onB = call(b, key);
        assertThat(onB.statusCode()).isEqualTo(200);
        assertThat(onB.headers().firstValue("x-caravan-tenant")).hasValue("two-made");
    }

    @Test
    void aKeyRevokedOnOneInstanceIsRefusedOnTheOtherWithinASecond() {
        JsonNode created = adminOfA.createKey("{\"tenant\":\"two-revoked\"}");
        String id = created.get("id").asText();
        String key = created.get("key").asText();
        SharedStores.awaitKnown(b, key);
        assertThat(call(b, key).statusCode()).isEqualTo(200);

        adminOfA.delete("/admin/keys/" + id);

        await("B refuses the key revoked on A").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(25))
                .until(() -> SharedStores.models(b, key).statusCode() == 401);
        HttpResponse<String> refused = call(b, key);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(Admin.json(refused).at("/error/code").asText()).isEqualTo("invalid_api_key");
    }

    @Test
    void aTenantChangedOnOneInstanceIsInForceOnTheOther() {
        adminOfA.createTenant("{\"id\":\"two-tenant\"}");
        String key = adminOfA.createKey("{\"tenant\":\"two-tenant\"}").get("key").asText();
        SharedStores.awaitKnown(b, key);
        HttpResponse<String> unlimited = call(b, key);
        assertThat(unlimited.statusCode()).isEqualTo(200);
        assertThat(unlimited.headers().firstValue("x-ratelimit-limit-requests")).isEmpty();

        adminOfA.patch("/admin/tenants/two-tenant", "{\"rpm\":1}");

        // the first call B admits under the tenant's new limit takes its one request of the minute
        await("B admits under the tenant's rpm set on A")
                .atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(25))
                .until(() -> call(b, key).headers().firstValue("x-ratelimit-limit-requests").orElse(""), "1"::equals);
        HttpResponse<String> over = call(b, key);
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(Admin.json(over).at("/error/code").asText()).isEqualTo("rpm_limit");
        assertThat(Admin.json(over).at("/error/message").asText()).contains("tenant");
    }
}
