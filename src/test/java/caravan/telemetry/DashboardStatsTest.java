package caravan.telemetry;

import java.net.http.HttpResponse;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard's page and figures, and content capture (off by default, redacted when on). */
class DashboardStatsTest {

    private static final String KEY = "sk-gateway-dashboard";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    static FakeUpstream openai;
    static GatewayUnderTest gateway;

    @BeforeAll
    static void start() {
        openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
        gateway = GatewayUnderTest.builder().openAi(openai)
                .property("gateway.master-key", KEY)
                .property("gateway.tracing.capture-content", "true")
                .bean("openTelemetry", OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build()).build())
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openai.close();
    }

    @Test
    void thePageIsServedWithoutDataAndTheFiguresNeedTheKey() throws Exception {
        HttpResponse<String> page = gateway.get("/ui");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("/v1/caravan/stats");

        HttpResponse<String> refused = gateway.get("/v1/caravan/stats");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(refused.body()).path("error").path("type").asText()).isNotBlank();
    }

    @Test
    void figuresFollowTheTrafficAndRecentCallsCarryNoContent() throws Exception {
        gateway.post("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"write to bob@example.org\"}]}", "Authorization", "Bearer " + KEY);

        HttpResponse<String> stats = gateway.get("/v1/caravan/stats", "Authorization", "Bearer " + KEY);
        assertThat(stats.statusCode()).isEqualTo(200);
        JsonNode figures = JSON.readTree(stats.body());
        assertThat(figures.path("totals").path("requests").asLong()).isPositive();
        assertThat(figures.path("window").path("providers").path(0).path("provider").asText()).isEqualTo("openai");
        JsonNode recent = figures.path("recent").path(0);
        assertThat(recent.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(recent.path("inputTokens").asLong()).isEqualTo(19);
        assertThat(recent.path("costUsd").asDouble()).isPositive();
        assertThat(stats.body()).doesNotContain("bob@example.org");
    }

    @Test
    void capturedContentIsRedacted() {
        gateway.post("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"my card is 4111 1111 1111 1111\"}]}", "Authorization", "Bearer " + KEY);

        await().until(() -> SPANS.getFinishedSpanItems().stream().anyMatch(span -> span.getKind() == SpanKind.CLIENT
                && String.valueOf(span.getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages"))).contains("card")));
        SpanData client = SPANS.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.CLIENT).reduce((first, second) -> second).orElseThrow();
        assertThat(client.getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages")))
                .contains("[REDACTED_NUMBER]").doesNotContain("4111");
        assertThat(client.getAttributes().get(AttributeKey.stringKey("gen_ai.output.messages"))).contains("assist you today");
    }
}
