package caravan.edge;

import caravan.api.GatewayException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a failed exchange becomes the error its client sees. A {@link GatewayException}
 * (anywhere in the cause chain) is answered as it is; anything else is a gateway bug: it is logged here
 * with its stack trace and answered with a 500 that reveals nothing of it.
 */
final class Errors {

    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    static GatewayException toGatewayException(Throwable failure, Exchange exchange) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof GatewayException gateway) {
                return gateway;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        LOG.error("Unexpected failure in route {} (exchange {})", exchange.getFromRouteId(), exchange.getExchangeId(),
                failure);
        return GatewayException.internal("The gateway failed to handle the request.", null);
    }
}
