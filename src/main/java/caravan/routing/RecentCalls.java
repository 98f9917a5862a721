package caravan.routing;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

import caravan.api.RequestIds;

/**
 * Which model answered each recent request, so feedback posted later can be credited to it.
 *
 * <p>One preallocated slot per request counter, overwritten as the counter wraps around the capacity: a
 * map entry per request lived long enough to be promoted by the garbage collector, and at thousands of
 * requests a second that churn (and the young pauses it lengthened) showed in the gateway's tail latency.
 */
public final class RecentCalls {

    private final RequestIds ids;
    private final LongSupplier clock;
    private final long keepNanos;
    private final long[] sequences;
    private final long[] servedAt;
    private final Target[] targets;

    public RecentCalls(RequestIds ids, int capacity, Duration keep) {
        this(ids, capacity, keep, System::nanoTime);
    }

    RecentCalls(RequestIds ids, int capacity, Duration keep, LongSupplier clock) {
        this.ids = ids;
        this.clock = clock;
        this.keepNanos = keep.toNanos();
        this.sequences = new long[capacity];
        this.servedAt = new long[capacity];
        this.targets = new Target[capacity];
        Arrays.fill(sequences, -1);
    }

    void remember(String requestId, Target target) {
        long sequence = ids.sequenceOf(requestId);
        if (sequence < 0) {
            return;
        }
        int slot = slot(sequence);
        synchronized (this) {
            sequences[slot] = sequence;
            servedAt[slot] = clock.getAsLong();
            targets[slot] = target;
        }
    }

    /** The model that answered the request, or null when it is unknown or too old. */
    public Target servedBy(String requestId) {
        long sequence = ids.sequenceOf(requestId);
        if (sequence < 0) {
            return null;
        }
        int slot = slot(sequence);
        synchronized (this) {
            boolean current = sequences[slot] == sequence && clock.getAsLong() - servedAt[slot] <= keepNanos;
            return current ? targets[slot] : null;
        }
    }

    private int slot(long sequence) {
        return (int) (sequence % sequences.length);
    }
}
