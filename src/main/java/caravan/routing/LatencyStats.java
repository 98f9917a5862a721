package caravan.routing;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recent latencies of successful calls per target, in a sliding window of the last {@code window} calls,
 * for the least-latency strategy. A target with no samples yet has no p95 (it should be tried).
 */
public final class LatencyStats {

    private final int window;
    private final Map<Target, Window> windows = new ConcurrentHashMap<>();

    public LatencyStats(int window) {
        this.window = window;
    }

    void record(Target target, long nanos) {
        windows.computeIfAbsent(target, t -> new Window(window)).add(nanos);
    }

    /** The 95th percentile in nanoseconds, or -1 when the target has no samples. */
    public long p95(Target target) {
        Window samples = windows.get(target);
        return samples == null ? -1 : samples.percentile(0.95);
    }

    /** A fixed ring of samples; percentiles sort a copy (a window is small and read once per routed request). */
    private static final class Window {
        private final long[] samples;
        private int next;
        private int size;

        Window(int capacity) {
            samples = new long[capacity];
        }

        synchronized void add(long value) {
            samples[next] = value;
            next = (next + 1) % samples.length;
            size = Math.min(size + 1, samples.length);
        }

        synchronized long percentile(double fraction) {
            if (size == 0) {
                return -1;
            }
            long[] sorted = Arrays.copyOf(samples, size);
            Arrays.sort(sorted);
            return sorted[(int) Math.min(size - 1, Math.ceil(fraction * size) - 1)];
        }
    }
}
