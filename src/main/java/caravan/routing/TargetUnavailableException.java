package caravan.routing;

import caravan.api.ErrorType;
import caravan.api.GatewayException;

/**
 * A target was not called: its provider's circuit is open, or it is cooling down after a rate limit. The
 * next target is tried at once.
 */
public final class TargetUnavailableException extends GatewayException {

    TargetUnavailableException(int status, String code, String message) {
        super(status, ErrorType.API, code, null, message);
    }

    static TargetUnavailableException circuitOpen(Target target) {
        return new TargetUnavailableException(503, "circuit_open",
                "Provider '" + target.provider() + "' is failing; its circuit breaker is open.");
    }

    static TargetUnavailableException coolingDown(Target target) {
        return new TargetUnavailableException(429, "cooling_down",
                "'" + target + "' is rate limited; the gateway waits until its Retry-After has passed.");
    }
}
