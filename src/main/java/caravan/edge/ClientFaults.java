package caravan.edge;

import io.vertx.core.net.SocketAddress;

import io.vertx.core.http.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where what clients do wrong is logged: one line each, without a stack trace (a reset, a malformed
 * request, a timeout, a refused connection is the client's doing, not a gateway fault). Plain 4xx answers
 * such as a bad key or a bad body are answers, not faults, and are not logged; metrics count them.
 */
final class ClientFaults {

    static final Logger LOG = LoggerFactory.getLogger(ClientFaults.class);

    private ClientFaults() {
    }

    static void connectionFailed(HttpConnection connection, Throwable cause) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("Connection from {} failed: {}", peer(connection), describe(cause));
        }
    }

    static String peer(HttpConnection connection) {
        SocketAddress address = connection == null ? null : connection.remoteAddress();
        return address == null ? "unknown" : address.toString();
    }

    /** The failure's class and message, never its stack. */
    static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
