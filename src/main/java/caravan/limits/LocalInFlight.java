package caravan.limits;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests in flight per key in this process: the ids of the requests that entered and when. A key's map is
 * only touched inside its entry's {@code compute}, and is dropped when its last request leaves.
 */
final class LocalInFlight {

    private final ConcurrentHashMap<String, Map<String, Long>> inFlight = new ConcurrentHashMap<>();
    private final long staleNanos;

    LocalInFlight(Duration stale) {
        this.staleNanos = stale.toNanos();
    }

    /** Enters unless {@code max} requests are in already; entering twice with one id counts once. */
    boolean enter(String key, int max, String requestId) {
        boolean[] entered = new boolean[1];
        inFlight.compute(key, (k, held) -> {
            Map<String, Long> requests = held == null ? new HashMap<>() : held;
            long now = System.nanoTime();
            if (requests.size() >= max && !requests.containsKey(requestId)) {
                // only a full key pays for looking for lost leaves
                dropStale(requests, now);
            }
            entered[0] = requests.containsKey(requestId) || requests.size() < max;
            if (entered[0]) {
                requests.putIfAbsent(requestId, now);
            }
            return requests.isEmpty() ? null : requests;
        });
        return entered[0];
    }

    void leave(String key, String requestId) {
        inFlight.computeIfPresent(key, (k, requests) -> {
            requests.remove(requestId);
            return requests.isEmpty() ? null : requests;
        });
    }

    /** Drops the entries of lost leaves; run off the event loops. */
    void forgetStale() {
        long now = System.nanoTime();
        for (String key : inFlight.keySet()) {
            inFlight.computeIfPresent(key, (k, requests) -> {
                dropStale(requests, now);
                return requests.isEmpty() ? null : requests;
            });
        }
    }

    int size() {
        return inFlight.size();
    }

    private void dropStale(Map<String, Long> requests, long now) {
        requests.values().removeIf(enteredAt -> now - enteredAt > staleNanos);
    }
}
