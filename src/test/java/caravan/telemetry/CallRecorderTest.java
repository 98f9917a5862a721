package caravan.telemetry;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import caravan.api.CallContext;
import caravan.api.GatewayException;
import caravan.api.Usage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The recorder tells each call once, with what every attempt paid for at its own model's price. */
class CallRecorderTest {

    @Test
    void aCallCostsWhatEachOfItsAttemptsWasPricedAt() {
        CallRecorder recorder = CallRecorder.detached();
        List<CallRecord> calls = new ArrayList<>();
        recorder.subscribe(new CallListener() {
            @Override
            public void onCall(CallRecord call) {
                calls.add(call);
            }
        });
        CallContext call = new CallContext("id", "/v1/chat/completions", 10_000);
        // a rejected answer of gpt-4o (2.50/10.00 per million), then one of gpt-4o-mini (0.15/0.60), the second
        // counted by the gateway
        call.attemptStarted("openai", "gpt-4o").ended(new Usage(1_000_000, 1_000_000, 0, 0, 0), new BigDecimal("12.50"),
                GatewayException.badRequest("rejected", null, "post_check"));
        call.attemptStarted("openai", "gpt-4o-mini").ended(new Usage(1_000_000, 1_000_000, 0, 0, 0, true),
                new BigDecimal("0.75"), null);

        CallRecord record = recorder.callEnded(call, "route", "default", null, "route", false, 200, null);

        assertThat(calls).containsExactly(record);
        assertThat(record.usage()).isEqualTo(new Usage(2_000_000, 2_000_000, 0, 0, 0, true));
        assertThat(record.usageEstimated()).isTrue();
        assertThat(record.costUsd()).isEqualByComparingTo("13.25");
        assertThat(record.attempted()).containsExactly("openai/gpt-4o", "openai/gpt-4o-mini");
        assertThat(record.provider()).isEqualTo("openai");
        assertThat(record.model()).isEqualTo("gpt-4o-mini");
    }

    @Test
    void aFailingListenerDoesNotSilenceTheOthers() {
        CallRecorder recorder = CallRecorder.detached();
        List<String> heard = new ArrayList<>();
        recorder.subscribe(new CallListener() {
            @Override
            public void onCall(CallRecord call) {
                throw new IllegalStateException("broken listener");
            }
        }).subscribe(new CallListener() {
            @Override
            public void onCall(CallRecord call) {
                heard.add(call.requestId());
            }
        });

        recorder.callEnded(new CallContext("id-9", "/v1/messages", 1_000), null, "default", null, "m", false, 200, null);

        assertThat(heard).containsExactly("id-9");
    }
}
