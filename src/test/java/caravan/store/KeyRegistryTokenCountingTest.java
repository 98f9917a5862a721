package caravan.store;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import caravan.audit.AuditChain;
import caravan.audit.StateDigests;
import caravan.keys.Budget;
import caravan.keys.BudgetPeriod;
import caravan.keys.KeyRegistry;
import caravan.keys.Limits;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key registry tells the gateway when its calls will be admitted on a token count (a key or tenant
 * with token limits or a budget), so the token tables load ahead of the first such call instead of on
 * its event loop; keys with request limits only, or revoked ones, never make it load them.
 */
class KeyRegistryTokenCountingTest {

    private static final Instant T0 = Instant.parse("2026-12-07T20:00:00Z");

    @TempDir
    Path dataDir;

    Database db;
    GatewaySecret secret;
    JdbcKeyStore store;
    final AtomicInteger told = new AtomicInteger();
    KeyRegistry registry;

    @BeforeEach
    void openStore() {
        db = Database.open(null, dataDir);
        secret = GatewaySecret.load(Base64.getEncoder().encodeToString(new byte[32]), dataDir);
        AuditChain chain = new AuditChain(secret.auditKey());
        store = new JdbcKeyStore(db, secret, new JdbcAuditLog(db, chain), new StateDigests(chain::fingerprint));
        registry = new KeyRegistry(store, secret::digest, told::incrementAndGet);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void keysWithRequestLimitsOnlyDoNotCountTokens() {
        store.insertKey(key("rpm-only", new Limits(60L, null, 4, 10L, null), Budget.NONE), "master");

        registry.reload();

        assertThat(told).hasValue(0);
    }

    @Test
    void aKeyWithATokenLimitDoes() {
        store.insertKey(key("tpm", new Limits(null, 10_000L, null, null, null), Budget.NONE), "master");

        registry.reload();

        assertThat(told).hasValue(1);
    }

    @Test
    void aKeyWithABudgetDoes() {
        store.insertKey(key("budget", Limits.NONE, new Budget(new BigDecimal("5"), BudgetPeriod.DAY)), "master");

        registry.reload();

        assertThat(told).hasValue(1);
    }

    @Test
    void aTenantWithAPerUserTokenLimitDoes() {
        store.insertTenant(new Tenant("acme", new Limits(null, null, null, null, 3_000L), Budget.NONE, Map.of(), null, T0, T0),
                "master");

        registry.reload();

        assertThat(told).hasValue(1);
    }

    @Test
    void aRevokedKeyDoesNot() {
        store.insertKey(key("gone", new Limits(null, 10_000L, null, null, null), Budget.NONE), "master");
        store.revokeKey("gone", T0, "master");

        registry.reload();

        assertThat(told).hasValue(0);
    }

    private VirtualKey key(String id, Limits limits, Budget budget) {
        return new VirtualKey(id, secret.digest("sk-" + id), ("sk-" + id + "xxxxxxxx").substring(0, 8), "key " + id, "acme",
                null, null, List.of(), limits, budget, null, null, T0, T0, null);
    }
}
