package caravan.telemetry;

import caravan.api.CacheOutcome;
import caravan.api.Variables;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import org.apache.camel.Exchange;

/**
 * The span of one response-cache lookup, {@code cache lookup}, a child of the request's span (with the
 * semantic lookup's embedding inside it); nothing at all when the request is not traced.
 */
public final class CacheLookupSpan {

    /** No span: the request is not traced, or the cache is off. */
    public static final CacheLookupSpan NONE = new CacheLookupSpan(null);

    private final Span span;

    private CacheLookupSpan(Span span) {
        this.span = span;
    }

    public static CacheLookupSpan start(Exchange exchange) {
        GatewaySpan request = exchange.getVariable(Variables.REQUEST_SPAN, GatewaySpan.class);
        if (request == null || !request.span().isRecording()) {
            return NONE;
        }
        return new CacheLookupSpan(request.tracer().spanBuilder(TelemetryNames.SPAN_CACHE_LOOKUP)
                .setParent(Context.root().with(request.span()))
                .setSpanKind(SpanKind.INTERNAL)
                .startSpan());
    }

    /** Ends the span with what the lookup decided; null when it failed. */
    public void end(CacheOutcome outcome) {
        if (span == null) {
            return;
        }
        if (outcome != null) {
            span.setAttribute(TelemetryNames.CARAVAN_CACHE_KIND, outcome.mode());
            span.setAttribute(TelemetryNames.CARAVAN_CACHE_OUTCOME, outcome.outcome());
            if (!Double.isNaN(outcome.similarity())) {
                span.setAttribute(TelemetryNames.CARAVAN_CACHE_SIMILARITY, outcome.similarity());
            }
        }
        span.end();
    }
}
