package caravan.providers.codec;

import caravan.api.ErrorType;
import caravan.api.GatewayException;

/**
 * The status policy every codec's error mapping follows, whatever the provider's error body looks like. A
 * 4xx is about the request: the client gets the provider's status and message. A 5xx is the provider
 * failing, not the client's request: the client gets 502 {@code upstream_error} with the provider's
 * message (a 500 passed on would read as the gateway's own fault). An overloaded provider is the
 * exception: a 503 the client and the retry policy may try again after its {@code Retry-After}.
 */
public final class UpstreamErrors {

    private UpstreamErrors() {
    }

    /** What an error says when the provider's body says nothing readable (an HTML page from a proxy, say). */
    public static String statusMessage(int status) {
        return "The upstream provider answered HTTP " + status + ".";
    }

    /** The error type a client error's status stands for, when the provider names none. */
    public static ErrorType typeOf(int status) {
        return switch (status) {
            case 401 -> ErrorType.AUTHENTICATION;
            case 403 -> ErrorType.PERMISSION;
            case 404 -> ErrorType.NOT_FOUND;
            case 429 -> ErrorType.RATE_LIMIT;
            default -> status >= 500 ? ErrorType.UPSTREAM : ErrorType.INVALID_REQUEST;
        };
    }

    /**
     * A provider's error answer as the client sees it: a 4xx keeps its status, the provider's type (or the
     * status's) and fields; a 5xx is a {@link #providerFailure}.
     *
     * @param type the provider's {@code error.type}, or null for the status's own
     */
    public static GatewayException of(int status, String type, String code, String param, String message,
                                      String retryAfter) {
        if (status >= 500) {
            return providerFailure(code, param, message, retryAfter);
        }
        if (tooLongForContext(status, code, message)) {
            code = GatewayException.CONTEXT_LENGTH_EXCEEDED;
        }
        return new GatewayException(status, type != null ? type : typeOf(status).wireName(), code, param, message,
                retryAfter, null);
    }

    /**
     * Whether a client error says the request is too long for the model's context window. OpenAI (and
     * Azure) say so with a code; the others only in words: Anthropic "prompt is too long: N tokens > M
     * maximum", Gemini "The input token count (N) exceeds the maximum number of tokens allowed (M)",
     * Bedrock "Input is too long for requested model", Cohere "too many tokens", Mistral "too large for
     * model with N maximum context length". One code for all lets a route fall back to a larger window.
     */
    static boolean tooLongForContext(int status, String code, String message) {
        if (GatewayException.CONTEXT_LENGTH_EXCEEDED.equals(code)) {
            return true;
        }
        return (status == 400 || status == 413) && message != null && TOO_LONG.matcher(message).find();
    }

    private static final java.util.regex.Pattern TOO_LONG = java.util.regex.Pattern.compile(
            "prompt is too long|input is too long|too many (input )?tokens|exceeds the maximum number of tokens"
                    + "|maximum context length|context window|too large for model", java.util.regex.Pattern.CASE_INSENSITIVE);

    /** The provider failed (a 5xx, a model error, a failed generation): 502, with its message and its code if it gave one. */
    public static GatewayException providerFailure(String code, String param, String message, String retryAfter) {
        return new GatewayException(502, ErrorType.UPSTREAM.wireName(), code == null ? "upstream_error" : code, param,
                message, retryAfter, null);
    }

    /** The provider is overloaded or unavailable for now: a 503 worth retrying after its {@code Retry-After}. */
    public static GatewayException overloaded(String code, String message, String retryAfter) {
        return new GatewayException(503, ErrorType.UPSTREAM, code, null, message, retryAfter, null);
    }
}
