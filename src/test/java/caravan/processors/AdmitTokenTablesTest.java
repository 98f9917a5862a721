package caravan.processors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import caravan.api.HeldTokenTables;
import caravan.api.TokenCount;
import caravan.api.TokenTables;
import caravan.api.Variables;
import caravan.keys.Budget;
import caravan.keys.Limits;
import caravan.limits.Admission;
import caravan.limits.Admissions;
import caravan.limits.Budgets;
import caravan.limits.LocalLimitStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key with a token limit has each call admitted on a token count. A call that comes before the token
 * tables are in memory (the moment after a start) waits for them on a worker while its event loop goes on
 * serving, and is admitted after; a key with request limits only never waits for them.
 */
class AdmitTokenTablesTest {

    private static Vertx vertx;
    private static CamelContext camel;
    private final Admissions admissions;

    AdmitTokenTablesTest() {
        LocalLimitStore store = new LocalLimitStore();
        admissions = new Admissions(store, new Budgets(store, null, null, null, null), true, 4096, (reason, tenant) -> { });
    }

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        camel = new DefaultCamelContext();
        // the count itself uses the process's tables
        TokenCount.load();
    }

    @AfterAll
    static void stop() throws Exception {
        camel.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCountedCallWaitsForTheTablesOffItsEventLoop() throws Exception {
        HeldTokenTables held = new HeldTokenTables();
        Admit admit = new Admit(admissions, vertx, held.tables());
        Exchange exchange = AdmitCalls.of(camel, new Limits(null, 100_000L, null, null, null), Budget.NONE);
        CompletableFuture<Boolean> admitted = new CompletableFuture<>();
        Context loop = vertx.getOrCreateContext();

        loop.runOnContext(v -> admit.process(exchange, admitted::complete));
        held.assertLoadingOffTheLoopWhileItServes(loop);
        assertThat(admitted).isNotDone();

        held.release();
        assertThat(admitted.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getVariable(Variables.ADMISSION, Admission.class)).isNotNull();
    }

    @Test
    void aKeyWithRequestLimitsOnlyNeverWaitsForTheTables() throws Exception {
        Admit admit = new Admit(admissions, vertx, new TokenTables(() -> false, () -> {
            throw new AssertionError("nothing to count");
        }));
        Exchange exchange = AdmitCalls.of(camel, new Limits(60L, null, null, null, null), Budget.NONE);
        CompletableFuture<Boolean> admitted = new CompletableFuture<>();

        vertx.getOrCreateContext().runOnContext(v -> admit.process(exchange, admitted::complete));

        admitted.get(10, TimeUnit.SECONDS);
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getVariable(Variables.ADMISSION, Admission.class)).isNotNull();
    }
}
