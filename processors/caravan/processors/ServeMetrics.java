package caravan.processors;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /metrics}: the Prometheus registry in the text format, or OpenMetrics when the scraper asks
 * for it. A scrape is a few hundred microseconds of CPU over in-memory counters, so it runs on the loop.
 */
public final class ServeMetrics implements Processor {

    static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPEN_METRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public ServeMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void process(Exchange exchange) {
        String accept = exchange.getMessage().getHeader("Accept", String.class);
        String contentType = accept != null && accept.contains("application/openmetrics-text") ? OPEN_METRICS : TEXT;
        exchange.getMessage().setBody(registry.scrape(contentType));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
    }
}
