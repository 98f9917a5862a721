package caravan.providers;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.HeldTokenTables;
import caravan.api.Json;
import caravan.api.TokenTables;
import caravan.api.Variables;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The echo provider counts its answers' tokens, and the first count after a start loads the o200k tables: a
 * worker loads them while the event loop the call arrived on goes on serving, and the answer follows.
 */
class EchoTokenTablesTest {

    private static ProviderEndpoints endpoints;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        endpoints = new ProviderEndpoints();
        vertx = endpoints.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        endpoints.close();
    }

    @Test
    void theTablesLoadOffTheEventLoopAndTheAnswerFollows() throws Exception {
        HeldTokenTables held = new HeldTokenTables();
        EchoProducer echo = new EchoProducer(endpoints.endpoint("provider:echo?codec=echo"), vertx, held.tables());
        Exchange exchange = chatExchange();
        CompletableFuture<Boolean> answered = new CompletableFuture<>();
        Context loop = vertx.getOrCreateContext();

        loop.runOnContext(v -> echo.process(exchange, doneSync -> answered.complete(doneSync)));
        held.assertLoadingOffTheLoopWhileItServes(loop);
        assertThat(answered).isNotDone();

        held.release();
        assertThat(answered.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getVariable(Variables.RESPONSE, ChatResponse.class)).isNotNull();
    }

    @Test
    void onceTheTablesAreLoadedTheEchoAnswersAtOnce() throws Exception {
        EchoProducer echo = new EchoProducer(endpoints.endpoint("provider:echo?codec=echo"), vertx,
                new TokenTables(() -> true, () -> {
                    throw new AssertionError("the tables are loaded already");
                }));
        Exchange exchange = chatExchange();
        CompletableFuture<Boolean> answered = new CompletableFuture<>();

        boolean sync = echo.process(exchange, answered::complete);

        assertThat(sync).isTrue();
        assertThat(answered.get(1, TimeUnit.SECONDS)).isTrue();
        assertThat(exchange.getVariable(Variables.RESPONSE, ChatResponse.class)).isNotNull();
    }

    @Test
    void aLoadThatFailsFailsTheCallInsteadOfHangingIt() throws Exception {
        EchoProducer echo = new EchoProducer(endpoints.endpoint("provider:echo?codec=echo"), vertx,
                new TokenTables(() -> false, () -> {
                    throw new IllegalStateException("no tables");
                }));
        Exchange exchange = chatExchange();
        CompletableFuture<Boolean> answered = new CompletableFuture<>();

        vertx.getOrCreateContext().runOnContext(v -> echo.process(exchange, answered::complete));

        assertThat(answered.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(exchange.getException()).hasMessageContaining("token tables");
    }

    private static Exchange chatExchange() throws Exception {
        Exchange exchange = new DefaultExchange(endpoints.context());
        exchange.setVariable(Variables.REQUEST, new ChatRequest((ObjectNode) Json.MAPPER.readTree("""
                {"model":"echo/echo-1","messages":[{"role":"user","content":"Hello there"}]}"""), null));
        exchange.setVariable(Variables.UPSTREAM_MODEL, "echo-1");
        return exchange;
    }

}
