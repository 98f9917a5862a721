package caravan.routing;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import caravan.api.CallContext;
import caravan.api.ChatRequest;
import caravan.api.Json;
import caravan.api.Variables;
import caravan.telemetry.CallRecorder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mirror runs on the wire tap's copy of the primary's exchange, whose variables are the primary's: what ties
 * them to the primary's client and its accounting is taken off the copy, so no step of the mirror's provider
 * route can reach it (its client, its answer's headers, its admission with the budget it reserved, its pending
 * cache entry).
 */
class MirrorCopyTest {

    private static Vertx vertx;
    private static CamelContext camel;
    private static final CompletableFuture<Map<String, Object>> providerSaw = new CompletableFuture<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        camel = ModelsContext.start(vertx, new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:provider-vllm").routeId("provider-vllm")
                        .process(exchange -> providerSaw.complete(Map.copyOf(exchange.getVariables())));
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        camel.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theMirrorsCopyCarriesNothingOfThePrimarysClientOrAccounting() throws Exception {
        ModelComponent models = camel.getComponent("model", ModelComponent.class);
        MirrorProducer mirror = new MirrorProducer(camel.getEndpoint("direct:mirror-test"), models.target("vllm", "second-model"),
                models, CallRecorder.detached(), 10_000);
        Exchange tap = new DefaultExchange(camel);
        tap.setVariable(Variables.CALL, new CallContext("req-1", "/v1/chat/completions", 30_000));
        tap.setVariable(Variables.REQUEST, new ChatRequest((ObjectNode) Json.MAPPER.readTree("""
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}]}"""), null));
        tap.setVariable(Variables.TENANT, "acme");
        for (String primarys : new String[] {Variables.CLIENT, Variables.RESPONSE_HEADERS, Variables.ADMISSION,
                Variables.CACHE_PENDING}) {
            tap.setVariable(primarys, new Object());
        }
        CompletableFuture<Void> done = new CompletableFuture<>();

        mirror.process(tap, doneSync -> done.complete(null));

        done.get(10, TimeUnit.SECONDS);
        assertThat(providerSaw.get(10, TimeUnit.SECONDS)).containsKeys(Variables.CALL, Variables.REQUEST, Variables.TENANT)
                .doesNotContainKeys(Variables.CLIENT, Variables.RESPONSE_HEADERS, Variables.ADMISSION, Variables.CACHE_PENDING);
    }
}
