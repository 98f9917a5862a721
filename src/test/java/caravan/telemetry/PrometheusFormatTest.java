package caravan.telemetry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scrape passes {@code promtool check metrics} after traffic that feeds every family (Debian's
 * prometheus package is installed on first use by scripts/install-promtool.sh).
 */
class PrometheusFormatTest {

    static FakeUpstream openai;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayUnderTest.builder().openAi(openai)
                .property("providers.vllm.base-url", openai.baseUrl())
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
    }

    @Test
    void theScrapePassesPromtool() throws IOException, InterruptedException {
        gateway.post("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        openai.then(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
        gateway.post("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        gateway.post("/v1/chat/completions", "{\"model\":\"nope/x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        openai.then(Answer.json(503, "{\"error\":{\"message\":\"busy\"}}"));
        gateway.post("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\",\"fallbacks\":[\"vllm/llama\"],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(gateway.get("/metrics").body()).contains("caravan_fallbacks_total", "gen_ai_client_token_usage_bucket");

        Process check = new ProcessBuilder("bash", "scripts/check-metrics.sh", gateway.uri("/metrics").toString())
                .redirectErrorStream(true).start();
        boolean finished = check.waitFor(10, TimeUnit.MINUTES);
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as("promtool check finished").isTrue();
        assertThat(check.exitValue()).as(output).isZero();
    }
}
