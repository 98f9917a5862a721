package caravan.guardrails;

import caravan.api.GuardrailOutcome;
import caravan.api.GuardrailOutcomes;
import caravan.api.Variables;
import caravan.telemetry.CallRecorder;
import caravan.telemetry.GuardrailSpan;
import org.apache.camel.Exchange;

/**
 * Tells everyone what one check concluded, once: the call's {@link GuardrailOutcomes} (the header, the
 * ledger), the check's span, and the call recorder (metrics, the dashboard).
 */
final class GuardrailRecording {

    private final CallRecorder recorder;

    GuardrailRecording(CallRecorder recorder) {
        this.recorder = recorder;
    }

    /**
     * A check starting now, on the call's thread: everything it needs from the exchange is read here, so an
     * async check may end on another thread, after the exchange is done with.
     */
    Started start(Exchange exchange, GuardrailStep step) {
        return new Started(step, GuardrailOutcomes.of(exchange), exchange.getVariable(Variables.ROUTE, String.class),
                GuardrailSpan.start(exchange, step.name()), System.nanoTime());
    }

    final class Started {
        private final GuardrailStep step;
        private final GuardrailOutcomes outcomes;
        private final String route;
        private final GuardrailSpan span;
        private final long startedAt;

        private Started(GuardrailStep step, GuardrailOutcomes outcomes, String route, GuardrailSpan span, long startedAt) {
            this.step = step;
            this.outcomes = outcomes;
            this.route = route;
            this.span = span;
            this.startedAt = startedAt;
        }

        GuardrailOutcome end(GuardrailOutcome.Outcome outcome, double score, boolean async) {
            GuardrailOutcome recorded = new GuardrailOutcome(step.name(), step.stage().wireName(), outcome, score,
                    System.nanoTime() - startedAt, async);
            span.end(recorded);
            outcomes.add(recorded);
            recorder.onGuardrail(recorded, route);
            return recorded;
        }
    }
}
