package caravan.providers.gemini;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.providers.codec.UpstreamErrors;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Google's error envelope, {@code {"error":{"code","message","status","details"}}}, as the gateway's error.
 * The canonical status decides: INVALID_ARGUMENT and FAILED_PRECONDITION 400, UNAUTHENTICATED 401,
 * PERMISSION_DENIED 403, NOT_FOUND 404, RESOURCE_EXHAUSTED 429, UNAVAILABLE (overloaded) 503, INTERNAL and
 * any other 5xx 502. The message is Google's own; {@code code} is the status in lower case.
 */
final class GeminiErrors {

    private GeminiErrors() {
    }

    static GatewayException decode(int status, byte[] body, String retryAfter) {
        JsonNode json = Json.objectOrNull(body);
        JsonNode error = json == null ? null : json.get("error");
        if (error == null || !error.isObject()) {
            // an HTML page from a proxy or load balancer: its status is all that can be passed on
            return build(mapped(null, status), null, UpstreamErrors.statusMessage(status), retryAfter);
        }
        return from(error, status, retryAfter);
    }

    /**
     * @param status the HTTP status the error came with, used when the body names no canonical status
     *               (an error inside a 200 stream names its own {@code code})
     */
    static GatewayException from(JsonNode error, int status, String retryAfter) {
        String canonical = error.path("status").asText(null);
        int code = error.path("code").asInt(status);
        String message = error.path("message").asText(UpstreamErrors.statusMessage(code));
        // Google answers a wrong key with 400 INVALID_ARGUMENT; for the client it is the gateway's credentials failing
        if ("API_KEY_INVALID".equals(reason(error))) {
            return new GatewayException(401, ErrorType.AUTHENTICATION, "invalid_api_key", null, message);
        }
        return build(mapped(canonical, code), canonical, message, retryAfter != null ? retryAfter : retryDelay(error));
    }

    private static int mapped(String canonical, int code) {
        if (canonical != null) {
            switch (canonical) {
                case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE":
                    return 400;
                case "UNAUTHENTICATED":
                    return 401;
                case "PERMISSION_DENIED":
                    return 403;
                case "NOT_FOUND":
                    return 404;
                case "RESOURCE_EXHAUSTED":
                    return 429;
                case "UNAVAILABLE":
                    return 503;
                default:
                    break;
            }
        }
        if (code == 429 || code == 503) {
            return code;
        }
        return code >= 500 || code < 400 ? 502 : code;
    }

    /** Google's canonical status in lower case is the code; only a rate limit and an overload keep their Retry-After. */
    private static GatewayException build(int status, String canonical, String message, String retryAfter) {
        String code = canonical == null ? null : canonical.toLowerCase(Locale.ROOT);
        if (status == 503) {
            return UpstreamErrors.overloaded(code, message, retryAfter);
        }
        return UpstreamErrors.of(status, null, code, null, message, status == 429 ? retryAfter : null);
    }

    /** The {@code reason} of the {@code google.rpc.ErrorInfo} detail, if any. */
    private static String reason(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            if (detail.hasNonNull("reason")) {
                return detail.get("reason").asText();
            }
        }
        return null;
    }

    /** A {@code google.rpc.RetryInfo} delay ("37s", "0.5s") as whole Retry-After seconds, rounded up. */
    private static String retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            String delay = detail.path("retryDelay").asText("");
            if (delay.endsWith("s")) {
                try {
                    return new BigDecimal(delay.substring(0, delay.length() - 1)).setScale(0, RoundingMode.CEILING)
                            .toPlainString();
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
