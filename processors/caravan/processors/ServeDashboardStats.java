package caravan.processors;

import caravan.api.Json;
import caravan.telemetry.LiveStats;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** {@code GET /v1/caravan/stats}: the figures the {@code /ui} dashboard shows (README: "Observability"). */
public final class ServeDashboardStats implements Processor {

    private final LiveStats stats;

    public ServeDashboardStats(LiveStats stats) {
        this.stats = stats;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.getMessage().setBody(Json.MAPPER.writeValueAsBytes(stats.snapshot()));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }
}
