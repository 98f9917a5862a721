package caravan.telemetry;

import java.util.Map;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import org.apache.camel.telemetry.Span;

/** An OpenTelemetry span as Camel's tracer sees it, with typed attributes for the decorators. */
public final class GatewaySpan implements Span {

    private final io.opentelemetry.api.trace.Span span;
    private final Tracer tracer;
    private boolean endsLater;

    GatewaySpan(io.opentelemetry.api.trace.Span span, Tracer tracer) {
        this.span = span;
        this.tracer = tracer;
    }

    /** The tracer that made this span, for the gateway's own child spans (guardrails, cache lookups). */
    Tracer tracer() {
        return tracer;
    }

    public io.opentelemetry.api.trace.Span span() {
        return span;
    }

    /** The span outlives Camel's end of it: whoever called this ends it. */
    void endLater() {
        endsLater = true;
    }

    boolean endsLater() {
        return endsLater;
    }

    @Override
    public void setComponent(String component) {
        span.setAttribute("component", component);
    }

    @Override
    public void setError(boolean isError) {
        span.setStatus(isError ? StatusCode.ERROR : StatusCode.UNSET);
    }

    @Override
    public void setTag(String key, String value) {
        if (value != null) {
            span.setAttribute(key, value);
        }
    }

    @Override
    public void log(Map<String, String> fields) {
        AttributesBuilder attributes = Attributes.builder();
        fields.forEach((key, value) -> {
            if (value != null) {
                attributes.put(key, value);
            }
        });
        span.addEvent(fields.getOrDefault("event", "log"), attributes.build());
    }

    @Override
    public String toString() {
        return span.toString();
    }
}
