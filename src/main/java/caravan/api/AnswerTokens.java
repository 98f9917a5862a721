package caravan.api;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The output tokens of an answer, counted by the gateway (o200k, {@link RunningTokenCount}) from what the
 * model wrote: its text, its reasoning ({@code reasoning_content}) and its tool calls (names and
 * arguments), each counted on its own so that a stream, delta by delta, and the same answer whole give the
 * same count. Fed every chunk of a stream as it passes (a chunk that came as the provider's bytes is
 * scanned, not parsed into a tree), read only when the provider reported no usage.
 */
public final class AnswerTokens {

    private final RunningTokenCount text = new RunningTokenCount();
    private final RunningTokenCount reasoning = new RunningTokenCount();
    private final RunningTokenCount toolCalls = new RunningTokenCount();
    private boolean started;

    /** The output tokens of a whole answer. */
    public static long of(ChatResponse answer) {
        AnswerTokens tokens = new AnswerTokens();
        byte[] bytes = answer.upstreamBytes();
        try (JsonParser parser = bytes != null ? Json.FACTORY.createParser(bytes) : Json.MAPPER.treeAsTokens(answer.json())) {
            tokens.scan(parser, "message");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tokens.total();
    }

    /** Counts what one streamed chunk adds to the answer. */
    public void add(ChatChunk chunk) {
        if (!chunk.canonical()) {
            return;
        }
        started = true;
        byte[] bytes = chunk.upstreamBytes();
        try (JsonParser parser = bytes != null ? Json.FACTORY.createParser(bytes) : Json.MAPPER.treeAsTokens(chunk.json())) {
            scan(parser, "delta");
        } catch (IOException e) {
            // a chunk the client got but that is not JSON adds nothing countable
        }
    }

    /** Whether any of the answer arrived: a stream cut before it had cost nothing known. */
    public boolean started() {
        return started;
    }

    public long total() {
        return text.total() + reasoning.total() + toolCalls.total();
    }

    /** Reads {@code choices[].<part>} of a chunk ({@code delta}) or an answer ({@code message}), skipping the rest. */
    private void scan(JsonParser parser, String part) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return;
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            if (parser.nextToken() == JsonToken.START_ARRAY && "choices".equals(field)) {
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String choiceField = parser.currentName();
                        if (parser.nextToken() == JsonToken.START_OBJECT && part.equals(choiceField)) {
                            message(parser);
                        } else {
                            parser.skipChildren();
                        }
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
    }

    private void message(JsonParser parser) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_STRING && "content".equals(field)) {
                text.add(parser.getText());
            } else if (value == JsonToken.VALUE_STRING && "reasoning_content".equals(field)) {
                reasoning.add(parser.getText());
            } else if (value == JsonToken.START_ARRAY && "tool_calls".equals(field)) {
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    toolCall(parser);
                }
            } else {
                parser.skipChildren();
            }
        }
    }

    private void toolCall(JsonParser parser) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            if (parser.nextToken() == JsonToken.START_OBJECT && "function".equals(field)) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (value == JsonToken.VALUE_STRING && ("name".equals(name) || "arguments".equals(name))) {
                        toolCalls.add(parser.getText());
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
    }
}
