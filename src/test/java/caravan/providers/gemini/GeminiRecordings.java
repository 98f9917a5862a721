package caravan.providers.gemini;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.Json;
import caravan.providers.StreamDecoder;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The recorded Gemini payloads and what the tests do with them. Gemini frames its SSE events with CRLF
 * ({@code data: {...}\r\n\r\n}), so the recordings keep that framing and are split here rather than by
 * {@link Recorded#sseEvents}, which splits on LF.
 */
final class GeminiRecordings {

    private GeminiRecordings() {
    }

    static byte[] bytes(String file) {
        return Recorded.bytes("gemini", file);
    }

    static String text(String file) {
        return Recorded.text("gemini", file);
    }

    /** The events of a recorded stream, each with its CRLF blank line, as Gemini writes them. */
    static List<String> events(String file) {
        List<String> events = new ArrayList<>();
        for (String event : text(file).split("\r\n\r\n")) {
            if (!event.isBlank()) {
                events.add(event + "\r\n\r\n");
            }
        }
        return events;
    }

    /** Decodes a whole recorded stream in one read. */
    static List<ChatChunk> decodeStream(StreamDecoder decoder, byte[] stream) {
        List<ChatChunk> chunks = new ArrayList<>();
        Consumer<ChatChunk> out = chunks::add;
        decoder.decode(stream, out);
        decoder.finish(out);
        return chunks;
    }

    static ChatRequest request(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return new ChatRequest((ObjectNode) parse(body), body);
    }

    static JsonNode parse(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
