package caravan.providers.openai;

import java.io.IOException;

import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.Json;
import caravan.api.Usage;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * A whole Chat Completions answer, checked and kept as the upstream's bytes: it already is the canonical
 * form. Also tells whether an answer names its model, which the stream decoder asks of each chunk too.
 */
final class OpenAiResponseDecoder {

    private OpenAiResponseDecoder() {
    }

    /**
     * Checks that the body is a chat completion and reads its usage in one streaming pass; the tree is
     * built later only if a step needs it (an OpenAI client gets these bytes as they are). A server that
     * leaves out {@code model} gets it filled in with {@code upstreamModel}, which costs it that tree.
     */
    static ChatResponse decode(byte[] body, String upstreamModel) {
        try (JsonParser parser = Json.FACTORY.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notACompletion();
            }
            boolean choices = false;
            boolean named = false;
            Usage usage = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    usage = Usage.fromOpenAi(Json.readValueAt(parser));
                } else {
                    choices |= "choices".equals(field) && value == JsonToken.START_ARRAY;
                    named |= names(field, value);
                    parser.skipChildren();
                }
            }
            if (!choices || parser.nextToken() != null) {
                throw notACompletion();
            }
            return named ? ChatResponse.ofCompletionBytes(body, usage)
                    : ChatResponse.of(Json.objectOrNull(body).put("model", upstreamModel), usage);
        } catch (IOException e) {
            throw notACompletion();
        }
    }

    /**
     * Whether this field is the answer's {@code model}. An empty string counts: it is the server's own
     * value (Azure's prompt-filter chunk has one), and the bytes are passed on as they came.
     */
    static boolean names(String field, JsonToken value) {
        return value == JsonToken.VALUE_STRING && "model".equals(field);
    }

    private static GatewayException notACompletion() {
        return GatewayException.upstreamUnavailable("The upstream answered with a body that is not a chat completion.", null);
    }
}
