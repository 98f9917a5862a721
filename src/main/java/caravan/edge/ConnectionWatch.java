package caravan.edge;

import java.io.IOException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * One client connection as the edge watches it: which phase of a request it is in, and since when. The
 * sweep of its event loop ({@link ClientConnections}) reads it to cut off a client that sends nothing, a
 * request head that does not arrive in time, a body that stops half-way or a connection idle too long,
 * and to pick an idle connection to close when the cap is reached. It sits in the connection's Netty
 * pipeline just before Vert.x, where it sees each decoded request and body chunk; there it also keeps a
 * half-closed connection open so the answer still reaches a client that shut down its sending side after
 * its request, closes a connection that pipelines too many requests ahead, and ends a connection whose
 * client reset it without the stack trace Netty would log.
 *
 * <p>Everything here runs on the connection's event loop.
 */
final class ConnectionWatch extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<ConnectionWatch> KEY = AttributeKey.valueOf("caravan.connection");
    /** More requests than this written ahead of their answers is not a client, it is a queue the gateway would hold. */
    static final int MAX_PIPELINED = 16;

    enum Phase {
        /** accepted, no request yet: its head must arrive within the header timeout */
        NEW,
        /** a request head arrived; its body is being read */
        BODY,
        /** the request is in the route: no timeout here but the request's own deadline */
        ANSWERING,
        /** the answer ended; the connection waits for the next request until the idle timeout */
        IDLE,
        /** answered early with Connection: close; the rest of its body is being drained before closing */
        CLOSING
    }

    final HttpConnection connection;
    private final Channel channel;
    private Phase phase = Phase.NEW;
    private long phaseSince = System.nanoTime();
    private long lastReadAt = phaseSince;
    private int pipelined;
    private boolean inputClosed;
    /** What to do when a body stops arriving: answer 408 and drop what was read. */
    private Runnable onStalledBody;
    /** The answer in progress: whether it has begun decides what a half-close means. */
    private HttpClientStream answering;

    private ConnectionWatch(HttpConnection connection, Channel channel) {
        this.connection = connection;
        this.channel = channel;
    }

    /** Starts watching a new connection; the pipeline already holds Vert.x's handler, named {@code handler}. */
    static ConnectionWatch install(HttpConnection connection) {
        Channel channel = ((ConnectionBase) connection).channel();
        ConnectionWatch watch = new ConnectionWatch(connection, channel);
        // a client may shut down its sending side once its request is out and still read the answer
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        if (channel.pipeline().get("handler") != null) {
            channel.pipeline().addBefore("handler", "caravan-watch", watch);
        } else {
            channel.pipeline().addLast("caravan-watch", watch);
        }
        channel.attr(KEY).set(watch);
        return watch;
    }

    /** The watch of the connection a request came on, or null for a connection the edge did not accept. */
    static ConnectionWatch of(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        return connection instanceof ConnectionBase base ? base.channel().attr(KEY).get() : null;
    }

    Phase phase() {
        return phase;
    }

    long phaseSince() {
        return phaseSince;
    }

    long lastReadAt() {
        return lastReadAt;
    }

    // --- what the edge tells it ----------------------------------------------------------------------

    void requestStarted() {
        enter(Phase.BODY);
        lastReadAt = phaseSince;
        onStalledBody = null;
        answering = null;
    }

    /** The body is being read; {@code onStall} answers the client when it stops sending. */
    void readingBody(Runnable onStall) {
        onStalledBody = onStall;
    }

    void bodyRead() {
        onStalledBody = null;
        enter(Phase.ANSWERING);
    }

    void answering(HttpClientStream client) {
        answering = client;
    }

    void responseEnded() {
        pipelined = Math.max(0, pipelined - 1);
        answering = null;
        onStalledBody = null;
        if (phase == Phase.CLOSING) {
            return;
        }
        if (inputClosed && pipelined == 0) {
            close();
            return;
        }
        enter(Phase.IDLE);
    }

    /** Answered before its body was read: drain what is still coming, then close (at the latest when the sweep says). */
    void closeAfterDrain() {
        onStalledBody = null;
        enter(Phase.CLOSING);
    }

    void close() {
        channel.close();
    }

    /** The sweep found the body stalled. */
    void bodyStalled() {
        Runnable stalled = onStalledBody;
        onStalledBody = null;
        if (stalled != null) {
            stalled.run();
        } else {
            close();
        }
    }

    private void enter(Phase next) {
        phase = next;
        phaseSince = System.nanoTime();
    }

    // --- what Netty tells it ---------------------------------------------------------------------------

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest && ++pipelined > MAX_PIPELINED) {
            ClientFaults.LOG.info("Closed a connection from {}: more than {} requests sent ahead of their answers",
                    ClientFaults.peer(connection), MAX_PIPELINED);
            io.netty.util.ReferenceCountUtil.release(msg);
            close();
            return;
        }
        if (msg instanceof HttpContent) {
            lastReadAt = System.nanoTime();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            // TCP does not tell a client that shut down only its sending side from one that left. Before its
            // answer has begun, it is taken for the first (it may have half-closed right after its request) and
            // answered; once the answer is streaming, for the second: the connection closes and the upstream
            // call is cancelled. With nothing in flight, or a body cut short, nothing is left to answer.
            if (phase != Phase.ANSWERING || answering == null || answering.committed()) {
                close();
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // a reset or broken connection is the client's doing: one line, no stack trace
            ClientFaults.connectionFailed(connection, cause);
            close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
