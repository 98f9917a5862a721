package caravan.processors;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;

/** {@code GET /readyz}: 200 once the gateway and all of its routes have started, 503 before and while stopping. */
public final class Readiness implements Processor {

    @Override
    public void process(Exchange exchange) {
        CamelContext context = exchange.getContext();
        boolean ready = context.isStarted();
        for (Route route : context.getRoutes()) {
            ready &= context.getRouteController().getRouteStatus(route.getRouteId()).isStarted();
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, ready ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(ready ? "{\"status\":\"ready\"}" : "{\"status\":\"starting\"}");
    }
}
