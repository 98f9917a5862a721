package caravan.net;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A body is collected from the bytes that arrive, once, within its limit and its admission. */
class BodyCollectorTest {

    @Test
    void joinsTheChunksIntoOneExactArray() {
        FakeStream stream = new FakeStream();
        Future<byte[]> body = BodyCollector.collect(stream, 100);

        stream.chunk("{\"a\":").chunk("1,").chunk("\"b\":2}").end();

        assertThat(new String(body.result(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1,\"b\":2}");
        assertThat(body.result()).hasSize(13);
    }

    @Test
    void usesASingleChunksOwnArrayWithoutACopy() {
        FakeStream stream = new FakeStream();
        Future<byte[]> body = BodyCollector.collect(stream, 100);
        byte[] sent = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        Buffer chunk = Buffer.buffer(io.netty.buffer.Unpooled.wrappedBuffer(sent));

        stream.chunk(chunk).end();

        assertThat(body.result()).isSameAs(sent);
    }

    @Test
    void failsOnceTheBytesPassTheLimit() {
        FakeStream stream = new FakeStream();
        Future<byte[]> body = BodyCollector.collect(stream, 10);

        stream.chunk("0123456789").chunk("x");

        assertThat(body.cause()).isInstanceOf(BodyCollector.BodyTooLargeException.class);
    }

    @Test
    void asksTheAdmissionForEachChunkAsItArrives() {
        FakeStream stream = new FakeStream();
        List<Integer> asked = new ArrayList<>();
        Future<byte[]> body = BodyCollector.collect(stream, 1_000, bytes -> {
            asked.add(bytes);
            return asked.size() < 3;
        });

        stream.chunk("aaaa").chunk("bb").chunk("c");

        assertThat(asked).containsExactly(4, 2, 1);
        assertThat(body.cause()).isInstanceOf(BodyCollector.BodyRefusedException.class);
    }

    @Test
    void anEmptyBodyIsAnEmptyArray() {
        FakeStream stream = new FakeStream();
        Future<byte[]> body = BodyCollector.collect(stream, 10);

        stream.end();

        assertThat(body.result()).isEmpty();
    }

    /** A read stream the test feeds by hand. */
    private static final class FakeStream implements ReadStream<Buffer> {
        private Handler<Buffer> handler;
        private Handler<Void> endHandler;

        FakeStream chunk(String text) {
            return chunk(Buffer.buffer(text));
        }

        FakeStream chunk(Buffer buffer) {
            handler.handle(buffer);
            return this;
        }

        void end() {
            endHandler.handle(null);
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> handler) {
            this.handler = handler;
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            return this;
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
            this.endHandler = endHandler;
            return this;
        }
    }
}
