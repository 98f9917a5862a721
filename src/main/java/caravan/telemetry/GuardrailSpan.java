package caravan.telemetry;

import caravan.api.GuardrailOutcome;
import caravan.api.Variables;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import org.apache.camel.Exchange;

/**
 * The span of one guardrail check, {@code guardrail {name}}, a child of the request's span; nothing at
 * all when the request is not traced.
 */
public final class GuardrailSpan {

    private static final GuardrailSpan NONE = new GuardrailSpan(null);

    private final Span span;

    private GuardrailSpan(Span span) {
        this.span = span;
    }

    /** Starts the check's span under the request's span, if the request is traced. */
    public static GuardrailSpan start(Exchange exchange, String guardrail) {
        GatewaySpan request = exchange.getVariable(Variables.REQUEST_SPAN, GatewaySpan.class);
        if (request == null || !request.span().isRecording()) {
            return NONE;
        }
        Span span = request.tracer().spanBuilder(TelemetryNames.SPAN_GUARDRAIL_PREFIX + guardrail)
                .setParent(Context.root().with(request.span()))
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(TelemetryNames.CARAVAN_GUARDRAIL_NAME, guardrail)
                .startSpan();
        return new GuardrailSpan(span);
    }

    /**
     * Ends the span with what the check concluded: its outcome ({@code passed}, {@code warned}, {@code redacted},
     * {@code blocked}, {@code failed}, {@code error}), its stage and its score when it scores. A check that
     * stopped the call, or could not be made, marks the span as an error.
     */
    public void end(GuardrailOutcome outcome) {
        if (span != null) {
            span.setAttribute(TelemetryNames.CARAVAN_GUARDRAIL_OUTCOME, outcome.outcome().wireName());
            span.setAttribute(TelemetryNames.CARAVAN_GUARDRAIL_STAGE, outcome.stage());
            if (!Double.isNaN(outcome.score())) {
                span.setAttribute(TelemetryNames.CARAVAN_GUARDRAIL_SCORE, outcome.score());
            }
            if (outcome.async()) {
                span.setAttribute(TelemetryNames.CARAVAN_GUARDRAIL_ASYNC, true);
            }
            if (outcome.outcome().stopped() || outcome.outcome() == GuardrailOutcome.Outcome.ERROR) {
                span.setStatus(StatusCode.ERROR, "guardrail " + outcome.outcome().wireName());
            }
            span.end();
        }
    }
}
