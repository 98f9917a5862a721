package caravan.api;

/** The {@code error.type} values the gateway answers with; the first five are OpenAI's own. */
public enum ErrorType {
    INVALID_REQUEST("invalid_request_error"),
    AUTHENTICATION("authentication_error"),
    PERMISSION("permission_error"),
    NOT_FOUND("not_found_error"),
    RATE_LIMIT("rate_limit_error"),
    API("api_error"),
    UPSTREAM("upstream_error"),
    TIMEOUT("timeout_error");

    private final String wireName;

    ErrorType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
