package caravan.routing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import caravan.api.AttemptGate;
import caravan.api.CallContext;
import caravan.api.ChatRequest;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Variables;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admission's gate (budgets) may decide an attempt on another thread: the store's pool, when the budget's
 * spend had to be read again (a slow first attempt, then its fallback). The attempt, and its provider call, still
 * starts on the call's event loop.
 */
class GatedAttemptOnLoopTest {

    private static Vertx vertx;
    private static CamelContext camel;
    private static ExecutorService storeThread;
    private static final CompletableFuture<Thread> providerCalledOn = new CompletableFuture<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        storeThread = Executors.newSingleThreadExecutor(task -> new Thread(task, "store-test"));
        camel = ModelsContext.start(vertx, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:provider-openai").routeId("provider-openai")
                        .process(exchange -> providerCalledOn.complete(Thread.currentThread()));
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        camel.close();
        storeThread.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAttemptTheGateAllowedOnTheStoresThreadStartsOnTheCallsLoop() throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setVariable(Variables.CALL, new CallContext("req-1", "/v1/chat/completions", 30_000));
        exchange.setVariable(Variables.REQUEST, new ChatRequest((ObjectNode) Json.MAPPER.readTree("""
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}"""), null));
        exchange.setVariable(Variables.ADMISSION, new AttemptGate() {
            @Override
            public void beforeAttempt(String provider, String model, Consumer<GatewayException> decided) {
                storeThread.execute(() -> decided.accept(null));
            }

            @Override
            public void attemptEnded(CallContext.Attempt attempt) {
            }
        });
        AsyncProducer model = camel.getEndpoint("model:openai/gpt-4o-mini").createAsyncProducer();
        model.start();
        CompletableFuture<Thread> loopThread = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();

        vertx.getOrCreateContext().runOnContext(v -> {
            loopThread.complete(Thread.currentThread());
            model.process(exchange, doneSync -> done.complete(null));
        });

        done.get(10, TimeUnit.SECONDS);
        assertThat(exchange.getException()).isNull();
        assertThat(providerCalledOn.get(10, TimeUnit.SECONDS)).isSameAs(loopThread.get());
    }
}
