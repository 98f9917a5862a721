package caravan.providers.bedrock;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

import caravan.api.GatewayException;

/**
 * An incremental decoder of the {@code application/vnd.amazon.eventstream} binary framing that AWS
 * streaming APIs (Bedrock's ConverseStream among them) answer with: bytes in however the network split
 * them, whole messages out. Each message is a prelude (total length, headers length, both 4-byte
 * big-endian), the prelude's CRC32, the headers, the payload and the CRC32 of everything before it; a
 * header is a 1-byte name length, the name, a 1-byte value type and the value. A CRC that does not match
 * or a length that cannot be right is a 502: the stream cannot be trusted past that point.
 */
public final class EventStreamDecoder {

    /** One decoded message: its headers (values typed as the header type says) and its payload. */
    public record Message(Map<String, Object> headers, byte[] payload) {

        /** The header's value when it is a string, else null. */
        public String header(String name) {
            return headers.get(name) instanceof String value ? value : null;
        }
    }

    /** Receives each complete message. */
    public interface Listener {
        void onMessage(Message message);
    }

    private static final int PRELUDE_LENGTH = 12;
    private static final int MESSAGE_CRC_LENGTH = 4;
    /** AWS caps a payload at 16 MiB and the headers at 128 KiB; anything longer is a corrupted length. */
    private static final int MAX_MESSAGE_LENGTH = 16 * 1024 * 1024 + 128 * 1024 + PRELUDE_LENGTH + MESSAGE_CRC_LENGTH;

    private byte[] buffer = new byte[4096];
    private int start;
    private int end;
    /** The total length of the message being received, once its prelude was read and checked; else -1. */
    private int pendingLength = -1;

    /** Decodes the next bytes, handing each message they complete to {@code listener}. */
    public void feed(byte[] bytes, Listener listener) {
        append(bytes);
        while (true) {
            if (pendingLength < 0) {
                if (end - start < PRELUDE_LENGTH) {
                    break;
                }
                pendingLength = checkedPrelude();
            }
            if (end - start < pendingLength) {
                break;
            }
            Message message = message(pendingLength);
            start += pendingLength;
            pendingLength = -1;
            listener.onMessage(message);
        }
        if (start == end) {
            start = 0;
            end = 0;
        }
    }

    private int checkedPrelude() {
        int total = readInt(start);
        int headersLength = readInt(start + 4);
        if (crc32(start, 8) != readInt(start + 8)) {
            throw corrupted("the prelude checksum does not match");
        }
        if (total < PRELUDE_LENGTH + MESSAGE_CRC_LENGTH || total > MAX_MESSAGE_LENGTH
                || headersLength < 0 || headersLength > total - PRELUDE_LENGTH - MESSAGE_CRC_LENGTH) {
            throw corrupted("a message declares impossible lengths");
        }
        return total;
    }

    private Message message(int total) {
        int crcAt = start + total - MESSAGE_CRC_LENGTH;
        if (crc32(start, total - MESSAGE_CRC_LENGTH) != readInt(crcAt)) {
            throw corrupted("a message checksum does not match");
        }
        int headersStart = start + PRELUDE_LENGTH;
        int payloadStart = headersStart + readInt(start + 4);
        return new Message(headers(headersStart, payloadStart), Arrays.copyOfRange(buffer, payloadStart, crcAt));
    }

    private Map<String, Object> headers(int from, int to) {
        Map<String, Object> headers = new LinkedHashMap<>(4);
        int at = from;
        while (at < to) {
            int nameLength = buffer[at++] & 0xFF;
            need(at, nameLength + 1, to);
            String name = new String(buffer, at, nameLength, StandardCharsets.UTF_8);
            at += nameLength;
            int type = buffer[at++];
            Object value;
            switch (type) {
                case 0 -> value = Boolean.TRUE;
                case 1 -> value = Boolean.FALSE;
                case 2 -> {
                    need(at, 1, to);
                    value = buffer[at];
                    at += 1;
                }
                case 3 -> {
                    need(at, 2, to);
                    value = (short) ((buffer[at] & 0xFF) << 8 | buffer[at + 1] & 0xFF);
                    at += 2;
                }
                case 4 -> {
                    need(at, 4, to);
                    value = readInt(at);
                    at += 4;
                }
                case 5, 8 -> {
                    need(at, 8, to);
                    long number = readLong(at);
                    value = type == 5 ? number : Instant.ofEpochMilli(number);
                    at += 8;
                }
                case 6, 7 -> {
                    need(at, 2, to);
                    int length = (buffer[at] & 0xFF) << 8 | buffer[at + 1] & 0xFF;
                    at += 2;
                    need(at, length, to);
                    value = type == 6 ? Arrays.copyOfRange(buffer, at, at + length)
                            : new String(buffer, at, length, StandardCharsets.UTF_8);
                    at += length;
                }
                case 9 -> {
                    need(at, 16, to);
                    value = new UUID(readLong(at), readLong(at + 8));
                    at += 16;
                }
                default -> throw corrupted("a header has an unknown value type " + type);
            }
            headers.put(name, value);
        }
        return headers;
    }

    /** Checks that {@code length} header bytes from {@code at} stay inside the headers section. */
    private static void need(int at, int length, int limit) {
        if (at + length > limit) {
            throw corrupted("a header runs past the headers section");
        }
    }

    private void append(byte[] bytes) {
        if (end + bytes.length > buffer.length) {
            int kept = end - start;
            byte[] target = kept + bytes.length > buffer.length
                    ? new byte[Math.max(buffer.length * 2, kept + bytes.length)] : buffer;
            System.arraycopy(buffer, start, target, 0, kept);
            buffer = target;
            start = 0;
            end = kept;
        }
        System.arraycopy(bytes, 0, buffer, end, bytes.length);
        end += bytes.length;
    }

    private int crc32(int from, int length) {
        CRC32 crc = new CRC32();
        crc.update(buffer, from, length);
        return (int) crc.getValue();
    }

    private int readInt(int at) {
        return (buffer[at] & 0xFF) << 24 | (buffer[at + 1] & 0xFF) << 16 | (buffer[at + 2] & 0xFF) << 8
                | buffer[at + 3] & 0xFF;
    }

    private long readLong(int at) {
        return (long) readInt(at) << 32 | readInt(at + 4) & 0xFFFFFFFFL;
    }

    private static GatewayException corrupted(String what) {
        return GatewayException.upstreamUnavailable("The Bedrock event stream is corrupted: " + what + ".", null);
    }
}
