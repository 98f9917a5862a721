package caravan.telemetry;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import caravan.api.GuardrailOutcome;
import caravan.api.Usage;
import caravan.catalog.ModelCatalog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiveStatsTest {

    private final MutableClock clock = new MutableClock();
    private final LiveStats stats = new LiveStats(clock, 3, new MetricLabels(
            ModelCatalog.read(LiveStatsTest.class.getResourceAsStream("/models.yaml")), provider -> true, route -> true));

    @Test
    void ratesAndPercentilesCoverTheLastMinutePerProvider() {
        for (int i = 1; i <= 100; i++) {
            stats.onCall(call("openai", "gpt-4o-mini", i * 1_000_000L, i % 10 == 0 ? "rate_limit_exceeded" : null));
        }
        ObjectNode snapshot = stats.snapshot();

        JsonNode openai = snapshot.path("window").path("providers").path(0);
        assertThat(openai.path("provider").asText()).isEqualTo("openai");
        assertThat(openai.path("requests").asLong()).isEqualTo(100);
        assertThat(openai.path("errorRate").asDouble()).isEqualTo(0.1);
        assertThat(openai.path("requestsPerSecond").asDouble()).isEqualTo(1.6667);
        assertThat(openai.path("p50Ms").asDouble()).isEqualTo(50);
        assertThat(openai.path("p95Ms").asDouble()).isEqualTo(95);
        assertThat(openai.path("p99Ms").asDouble()).isEqualTo(99);

        clock.advanceSeconds(61);
        ObjectNode later = stats.snapshot();
        assertThat(later.path("window").path("requests").asLong()).isZero();
        assertThat(later.path("totals").path("requests").asLong()).isEqualTo(100);
    }

    @Test
    void totalSpendAddsUpAndRecentCallsAreNewestFirst() {
        stats.onCall(call("openai", "gpt-4o-mini", 5_000_000, null));
        stats.onCall(call("openai", "gpt-4o-mini", 5_000_000, null));
        stats.onCall(call("anthropic", "claude-haiku", 5_000_000, null));
        stats.onCall(call("anthropic", "claude-haiku", 5_000_000, null));

        ObjectNode snapshot = stats.snapshot();
        // spend by tenant and model comes from the usage ledger (SpendOverview), not from memory
        assertThat(snapshot.has("spend")).isFalse();
        assertThat(snapshot.path("totals").path("inputTokens").asLong()).isEqualTo(40);
        assertThat(snapshot.path("totals").path("costUsd").asDouble()).isEqualTo(0.004);
        assertThat(snapshot.path("recent")).hasSize(3);
        assertThat(snapshot.path("recent").path(0).path("provider").asText()).isEqualTo("anthropic");
        assertThat(snapshot.path("recent").path(0).has("messages")).isFalse();
    }

    @Test
    void fallbackAndGuardrailRatesAreNullUntilSomethingHappened() {
        ObjectNode empty = stats.snapshot();
        assertThat(empty.path("totals").path("fallbackRate").isNull()).isTrue();
        assertThat(empty.path("totals").path("guardrailBlockRate").isNull()).isTrue();
        assertThat(empty.path("totals").path("cacheHitRate").isNull()).isTrue();

        stats.onCall(new CallRecord("r1", clock.millis(), "/v1/chat/completions", "support", "default", null, "support",
                "vllm", "llama", List.of("openai/gpt-4o", "vllm/llama"), false, 200, null, null, 1_000_000, -1, 10_000,
                new Usage(1, 1, 0, 0, 0), false, BigDecimal.ZERO, null, BigDecimal.ZERO));
        stats.onCall(call("openai", "gpt-4o", 1_000_000, null));
        stats.onGuardrail(new GuardrailOutcome("json_answer", "post", GuardrailOutcome.Outcome.FAILED, 1, 1000, false), "support");
        stats.onGuardrail(new GuardrailOutcome("json_answer", "post", GuardrailOutcome.Outcome.PASSED, 0, 1000, false), "support");
        ObjectNode snapshot = stats.snapshot();
        assertThat(snapshot.path("totals").path("fallbackRate").asDouble()).isEqualTo(0.5);
        assertThat(snapshot.path("totals").path("guardrailBlockRate").asDouble()).isEqualTo(0.5);
    }

    private CallRecord call(String provider, String model, long nanos, String error) {
        return new CallRecord("id-" + nanos, clock.millis(), "/v1/chat/completions", null, "default", null, provider + "/" + model,
                provider, model, List.of(provider + "/" + model), false, error == null ? 200 : 429, error,
                error == null ? null : "slow down", nanos, -1, 100_000, error == null ? new Usage(10, 5, 0, 0, 0) : null,
                false, error == null ? new BigDecimal("0.001") : BigDecimal.ZERO, null, BigDecimal.ZERO);
    }

    private static final class MutableClock extends Clock {
        private long millis = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();

        void advanceSeconds(long seconds) {
            millis += seconds * 1000;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
