package caravan.providers.sse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream grammar): bytes in, complete events out,
 * whatever way the bytes were split across network reads. Lines end in LF, CR or CRLF; a blank line
 * dispatches the event; {@code data} lines of one event are joined with LF; comments are skipped.
 */
public final class SseReader {

    /** Receives each complete event: its {@code event} field (null when absent) and its joined data. */
    public interface Listener {
        void onEvent(String event, byte[] data);
    }

    private byte[] line = new byte[512];
    private int lineLength;
    private boolean skipNextLf;
    private final ByteArrayOutputStream data = new ByteArrayOutputStream(512);
    private boolean hasData;
    private String event;
    private boolean started;

    public void feed(byte[] bytes, Listener listener) {
        int start = 0;
        if (!started && bytes.length > 0) {
            started = true;
            // the grammar allows one UTF-8 byte order mark before the first line
            if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
                start = 3;
            }
        }
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != '\n' && b != '\r') {
                continue;
            }
            if (skipNextLf && b == '\n' && i == start) {
                skipNextLf = false;
                start = i + 1;
                continue;
            }
            append(bytes, start, i - start);
            skipNextLf = b == '\r';
            endLine(listener);
            start = i + 1;
        }
        if (start < bytes.length) {
            skipNextLf = false;
            append(bytes, start, bytes.length - start);
        }
    }

    /** At the end of the body: an event whose final blank line never came is still delivered. */
    public void finish(Listener listener) {
        if (lineLength > 0) {
            endLine(listener);
        }
        if (hasData) {
            dispatch(listener);
        }
    }

    private void append(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        if (lineLength + length > line.length) {
            byte[] grown = new byte[Math.max(line.length * 2, lineLength + length)];
            System.arraycopy(line, 0, grown, 0, lineLength);
            line = grown;
        }
        System.arraycopy(bytes, offset, line, lineLength, length);
        lineLength += length;
    }

    private void endLine(Listener listener) {
        if (lineLength == 0) {
            if (hasData) {
                dispatch(listener);
            } else {
                event = null;
            }
            return;
        }
        int colon = indexOf(':');
        if (colon == 0) {
            lineLength = 0;
            return;
        }
        int nameLength = colon < 0 ? lineLength : colon;
        int valueStart = colon < 0 ? lineLength : colon + 1;
        if (valueStart < lineLength && line[valueStart] == ' ') {
            valueStart++;
        }
        if (is("data", nameLength)) {
            if (hasData) {
                data.write('\n');
            }
            data.write(line, valueStart, lineLength - valueStart);
            hasData = true;
        } else if (is("event", nameLength)) {
            event = new String(line, valueStart, lineLength - valueStart, StandardCharsets.UTF_8);
        }
        lineLength = 0;
    }

    private void dispatch(Listener listener) {
        byte[] payload = data.toByteArray();
        String name = event;
        data.reset();
        hasData = false;
        event = null;
        listener.onEvent(name, payload);
    }

    private int indexOf(char c) {
        for (int i = 0; i < lineLength; i++) {
            if (line[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private boolean is(String field, int nameLength) {
        if (nameLength != field.length()) {
            return false;
        }
        for (int i = 0; i < nameLength; i++) {
            if (line[i] != field.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
