package caravan.limits;

import caravan.limits.LimitStore.BucketRequest;
import caravan.limits.LimitStore.Take;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.local.SynchronizationStrategy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets in this process: Bucket4j, a capacity of the per-minute limit and a greedy refill of that
 * limit per minute. Each bucket is only touched inside its map entry's {@code compute}, which makes every
 * operation on it atomic and lets {@link #forgetFull} drop a full bucket without racing a take: a full
 * bucket and a fresh one are the same, so forgetting never changes a decision.
 */
final class LocalBuckets {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final long[] NOTHING = new long[0];

    private final ConcurrentHashMap<String, LimitedBucket> buckets = new ConcurrentHashMap<>();

    Take take(List<BucketRequest> requests) {
        long[] remaining = new long[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            ConsumptionProbe probe = tryTake(requests.get(i));
            if (!probe.isConsumed()) {
                // all or nothing: what the earlier buckets gave goes back
                for (int j = 0; j < i; j++) {
                    giveBack(requests.get(j), BucketAmounts.toTake(requests.get(j)));
                }
                return new Take(false, NOTHING, i, millisRoundedUp(probe.getNanosToWaitForRefill()));
            }
            remaining[i] = probe.getRemainingTokens();
        }
        return new Take(true, remaining, -1, 0);
    }

    /** A positive delta takes even below zero (a debt the refill pays off), a negative one gives back up to the limit. */
    void adjust(BucketRequest request, long delta) {
        if (delta > 0) {
            buckets.compute(request.key(), (key, held) -> {
                LimitedBucket bucket = LimitedBucket.current(held, request.limit());
                bucket.bucket.consumeIgnoringRateLimits(delta);
                return bucket;
            });
        } else if (delta < 0) {
            giveBack(request, -delta);
        }
    }

    /** Drops the buckets that are full again; run off the event loops. */
    void forgetFull() {
        for (String key : buckets.keySet()) {
            buckets.computeIfPresent(key, (k, bucket) -> bucket.full() ? null : bucket);
        }
    }

    int size() {
        return buckets.size();
    }

    private ConsumptionProbe tryTake(BucketRequest request) {
        long amount = BucketAmounts.toTake(request);
        ConsumptionProbe[] probe = new ConsumptionProbe[1];
        buckets.compute(request.key(), (key, held) -> {
            LimitedBucket bucket = LimitedBucket.current(held, request.limit());
            probe[0] = amount > 0
                    ? bucket.bucket.tryConsumeAndReturnRemaining(amount)
                    : ConsumptionProbe.consumed(bucket.bucket.getAvailableTokens(), 0);
            return bucket;
        });
        return probe[0];
    }

    private void giveBack(BucketRequest request, long amount) {
        if (amount > 0) {
            buckets.compute(request.key(), (key, held) -> {
                LimitedBucket bucket = LimitedBucket.current(held, request.limit());
                bucket.bucket.addTokens(amount);
                return bucket;
            });
        }
    }

    private static long millisRoundedUp(long nanos) {
        return (nanos + TimeUnit.MILLISECONDS.toNanos(1) - 1) / TimeUnit.MILLISECONDS.toNanos(1);
    }

    /** A bucket and the limit it was configured with, so that a limit an admin changed applies on the next use. */
    private record LimitedBucket(Bucket bucket, long limit) {

        static LimitedBucket current(LimitedBucket held, long limit) {
            if (held == null) {
                // no locking of its own: the map's compute already serialises every use
                return new LimitedBucket(Bucket.builder()
                        .addLimit(perMinute(limit))
                        .withSynchronizationStrategy(SynchronizationStrategy.NONE)
                        .build(), limit);
            }
            if (held.limit != limit) {
                // keeps what was taken; a raised limit adds its difference at once (Bucket4j's ADDITIVE)
                held.bucket.replaceConfiguration(BucketConfiguration.builder().addLimit(perMinute(limit)).build(),
                        TokensInheritanceStrategy.ADDITIVE);
                return new LimitedBucket(held.bucket, limit);
            }
            return held;
        }

        private static Bandwidth perMinute(long limit) {
            return Bandwidth.builder().capacity(limit).refillGreedy(limit, MINUTE).build();
        }

        boolean full() {
            return bucket.getAvailableTokens() >= limit;
        }
    }
}
