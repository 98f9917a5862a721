package caravan.telemetry;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import caravan.ledger.LedgerRecord;
import caravan.ledger.LedgerStore;
import caravan.store.Database;

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
    void spendByTenantAndModelIsThisMonthsFromTheLedgerEarlierRunsIncluded() {
        Instant monthStart = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        // written before this gateway started (by an earlier run, or another instance sharing the store)
        long earlier = Math.max(monthStart.toEpochMilli(), System.currentTimeMillis() - 3_600_000);
        Database database = gateway.context().getRegistry().lookupByNameAndType("database", Database.class);
        LedgerStore.of(database, Duration.ZERO).insert(List.of(
                ledgerRow("earlier-1", earlier, new BigDecimal("1.5")),
                ledgerRow("last-month-1", monthStart.toEpochMilli() - 86_400_000L, new BigDecimal("99"))), refused -> { });
        gateway.post("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]}", "Authorization", "Bearer " + KEY);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode spend = JSON.readTree(gateway.get("/v1/caravan/stats", "Authorization", "Bearer " + KEY).body())
                    .path("spend");
            JsonNode before = row(spend, "earlier-tenant");
            assertThat(before.path("model").asText()).isEqualTo("openai/gpt-4o-mini");
            assertThat(before.path("requests").asLong()).isEqualTo(1);
            assertThat(before.path("inputTokens").asLong()).isEqualTo(1000);
            assertThat(before.path("costUsd").decimalValue()).isEqualByComparingTo("1.5");
            assertThat(row(spend, "default").path("requests").asLong()).isPositive();
        });
    }

    private static JsonNode row(JsonNode spend, String tenant) {
        for (JsonNode row : spend) {
            if (row.path("tenant").asText().equals(tenant)) {
                return row;
            }
        }
        throw new AssertionError("no spend row of " + tenant + " in " + spend);
    }

    private static LedgerRecord ledgerRow(String id, long timeMs, BigDecimal cost) {
        return new LedgerRecord(id, timeMs, null, "earlier-tenant", null, null, null, null, null, "/v1/chat/completions",
                null, "openai", "gpt-4o-mini", "openai/gpt-4o-mini", 1, 200, null, false, 1000, 100, 0, 0, 0, false, cost,
                100_000, null, 1_000, null, null, null);
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
