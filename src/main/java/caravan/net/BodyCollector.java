package caravan.net;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Collects a whole HTTP body (a client's request, an upstream's answer) as exact-sized bytes, at most
 * {@code limit} of them. Memory grows only with the bytes that actually arrive, never from a declared
 * length a peer may lie about: the chunks are kept as they came and copied once, at the end, into one
 * array of the body's size (a body that arrived in one read is used without a copy). Each chunk passes
 * an {@link Admission} first, so a gateway-wide budget can refuse bytes it has no room for.
 */
public final class BodyCollector {

    private static final byte[] EMPTY = new byte[0];

    /** Decides whether {@code bytes} more may be held; a refusal fails the body with {@link BodyRefusedException}. */
    @FunctionalInterface
    public interface Admission {
        Admission ANY = bytes -> true;

        boolean admit(int bytes);
    }

    private final Promise<byte[]> body = Promise.promise();
    private final long limit;
    private final Admission admission;
    private final List<Buffer> chunks = new ArrayList<>(2);
    private long size;

    private BodyCollector(long limit, Admission admission) {
        this.limit = limit;
        this.admission = admission;
    }

    /**
     * @return the body, or a failure with {@link BodyTooLargeException} once it passes the limit, or with
     *         {@link BodyRefusedException} when the admission refuses a chunk
     */
    public static Future<byte[]> collect(ReadStream<Buffer> stream, long limit, Admission admission) {
        BodyCollector collector = new BodyCollector(limit, admission);
        stream.handler(collector::append);
        stream.endHandler(v -> collector.end());
        stream.exceptionHandler(collector.body::tryFail);
        return collector.body.future();
    }

    public static Future<byte[]> collect(ReadStream<Buffer> stream, long limit) {
        return collect(stream, limit, Admission.ANY);
    }

    /** The declared Content-Length, or -1 when absent or unreadable. */
    public static long declaredLength(String contentLength) {
        if (contentLength == null) {
            return -1;
        }
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void append(Buffer chunk) {
        if (body.future().isComplete()) {
            return;
        }
        size += chunk.length();
        if (size > limit) {
            chunks.clear();
            body.tryFail(new BodyTooLargeException(limit));
            return;
        }
        if (!admission.admit(chunk.length())) {
            chunks.clear();
            body.tryFail(BodyRefusedException.INSTANCE);
            return;
        }
        chunks.add(chunk);
    }

    private void end() {
        if (chunks.size() == 1) {
            body.tryComplete(bytesOf(chunks.get(0)));
            return;
        }
        byte[] whole = size == 0 ? EMPTY : new byte[(int) size];
        int at = 0;
        for (Buffer chunk : chunks) {
            chunk.getBytes(whole, at);
            at += chunk.length();
        }
        chunks.clear();
        body.tryComplete(whole);
    }

    /** The buffer's bytes: its own array when it is exactly that, else a copy. */
    public static byte[] bytesOf(Buffer buffer) {
        ByteBuf buf = buffer.getByteBuf();
        if (buf.hasArray() && buf.arrayOffset() == 0 && buf.readerIndex() == 0
                && buf.array().length == buf.readableBytes()) {
            return buf.array();
        }
        return buffer.getBytes();
    }

    /** The body passed the limit; reading it any further would only waste memory. */
    public static final class BodyTooLargeException extends RuntimeException {
        private final long limit;

        BodyTooLargeException(long limit) {
            super("body larger than " + limit + " bytes", null, false, false);
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /** The admission refused to hold more bytes. */
    public static final class BodyRefusedException extends RuntimeException {
        static final BodyRefusedException INSTANCE = new BodyRefusedException();

        private BodyRefusedException() {
            super("no room for the body", null, false, false);
        }
    }

    /** Wraps bytes the gateway owns as a Buffer without copying them (Buffer.buffer(byte[]) copies). */
    public static Buffer wrap(byte[] bytes) {
        return Buffer.buffer(Unpooled.wrappedBuffer(bytes));
    }
}
