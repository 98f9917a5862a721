package caravan.providers;

import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.Usage;

/**
 * Decodes one provider stream incrementally: bytes in as they arrive, canonical chunks out as soon as
 * they are complete. Never collects the stream.
 */
public interface StreamDecoder {

    /**
     * Decodes the next bytes of the stream, handing each complete chunk to {@code out}. An error event
     * from the provider is thrown as a {@link caravan.api.GatewayException}.
     */
    void decode(byte[] bytes, Consumer<ChatChunk> out);

    /** Called once when the upstream body ends; decodes whatever the last bytes completed. */
    default void finish(Consumer<ChatChunk> out) {
    }

    /** True once the provider signalled that the answer is complete. */
    boolean endOfStream();

    /** The stream's usage as reported so far; null when the provider sent none. */
    Usage usage();
}
