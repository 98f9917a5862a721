package caravan.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSendingEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A provider's Kamelet runs on the exchange of the call that reached it, not on a copy Camel's Kamelet producer
 * would otherwise make per call (a second exchange, unit of work, headers and variables for the whole upstream
 * wait, the results copied back): the provider route sends the very exchange to its Kamelet that the Kamelet
 * sends to the provider endpoint. {@code application.properties} sets this up (the management agent's
 * register-routes-create-by-Kamelet setting); without it the two sends carry different exchanges.
 */
class KameletOnCallersExchangeTest {

    static FakeUpstream openai;
    static GatewayUnderTest gateway;
    static final List<String> sends = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayUnderTest.builder()
                .openAi(openai)
                .bean("sendsSeen", new EventNotifierSupport() {
                    @Override
                    public void notify(CamelEvent event) {
                        ExchangeSendingEvent sending = (ExchangeSendingEvent) event;
                        String uri = sending.getEndpoint().getEndpointUri();
                        if (uri.startsWith("kamelet:") || uri.startsWith("provider:")) {
                            sends.add(uri.substring(0, uri.indexOf(':')) + " " + sending.getExchange().getExchangeId());
                        }
                    }

                    @Override
                    public boolean isEnabled(CamelEvent event) {
                        return event instanceof ExchangeSendingEvent;
                    }
                })
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
    }

    @Test
    void theProvidersKameletRunsOnTheCallersExchange() {
        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sends).anyMatch(send -> send.startsWith("kamelet ")).anyMatch(send -> send.startsWith("provider "));
        assertThat(sends.stream().map(send -> send.substring(send.indexOf(' ') + 1)).distinct())
                .as("the exchanges sent to the Kamelet and by it to the provider: %s", sends)
                .hasSize(1);
    }
}
