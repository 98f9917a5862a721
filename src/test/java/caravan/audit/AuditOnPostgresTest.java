package caravan.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import caravan.store.TestPostgres;
import caravan.testing.Admin;
import caravan.testing.AuditPages;
import caravan.testing.GatewayUnderTest;
import caravan.testing.SharedStores;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances on one PostgreSQL with one {@code GATEWAY_AUDIT_KEY}: both record their route files
 * at start and the admin changes made through either, all at once, into one unbroken chain that either
 * verifies, and whose macs are the documented HMAC under that key.
 */
class AuditOnPostgresTest {

    static final String MASTER = "sk-caravan-master-audit-postgres";

    static TestPostgres postgres;
    static String auditKey;
    static GatewayUnderTest a;
    static GatewayUnderTest b;

    @BeforeAll
    static void start() {
        postgres = TestPostgres.createDatabase();
        String secretKey = SharedStores.newSecretKey();
        auditKey = SharedStores.newSecretKey();
        a = instance(secretKey);
        b = instance(secretKey);
    }

    static GatewayUnderTest instance(String secretKey) {
        return GatewayUnderTest.builder()
                .property("gateway.master-key", MASTER)
                .property("gateway.database-url", postgres.url())
                .property("gateway.secret-key", secretKey)
                .property("gateway.audit-key", auditKey)
                .start();
    }

    /** In this order: the instances let go of the database before it is dropped. */
    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] {a, b, postgres}) {
            if (started != null) {
                started.close();
            }
        }
    }

    @Test
    void changesThroughBothInstancesAtOnceMakeOneChainEitherVerifies() throws Exception {
        Admin adminOfA = new Admin(a, MASTER);
        Admin adminOfB = new Admin(b, MASTER);
        // each instance recorded the files it loaded at start
        await().atMost(Duration.ofSeconds(10)).until(() -> AuditPages.all(adminOfA).stream()
                .filter(r -> r.get("object").asText().equals("routes/edge.yaml")).count() == 2);

        int threads = 4;
        int tenants = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads * 2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads * 2; t++) {
                Admin admin = t % 2 == 0 ? adminOfA : adminOfB;
                String prefix = "pg-audit-" + t + "-";
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < tenants; i++) {
                        admin.createTenant("{\"id\":\"" + prefix + i + "\"}");
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<JsonNode> records = AuditPages.all(adminOfB);
        assertThat(records).extracting(r -> r.get("seq").asLong())
                .containsExactly(LongStream.rangeClosed(1, records.size()).boxed().toArray(Long[]::new));
        assertThat(records.stream().filter(r -> r.get("action").asText().equals("tenant.create")))
                .hasSize(threads * 2 * tenants)
                .allSatisfy(r -> assertThat(r.get("actor").asText()).isEqualTo("master"));
        for (Admin admin : List.of(adminOfA, adminOfB)) {
            JsonNode verified = admin.get("/admin/audit/verify");
            assertThat(verified.get("ok").asBoolean()).as("%s", verified).isTrue();
            assertThat(verified.get("records").asLong()).isEqualTo(records.size());
        }

        // the chain is HMAC-SHA-256 under GATEWAY_AUDIT_KEY, as documented: recomputed here from the listing
        AuditChain chain = new AuditChain(Base64.getDecoder().decode(auditKey));
        String previous = AuditChain.GENESIS;
        for (JsonNode record : records) {
            AuditEvent event = new AuditEvent(Instant.parse(record.get("time").asText()), record.get("actor").asText(),
                    record.get("action").asText(), record.get("object").asText(),
                    record.get("digest").isNull() ? null : record.get("digest").asText());
            assertThat(record.get("mac").asText()).as("record %s", record).isEqualTo(chain.mac(previous, record.get("seq").asLong(), event));
            previous = record.get("mac").asText();
        }
    }
}
