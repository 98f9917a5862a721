package caravan.telemetry;

import caravan.api.GuardrailOutcomes;
import caravan.api.Variables;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.telemetry.Span;
import org.apache.camel.telemetry.SpanContextPropagationExtractor;
import org.apache.camel.telemetry.SpanContextPropagationInjector;
import org.apache.camel.telemetry.decorators.PlatformHttpSpanDecorator;

import static caravan.telemetry.TelemetryNames.*;

/**
 * The SERVER span of an inbound call ({@code POST /v1/chat/completions}): HTTP attributes, and once the
 * answer is written, what served it ({@code caravan.*}) and how it ended. Replaces Camel's decorator for
 * platform-http (it extends it, which is how Camel lets a decorator be replaced), without the endpoint
 * URI and query that Camel's would record.
 */
public class InboundSpanDecorator extends PlatformHttpSpanDecorator {

    @Override
    public String getOperationName(Exchange exchange, Endpoint endpoint) {
        return getHttpMethod(exchange, endpoint) + " " + path(endpoint);
    }

    @Override
    public SpanContextPropagationExtractor getExtractor(Exchange exchange) {
        return HeaderCarriers.of(exchange.getIn());
    }

    @Override
    public SpanContextPropagationInjector getInjector(Exchange exchange) {
        return HeaderCarriers.DISCARD;
    }

    @Override
    public void beforeTracingEvent(Span span, Exchange exchange, Endpoint endpoint) {
        exchange.setVariable(Variables.REQUEST_SPAN, span);
        if (!((GatewaySpan) span).span().isRecording()) {
            return;
        }
        span.setTag(HTTP_REQUEST_METHOD, getHttpMethod(exchange, endpoint));
        span.setTag(HTTP_ROUTE, path(endpoint));
        span.setTag(CARAVAN_REQUEST_ID, exchange.getExchangeId());
    }

    /**
     * Camel ends a route's span when the route is done, before the answer is written; the request's span
     * should cover the answer and say how it went, so it ends when the exchange completes, after the edge
     * wrote the answer and recorded the call.
     */
    @Override
    public void afterTracingEvent(Span span, Exchange exchange) {
        GatewaySpan gatewaySpan = (GatewaySpan) span;
        gatewaySpan.endLater();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange completed) {
                try {
                    describe(gatewaySpan, completed);
                } finally {
                    gatewaySpan.span().end();
                }
            }
        });
    }

    private void describe(Span span, Exchange exchange) {
        if (!((GatewaySpan) span).span().isRecording()) {
            return;
        }
        CallRecord call = exchange.getVariable(Variables.CALL_RECORD, CallRecord.class);
        if (call == null) {
            Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            if (exchange.isFailed() || status != null && status >= 500) {
                span.setError(true);
            }
            return;
        }
        GatewaySpan gatewaySpan = (GatewaySpan) span;
        io.opentelemetry.api.trace.Span otel = gatewaySpan.span();
        otel.setAttribute(HTTP_RESPONSE_STATUS_CODE, call.status());
        setIfPresent(span, GEN_AI_REQUEST_MODEL, call.requestedModel());
        setIfPresent(span, CARAVAN_ROUTE, call.route());
        setIfPresent(span, CARAVAN_TENANT, call.tenant());
        setIfPresent(span, CARAVAN_KEY_ID, call.keyId());
        setIfPresent(span, CARAVAN_PROVIDER, call.provider());
        setIfPresent(span, CARAVAN_MODEL, call.model());
        otel.setAttribute(CARAVAN_ATTEMPTS, call.attempts());
        otel.setAttribute(CARAVAN_STREAM, call.stream());
        otel.setAttribute(CARAVAN_OVERHEAD_MS, call.overheadNanos() / 1e6);
        // a call that used tokens of a model without a price has no cost_usd: unknown, not 0
        if (call.usage() != null && call.costUsd() != null) {
            otel.setAttribute(COST_USD, call.costUsd().doubleValue());
        }
        if (call.cache() != null) {
            otel.setAttribute(CARAVAN_CACHE_OUTCOME, call.cache().outcome());
            otel.setAttribute(CARAVAN_CACHE_KIND, call.cache().mode());
            if (!Double.isNaN(call.cache().similarity())) {
                otel.setAttribute(CARAVAN_CACHE_SIMILARITY, call.cache().similarity());
            }
            if (call.cache().hit() && call.costSavedUsd() != null) {
                otel.setAttribute(CARAVAN_CACHE_COST_SAVED_USD, call.costSavedUsd().doubleValue());
            }
        }
        GuardrailOutcomes guardrails = exchange.getVariable(Variables.GUARDRAIL_OUTCOMES, GuardrailOutcomes.class);
        if (guardrails != null) {
            otel.setAttribute(CARAVAN_GUARDRAIL_OUTCOMES, guardrails.summary());
        }
        if (call.failed()) {
            span.setTag(ERROR_TYPE, call.errorType());
            // 4xx are the caller's errors, not the server span's (HTTP semantic conventions)
            span.setError(call.status() >= 500 || call.status() == 200);
        }
    }

    private static void setIfPresent(Span span, String key, String value) {
        if (value != null) {
            span.setTag(key, value);
        }
    }

    private static String path(Endpoint endpoint) {
        return "/" + stripSchemeAndOptions(endpoint);
    }
}
