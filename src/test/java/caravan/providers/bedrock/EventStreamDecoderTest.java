package caravan.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import caravan.api.GatewayException;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventStreamDecoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    // ---- AWS's published vectors

    @ParameterizedTest
    @ValueSource(strings = {"empty_message", "int32_header", "payload_no_headers", "payload_one_str_header"})
    void decodesThePublishedVectors(String name) throws IOException {
        JsonNode vector = vector(name);

        List<EventStreamDecoder.Message> messages = decodeWhole(HexFormat.of().parseHex(vector.get("encoded").asText()));

        assertThat(messages).hasSize(1);
        EventStreamDecoder.Message message = messages.get(0);
        assertThat(new String(message.payload(), StandardCharsets.UTF_8)).isEqualTo(vector.get("payload").asText());
        assertThat(message.headers()).isEqualTo(headers(vector));
    }

    @ParameterizedTest
    @ValueSource(strings = {"corrupted_headers", "corrupted_header_len", "corrupted_length", "corrupted_payload"})
    void rejectsThePublishedCorruptedVectorsWithA502(String name) throws IOException {
        byte[] encoded = HexFormat.of().parseHex(vector(name).get("encoded").asText());

        GatewayException error = catchThrowableOfType(GatewayException.class, () -> decodeWhole(encoded));

        assertThat(error).isNotNull();
        assertThat(error.status()).isEqualTo(502);
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty_message", "int32_header", "payload_no_headers", "payload_one_str_header"})
    void theTestEncoderReproducesThePublishedVectors(String name) throws IOException {
        JsonNode vector = vector(name);
        byte[] encoded = EventStreamFrames.message(headers(vector), bytes(vector.get("payload").asText()));

        assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(vector.get("encoded").asText());
    }

    // ---- frames built per the documented format

    @Test
    void decodesEveryHeaderValueType() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("true", true);
        headers.put("false", false);
        headers.put("byte", (byte) -7);
        headers.put("short", (short) 1234);
        headers.put("integer", 123_456_789);
        headers.put("long", 1_234_567_890_123L);
        headers.put("bytes", new byte[] {1, 2, 3});
        headers.put("string", "héllo");
        headers.put("timestamp", Instant.ofEpochMilli(1_700_000_000_123L));
        headers.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));

        EventStreamDecoder.Message message = decodeWhole(EventStreamFrames.message(headers, bytes("{}"))).get(0);

        assertThat(message.headers()).containsOnlyKeys(headers.keySet()).containsEntry("true", true)
                .containsEntry("false", false).containsEntry("byte", (byte) -7).containsEntry("short", (short) 1234)
                .containsEntry("integer", 123_456_789).containsEntry("long", 1_234_567_890_123L)
                .containsEntry("string", "héllo").containsEntry("timestamp", Instant.ofEpochMilli(1_700_000_000_123L))
                .containsEntry("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        assertThat((byte[]) message.headers().get("bytes")).containsExactly(1, 2, 3);
        assertThat(message.header("string")).isEqualTo("héllo");
        assertThat(message.header("integer")).isNull();
    }

    @Test
    void aStreamSplitAtEveryByteDecodesTheSameMessages() {
        byte[] stream = EventStreamFrames.recordedBody("stream-tool-use.json");
        List<EventStreamDecoder.Message> whole = decodeWhole(stream);

        EventStreamDecoder decoder = new EventStreamDecoder();
        List<EventStreamDecoder.Message> split = new ArrayList<>();
        for (byte b : stream) {
            decoder.feed(new byte[] {b}, split::add);
        }

        assertThat(whole).hasSize(14);
        assertThat(split).hasSameSizeAs(whole);
        for (int i = 0; i < whole.size(); i++) {
            assertThat(split.get(i).headers()).isEqualTo(whole.get(i).headers());
            assertThat(split.get(i).payload()).isEqualTo(whole.get(i).payload());
        }
        assertThat(whole.get(4).header(":event-type")).isEqualTo("contentBlockStart");
        assertThat(whole.get(4).header(":message-type")).isEqualTo("event");
    }

    @Test
    void aMessageIsDeliveredOnlyWhenItsLastByteArrives() {
        byte[] first = EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}");
        byte[] second = EventStreamFrames.event("messageStop", "{\"stopReason\":\"end_turn\"}");
        byte[] stream = concat(first, second);
        EventStreamDecoder decoder = new EventStreamDecoder();
        List<EventStreamDecoder.Message> messages = new ArrayList<>();

        decoder.feed(Arrays.copyOfRange(stream, 0, first.length + 5), messages::add);

        assertThat(messages).extracting(m -> m.header(":event-type")).containsExactly("messageStart");
        decoder.feed(Arrays.copyOfRange(stream, first.length + 5, stream.length), messages::add);
        assertThat(messages).extracting(m -> m.header(":event-type")).containsExactly("messageStart", "messageStop");
    }

    @Test
    void aCorruptedMessageChecksumIsA502WhicheverWayTheBytesWereSplit() {
        byte[] good = EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}");
        byte[] corrupted = EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}");
        corrupted[corrupted.length - 1] ^= 0x01;
        byte[] stream = concat(good, corrupted);

        for (int split = 1; split < stream.length; split++) {
            EventStreamDecoder decoder = new EventStreamDecoder();
            List<EventStreamDecoder.Message> messages = new ArrayList<>();
            byte[] head = Arrays.copyOfRange(stream, 0, split);
            byte[] tail = Arrays.copyOfRange(stream, split, stream.length);

            GatewayException error = catchThrowableOfType(GatewayException.class, () -> {
                decoder.feed(head, messages::add);
                decoder.feed(tail, messages::add);
            });

            assertThat(error).as("split at %d", split).isNotNull();
            assertThat(error.status()).isEqualTo(502);
            assertThat(error.getMessage()).contains("checksum");
            assertThat(messages).as("split at %d", split).hasSize(1);
        }
    }

    @Test
    void aCorruptedMessageChecksumFedByteByByteFailsOnItsLastByte() {
        byte[] corrupted = EventStreamFrames.event("messageStop", "{\"stopReason\":\"end_turn\"}");
        corrupted[corrupted.length - 2] ^= 0x40;
        EventStreamDecoder decoder = new EventStreamDecoder();

        for (int i = 0; i < corrupted.length - 1; i++) {
            decoder.feed(new byte[] {corrupted[i]}, message -> { });
        }
        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> decoder.feed(new byte[] {corrupted[corrupted.length - 1]}, message -> { }));

        assertThat(error.status()).isEqualTo(502);
    }

    @Test
    void aCorruptedPreludeFailsAsSoonAsThePreludeArrives() {
        byte[] message = EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}");
        message[3] ^= 0x10;
        EventStreamDecoder decoder = new EventStreamDecoder();

        decoder.feed(Arrays.copyOfRange(message, 0, 11), m -> { });
        GatewayException error = catchThrowableOfType(GatewayException.class,
                () -> decoder.feed(Arrays.copyOfRange(message, 11, 12), m -> { }));

        assertThat(error.status()).isEqualTo(502);
        assertThat(error.getMessage()).contains("prelude");
    }

    // ---- helpers

    private static List<EventStreamDecoder.Message> decodeWhole(byte[] stream) {
        List<EventStreamDecoder.Message> messages = new ArrayList<>();
        new EventStreamDecoder().feed(stream, messages::add);
        return messages;
    }

    /** The vector's headers: integers as Integer, strings as String. */
    private static Map<String, Object> headers(JsonNode vector) {
        Map<String, Object> headers = new LinkedHashMap<>();
        vector.get("headers").properties().forEach(header -> headers.put(header.getKey(),
                "integer".equals(header.getValue().get("type").asText()) ? (Object) header.getValue().get("value").asInt()
                        : header.getValue().get("value").asText()));
        return headers;
    }

    private static JsonNode vector(String name) throws IOException {
        return JSON.readTree(Recorded.bytes("bedrock", "eventstream/vectors.json")).get(name);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
