package caravan.processors;

import java.io.IOException;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GuardrailOutcome;
import caravan.api.GuardrailOutcomes;
import caravan.api.Json;
import caravan.api.Variables;
import caravan.routing.PostCheckFailedException;
import caravan.routing.QualityScores;
import caravan.routing.Target;
import com.fasterxml.jackson.databind.JsonNode;
import caravan.telemetry.GuardrailSpan;
import caravan.telemetry.CallRecorder;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A post-check for routes: when the request asked for JSON ({@code response_format} {@code json_object}
 * or {@code json_schema}), the answer must be a JSON object. A failed check scores the model 0 and throws,
 * so a fallback or cost-optimized route escalates to its next candidate; a passed one scores it 1.
 * Streams are not checked (their chunks already reached the client).
 */
public final class CheckJsonAnswer implements Processor {

    static final String NAME = "json_answer";

    private final QualityScores scores;
    private final CallRecorder recorder;

    public CheckJsonAnswer(QualityScores scores, CallRecorder recorder) {
        this.scores = scores;
        this.recorder = recorder;
    }

    @Override
    public void process(Exchange exchange) {
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        String format = request.json().path("response_format").path("type").asText("");
        ChatResponse response = exchange.getVariable(Variables.RESPONSE, ChatResponse.class);
        if (request.stream() || response == null || !(format.equals("json_object") || format.equals("json_schema"))) {
            return;
        }
        Target target = new Target(exchange.getVariable(Variables.PROVIDER, String.class),
                exchange.getVariable(Variables.UPSTREAM_MODEL, String.class));
        GuardrailSpan span = GuardrailSpan.start(exchange, NAME);
        long started = System.nanoTime();
        String answer = response.answerText();
        String route = exchange.getVariable(Variables.ROUTE, String.class);
        boolean passed = isJsonObject(answer);
        GuardrailOutcome outcome = new GuardrailOutcome(NAME, "post", passed ? GuardrailOutcome.Outcome.PASSED
                : GuardrailOutcome.Outcome.FAILED, passed ? 0 : 1, System.nanoTime() - started, false);
        span.end(outcome);
        GuardrailOutcomes.of(exchange).add(outcome);
        recorder.onGuardrail(outcome, route);
        if (!passed) {
            scores.observe(target, 0);
            throw new PostCheckFailedException("The answer of " + target + " is not the JSON object the request asked for.");
        }
        scores.observe(target, 1);
    }

    private static boolean isJsonObject(String text) {
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            return node != null && node.isObject();
        } catch (IOException e) {
            return false;
        }
    }
}
