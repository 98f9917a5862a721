package caravan.routing;

import caravan.api.ErrorType;
import caravan.api.GatewayException;

/**
 * An answer failed a route's post-check: the next (dearer) candidate is asked instead. A post-stage guardrail
 * that refuses an answer fails with one of its own status, type and code, so a fallback route escalates past
 * it just the same, and the client that runs out of candidates gets the guardrail's error.
 */
public class PostCheckFailedException extends GatewayException {

    public PostCheckFailedException(String message) {
        super(502, ErrorType.UPSTREAM, "post_check_failed", null, message);
    }

    /** @param type an {@code error.type}, e.g. {@code guardrail_failed}; {@code code} names the check */
    public PostCheckFailedException(int status, String type, String code, String message) {
        super(status, type, code, null, message, null, null);
    }
}
