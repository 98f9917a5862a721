package caravan.providers.bedrock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Builds {@code application/vnd.amazon.eventstream} messages as the format documents them (total length,
 * headers length, prelude CRC32, headers, payload, message CRC32; each header a name length, name, type
 * and value), so tests can speak Bedrock's wire format. Checked against AWS's published vectors.
 */
public final class EventStreamFrames {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventStreamFrames() {
    }

    /** One message; header values are typed by their Java type (String, Boolean, Byte, Short, Integer, Long, byte[], Instant, UUID). */
    static byte[] message(Map<String, ?> headers, byte[] payload) {
        ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
        headers.forEach((name, value) -> writeHeader(headerBytes, name, value));
        int total = 12 + headerBytes.size() + payload.length + 4;
        ByteBuffer message = ByteBuffer.allocate(total);
        message.putInt(total).putInt(headerBytes.size());
        message.putInt((int) crc32(message.array(), 8));
        message.put(headerBytes.toByteArray()).put(payload);
        message.putInt((int) crc32(message.array(), total - 4));
        return message.array();
    }

    /** An event message of a ConverseStream answer, with the headers Bedrock sends. */
    static byte[] event(String eventType, String payloadJson) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(":event-type", eventType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "event");
        return message(headers, payloadJson.getBytes(StandardCharsets.UTF_8));
    }

    /** The messages of a recorded stream ({@code [{"headers":{...},"payload":{...}}, ...]}), each framed. */
    public static List<byte[]> recorded(String file) {
        try {
            List<byte[]> messages = new ArrayList<>();
            for (JsonNode recorded : JSON.readTree(Recorded.bytes("bedrock", file))) {
                Map<String, Object> headers = new LinkedHashMap<>();
                recorded.get("headers").properties().forEach(header -> headers.put(header.getKey(), header.getValue().asText()));
                messages.add(message(headers, JSON.writeValueAsBytes(recorded.get("payload"))));
            }
            return messages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recorded stream as the bytes of its body. */
    public static byte[] recordedBody(String file) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        recorded(file).forEach(body::writeBytes);
        return body.toByteArray();
    }

    private static void writeHeader(ByteArrayOutputStream out, String name, Object value) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        out.write(nameBytes.length);
        out.writeBytes(nameBytes);
        if (value instanceof Boolean b) {
            out.write(b ? 0 : 1);
        } else if (value instanceof Byte b) {
            out.write(2);
            out.write(b);
        } else if (value instanceof Short s) {
            out.write(3);
            out.writeBytes(ByteBuffer.allocate(2).putShort(s).array());
        } else if (value instanceof Integer i) {
            out.write(4);
            out.writeBytes(ByteBuffer.allocate(4).putInt(i).array());
        } else if (value instanceof Long l) {
            out.write(5);
            out.writeBytes(ByteBuffer.allocate(8).putLong(l).array());
        } else if (value instanceof byte[] bytes) {
            out.write(6);
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) bytes.length).array());
            out.writeBytes(bytes);
        } else if (value instanceof String s) {
            byte[] text = s.getBytes(StandardCharsets.UTF_8);
            out.write(7);
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) text.length).array());
            out.writeBytes(text);
        } else if (value instanceof Instant t) {
            out.write(8);
            out.writeBytes(ByteBuffer.allocate(8).putLong(t.toEpochMilli()).array());
        } else if (value instanceof UUID u) {
            out.write(9);
            out.writeBytes(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                    .putLong(u.getLeastSignificantBits()).array());
        } else {
            throw new IllegalArgumentException("No event-stream header type for " + value.getClass());
        }
    }

    private static long crc32(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}
