package caravan.edge;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request bytes the gateway holds at once, across every connection: bodies being read and bodies of
 * calls in flight. Bytes are reserved as they arrive and released when their call ends; a body that finds
 * no room is refused (503) rather than risking the heap, whoever sends it.
 */
final class BodyBudget {

    private final long capacity;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long capacity) {
        this.capacity = capacity;
    }

    boolean tryReserve(long bytes) {
        while (true) {
            long current = held.get();
            if (current + bytes > capacity) {
                return false;
            }
            if (held.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        if (bytes > 0) {
            held.addAndGet(-bytes);
        }
    }

    /** Whether a body of this size could be held now (false for one that could never be). */
    boolean hasRoomFor(long bytes) {
        return held.get() + bytes <= capacity;
    }

    long held() {
        return held.get();
    }

    long capacity() {
        return capacity;
    }
}
