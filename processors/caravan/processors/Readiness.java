package caravan.processors;

import caravan.api.Json;
import caravan.limits.Admissions;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;

/**
 * {@code GET /readyz}: 200 once the gateway and all of its routes have started, 503 before and while
 * stopping. Its {@code limits} detail says which store holds rate limits and budgets and whether it
 * answers; a limit store that is down makes the gateway unready only when it fails closed (every limited
 * call would be refused), not when it fails open.
 */
public final class Readiness implements Processor {

    @Override
    public void process(Exchange exchange) throws Exception {
        CamelContext context = exchange.getContext();
        boolean ready = context.isStarted();
        for (Route route : context.getRoutes()) {
            ready &= context.getRouteController().getRouteStatus(route.getRouteId()).isStarted();
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putNull("status");
        Admissions admissions = context.getRegistry().lookupByNameAndType("admissions", Admissions.class);
        if (admissions != null) {
            boolean reachable = admissions.storeReachable();
            body.putObject("limits")
                    .put("store", admissions.storeKind())
                    .put("reachable", reachable)
                    .put("on_store_down", admissions.failOpen() ? "open" : "closed");
            ready &= reachable || admissions.failOpen();
        }
        body.put("status", ready ? "ready" : context.isStarted() ? "degraded" : "starting");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, ready ? 200 : 503);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.MAPPER.writeValueAsBytes(body));
    }
}
