package caravan.limits;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    /**
     * A call's admission in one step: takes from every bucket (as {@link #take}) and, when that was
     * granted, reserves from every budget account of the call's first attempt, from all or from none.
     */
    default CompletionStage<Admitted> admit(List<BucketRequest> buckets, List<ReserveRequest> reservations) {
        CompletionStage<Take> taken = buckets.isEmpty()
                ? CompletableFuture.completedFuture(new Take(true, new long[0], -1, 0)) : take(buckets);
        return taken.thenCompose(take -> take.granted() && !reservations.isEmpty()
                ? reserveAll(take, reservations, 0, new long[reservations.size()])
                : CompletableFuture.completedFuture(new Admitted(take, new long[0], -1)));
    }

    private CompletionStage<Admitted> reserveAll(Take take, List<ReserveRequest> reservations, int index, long[] reserved) {
        if (index == reservations.size()) {
            return CompletableFuture.completedFuture(new Admitted(take, reserved, -1));
        }
        ReserveRequest asked = reservations.get(index);
        return reserve(asked.account(), asked.limitNanoUsd(), asked.amountNanoUsd(), asked.clamp(), asked.seedSpentNanoUsd(),
                asked.expiresAt()).thenCompose(reservation -> {
                    if (!reservation.granted()) {
                        for (int i = 0; i < index; i++) {
                            ReserveRequest given = reservations.get(i);
                            settle(given.account(), reserved[i], 0, given.expiresAt());
                        }
                        return CompletableFuture.completedFuture(new Admitted(take, new long[0], index));
                    }
                    reserved[index] = reservation.reserved();
                    return reserveAll(take, reservations, index + 1, reserved);
                });
    }

    /** What a call gives back when it ends, in one step: its budget settlements, token corrections and in-flight slots. */
    default void finish(List<Settlement> settlements, List<Correction> corrections, List<String> inFlightKeys, String requestId) {
        settlements.forEach(settled -> settle(settled.account(), settled.reservedNanoUsd(), settled.spentNanoUsd(), settled.expiresAt()));
        corrections.forEach(correction -> adjust(correction.bucket(), correction.delta()));
        inFlightKeys.forEach(key -> leave(key, requestId));
    }

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

    /** A reservation asked of {@link #admit}, as {@link #reserve}'s arguments. */
    record ReserveRequest(String account, long limitNanoUsd, long amountNanoUsd, boolean clamp, long seedSpentNanoUsd,
                          Instant expiresAt) {
    }

    /**
     * @param take           what the buckets said
     * @param reserved       what each account reserved, in the order asked, when all were granted (else empty)
     * @param refusedAccount the index of the first account that had no room (and none was reserved), else -1
     */
    record Admitted(Take take, long[] reserved, int refusedAccount) {
    }

    /** A reservation ended, as {@link #settle}'s arguments. */
    record Settlement(String account, long reservedNanoUsd, long spentNanoUsd, Instant expiresAt) {
    }

    /** A token bucket corrected, as {@link #adjust}'s arguments. */
    record Correction(BucketRequest bucket, long delta) {
    }
}
