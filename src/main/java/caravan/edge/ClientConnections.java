package caravan.edge;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * The client connections of one event loop: each one watched ({@link ConnectionWatch}), swept
 * periodically for the ones that overstayed a timeout, and held under this loop's share of the
 * connection cap. At the cap the connection idle the longest makes room for the new one (a client with a
 * request in flight is never dropped for it); when every connection is busy, the new one is refused. So
 * a crowd of idle sockets cannot lock out a client that has something to ask, and the process never runs
 * out of file descriptors for the upstream calls it must make.
 *
 * <p>Confined to its event loop: the connection handler, the request handler and the sweep timer all run
 * there.
 */
final class ClientConnections {

    /** How long a connection answered early (413, 401, 503) may keep sending a body we discard. */
    static final long DRAIN_MILLIS = 1_000;

    private final Set<ConnectionWatch> open = new HashSet<>();
    private final int cap;
    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final long drainNanos;

    ClientConnections(int cap, long headerTimeoutMs, long idleTimeoutMs) {
        this.cap = Math.max(1, cap);
        this.headerTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMs);
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
        this.drainNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(DRAIN_MILLIS, idleTimeoutMs));
    }

    /** How often the sweep must run for the shortest timeout to be kept within a quarter of itself. */
    static long sweepPeriodMillis(long headerTimeoutMs, long idleTimeoutMs) {
        return Math.max(10, Math.min(1_000, Math.min(headerTimeoutMs, idleTimeoutMs) / 4));
    }

    /**
     * @param requests what handles the connection's requests: it replaces Vert.x's dispatcher, which would
     *                 answer a request line of another HTTP version with an empty 501 of its own
     */
    void accepted(HttpConnection connection, Handler<HttpServerRequest> requests) {
        if (open.size() >= cap && !evictIdlest()) {
            ClientFaults.LOG.info("Refused a connection from {}: {} connections open on this event loop, none idle",
                    ClientFaults.peer(connection), open.size());
            connection.close();
            return;
        }
        ConnectionWatch watch = ConnectionWatch.install(connection);
        open.add(watch);
        connection.closeHandler(v -> open.remove(watch));
        if (connection instanceof HttpServerConnection server) {
            server.handler(requests);
        }
    }

    /** Marks the start of a request on its connection, and the end of its answer when it comes. */
    void requestStarted(HttpServerRequest request) {
        ConnectionWatch watch = ConnectionWatch.of(request);
        if (watch != null) {
            watch.requestStarted();
            request.response().endHandler(v -> watch.responseEnded());
        }
    }

    int size() {
        return open.size();
    }

    /** Closes the connection that has waited longest without a request in flight; false when there is none. */
    private boolean evictIdlest() {
        ConnectionWatch idlest = null;
        for (ConnectionWatch watch : open) {
            if (evictable(watch) && (idlest == null || watch.phaseSince() < idlest.phaseSince())) {
                idlest = watch;
            }
        }
        if (idlest == null) {
            return false;
        }
        open.remove(idlest);
        idlest.close();
        return true;
    }

    private static boolean evictable(ConnectionWatch watch) {
        return switch (watch.phase()) {
            case NEW, IDLE, CLOSING -> true;
            case BODY, ANSWERING -> false;
        };
    }

    /** Cuts off every connection that overstayed its phase's timeout. */
    void sweep() {
        long now = System.nanoTime();
        List<ConnectionWatch> expired = null;
        for (ConnectionWatch watch : open) {
            boolean overdue = switch (watch.phase()) {
                case NEW -> now - watch.phaseSince() > headerTimeoutNanos;
                case IDLE -> now - watch.phaseSince() > idleTimeoutNanos;
                case BODY -> now - watch.lastReadAt() > idleTimeoutNanos;
                case CLOSING -> now - watch.phaseSince() > drainNanos;
                case ANSWERING -> false;
            };
            if (overdue) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(watch);
            }
        }
        if (expired == null) {
            return;
        }
        for (ConnectionWatch watch : expired) {
            switch (watch.phase()) {
                case NEW -> ClientFaults.LOG.info("Closed a connection from {}: no complete request head within {} ms",
                        ClientFaults.peer(watch.connection), TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos));
                case BODY -> ClientFaults.LOG.info("Answered 408 to {}: its request body stopped arriving for {} ms",
                        ClientFaults.peer(watch.connection), TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos));
                default -> {
                    // an idle keep-alive connection, or an early answer's drain that ran out: routine
                }
            }
            if (watch.phase() == ConnectionWatch.Phase.BODY) {
                watch.bodyStalled();
            } else {
                watch.close();
            }
        }
    }
}
