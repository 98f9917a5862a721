package caravan.telemetry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.camel.CamelContext;
import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.telemetry.TraceProcessorsInterceptStrategy;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationExtractor;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.SpanLifecycleManager;

/**
 * camel-opentelemetry2's tracer with two changes a gateway needs. Span kinds: the span of an inbound
 * request (the one without a Camel parent) is SERVER and continues the caller's {@code traceparent}; a
 * provider call, named {@code "{operation} {model}"} by {@link ProviderCallSpanDecorator}, is CLIENT;
 * the rest INTERNAL. And no thread-local scopes: one event loop interleaves many exchanges, so a span made
 * "current" on it would leak into the next exchange; Camel already hands every span its parent.
 */
public final class GatewayTracer extends OpenTelemetryTracer {

    private final OpenTelemetry openTelemetry;
    /** Camel matches every event's endpoint against the patterns, normalising URIs each time: once is enough. */
    private final Map<String, Boolean> excluded = new ConcurrentHashMap<>();

    public GatewayTracer(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
    }

    @Override
    protected void initTracer() {
        setSpanLifecycleManager(new Spans(openTelemetry.getTracer("caravan"),
                openTelemetry.getPropagators().getTextMapPropagator()));
        listenOnlyToSends();
        // processors are not traced (each route step would be a span): their wrapper would only cost time
        getCamelContext().getCamelContextExtension().getInterceptStrategies()
                .removeIf(strategy -> strategy instanceof TraceProcessorsInterceptStrategy);
    }

    /**
     * Camel's tracer listens to every exchange event but uses only "sending" and "sent"; with nobody
     * listening to the others, Camel does not create them (one event object less per step and exchange).
     */
    private void listenOnlyToSends() {
        for (EventNotifier notifier : getCamelContext().getManagementStrategy().getEventNotifiers()) {
            if (notifier instanceof EventNotifierSupport support && notifier.getClass().getEnclosingClass() != null
                    && org.apache.camel.telemetry.Tracer.class.isAssignableFrom(notifier.getClass().getEnclosingClass())) {
                support.setIgnoreExchangeCreatedEvent(true);
                support.setIgnoreExchangeCompletedEvent(true);
                support.setIgnoreExchangeFailedEvents(true);
                support.setIgnoreExchangeRedeliveryEvents(true);
                support.setIgnoreStepEvents(true);
                support.setIgnoreServiceEvents(true);
            }
        }
    }

    @Override
    public boolean exclude(String endpointUri, CamelContext context) {
        if (endpointUri == null) {
            return false;
        }
        Boolean known = excluded.get(endpointUri);
        if (known == null) {
            known = super.exclude(endpointUri, context);
            if (excluded.size() < 10_000) {
                excluded.put(endpointUri, known);
            }
        }
        return known;
    }

    static SpanKind kindOf(String spanName, boolean root) {
        if (root) {
            return SpanKind.SERVER;
        }
        for (String operation : TelemetryNames.OPERATIONS) {
            if (spanName.startsWith(operation) && spanName.length() > operation.length()
                    && spanName.charAt(operation.length()) == ' ') {
                return SpanKind.CLIENT;
            }
        }
        return SpanKind.INTERNAL;
    }

    private static final class Spans implements SpanLifecycleManager {
        private static final TextMapGetter<SpanContextPropagationExtractor> GETTER = new TextMapGetter<>() {
            @Override
            public Iterable<String> keys(SpanContextPropagationExtractor carrier) {
                return carrier.keys();
            }

            @Override
            public String get(SpanContextPropagationExtractor carrier, String key) {
                Object value = carrier == null ? null : carrier.get(key);
                return value == null ? null : value.toString();
            }
        };

        private final Tracer tracer;
        private final TextMapPropagator propagator;

        Spans(Tracer tracer, TextMapPropagator propagator) {
            this.tracer = tracer;
            this.propagator = propagator;
        }

        @Override
        public Span create(String spanName, Span parent, SpanContextPropagationExtractor extractor) {
            SpanBuilder builder = tracer.spanBuilder(spanName).setSpanKind(kindOf(spanName, parent == null));
            if (parent != null) {
                builder.setParent(Context.root().with(((GatewaySpan) parent).span()));
            } else {
                builder.setParent(propagator.extract(Context.root(), extractor, GETTER));
            }
            return new GatewaySpan(builder.startSpan(), tracer);
        }

        @Override
        public void activate(Span span) {
            // nothing made current: see the class comment
        }

        @Override
        public void deactivate(Span span) {
            GatewaySpan gatewaySpan = (GatewaySpan) span;
            if (!gatewaySpan.endsLater()) {
                gatewaySpan.span().end();
            }
        }

        @Override
        public void close(Span span) {
        }

        @Override
        public void inject(Span span, SpanContextPropagationInjector injector, boolean includeTracing) {
            propagator.inject(Context.root().with(((GatewaySpan) span).span()), injector,
                    (carrier, key, value) -> carrier.put(key, value));
        }
    }
}
