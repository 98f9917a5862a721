package caravan.edge;

import caravan.api.Authenticator;
import caravan.api.Caller;
import caravan.api.GatewayException;
import caravan.net.BodyCollector;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * What the edge does with a request before any route sees it, each step once and in this order: find
 * out who is calling from the headers alone (a request that needs a key and has none is answered 401
 * before a byte of its body is read); check the declared size against the limit and the gateway's body
 * budget; then read the body, holding only the bytes that arrive and reserving each chunk in the budget.
 * The admitted request is handed on with its caller, its body and the bytes it holds.
 */
final class RequestIntake {

    /** Where an admitted request goes next (the path's consumer). */
    @FunctionalInterface
    interface Admitted {
        void accept(HttpServerRequest request, Caller caller, Body body);
    }

    /** A request body read whole, and the budget bytes it holds until its call ends. */
    record Body(byte[] bytes, long held) {
    }

    private final EdgeLimits limits;
    private final BodyBudget budget;
    private final Authenticator authenticator;

    RequestIntake(EdgeLimits limits, BodyBudget budget, Authenticator authenticator) {
        this.limits = limits;
        this.budget = budget;
        this.authenticator = authenticator;
    }

    BodyBudget budget() {
        return budget;
    }

    void take(HttpServerRequest request, String path, Admitted next) {
        boolean open = limits.isPublic(path);
        Caller caller;
        try {
            caller = identify(request, open);
        } catch (GatewayException rejected) {
            Rejections.reject(request, rejected);
            return;
        }
        // nobody without a key makes the gateway hold more than a small body
        long limit = caller == null && authenticator.required() ? Math.min(EdgeLimits.PUBLIC_BODY_BYTES, limits.maxBodyBytes())
                : limits.maxBodyBytes();
        long declared = BodyCollector.declaredLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
        if (declared > limit) {
            Rejections.reject(request, GatewayException.bodyTooLarge(limit));
            return;
        }
        if (declared > 0 && !budget.hasRoomFor(declared)) {
            Rejections.reject(request, Rejections.overloaded());
            return;
        }
        if (request.version() == HttpVersion.HTTP_1_1 && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            request.response().writeContinue();
        }
        new BodyRead(request, caller, limit, next).start();
    }

    /**
     * Who is calling: required on every path but the public ones; on a public path a key is honoured when
     * presented (a route there may still want it) and ignored when wrong.
     */
    private Caller identify(HttpServerRequest request, boolean open) {
        if (open) {
            try {
                return authenticator.identify(request::getHeader);
            } catch (GatewayException ignored) {
                return null;
            }
        }
        Caller caller = authenticator.identify(request::getHeader);
        if (caller == null) {
            throw GatewayException.invalidApiKey("You didn't provide an API key. Send the gateway key in an "
                    + "Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY).");
        }
        return caller;
    }

    /** One body being read: it ends exactly once, read, refused, failed or timed out, and then holds nothing it does not hand on. */
    private final class BodyRead {
        private final HttpServerRequest request;
        private final Caller caller;
        private final long limit;
        private final Admitted next;
        private final ConnectionWatch watch;
        private long held;
        private boolean over;

        BodyRead(HttpServerRequest request, Caller caller, long limit, Admitted next) {
            this.request = request;
            this.caller = caller;
            this.limit = limit;
            this.next = next;
            this.watch = ConnectionWatch.of(request);
        }

        void start() {
            if (watch != null) {
                watch.readingBody(() -> fail(Rejections.bodyTimedOut(limits.idleTimeoutMs())));
            }
            BodyCollector.collect(request, limit, this::reserve).onComplete(read -> {
                if (over) {
                    return;
                }
                if (read.succeeded()) {
                    over = true;
                    if (watch != null) {
                        watch.bodyRead();
                    }
                    next.accept(request, caller, new Body(read.result(), held));
                } else if (read.cause() instanceof BodyCollector.BodyTooLargeException) {
                    fail(GatewayException.bodyTooLarge(limit));
                } else if (read.cause() instanceof BodyCollector.BodyRefusedException) {
                    fail(Rejections.overloaded());
                } else {
                    // the client went away (or broke the framing) before its body was complete: nobody to answer
                    release();
                    over = true;
                    request.connection().close();
                }
            });
        }

        private boolean reserve(int bytes) {
            if (!budget.tryReserve(bytes)) {
                return false;
            }
            held += bytes;
            return true;
        }

        private void fail(GatewayException error) {
            if (over) {
                return;
            }
            over = true;
            release();
            Rejections.reject(request, error);
        }

        private void release() {
            budget.release(held);
            held = 0;
        }
    }
}
