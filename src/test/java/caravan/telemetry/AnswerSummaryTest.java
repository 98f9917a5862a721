package caravan.telemetry;

import java.nio.charset.StandardCharsets;

import caravan.api.ChatResponse;
import caravan.api.Json;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerSummaryTest {

    @Test
    void scanningTheUpstreamBytesFindsWhatTheTreeHolds() throws Exception {
        byte[] bytes = Recorded.bytes("openai", "completion-tool-calls.json");
        AnswerSummary scanned = AnswerSummary.of(ChatResponse.ofCompletionBytes(bytes, null));
        AnswerSummary fromTree = AnswerSummary.of(ChatResponse.of((ObjectNode) Json.MAPPER.readTree(bytes), null));

        assertThat(scanned).isEqualTo(fromTree);
        assertThat(scanned.id()).startsWith("chatcmpl-");
        assertThat(scanned.finishReasons()).containsExactly("tool_calls");
    }

    @Test
    void nestedFieldsWithTheSameNamesAreNotMistakenForTheAnswers() {
        String body = """
                {"choices":[{"message":{"content":"x","id":"inner","model":"inner"},"finish_reason":"stop",
                 "logprobs":{"finish_reason":"no"}},{"finish_reason":"length"}],"id":"chatcmpl-1","model":"m-1",
                 "usage":{"model":"nope"}}""";
        AnswerSummary summary = AnswerSummary.scan(body.getBytes(StandardCharsets.UTF_8));

        assertThat(summary).isEqualTo(new AnswerSummary("chatcmpl-1", "m-1", java.util.List.of("stop", "length")));
    }
}
