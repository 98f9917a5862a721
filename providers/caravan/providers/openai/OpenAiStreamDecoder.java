package caravan.providers.openai;

import java.io.IOException;

import caravan.api.ChatChunk;
import caravan.api.Json;
import caravan.api.Usage;
import caravan.providers.sse.SseStreamDecoder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/** SSE {@code data:} events, each a chunk, until {@code data: [DONE]}. */
final class OpenAiStreamDecoder extends SseStreamDecoder {

    /** The model that was called: the chunks' model when a server leaves it out. */
    private final String upstreamModel;

    OpenAiStreamDecoder(String upstreamModel) {
        this.upstreamModel = upstreamModel;
    }

    /**
     * Scans the chunk without building its tree: only an error, the usage, whether {@code choices}
     * is empty and whether it names its model matter here; a later step that needs the content builds
     * the tree then.
     */
    @Override
    protected void onEvent(String event, byte[] data) {
        if (isDone(data)) {
            complete();
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
                    throw OpenAiErrors.from(502, Json.objectOrNull(data), null);
                }
                if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    reported = Usage.fromOpenAi(Json.readValueAt(parser));
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
        reportUsage(reported);
        if (!named) {
            emit(ChatChunk.of(jsonObject(data).put("model", upstreamModel), reported));
            return;
        }
        // a payload spread over several data lines is re-framed from its tree, not copied
        emit(indexOf(data, (byte) '\n') < 0 ? ChatChunk.ofChunkBytes(data, hasChoices, reported)
                : ChatChunk.of(jsonObject(data), reported));
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
