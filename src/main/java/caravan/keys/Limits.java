package caravan.keys;

/**
 * Rate limits of a key or a tenant; each null when there is none.
 *
 * @param rpm         requests per minute
 * @param tpm         tokens (input and output) per minute
 * @param maxParallel requests in flight at once
 * @param userRpm     requests per minute for each end user (the request's {@code user} or {@code x-caravan-user})
 * @param userTpm     tokens per minute for each end user
 */
public record Limits(Long rpm, Long tpm, Integer maxParallel, Long userRpm, Long userTpm) {

    public static final Limits NONE = new Limits(null, null, null, null, null);

    public boolean none() {
        return rpm == null && tpm == null && maxParallel == null && userRpm == null && userTpm == null;
    }

    /** Whether a call under these limits is admitted on a count of its tokens. */
    public boolean countTokens() {
        return tpm != null || userTpm != null;
    }
}
