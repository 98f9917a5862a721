package caravan.telemetry;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GATEWAY_METRICS=false: the gateway serves as usual and counts nothing of its calls, while the call
 * recorder still tells its other listeners (the mirror ledger, a usage ledger).
 */
class MetricsOffTest {

    @Test
    void callsAreServedAndNotCounted() {
        try (FakeUpstream openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
             GatewayUnderTest gateway = GatewayUnderTest.builder().openAi(openai)
                     .property("gateway.metrics.enabled", "false").start()) {
            java.util.List<CallRecord> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();
            gateway.context().getRegistry().lookupByNameAndType("callRecorder", CallRecorder.class)
                    .subscribe(new CallListener() {
                        @Override
                        public void onCall(CallRecord call) {
                            recorded.add(call);
                        }
                    });
            assertThat(gateway.post("/v1/chat/completions",
                    "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode())
                    .isEqualTo(200);

            String scrape = gateway.get("/metrics").body();
            assertThat(scrape).contains("jvm_memory_used_bytes").doesNotContain("caravan_requests_total");
            assertThat(gateway.get("/v1/caravan/stats").body()).contains("\"requests\":0");
            assertThat(recorded).hasSize(1);
        }
    }
}
