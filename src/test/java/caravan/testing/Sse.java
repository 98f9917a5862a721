package caravan.testing;

import caravan.api.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads an SSE body event by event, as a client would, so a test can act between events. */
public final class Sse implements AutoCloseable {

    private final BufferedReader reader;

    public Sse(InputStream body) {
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The data of the next event, or null at the end of the body. */
    public String next() {
        try {
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        return data.toString();
                    }
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
            }
            return data.isEmpty() ? null : data.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The data of every event of a whole SSE body. */
    public static List<String> events(String body) {
        return new Sse(new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))).rest();
    }

    /** The text a Chat Completions stream spells: its deltas' content, joined. */
    public static String content(String body) {
        StringBuilder text = new StringBuilder();
        for (String event : events(body)) {
            if (!event.equals("[DONE]")) {
                try {
                    text.append(Json.MAPPER.readTree(event).path("choices").path(0).path("delta").path("content").asText(""));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return text.toString();
    }

    /** Every remaining event's data. */
    public List<String> rest() {
        List<String> events = new ArrayList<>();
        for (String event = next(); event != null; event = next()) {
            events.add(event);
        }
        return events;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
