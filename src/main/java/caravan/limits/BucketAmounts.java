package caravan.limits;

import caravan.limits.LimitStore.BucketRequest;

/** What a take asks of a bucket, the same in both stores. */
final class BucketAmounts {

    private BucketAmounts() {
    }

    /**
     * The amount to take: never more than the limit, because a bucket never holds more and such a request
     * would wait forever; the caller's {@code adjust} charges the rest once the real count is known.
     */
    static long toTake(BucketRequest bucket) {
        if (bucket.limit() <= 0) {
            throw new IllegalArgumentException("a bucket's limit must be positive, " + bucket.key() + " has " + bucket.limit());
        }
        return Math.max(0, Math.min(bucket.amount(), bucket.limit()));
    }
}
