package caravan.store;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import caravan.api.Json;
import caravan.api.ProviderAccount;
import caravan.audit.AuditChain;
import caravan.audit.AuditRecord;
import caravan.audit.StateDigests;
import caravan.keys.Budget;
import caravan.keys.BudgetPeriod;
import caravan.keys.Limits;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The key store against both databases it runs on: the embedded H2 file and PostgreSQL. */
class JdbcKeyStoreTest {

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnH2 extends Contract {

        @BeforeAll
        void open(@TempDir Path dataDir) {
            openStore(null, dataDir);
        }

        @AfterAll
        void close() {
            db.close();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnPostgreSql extends Contract {

        private TestPostgres postgres;

        @BeforeAll
        void open(@TempDir Path dataDir) {
            postgres = TestPostgres.createDatabase();
            openStore(postgres.url(), dataDir);
        }

        @AfterAll
        void close() {
            if (db != null) {
                db.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    abstract static class Contract {

        private static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123Z");

        Database db;
        GatewaySecret secret;
        JdbcAuditLog auditLog;
        StateDigests states;
        JdbcKeyStore store;

        void openStore(String databaseUrl, Path dataDir) {
            db = Database.open(databaseUrl, dataDir);
            secret = GatewaySecret.load(Base64.getEncoder().encodeToString(new byte[32]), dataDir);
            AuditChain chain = new AuditChain(secret.auditKey());
            auditLog = new JdbcAuditLog(db, chain);
            states = new StateDigests(chain::fingerprint);
            store = new JdbcKeyStore(db, secret, auditLog, states);
        }

        @BeforeEach
        void emptyTables() throws SQLException {
            try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("DELETE FROM virtual_keys");
                statement.executeUpdate("DELETE FROM tenants");
                statement.executeUpdate("DELETE FROM spend");
            }
        }

        @Test
        void keepsEveryFieldOfAKey() {
            VirtualKey key = key("k1", "acme", T0);

            store.insertKey(key, "master");

            assertThat(store.key("k1")).contains(key);
            assertThat(store.key("k1").orElseThrow().budget().usd()).isEqualTo(new BigDecimal("12.5"));
            assertThat(store.key("absent")).isEmpty();
        }

        @Test
        void keepsTheGuardrailsOfAKeyAndATenantAsWritten() throws Exception {
            com.fasterxml.jackson.databind.node.ArrayNode guardrails = (com.fasterxml.jackson.databind.node.ArrayNode)
                    Json.MAPPER.readTree("[\"pii:redact\",{\"name\":\"banned\",\"terms\":[\"titan\"]}]");
            VirtualKey plain = key("k1", "acme", T0);
            VirtualKey guarded = new VirtualKey(plain.id(), plain.digest(), plain.prefix(), plain.name(), plain.tenant(),
                    plain.team(), plain.user(), plain.models(), plain.limits(), plain.budget(), plain.expiresAt(),
                    plain.metadata(), plain.createdAt(), plain.updatedAt(), plain.revokedAt(), plain.cacheControl(), guardrails);
            Tenant tenant = new Tenant("globex", null, null, null, Json.MAPPER.createObjectNode(), T0, T0, guardrails);

            store.insertKey(guarded, "master");
            store.insertTenant(tenant, "master");

            assertThat(store.key("k1").orElseThrow().guardrails()).isEqualTo(guardrails);
            assertThat(store.tenant("globex").orElseThrow().guardrails()).isEqualTo(guardrails);
            assertThat(store.key("k1").orElseThrow()).isEqualTo(guarded);
        }

        @Test
        void keepsAKeyWithNothingOptionalSet() {
            VirtualKey bare = new VirtualKey("k1", secret.digest("sk-bare"), "sk-bare1", null, "acme", null, null,
                    null, null, null, null, Json.MAPPER.createObjectNode(), T0, T0, null);

            store.insertKey(bare, "master");

            assertThat(store.key("k1")).contains(bare);
            assertThat(store.key("k1").orElseThrow().limits().none()).isTrue();
            assertThat(store.key("k1").orElseThrow().budget().limited()).isFalse();
        }

        @Test
        void listsKeysOldestFirstRevokedOnesIncluded() {
            store.insertKey(key("k-new", "acme", T0.plusSeconds(20)), "master");
            store.insertKey(key("k-old", "acme", T0), "master");
            store.insertKey(key("k-mid", "globex", T0.plusSeconds(10)), "master");
            store.revokeKey("k-mid", T0.plusSeconds(30), "master");

            assertThat(store.keys()).extracting(VirtualKey::id).containsExactly("k-old", "k-mid", "k-new");
            assertThat(store.keys().get(1).revokedAt()).isEqualTo(T0.plusSeconds(30));
        }

        @Test
        void replacesAKeyOnUpdate() {
            store.insertKey(key("k1", "acme", T0), "master");
            VirtualKey changed = new VirtualKey("k1", secret.digest("sk-k1"), "sk-k1xxx", "renamed", "acme", "team-b", "bob",
                    List.of("anthropic/*", "support"), new Limits(10L, null, 2, 5L, 500L), new Budget(null, BudgetPeriod.TOTAL),
                    null, metadata("tier", "gold"), T0, T0.plusSeconds(60), null);

            assertThat(store.updateKey(changed, "master")).isTrue();
            assertThat(store.key("k1")).contains(changed);
            assertThat(store.updateKey(key("absent", "acme", T0), "master")).isFalse();
            assertThat(store.key("absent")).isEmpty();
        }

        @Test
        void revokesALiveKeyOnce() {
            store.insertKey(key("k1", "acme", T0), "master");

            assertThat(store.revokeKey("k1", T0.plusSeconds(5), "master")).isTrue();
            assertThat(store.revokeKey("k1", T0.plusSeconds(9), "master")).isFalse();
            assertThat(store.revokeKey("absent", T0, "master")).isFalse();

            VirtualKey revoked = store.key("k1").orElseThrow();
            assertThat(revoked.revokedAt()).isEqualTo(T0.plusSeconds(5));
            assertThat(revoked.updatedAt()).isEqualTo(T0.plusSeconds(5));
            assertThat(revoked.live(T0.plusSeconds(6))).isFalse();
        }

        @Test
        void refusesASecondKeyWithTheSameIdOrDigestWithoutNamingTheDigest() {
            VirtualKey first = key("k1", "acme", T0);
            store.insertKey(first, "master");
            VirtualKey sameDigest = new VirtualKey("k2", first.digest(), "sk-other", null, "acme", null, null,
                    null, null, null, null, null, T0, T0, null);

            assertThatThrownBy(() -> store.insertKey(key("k1", "globex", T0), "master"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("k1");
            assertThatThrownBy(() -> store.insertKey(sameDigest, "master"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageNotContaining(first.digest())
                    .hasNoCause();
            assertThat(store.keys()).containsExactly(first);
        }

        @Test
        void createsReadsUpdatesAndListsTenants() {
            Tenant acme = tenant("acme", T0);
            Tenant globex = new Tenant("globex", null, null, null, Json.MAPPER.createObjectNode(), T0.plusSeconds(1), T0.plusSeconds(1));

            store.insertTenant(acme, "master");
            store.insertTenant(globex, "master");

            assertThat(store.tenant("acme")).contains(acme);
            assertThat(store.tenants()).containsExactly(acme, globex);
            Tenant changed = new Tenant("acme", new Limits(null, 5000L, null, null, null),
                    new Budget(new BigDecimal("100"), BudgetPeriod.MONTH),
                    Map.of("anthropic", new ProviderAccount("sk-ant-acme", null)), metadata("region", "eu"), T0, T0.plusSeconds(9));
            assertThat(store.updateTenant(changed, "master")).isTrue();
            assertThat(store.tenant("acme")).contains(changed);
            assertThat(store.updateTenant(tenant("absent", T0), "master")).isFalse();
            assertThatThrownBy(() -> store.insertTenant(tenant("acme", T0), "master"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("acme");
            assertThat(store.tenant("absent")).isEmpty();
        }

        @Test
        void deletingATenantRevokesItsLiveKeysAtOnce() {
            store.insertTenant(tenant("acme", T0), "master");
            store.insertKey(key("acme-live", "acme", T0), "master");
            store.insertKey(key("acme-revoked", "acme", T0), "master");
            store.revokeKey("acme-revoked", T0.plusSeconds(1), "master");
            store.insertKey(key("globex-live", "globex", T0), "master");

            assertThat(store.deleteTenant("acme", T0.plusSeconds(60), "master")).isTrue();

            assertThat(store.tenant("acme")).isEmpty();
            assertThat(store.key("acme-live").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(60));
            assertThat(store.key("acme-revoked").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(1));
            assertThat(store.key("globex-live").orElseThrow().revokedAt()).isNull();
            assertThat(store.deleteTenant("acme", T0.plusSeconds(61), "master")).isFalse();
        }

        @Test
        void ensuresATenantOnceWithNoLimitsOfItsOwn() {
            assertThat(store.ensureTenant("acme", T0, "master")).isTrue();
            assertThat(store.ensureTenant("acme", T0.plusSeconds(5), "master")).isFalse();

            Tenant ensured = store.tenant("acme").orElseThrow();
            assertThat(ensured.limits()).isEqualTo(Limits.NONE);
            assertThat(ensured.budget()).isEqualTo(Budget.NONE);
            assertThat(ensured.providers()).isEmpty();
            assertThat(ensured.metadata()).isEmpty();
            assertThat(ensured.createdAt()).isEqualTo(T0);
        }

        @Test
        void ensuresATenantOnceWhenSeveralAskAtTheSameTime() throws Exception {
            List<Boolean> created = inParallel(8, () -> store.ensureTenant("acme", T0, "master"));

            assertThat(created).containsOnlyOnce(true);
            assertThat(store.tenants()).extracting(Tenant::id).containsExactly("acme");
        }

        @Test
        void keepsProviderAccountsOnlySealedToTheirTenant() throws SQLException {
            store.insertTenant(tenant("acme", T0), "master");
            store.insertTenant(new Tenant("globex", null, null, null, null, T0, T0), "master");

            String stored = rawProviders("acme");
            assertThat(stored).startsWith("v1:").doesNotContain("sk-acme-openai").doesNotContain("api.acme.test");
            assertThat(store.tenant("acme").orElseThrow().providers()).isEqualTo(Map.of(
                    "openai", new ProviderAccount("sk-acme-openai", "https://api.acme.test/v1"),
                    "gemini", new ProviderAccount(null, "https://gemini.acme.test")));
            assertThat(rawProviders("globex")).isNull();

            try (Connection connection = db.dataSource().getConnection();
                 PreparedStatement copy = connection.prepareStatement("UPDATE tenants SET providers = ? WHERE id = 'globex'")) {
                copy.setString(1, stored);
                copy.executeUpdate();
            }
            assertThatThrownBy(() -> store.tenant("globex"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("globex")
                    .hasMessageNotContaining("sk-acme-openai");
        }

        @Test
        void bumpsTheVersionOnEveryWriteAndOnlyThen() {
            List<Long> versions = new ArrayList<>();
            versions.add(store.changeVersion());
            store.insertTenant(tenant("acme", T0), "master");
            versions.add(store.changeVersion());
            store.updateTenant(tenant("acme", T0.plusSeconds(1)), "master");
            versions.add(store.changeVersion());
            store.ensureTenant("globex", T0, "master");
            versions.add(store.changeVersion());
            store.insertKey(key("k1", "acme", T0), "master");
            versions.add(store.changeVersion());
            store.updateKey(key("k1", "acme", T0.plusSeconds(1)), "master");
            versions.add(store.changeVersion());
            store.revokeKey("k1", T0.plusSeconds(2), "master");
            versions.add(store.changeVersion());
            store.deleteTenant("globex", T0.plusSeconds(3), "master");
            versions.add(store.changeVersion());

            assertThat(versions).isSorted().doesNotHaveDuplicates();

            long unchanged = store.changeVersion();
            store.ensureTenant("acme", T0, "master");
            store.updateTenant(tenant("absent", T0), "master");
            store.deleteTenant("absent", T0, "master");
            store.updateKey(key("absent", "acme", T0), "master");
            store.revokeKey("k1", T0.plusSeconds(4), "master");
            store.addSpend(Map.of("key:k1:0", 5L));
            assertThatThrownBy(() -> store.insertKey(key("k1", "acme", T0), "master")).isInstanceOf(IllegalStateException.class);
            assertThat(store.changeVersion()).isEqualTo(unchanged);
        }

        @Test
        void addsSpendAndReadsZeroForAnAccountNeverSpent() {
            store.addSpend(Map.of("key:k1:0", 1_500L, "tenant:acme:0", 2_000L));
            store.addSpend(Map.of("key:k1:0", -500L, "tenant:acme:0", 0L));

            assertThat(store.spend("key:k1:0")).isEqualTo(1_000L);
            assertThat(store.spend("tenant:acme:0")).isEqualTo(2_000L);
            assertThat(store.spend("never")).isZero();
            store.addSpend(Map.of());
        }

        @Test
        void addsSpendFromSeveralThreadsAtOnceWithoutLosingAny() throws Exception {
            int threads = 8;
            int rounds = 10;

            // each round's account is new, so the threads also race to create it
            inParallel(threads, () -> {
                for (int round = 0; round < rounds; round++) {
                    store.addSpend(Map.of("shared:a", 1L, "shared:b", 1_000_000_007L, "round:" + round, 3L));
                }
                return null;
            });

            assertThat(store.spend("shared:a")).isEqualTo(threads * rounds);
            assertThat(store.spend("shared:b")).isEqualTo(threads * rounds * 1_000_000_007L);
            for (int round = 0; round < rounds; round++) {
                assertThat(store.spend("round:" + round)).as("round %d", round).isEqualTo(threads * 3L);
            }
        }

        @Test
        void migratesNothingTheSecondTime() {
            store.insertTenant(tenant("acme", T0), "master");
            long version = store.changeVersion();

            int executed = Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration").load()
                    .migrate().migrationsExecuted;

            assertThat(executed).isZero();
            assertThat(store.changeVersion()).isEqualTo(version);
            assertThat(store.tenant("acme")).isPresent();
        }

        @Test
        void recordsEveryChangeWithItsActorAndTheDigestOfWhatItStoredAndNothingForNoChange() {
            long before = lastSeq();

            store.insertTenant(tenant("acme", T0), "master");
            store.ensureTenant("globex", T0, "key_operator");
            store.ensureTenant("globex", T0, "key_operator");
            store.insertKey(key("k1", "acme", T0), "master");
            store.updateKey(key("k1", "acme", T0.plusSeconds(1)), "key_operator");
            store.updateKey(key("absent", "acme", T0), "master");
            store.updateTenant(tenant("acme", T0.plusSeconds(2)), "master");
            store.revokeKey("k1", T0.plusSeconds(3), "master");
            store.revokeKey("k1", T0.plusSeconds(4), "master");
            store.insertKey(key("k2", "globex", T0), "master");
            store.insertKey(key("k3", "globex", T0.plusSeconds(1)), "master");
            store.deleteTenant("globex", T0.plusSeconds(5), "key_operator");
            store.deleteTenant("globex", T0.plusSeconds(6), "key_operator");

            List<AuditRecord> records = auditLog.page(before, 100);
            assertThat(records).extracting(AuditRecord::actor, AuditRecord::action, AuditRecord::object).containsExactly(
                    tuple("master", "tenant.create", "acme"),
                    tuple("key_operator", "tenant.create", "globex"),
                    tuple("master", "key.create", "k1"),
                    tuple("key_operator", "key.update", "k1"),
                    tuple("master", "tenant.update", "acme"),
                    tuple("master", "key.revoke", "k1"),
                    tuple("master", "key.create", "k2"),
                    tuple("master", "key.create", "k3"),
                    tuple("key_operator", "tenant.delete", "globex"),
                    tuple("key_operator", "key.revoke", "k2"),
                    tuple("key_operator", "key.revoke", "k3"));
            assertThat(records).extracting(AuditRecord::seq).containsExactly(
                    java.util.stream.LongStream.rangeClosed(before + 1, before + 11).boxed().toArray(Long[]::new));
            // the digest is of the state as stored: the revoked key as it reads back, the same tenant read back
            assertThat(records.get(5).digest()).isEqualTo(states.key(store.key("k1").orElseThrow()));
            assertThat(records.get(4).digest()).isEqualTo(states.tenant(store.tenant("acme").orElseThrow()));
            assertThat(records.get(9).digest()).isEqualTo(states.key(store.key("k2").orElseThrow()));
            assertThat(records.get(8).digest()).as("a deleted tenant has no state").isNull();
            assertThat(records.get(3).digest()).as("an update changes the digest").isNotEqualTo(records.get(2).digest());
            assertThat(auditLog.verify().ok()).isTrue();
        }

        @Test
        void aChangeWhoseAuditRecordCannotBeWrittenIsNotMade() throws SQLException {
            long version = store.changeVersion();
            long next = lastSeq() + 1;
            // a row already where the next record goes: appending it fails as a duplicate seq
            try (Connection connection = db.dataSource().getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_log (seq, at_ms, actor, action,"
                         + " object, digest, mac) VALUES (?, 0, 'x', 'x', 'x', NULL, 'x')")) {
                insert.setLong(1, next);
                insert.executeUpdate();
            }
            try {
                assertThatThrownBy(() -> store.insertTenant(tenant("acme", T0), "master"))
                        .isInstanceOf(StoreException.class).hasMessageContaining("audit record");
                assertThatThrownBy(() -> store.insertKey(key("k1", "acme", T0), "master"))
                        .isInstanceOf(StoreException.class);

                assertThat(store.tenant("acme")).isEmpty();
                assertThat(store.key("k1")).isEmpty();
                assertThat(store.changeVersion()).isEqualTo(version);
            } finally {
                try (Connection connection = db.dataSource().getConnection();
                     PreparedStatement delete = connection.prepareStatement("DELETE FROM audit_log WHERE seq = ?")) {
                    delete.setLong(1, next);
                    delete.executeUpdate();
                }
            }
            store.insertTenant(tenant("acme", T0), "master");
            assertThat(store.tenant("acme")).isPresent();
        }

        private long lastSeq() {
            long last = 0;
            for (List<AuditRecord> page = auditLog.page(0, 1000); !page.isEmpty(); page = auditLog.page(last, 1000)) {
                last = page.get(page.size() - 1).seq();
            }
            return last;
        }

        private VirtualKey key(String id, String tenant, Instant created) {
            return new VirtualKey(id, secret.digest("sk-" + id), ("sk-" + id + "xxxxxxxx").substring(0, 8), "key " + id, tenant,
                    "team-a", "alice", List.of("openai/*", "support-v2"), new Limits(60L, 10_000L, 4, null, null),
                    new Budget(new BigDecimal("12.5"), BudgetPeriod.DAY), created.plusSeconds(86_400),
                    metadata("env", "prod"), created, created, null);
        }

        private static Tenant tenant(String id, Instant updated) {
            return new Tenant(id, new Limits(600L, 100_000L, 20, 30L, 3_000L),
                    new Budget(new BigDecimal("250.123456789"), BudgetPeriod.MONTH),
                    Map.of("openai", new ProviderAccount("sk-" + id + "-openai", "https://api." + id + ".test/v1"),
                            "gemini", new ProviderAccount(null, "https://gemini." + id + ".test")),
                    metadata("plan", "enterprise"), T0, updated);
        }

        private static ObjectNode metadata(String field, String value) {
            ObjectNode metadata = Json.MAPPER.createObjectNode().put(field, value);
            metadata.putArray("tags").add("a").add("b");
            return metadata;
        }

        private String rawProviders(String tenantId) throws SQLException {
            try (Connection connection = db.dataSource().getConnection();
                 PreparedStatement select = connection.prepareStatement("SELECT providers FROM tenants WHERE id = ?")) {
                select.setString(1, tenantId);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getString(1);
                }
            }
        }

        /** Runs {@code work} on {@code threads} threads released at the same moment; their results. */
        private static <T> List<T> inParallel(int threads, Callable<T> work) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch ready = new CountDownLatch(threads);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<T>> futures = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    futures.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return work.call();
                    }));
                }
                ready.await();
                go.countDown();
                List<T> results = new ArrayList<>();
                for (Future<T> future : futures) {
                    results.add(future.get(30, TimeUnit.SECONDS));
                }
                return results;
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
