package caravan.edge;

import java.util.Set;

/**
 * What the edge allows a client (README: "Limits and protections").
 *
 * @param maxBodyBytes      the largest request body (413 above it)
 * @param bufferedBodyBytes the request bytes the whole gateway holds at once; a body that finds no room gets 503
 * @param headerTimeoutMs   a request's head must be complete this long after its first byte (or the connection's start)
 * @param idleTimeoutMs     a connection with no request in flight, or a body that stops arriving, is closed after this
 * @param maxConnections    open client connections; at the cap the oldest idle one makes room, else the new one is refused
 * @param requestTimeoutMs  a request's deadline across all its attempts, unless the client asks for less
 * @param publicPaths       paths served without a key (health, the dashboard page); every other path needs one
 */
public record EdgeLimits(long maxBodyBytes, long bufferedBodyBytes, long headerTimeoutMs, long idleTimeoutMs,
                         int maxConnections, long requestTimeoutMs, Set<String> publicPaths) {

    /** Bodies on paths that need no key stay small: nobody unauthenticated makes the gateway hold much. */
    static final long PUBLIC_BODY_BYTES = 64 * 1024;

    public EdgeLimits {
        publicPaths = Set.copyOf(publicPaths);
    }

    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;

    /** Defaults for tests and tools that build an edge by hand. */
    public static EdgeLimits defaults(long maxBodyBytes, long requestTimeoutMs) {
        return new EdgeLimits(maxBodyBytes, defaultBufferedBytes(Runtime.getRuntime().maxMemory(), maxBodyBytes),
                10_000, 60_000, 10_000, requestTimeoutMs, Set.of("/healthz", "/readyz", "/ui"));
    }

    /**
     * An eighth of the heap, never less than one largest body: each buffered request byte costs several
     * more while its call runs (the parsed request, the request sent upstream, the answer), and the rest of
     * the heap is the gateway's own (README: "Limits and protections" has the arithmetic).
     */
    public static long defaultBufferedBytes(long maxHeapBytes, long maxBodyBytes) {
        return Math.max(maxBodyBytes, maxHeapBytes / 8);
    }

    /**
     * Half the open-file limit, less a reserve for the JVM's own files: every client connection with a
     * call in flight needs an upstream connection too, and a process that runs out of descriptors can
     * neither accept a client nor call a provider.
     */
    public static int defaultMaxConnections(long openFileLimit) {
        return (int) Math.max(64, Math.min(Integer.MAX_VALUE, (openFileLimit - 128) / 2));
    }

    /** The process's open-file limit, or a generous guess where the JVM cannot tell. */
    public static long openFileLimit() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return 20_000;
    }

    boolean isPublic(String path) {
        return publicPaths.contains(path);
    }
}
