package caravan.api;

/**
 * One inbound API shape (OpenAI Chat Completions, Anthropic Messages): decodes its requests into the
 * canonical form and encodes canonical answers, stream events and errors back. The parse step of a route
 * stores the dialect as {@link Variables#DIALECT}; everything the client receives goes through it.
 */
public interface Dialect {

    /** Parses and validates a request body; throws a 400 {@link GatewayException} on bad input. */
    ChatRequest decodeRequest(byte[] body);

    byte[] encodeResponse(ChatResponse response);

    /** A new encoder for one stream (encoders may keep per-stream state). */
    StreamEncoder newStreamEncoder(ChatRequest request);

    byte[] encodeError(GatewayException error);

    /** Encodes the stream events of one answer. */
    interface StreamEncoder {

        /** The bytes to send for this chunk, or null when the client must not see it. */
        byte[] encode(ChatChunk chunk);

        /** The bytes that end a clean stream; none when the provider's own end event already went out as it came. */
        byte[] end(Usage usage);

        /** The error event that ends a failed stream. */
        byte[] error(GatewayException error);
    }
}
