package caravan.processors;

import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import caravan.api.TokenTables;
import caravan.api.Variables;
import caravan.catalog.Prices;
import caravan.keys.Budget;
import caravan.keys.BudgetPeriod;
import caravan.keys.KeyStore;
import caravan.keys.Limits;
import caravan.keys.StorePool;
import caravan.limits.Admission;
import caravan.limits.Admissions;
import caravan.limits.Budgets;
import caravan.limits.LocalLimitStore;
import caravan.limits.SpendLog;
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
 * A key with a budget is admitted once its account's spend is known, which the store's pool reads (its first
 * call, and again every few seconds). The route then goes on on the call's event loop, not on the pool's
 * thread that read the spend: its provider call and its stream's writes stay on the loop that serves its client.
 */
class AdmitOnLoopTest {

    private static Vertx vertx;
    private static CamelContext camel;
    private static ExecutorService storeThread;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        camel = new DefaultCamelContext();
        storeThread = Executors.newSingleThreadExecutor(task -> new Thread(task, "store-test"));
    }

    @AfterAll
    static void stop() throws Exception {
        storeThread.shutdownNow();
        camel.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCallWhoseBudgetWasReadOnTheStoresPoolGoesOnOnItsEventLoop() throws Exception {
        CountDownLatch spendAsked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        KeyStore keyStore = (KeyStore) Proxy.newProxyInstance(KeyStore.class.getClassLoader(), new Class<?>[] {KeyStore.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("spend")) {
                        throw new AssertionError("not asked of the store here: " + method.getName());
                    }
                    spendAsked.countDown();
                    // the reading ends after the admission has asked for it, so it completes on this thread
                    assertThat(answer.await(10, TimeUnit.SECONDS)).isTrue();
                    return 0L;
                });
        StorePool pool = new StorePool() {
            @Override
            public <T> CompletableFuture<T> submit(java.util.concurrent.Callable<T> work) {
                return CompletableFuture.supplyAsync(() -> {
                    try {
                        return work.call();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, storeThread);
            }
        };
        LocalLimitStore store = new LocalLimitStore();
        Admissions admissions = new Admissions(store, new Budgets(store, keyStore, new SpendLog(null), pool,
                new Prices(List.of())), true, 4096, (reason, tenant) -> { });
        Admit admit = new Admit(admissions, vertx, new TokenTables(() -> true, () -> { }));
        Exchange exchange = AdmitCalls.of(camel, Limits.NONE, new Budget(new BigDecimal("5"), BudgetPeriod.DAY));
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<Thread> wentOnOn = new CompletableFuture<>();
        CompletableFuture<Thread> loopThread = new CompletableFuture<>();

        loop.runOnContext(v -> {
            loopThread.complete(Thread.currentThread());
            admit.process(exchange, doneSync -> wentOnOn.complete(Thread.currentThread()));
        });
        assertThat(spendAsked.await(10, TimeUnit.SECONDS)).isTrue();
        answer.countDown();

        assertThat(wentOnOn.get(10, TimeUnit.SECONDS)).isSameAs(loopThread.get());
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getVariable(Variables.ADMISSION, Admission.class)).isNotNull();
    }
}
