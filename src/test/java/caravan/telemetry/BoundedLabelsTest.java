package caravan.telemetry;

import java.net.http.HttpResponse;
import java.util.Map;

import caravan.testing.FakeOpenAiGateway;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.PrometheusScrape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metric labels come only from what the gateway knows. However many model names clients make up, and
 * whatever error codes an upstream invents, /metrics keeps the same series, and so does the dashboard.
 */
class BoundedLabelsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final FakeOpenAiGateway served = new FakeOpenAiGateway();

    @Test
    void madeUpModelNamesAddNoSeries() throws Exception {
        callEach(0, 20);
        String warm = scrape();

        callEach(20, 300);
        String after = scrape();

        assertThat(after).doesNotContain("made-up-");
        assertThat(series(after)).isEqualTo(series(warm));
        assertThat(PrometheusScrape.value(after, "caravan_requests_total",
                "model=\"other\",provider=\"openai\",route=\"\",status=\"200\"")).isEqualTo(300);
        assertThat(PrometheusScrape.value(after, "caravan_requests_total",
                "model=\"gpt-4o-mini\",provider=\"openai\",route=\"\",status=\"200\"")).as("a catalog model keeps its name")
                .isEqualTo(1);
        JsonNode spend = JSON.readTree(served.gateway().get("/v1/caravan/stats").body()).path("spend");
        assertThat(spend.toString()).doesNotContain("made-up-");
    }

    @Test
    void unknownModelsAnswered404AddNoSeries() {
        assertThat(chat("nobody-serves-0").statusCode()).isEqualTo(404);
        String warm = scrape();

        for (int i = 1; i < 200; i++) {
            assertThat(chat("nobody-serves-" + i).statusCode()).isEqualTo(404);
            assertThat(chat("acme-" + i + "/model").statusCode()).isEqualTo(404);
        }
        String after = scrape();

        assertThat(after).doesNotContain("nobody-serves").doesNotContain("acme-");
        assertThat(series(after)).isEqualTo(series(warm));
    }

    @Test
    void errorCodesAnUpstreamInventsAreBoundedToo() {
        for (int i = 0; i < MetricLabels.MAX_ERROR_TYPES + 50; i++) {
            served.upstream().then(Answer.json(422, "{\"error\":{\"message\":\"no\",\"type\":\"invalid_request_error\",\"code\":\"code_"
                    + i + "\"}}", Map.of()));
            assertThat(chat("gpt-4o-mini").statusCode()).isEqualTo(422);
        }

        String scrape = scrape();

        assertThat(scrape).contains("error_type=\"other\"").doesNotContain("code_" + (MetricLabels.MAX_ERROR_TYPES + 10));
    }

    private static void callEach(int from, int to) {
        for (int i = from; i < to; i++) {
            assertThat(chat("openai/made-up-" + i).statusCode()).isEqualTo(200);
        }
        if (from == 0) {
            assertThat(chat("gpt-4o-mini").statusCode()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> chat(String model) {
        return served.gateway().post("/v1/chat/completions", "{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    private static String scrape() {
        HttpResponse<String> scrape = served.gateway().get("/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        return scrape.body();
    }

    /** The samples of the gateway's own families (the JVM's move by themselves). */
    private static long series(String scrape) {
        return scrape.lines().filter(line -> line.startsWith("caravan_") || line.startsWith("gen_ai_")).count();
    }
}
