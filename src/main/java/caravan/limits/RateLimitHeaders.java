package caravan.limits;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * OpenAI's rate-limit headers for the limits that apply to a call: of the key's, the tenant's and the end
 * user's, the one with the least left ({@code x-ratelimit-limit-requests}, {@code -remaining-requests},
 * {@code -limit-tokens}, {@code -remaining-tokens}). A call with no such limit gets none of them.
 */
public final class RateLimitHeaders {

    private long requestLimit = -1;
    private long requestsLeft = Long.MAX_VALUE;
    private long tokenLimit = -1;
    private long tokensLeft = Long.MAX_VALUE;

    void from(List<LimitStore.BucketRequest> buckets, List<String> kinds, long[] remaining) {
        for (int i = 0; i < buckets.size(); i++) {
            long left = Math.max(0, remaining[i]);
            if (kinds.get(i).equals("rpm")) {
                if (left < requestsLeft) {
                    requestsLeft = left;
                    requestLimit = buckets.get(i).limit();
                }
            } else if (left < tokensLeft) {
                tokensLeft = left;
                tokenLimit = buckets.get(i).limit();
            }
        }
    }

    /** A call was refused by this bucket: its limit, with nothing remaining, is what the client should see. */
    void refusedBy(LimitStore.BucketRequest bucket, String kind) {
        if (kind.equals("rpm")) {
            requestLimit = bucket.limit();
            requestsLeft = 0;
        } else {
            tokenLimit = bucket.limit();
            tokensLeft = 0;
        }
    }

    /** Hands each header that applies to {@code header}. */
    public void writeTo(BiConsumer<String, String> header) {
        if (requestLimit >= 0) {
            header.accept("x-ratelimit-limit-requests", Long.toString(requestLimit));
            header.accept("x-ratelimit-remaining-requests", Long.toString(requestsLeft));
        }
        if (tokenLimit >= 0) {
            header.accept("x-ratelimit-limit-tokens", Long.toString(tokenLimit));
            header.accept("x-ratelimit-remaining-tokens", Long.toString(tokensLeft));
        }
    }
}
