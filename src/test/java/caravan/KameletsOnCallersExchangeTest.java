package caravan;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.InflightRepository;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider's Kamelet route runs on the exchange of the call that reaches it, not on a copy: one exchange,
 * one variables map and one unit of work per provider call, where Camel's Kamelet producer would otherwise
 * copy the exchange in and the results back out.
 */
class KameletsOnCallersExchangeTest {

    @Test
    void aKameletRouteSeesTheCallersExchangeAndItsVariables() throws Exception {
        List<Exchange> seen = callThroughAKamelet(true);

        assertThat(seen.get(1)).isSameAs(seen.get(0));
        assertThat(seen.get(0).getVariable("setInKamelet", String.class)).isEqualTo("yes");
    }

    @Test
    void withoutTheAgentCamelHandsTheKameletACopy() throws Exception {
        // what the agent exists to avoid: this is Camel's behaviour when no management agent is installed
        List<Exchange> seen = callThroughAKamelet(false);

        assertThat(seen.get(1)).isNotSameAs(seen.get(0));
    }

    @Test
    void theAgentStepsAsideForOneTheRuntimeBrings() throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            KameletsOnCallersExchange.install(context);
            assertThat(KameletsOnCallersExchange.install(context)).isFalse();
        }
    }

    @Test
    void theAgentRegistersNothingAndAnswersAsCamelsDoesForANameItHasNot() throws Exception {
        KameletsOnCallersExchange agent = new KameletsOnCallersExchange();
        ObjectName route = new ObjectName("org.apache.camel:context=caravan,type=routes,name=\"provider-openai\"");
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        agent.setMBeanServer(server);

        agent.register(new Object(), route);

        assertThat(agent.isRegistered(route)).isFalse();
        assertThat(agent.newProxyClient(route, Object.class)).isNull();
        assertThat(agent.getMBeanServer()).isSameAs(server);
        assertThat(server.queryNames(null, null)).noneMatch(name -> name.getDomain().equals("org.apache.camel"));
    }

    @Test
    void aProviderCallThroughTheGatewayIsOneExchangeInFlight() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Integer> inFlight = new CompletableFuture<>();
        String completion = Recorded.text("openai", "completion.json");
        try (FakeUpstream upstream = FakeUpstream.start(Answer.json(200, completion))) {
            GatewayUnderTest gateway = GatewayUnderTest.builder().openAi(upstream).start();
            try {
                InflightRepository inflight = gateway.context().getInflightRepository();
                upstream.reset(exchange -> {
                    // the gateway is waiting for this answer: every exchange of the call is in flight now
                    inFlight.complete(inflight.size());
                    release.thenRun(() -> exchange.vertx().runOnContext(v -> Answer.json(200, completion).answer(exchange)));
                });
                CompletableFuture<HttpResponse<String>> answer = GatewayUnderTest.http().sendAsync(
                        gateway.request("/v1/chat/completions")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("""
                                        {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}"""))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo(1);
                release.complete(null);
                assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            } finally {
                release.complete(null);
                gateway.close();
            }
        }
    }

    private static List<Exchange> callThroughAKamelet(boolean withAgent) throws Exception {
        List<Exchange> seen = new ArrayList<>();
        try (CamelContext context = new DefaultCamelContext()) {
            if (withAgent) {
                KameletsOnCallersExchange.install(context);
            }
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    routeTemplate("probe-action")
                            .from("kamelet:source")
                            .process(exchange -> {
                                seen.add(exchange);
                                exchange.setVariable("setInKamelet", "yes");
                            });
                    from("direct:call").routeId("caller")
                            .process(seen::add)
                            .to("kamelet:probe-action");
                }
            });
            context.start();
            context.createProducerTemplate().sendBody("direct:call", "hello");
        }
        // the caller's exchange first, then what the Kamelet's route was handed
        return List.of(seen.get(0), seen.get(1));
    }
}
