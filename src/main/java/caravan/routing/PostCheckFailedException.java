package caravan.routing;

import caravan.api.ErrorType;
import caravan.api.GatewayException;

/** An answer failed a route's post-check: the next (dearer) candidate is asked instead. */
public final class PostCheckFailedException extends GatewayException {

    public PostCheckFailedException(String message) {
        super(502, ErrorType.UPSTREAM, "post_check_failed", null, message);
    }
}
