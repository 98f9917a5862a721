package caravan.api;

/**
 * A failure the gateway answers its client with: an HTTP status and the fields of an OpenAI error body.
 * Each inbound dialect renders it in its own shape. Messages never carry internals (stack traces, class
 * names, keys); an upstream's own message is kept as the upstream wrote it.
 *
 * <p>Stack traces are not captured: these are expected outcomes on the hot path, not bugs.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final String retryAfter;

    public GatewayException(int status, ErrorType type, String code, String param, String message) {
        this(status, type.wireName(), code, param, message, null, null);
    }

    public GatewayException(int status, ErrorType type, String code, String param, String message,
                            String retryAfter, Throwable cause) {
        this(status, type.wireName(), code, param, message, retryAfter, cause);
    }

    /** @param type an {@code error.type} as the upstream wrote it, or an {@link ErrorType#wireName()} */
    public GatewayException(int status, String type, String code, String param, String message,
                            String retryAfter, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfter = retryAfter;
    }

    public static GatewayException badRequest(String message, String param, String code) {
        return new GatewayException(400, ErrorType.INVALID_REQUEST, code, param, message);
    }

    public static GatewayException invalidApiKey(String message) {
        return new GatewayException(401, ErrorType.INVALID_REQUEST, "invalid_api_key", null, message);
    }

    /** A model or route outside the caller key's scope. */
    public static GatewayException modelNotAllowed(String model, String param) {
        return new GatewayException(403, ErrorType.PERMISSION, "model_not_allowed", param,
                "This API key may not use '" + model + "'. GET /v1/models lists what it may use.");
    }

    /**
     * Over a rate limit of the caller's key, tenant or end user: OpenAI's 429 shape.
     *
     * @param code              {@code rpm_limit}, {@code tpm_limit} or {@code parallel_limit}
     * @param retryAfterSeconds whole seconds until the limit frees, at least 1
     */
    public static GatewayException rateLimited(String code, String message, long retryAfterSeconds) {
        return new GatewayException(429, "rate_limit_exceeded", code, null, message,
                Long.toString(Math.max(1, retryAfterSeconds)), null);
    }

    /** A budget of the caller's key or tenant is spent: OpenAI's {@code insufficient_quota} 429. */
    public static GatewayException budgetExceeded(String message) {
        return new GatewayException(429, "insufficient_quota", "budget_exceeded", null, message, null, null);
    }

    /** The limit store cannot be reached and the gateway is told to fail closed. */
    public static GatewayException limitsUnavailable() {
        return new GatewayException(503, ErrorType.API.wireName(), "limits_unavailable", null,
                "Rate limits and budgets cannot be checked right now; try again shortly.", "1", null);
    }

    public static GatewayException notFound(String message, String param, String code) {
        return new GatewayException(404, ErrorType.INVALID_REQUEST, code, param, message);
    }

    public static GatewayException bodyTooLarge(long limit) {
        return new GatewayException(413, ErrorType.INVALID_REQUEST, "request_too_large", null,
                "The request body is larger than this gateway accepts (" + limit + " bytes).");
    }

    public static GatewayException upstreamUnavailable(String message, Throwable cause) {
        return new GatewayException(502, ErrorType.UPSTREAM, "upstream_unavailable", null, message, null, cause);
    }

    public static GatewayException upstreamTimeout(String message) {
        return new GatewayException(504, ErrorType.TIMEOUT, "upstream_timeout", null, message);
    }

    /** The request's deadline (across all its attempts) passed: nothing more is tried. */
    public static GatewayException deadlineExceeded() {
        return new GatewayException(504, ErrorType.TIMEOUT, "deadline_exceeded", null,
                "The request ran out of time before any model answered.");
    }

    /**
     * The code of a request too long for the model's context window, whatever the provider called it
     * (OpenAI's own code): it may fit a model with a larger window.
     */
    public static final String CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded";

    /** The code of {@link #providerRejectedCredentials}. */
    public static final String PROVIDER_AUTHENTICATION = "provider_authentication_error";

    /**
     * A provider refused the gateway's own credentials for it. The client's key is not at fault, so this
     * is not a 401: that status stays the gateway's answer to a client's bad key.
     */
    public static GatewayException providerRejectedCredentials(String provider) {
        return new GatewayException(502, ErrorType.UPSTREAM, PROVIDER_AUTHENTICATION, null, "Provider '" + provider
                + "' refused the gateway's credentials for it (HTTP 401): the gateway's key for that provider is "
                + "missing, wrong or revoked. This is not about your key.");
    }

    /**
     * A provider refused the credentials of the caller's tenant's own account there: the same 502 as
     * {@link #providerRejectedCredentials}, telling the caller it is its tenant's account to fix.
     */
    public static GatewayException providerRejectedTenantCredentials(String provider) {
        return new GatewayException(502, ErrorType.UPSTREAM, PROVIDER_AUTHENTICATION, null, "Provider '" + provider
                + "' refused the credentials of your tenant's own account there (HTTP 401): its key for that provider "
                + "is missing, wrong or revoked. Your key to the gateway is fine.");
    }

    public static GatewayException internal(String message, Throwable cause) {
        return new GatewayException(500, ErrorType.API, "internal_error", null, message, null, cause);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /** The upstream's {@code Retry-After}, passed on with a 429 or 503; null otherwise. */
    public String retryAfter() {
        return retryAfter;
    }
}
