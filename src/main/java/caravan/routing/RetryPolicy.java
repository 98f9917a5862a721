package caravan.routing;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import caravan.api.ErrorType;
import caravan.api.GatewayException;

/**
 * What a failed attempt means, in one explicit matrix (README: "Retries and fallbacks"):
 *
 * <table>
 * <tr><th>failure</th><th>verdict</th></tr>
 * <tr><td>429, 500, 502, 503, 504, upstream timeout, connection reset or broken</td><td>RETRY: again after a
 * backoff while the target has retries left, then move on</td></tr>
 * <tr><td>connection refused, unknown host, 404 (model not found), circuit open, target cooling down, a failed
 * post-check; a request too long for the model's context window (then only to models with larger windows)</td>
 * <td>MOVE_ON: the next target at once (retrying the same one cannot help)</td></tr>
 * <tr><td>400, 401, 403, 413, 422 and any other 4xx</td><td>TERMINAL, unless the route lists the status in
 * {@code moveOn}</td></tr>
 * <tr><td>anything after the first streamed byte reached the client; the client went away; the request's
 * deadline passed</td><td>TERMINAL</td></tr>
 * </table>
 *
 * Backoff is exponential with full jitter, capped; an upstream's {@code Retry-After} takes precedence.
 */
public final class RetryPolicy {

    public enum Verdict { RETRY, MOVE_ON, TERMINAL }

    static final String ATTEMPTS_EXHAUSTED = "attempts_exhausted";

    /** The request made as many attempts as the gateway allows one request, however its route is written. */
    static GatewayException attemptsExhausted(int maxAttempts) {
        return new GatewayException(502, ErrorType.UPSTREAM, ATTEMPTS_EXHAUSTED, null, "No model answered within "
                + "the gateway's limit of " + maxAttempts + " attempts per request (retries and fallbacks included).");
    }

    private final long baseBackoffMs;
    private final long maxBackoffMs;

    public RetryPolicy(long baseBackoffMs, long maxBackoffMs) {
        this.baseBackoffMs = baseBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
    }

    public Verdict classify(GatewayException failure, boolean committed, Set<Integer> alsoMoveOn) {
        int status = failure.status();
        if (committed || status == 499 || "deadline_exceeded".equals(failure.code())
                || ATTEMPTS_EXHAUSTED.equals(failure.code())) {
            return Verdict.TERMINAL;
        }
        if (GatewayException.CONTEXT_LENGTH_EXCEEDED.equals(failure.code())) {
            // too long for this model, perhaps not for one with a larger window (the model: endpoint picks)
            return Verdict.MOVE_ON;
        }
        if (GatewayException.PROVIDER_AUTHENTICATION.equals(failure.code())) {
            // the gateway's own credentials for this provider: retrying cannot help, another provider may
            return Verdict.MOVE_ON;
        }
        if (alsoMoveOn.contains(status)) {
            return Verdict.MOVE_ON;
        }
        if (status == 404 || failure instanceof TargetUnavailableException || failure instanceof PostCheckFailedException
                || refused(failure)) {
            return Verdict.MOVE_ON;
        }
        if (status == 429 || status >= 500) {
            return Verdict.RETRY;
        }
        return Verdict.TERMINAL;
    }

    /** Failures that say the provider is unhealthy (they count against its circuit breaker); client errors do not. */
    public boolean blamesProvider(GatewayException failure) {
        return failure.status() >= 500 && !(failure instanceof TargetUnavailableException)
                && !(failure instanceof PostCheckFailedException);
    }

    public long maxBackoffMillis() {
        return maxBackoffMs;
    }

    /** How long to wait before retry number {@code retry} (0-based) of a target. */
    public long backoffMillis(int retry, String retryAfter) {
        long told = retryAfterMillis(retryAfter);
        if (told >= 0) {
            return told;
        }
        long ceiling = Math.min(maxBackoffMs, baseBackoffMs << Math.min(retry, 20));
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    /** {@code Retry-After} in milliseconds (delta-seconds or an HTTP date), or -1 when absent or unreadable. */
    static long retryAfterMillis(String retryAfter) {
        if (retryAfter == null || retryAfter.isBlank()) {
            return -1;
        }
        try {
            return Math.max(0, (long) (Double.parseDouble(retryAfter.trim()) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(retryAfter.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
            } catch (DateTimeParseException notADate) {
                return -1;
            }
        }
    }

    private static boolean refused(GatewayException failure) {
        Throwable cause = failure.getCause();
        return cause instanceof ConnectException || cause instanceof UnknownHostException;
    }
}
