package caravan.routing;

import java.time.Duration;
import java.util.List;

import caravan.api.RequestIds;
import caravan.catalog.ModelCatalog;
import caravan.catalog.Prices;
import caravan.telemetry.CallRecorder;
import caravan.telemetry.MetricLabels;
import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/** A started Camel context with what the model: component needs (the packaged catalog, no prices) and the given provider routes. */
final class ModelsContext {

    private ModelsContext() {
    }

    static CamelContext start(Vertx vertx, RouteBuilder providerRoutes) throws Exception {
        ModelCatalog catalog = ModelCatalog.read(ModelsContext.class.getResourceAsStream("/models.yaml"));
        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("vertx", vertx);
        camel.getRegistry().bind("modelCatalog", catalog);
        camel.getRegistry().bind("prices", new Prices(List.of()));
        camel.getRegistry().bind("retryPolicy", new RetryPolicy(20, 100));
        camel.getRegistry().bind("circuitBreakers", new CircuitBreakers(CircuitBreakers.config(50, 100,
                Duration.ofSeconds(10), 100, 100, Duration.ofMinutes(1), 1)));
        camel.getRegistry().bind("latencyStats", new LatencyStats(100));
        camel.getRegistry().bind("recentCalls", new RecentCalls(new RequestIds(), 100, Duration.ofMinutes(1)));
        camel.getRegistry().bind("callRecorder", CallRecorder.detached());
        camel.getRegistry().bind("metricLabels", new MetricLabels(catalog, provider -> true, route -> true));
        camel.addRoutes(providerRoutes);
        camel.start();
        return camel;
    }
}
