package caravan.providers.openai;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.providers.StreamDecoder;
import caravan.providers.sse.SseReader;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/** SSE {@code data:} events, each a chunk, until {@code data: [DONE]}. */
final class OpenAiStreamDecoder implements StreamDecoder, SseReader.Listener {

    private static final byte[] DONE = "[DONE]".getBytes();

    private final SseReader reader = new SseReader();
    /** The model that was called: the chunks' model when a server leaves it out. */
    private final String upstreamModel;
    private Consumer<ChatChunk> out;
    private boolean done;
    private Usage usage;

    OpenAiStreamDecoder(String upstreamModel) {
        this.upstreamModel = upstreamModel;
    }

    @Override
    public void decode(byte[] bytes, Consumer<ChatChunk> out) {
        this.out = out;
        reader.feed(bytes, this);
    }

    @Override
    public void finish(Consumer<ChatChunk> out) {
        this.out = out;
        reader.finish(this);
    }

    /**
     * Scans the chunk without building its tree: only an error, the usage, whether {@code choices}
     * is empty and whether it names its model matter here; a later step that needs the content builds
     * the tree then.
     */
    @Override
    public void onEvent(String event, byte[] data) {
        if (Arrays.equals(data, DONE)) {
            done = true;
            return;
        }
        boolean hasChoices = false;
        boolean named = false;
        Usage reported = null;
        try (JsonParser parser = Json.FACTORY.createParser(data)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notJson();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("error".equals(field) && value != JsonToken.VALUE_NULL || "error".equals(event)) {
                    throw OpenAiErrors.from(502, OpenAiResponseDecoder.parseObject(data), null);
                }
                if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    reported = Usage.fromOpenAi(OpenAiResponseDecoder.EMBEDDED_VALUE.readTree(parser));
                } else if ("choices".equals(field) && value == JsonToken.START_ARRAY) {
                    for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
                        hasChoices = true;
                        parser.skipChildren();
                    }
                } else {
                    named |= OpenAiResponseDecoder.names(field, value);
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw notJson();
            }
        } catch (IOException e) {
            throw notJson();
        }
        if (reported != null) {
            usage = reported;
        }
        if (!named) {
            out.accept(ChatChunk.of(OpenAiResponseDecoder.parseObject(data).put("model", upstreamModel), reported));
            return;
        }
        // a payload spread over several data lines is re-framed from its tree, not copied
        out.accept(indexOf(data, (byte) '\n') < 0 ? ChatChunk.ofChunkBytes(data, hasChoices, reported)
                : ChatChunk.of(OpenAiResponseDecoder.parseObject(data), reported));
    }

    private static GatewayException notJson() {
        return GatewayException.upstreamUnavailable("The upstream stream sent an event that is not JSON.", null);
    }

    @Override
    public boolean endOfStream() {
        return done;
    }

    @Override
    public Usage usage() {
        return usage;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
