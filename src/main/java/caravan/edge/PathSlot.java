package caravan.edge;

import java.util.ArrayList;
import java.util.List;

import caravan.api.Caller;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * One path of the router and the consumer currently serving it. A request is taken in by the edge
 * ({@link RequestIntake}: caller, then body) and then handed to the consumer serving the path at that
 * moment. A route reload stops the old consumer before the new one starts; a request admitted in between
 * waits here until the new consumer attaches, or is answered 503 after the grace period, so editing a
 * route file never drops traffic.
 */
final class PathSlot implements Handler<RoutingContext> {

    private final String path;
    private final RequestIntake intake;
    private final long graceMillis;
    private EdgeConsumer consumer;
    private final List<Waiting> waiting = new ArrayList<>();

    /** An admitted request waiting for a consumer. */
    private record Waiting(RoutingContext ctx, Caller caller, RequestIntake.Body body) {
    }

    PathSlot(String path, RequestIntake intake, long graceMillis) {
        this.path = path;
        this.intake = intake;
        this.graceMillis = graceMillis;
    }

    @Override
    public void handle(RoutingContext ctx) {
        intake.take(ctx.request(), path, (request, caller, body) -> dispatch(ctx, caller, body));
    }

    private void dispatch(RoutingContext ctx, Caller caller, RequestIntake.Body body) {
        EdgeConsumer serving;
        Waiting request = new Waiting(ctx, caller, body);
        synchronized (this) {
            serving = consumer != null && consumer.isRunAllowed() ? consumer : null;
            if (serving == null) {
                waiting.add(request);
            }
        }
        if (serving != null) {
            serving.serve(ctx, caller, body);
            return;
        }
        ctx.vertx().setTimer(graceMillis, id -> giveUp(request));
    }

    void attach(EdgeConsumer next) {
        List<Waiting> parked;
        synchronized (this) {
            consumer = next;
            parked = new ArrayList<>(waiting);
            waiting.clear();
        }
        parked.forEach(request -> request.ctx().vertx().runOnContext(
                v -> next.serve(request.ctx(), request.caller(), request.body())));
    }

    synchronized void detach(EdgeConsumer leaving) {
        if (consumer == leaving) {
            consumer = null;
        }
    }

    private void giveUp(Waiting request) {
        boolean stillWaiting;
        synchronized (this) {
            stillWaiting = waiting.remove(request);
        }
        if (stillWaiting) {
            intake.budget().release(request.body().held());
            HttpServerRequest http = request.ctx().request();
            Rejections.reject(http, new GatewayException(503, ErrorType.API, "route_unavailable", null,
                    "No route serves " + http.path() + " right now; it may be reloading.", "1", null));
        }
    }
}
