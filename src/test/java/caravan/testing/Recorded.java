package caravan.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Recorded provider payloads under {@code src/test/resources/providers/<provider>/}. */
public final class Recorded {

    private Recorded() {
    }

    public static byte[] bytes(String provider, String file) {
        String path = "/providers/" + provider + "/" + file;
        try (InputStream in = Recorded.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("No recorded payload " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String provider, String file) {
        return new String(bytes(provider, file), StandardCharsets.UTF_8);
    }

    /** The events of a recorded SSE stream, each with its trailing blank line, as a server writes them. */
    public static List<String> sseEvents(String provider, String file) {
        List<String> events = new ArrayList<>();
        for (String event : text(provider, file).split("\n\n")) {
            if (!event.isBlank()) {
                events.add(event + "\n\n");
            }
        }
        return events;
    }
}
