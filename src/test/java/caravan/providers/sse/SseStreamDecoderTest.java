package caravan.providers.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import caravan.api.ChatChunk;
import caravan.api.Json;
import caravan.api.WireFormat;
import org.junit.jupiter.api.Test;

class SseStreamDecoderTest {

    @Test
    void anEventIsWrittenBackAsAnthropicWritesIt() {
        assertThat(text(SseStreamDecoder.frame("message_stop", bytes("{\"type\": \"message_stop\"}"))))
                .isEqualTo("event: message_stop\ndata: {\"type\": \"message_stop\"}\n\n");
    }

    @Test
    void dataOfSeveralLinesKeepsOneDataLineEachAndAnUnnamedEventHasNoEventLine() {
        assertThat(text(SseStreamDecoder.frame(null, bytes("{\"a\":\n1}")))).isEqualTo("data: {\"a\":\ndata: 1}\n\n");
    }

    @Test
    void eachEventGoesOnWithTheFirstChunkDecodedFromItOrAlone() {
        List<ChatChunk> chunks = new ArrayList<>();
        SseStreamDecoder decoder = new SseStreamDecoder(WireFormat.ANTHROPIC_MESSAGES) {
            @Override
            protected void onEvent(String event, byte[] data) {
                if ("two".equals(event)) {
                    emit(ChatChunk.of(Json.MAPPER.createObjectNode().put("n", 1), null));
                    emit(ChatChunk.of(Json.MAPPER.createObjectNode().put("n", 2), null));
                }
            }
        };

        decoder.decode(bytes("event: none\ndata: {}\n\nevent: two\ndata: {}\n\n"), chunks::add);

        assertThat(chunks).hasSize(3);
        assertThat(chunks.get(0).canonical()).isFalse();
        assertThat(text(chunks.get(0).upstreamEvent(WireFormat.ANTHROPIC_MESSAGES))).isEqualTo("event: none\ndata: {}\n\n");
        assertThat(text(chunks.get(1).upstreamEvent(WireFormat.ANTHROPIC_MESSAGES))).isEqualTo("event: two\ndata: {}\n\n");
        assertThat(chunks.get(2).upstreamEvent(WireFormat.ANTHROPIC_MESSAGES)).isNull();
        assertThat(chunks.get(1).upstreamEvent(WireFormat.CHAT_COMPLETIONS)).isNull();
    }

    @Test
    void aDecoderWhoseEventsNoClientSpeaksSendsTheCanonicalChunksAlone() {
        List<ChatChunk> chunks = new ArrayList<>();
        SseStreamDecoder decoder = new SseStreamDecoder() {
            @Override
            protected void onEvent(String event, byte[] data) {
                if (!isDone(data)) {
                    emit(ChatChunk.of(jsonObject(data), null));
                }
            }
        };

        decoder.decode(bytes("data: {}\n\ndata: [DONE]\n\n"), chunks::add);

        assertThat(chunks).hasSize(1).allSatisfy(chunk -> assertThat(chunk.upstreamEvent(WireFormat.ANTHROPIC_MESSAGES)).isNull());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
