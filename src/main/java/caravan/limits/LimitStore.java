package caravan.limits;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where rate-limit buckets, in-flight counts and budget accounts live: in this process (the embedded
 * default) or in Redis, shared by every instance that points at it. Every call is non-blocking and may be
 * made on a Vert.x event loop. When the store cannot be reached, the returned stage fails with
 * {@link StoreUnavailableException}; what that means for the request (fail open or closed) is the caller's
 * decision.
 */
public interface LimitStore extends AutoCloseable {

    /**
     * Takes {@code amount} from every bucket, or from none when any of them has too little (all at once: a
     * request refused by a tenant's limit takes nothing from its key's). A bucket holds up to its
     * per-minute limit and refills continuously at that rate.
     */
    CompletionStage<Take> take(List<BucketRequest> buckets);

    /**
     * Corrects a bucket once the real count is known: a positive {@code delta} takes more (the bucket may
     * go below zero, and then refuses until it has refilled), a negative one gives back (up to the limit).
     */
    void adjust(BucketRequest bucket, long delta);

    /**
     * One more request in flight under {@code key}, unless {@code max} already are. {@code requestId}
     * identifies it so that a lost {@link #leave} (a crashed instance) expires instead of leaking.
     */
    CompletionStage<Boolean> enter(String key, int max, String requestId);

    void leave(String key, String requestId);

    /**
     * Reserves {@code amountNanoUsd} of a budget account when its spend plus its reservations plus the
     * amount stay within {@code limitNanoUsd}; {@code clamp} allows a reservation of whatever room is left
     * instead (the request's size is only a guess). An account the store has not seen starts at
     * {@code seedSpentNanoUsd} (the spend recorded in the database), and is forgotten after {@code expiresAt}.
     */
    CompletionStage<Reservation> reserve(String account, long limitNanoUsd, long amountNanoUsd, boolean clamp,
                                         long seedSpentNanoUsd, Instant expiresAt);

    /** Ends a reservation: {@code reservedNanoUsd} leaves the reservations and {@code spentNanoUsd} is added to the spend. */
    void settle(String account, long reservedNanoUsd, long spentNanoUsd, Instant expiresAt);

    /** Spend and reservations of an account as the store has them, or null when it has not seen the account. */
    CompletionStage<Account> account(String account);

    /** False while the store cannot be reached (always true in process). */
    boolean reachable();

    /** What the store is, for logs and {@code /readyz}: {@code memory} or {@code redis}. */
    String kind();

    @Override
    void close();

    /**
     * @param key   the bucket's name, e.g. {@code rpm:key:<id>}
     * @param limit its per-minute limit (its capacity)
     */
    record BucketRequest(String key, long limit, long amount) {
    }

    /**
     * @param granted    whether every bucket gave its amount
     * @param remaining  what each bucket holds after the take, in the order asked (when granted)
     * @param refused    the index of the first bucket that had too little (when not granted), else -1
     * @param retryAfterMillis how long until that bucket holds the amount (when not granted)
     */
    record Take(boolean granted, long[] remaining, int refused, long retryAfterMillis) {
    }

    /**
     * @param granted  whether the amount (or, clamped, what room was left) is reserved
     * @param reserved what was reserved, in nano-dollars (0 when refused)
     * @param spent    the account's spend before this reservation
     */
    record Reservation(boolean granted, long reserved, long spent) {
    }

    record Account(long spentNanoUsd, long reservedNanoUsd) {
    }
}
