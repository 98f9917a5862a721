package caravan.guardrails;

import caravan.api.GatewayException;
import caravan.routing.PostCheckFailedException;

/**
 * The errors a guardrail stops a call with. Every message starts {@code guardrail_blocked (<name>):} or
 * {@code guardrail_failed (<name>):} and says what was found, never the text it was found in; {@code code}
 * is the guardrail's name. An answer refused on the post stage fails as a post-check, so a fallback route
 * moves on to its next model; a request refused on the pre stage is the client's to change.
 */
public final class GuardrailErrors {

    public static final String BLOCKED = "guardrail_blocked";
    public static final String FAILED = "guardrail_failed";

    private GuardrailErrors() {
    }

    /** 400 {@code guardrail_blocked}: the request (or the answer, by policy) is refused. */
    public static GatewayException blocked(String guardrail, Stage stage, String reason) {
        String message = BLOCKED + " (" + guardrail + "): " + reason;
        return stage == Stage.PRE ? new GatewayException(400, BLOCKED, guardrail, null, message, null, null)
                : new PostCheckFailedException(400, BLOCKED, guardrail, message);
    }

    /** 502 {@code guardrail_failed}: the answer is unusable (it breaks its schema, the model refused). */
    public static GatewayException failed(String guardrail, String reason) {
        return new PostCheckFailedException(502, FAILED, guardrail, FAILED + " (" + guardrail + "): " + reason);
    }
}
