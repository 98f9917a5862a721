package caravan.edge;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import caravan.telemetry.CallListener;
import caravan.telemetry.CallRecord;
import caravan.telemetry.CallRecorder;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call is completed once, even when something in its completion throws an Error (a class that fails to load,
 * an assertion) on a call the route answered at once: the client gets its answer, and the call is recorded once,
 * not again by the edge's last-resort handler.
 */
class CompletesOnceTest {

    @Test
    void anErrorWhileCompletingDoesNotCompleteTheCallAgain() {
        try (FakeUpstream openai = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
             GatewayUnderTest gateway = GatewayUnderTest.builder().openAi(openai)
                     .property("gateway.master-key", "sk-caravan-master").start()) {
            CallRecorder recorder = gateway.context().getRegistry().lookupByNameAndType("callRecorder", CallRecorder.class);
            List<CallRecord> recorded = new CopyOnWriteArrayList<>();
            recorder.subscribe(new CallListener() {
                @Override
                public void onCall(CallRecord call) {
                    recorded.add(call);
                }
            });
            AtomicBoolean thrown = new AtomicBoolean();
            recorder.subscribe(new CallListener() {
                @Override
                public void onCall(CallRecord call) {
                    if (thrown.compareAndSet(false, true)) {
                        throw new Error("a listener that fails with an Error nothing expects");
                    }
                }
            });

            // a body the route refuses in its first steps: the whole call completes inside the edge's own call
            HttpResponse<String> refused = gateway.post("/v1/chat/completions",
                    "{\"model\":\"openai/gpt-4o-mini\",\"messages\":\"not a list\"}",
                    "Authorization", "Bearer sk-caravan-master");

            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(thrown).isTrue();
            assertThat(recorded).hasSize(1);
            // and the edge serves on
            assertThat(gateway.get("/healthz").statusCode()).isEqualTo(200);
        }
    }
}
