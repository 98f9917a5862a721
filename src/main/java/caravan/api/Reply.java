package caravan.api;

/**
 * The client's side of one call, as a provider sees it: where a streamed answer goes, chunk by chunk, in
 * whatever dialect the client spoke, and the clock that separates gateway time from upstream time.
 * The edge implements it; the exchange carries it as {@link Variables#REPLY}.
 */
public interface Reply {

    /** An upstream call starts now; its time is not gateway overhead. */
    void upstreamStarted();

    /** The upstream call that {@link #upstreamStarted()} began has answered (or failed). */
    void upstreamFinished();

    /** The id the client sees as {@code x-caravan-request-id}: feedback and logs refer to the call by it. */
    String requestId();

    /** An attempt at a target starts now (retries and fallbacks included); reported as {@code x-caravan-attempts}. */
    void attemptStarted();

    /**
     * The provider and model answering now (the latest attempt), reported as {@code x-caravan-provider} and
     * {@code x-caravan-model}: a stream's head is written while its attempt runs.
     */
    void serving(String provider, String model);

    int attempts();

    /** {@link System#nanoTime()} when the first streamed chunk went to the client, 0 before (or for whole answers). */
    default long firstChunkAt() {
        return 0;
    }

    /** Time left before the request's deadline, across all attempts; at most 0 once it passed. */
    long remainingNanos();

    /** True once any byte of the answer reached the client: from then on a failure cannot fail over. */
    boolean committed();

    /** Sends one chunk; the first one also sends the response head. */
    void sendChunk(ChatChunk chunk);

    /** Ends a stream cleanly, with the call's usage when known. */
    void completeStream(Usage usage);

    /** Ends a committed stream with an error event: the client must not mistake it for a clean end. */
    void failStream(GatewayException error);

    /** True while the client reads slower than the upstream writes; pause the upstream until {@link #onDrain}. */
    boolean writeQueueFull();

    void onDrain(Runnable resume);

    /** Runs when the client goes away before the answer ended, so the upstream call can be cancelled. */
    void onClientClosed(Runnable cancel);

    /**
     * Hands the text of the answer the client got (whole or streamed) to {@code listener} once the call
     * ended, or null when it failed. For comparisons such as mirroring; costs nothing when unused.
     */
    void onAnswered(java.util.function.Consumer<String> listener);
}
