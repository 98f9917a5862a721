package caravan.edge;

import java.util.ArrayList;
import java.util.List;

import caravan.api.ErrorType;
import caravan.api.GatewayException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * One path of the router and the consumer currently serving it. A route reload stops the old consumer
 * before the new one starts; requests arriving in between wait here (their bodies unread) until the new
 * consumer attaches, or answer 503 after the grace period, so editing a route file never drops traffic.
 */
final class PathSlot implements Handler<RoutingContext> {

    private final long graceMillis;
    private EdgeConsumer consumer;
    private final List<Parked> waiting = new ArrayList<>();

    /** A request waiting for a consumer: its body not read yet (null), or read by a consumer that then stopped. */
    private record Parked(RoutingContext ctx, Buffer body) {
    }

    PathSlot(long graceMillis) {
        this.graceMillis = graceMillis;
    }

    @Override
    public void handle(RoutingContext ctx) {
        dispatch(new Parked(ctx, null));
    }

    /** Takes back a request whose consumer stopped after reading its body. */
    void handOver(RoutingContext ctx, Buffer body) {
        dispatch(new Parked(ctx, body));
    }

    private void dispatch(Parked request) {
        EdgeConsumer serving;
        synchronized (this) {
            serving = consumer != null && consumer.isRunAllowed() ? consumer : null;
            if (serving == null) {
                // an unread body is held back until a consumer reads it
                request.ctx().request().pause();
                waiting.add(request);
            }
        }
        if (serving != null) {
            serve(serving, request);
            return;
        }
        request.ctx().vertx().setTimer(graceMillis, id -> giveUp(request));
    }

    void attach(EdgeConsumer next) {
        List<Parked> parked;
        synchronized (this) {
            consumer = next;
            parked = new ArrayList<>(waiting);
            waiting.clear();
        }
        parked.forEach(request -> request.ctx().vertx().runOnContext(v -> serve(next, request)));
    }

    private static void serve(EdgeConsumer serving, Parked request) {
        if (request.body() == null) {
            serving.readBody(request.ctx());
        } else {
            serving.handle(request.ctx(), request.body());
        }
    }

    synchronized void detach(EdgeConsumer leaving) {
        if (consumer == leaving) {
            consumer = null;
        }
    }

    private void giveUp(Parked request) {
        boolean stillWaiting;
        synchronized (this) {
            stillWaiting = waiting.remove(request);
        }
        if (stillWaiting) {
            EdgeServer.sendError(request.ctx(), new GatewayException(503, ErrorType.API, "route_unavailable", null,
                    "No route serves " + request.ctx().request().path() + " right now; it may be reloading."));
        }
    }
}
