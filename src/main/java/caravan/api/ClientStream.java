package caravan.api;

/**
 * The client's side of a streamed answer, as a provider and the steps around it see it: where the
 * chunks go, one by one, in whatever dialect the client spoke. The edge implements it and puts it in the
 * exchange as {@link Variables#CLIENT}; a step that must see every chunk on its way (a guardrail, a
 * counter) replaces that variable with a {@link ForwardingClientStream} around it.
 */
public interface ClientStream {

    /** True once any byte of the answer reached the client: from then on a failure cannot fail over. */
    boolean committed();

    /**
     * Sends one chunk; the first one also sends the response head. A wrapper that must stop the answer here
     * (a guardrail blocking it) ends the stream with its error event and throws that {@link GatewayException}:
     * the provider call stops, cancelling the upstream, and the call fails with it.
     */
    void sendChunk(ChatChunk chunk);

    /** Ends a stream cleanly, with the call's usage when known. */
    void completeStream(Usage usage);

    /** Ends a committed stream with an error event: the client must not mistake it for a clean end. */
    void failStream(GatewayException error);

    /** True while the client reads slower than the upstream writes; pause the upstream until {@link #onDrain}. */
    boolean writeQueueFull();

    void onDrain(Runnable resume);

    /** Runs {@code listener} when the client goes away before its answer ended; any number may listen. */
    void onClientGone(Runnable listener);

    /**
     * A retry or a fallback starts over: whatever a wrapper kept of the previous attempt's chunks (a
     * partial answer it was checking, a count) no longer applies. Nothing reached the client, or the
     * attempt would not have been retried.
     */
    default void newAttempt() {
    }
}
