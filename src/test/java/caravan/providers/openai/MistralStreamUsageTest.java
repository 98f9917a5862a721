package caravan.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.PrometheusScrape;
import caravan.testing.Recorded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The mistral route speaks OpenAI's API but reports a stream's usage unasked, in its last chunk, and refuses
 * {@code stream_options}: the gateway does not ask it, and still counts what the stream reports.
 */
class MistralStreamUsageTest {

    static FakeUpstream mistral;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        mistral = FakeUpstream.start(Answer.sse(Recorded.sseEvents("mistral", "stream.sse")));
        gateway = GatewayUnderTest.builder()
                .property("providers.mistral.base-url", mistral.baseUrl())
                .property("providers.mistral.api-key", "sk-mistral")
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        mistral.close();
    }

    @Test
    void aStreamIsNotSentStreamOptionsAndItsUsageIsCounted() throws Exception {
        String before = gateway.get("/metrics").body();

        HttpResponse<String> response = gateway.post("/v1/chat/completions", """
                {"model":"mistral/mistral-small-latest","stream":true,"messages":[{"role":"user","content":"Salut"}]}""");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Bonjour").endsWith("data: [DONE]\n\n");
        assertThat(mistral.takeRequest().json().has("stream_options")).isFalse();
        String labels = "provider=\"mistral\",tenant=\"default\",type=\"";
        await().untilAsserted(() -> {
            String after = gateway.get("/metrics").body();
            assertThat(PrometheusScrape.value(after, "caravan_tokens_total", labels + "input\"")
                    - PrometheusScrape.value(before, "caravan_tokens_total", labels + "input\"")).isEqualTo(10);
            assertThat(PrometheusScrape.value(after, "caravan_tokens_total", labels + "output\"")
                    - PrometheusScrape.value(before, "caravan_tokens_total", labels + "output\"")).isEqualTo(4);
        });
    }

    @Test
    void anAnthropicClientsStreamIsNotSentStreamOptionsEither() throws Exception {
        gateway.post("/v1/messages", """
                {"model":"mistral/mistral-small-latest","max_tokens":100,"stream":true,
                 "messages":[{"role":"user","content":"Salut"}]}""", "anthropic-version", "2023-06-01");

        assertThat(mistral.takeRequest().json().has("stream_options")).isFalse();
    }
}
