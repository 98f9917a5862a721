package caravan.providers;

import java.util.List;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.TokenTables;
import caravan.api.ChatResponse;
import caravan.api.ClientGoneException;
import caravan.api.ClientStream;
import caravan.api.Variables;
import caravan.providers.echo.EchoAnswers;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;

/** Answers in-process with {@link EchoAnswers}; streams go out chunk by chunk, {@code chunkDelayMs} apart. */
final class EchoProducer extends DefaultAsyncProducer {

    private final long chunkDelayMs;
    private final Vertx vertx;
    private final TokenTables tables;

    EchoProducer(ProviderEndpoint endpoint) {
        this(endpoint, endpoint.getComponent().vertx(), TokenTables.O200K);
    }

    /** With the token tables given, for a test to hold their load. */
    EchoProducer(ProviderEndpoint endpoint, Vertx vertx, TokenTables tables) {
        super(endpoint);
        this.chunkDelayMs = endpoint.getChunkDelayMs();
        this.vertx = vertx;
        this.tables = tables;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (!tables.inMemory()) {
            // the echo counts its tokens; the first call after a start would load the o200k tables on this
            // event loop (0.1 to 0.5 s, every connection on the loop waiting): a worker loads them, and the
            // answer continues here once they are in memory
            tables.ready(vertx).onComplete(load -> {
                if (load.failed()) {
                    exchange.setException(new IllegalStateException("The echo provider could not load its token tables",
                            load.cause()));
                    callback.done(false);
                } else {
                    answer(exchange, callback, false);
                }
            });
            return false;
        }
        return answer(exchange, callback, true);
    }

    private boolean answer(Exchange exchange, AsyncCallback callback, boolean sync) {
        try {
            if (exchange.getVariable(Variables.OPERATION, String.class) != null) {
                throw new GatewayException(400, ErrorType.INVALID_REQUEST, "moderation_unsupported", null,
                        "The echo provider answers chat completions only; it has no moderation endpoint.");
            }
            exchange.setVariable(Variables.GEN_AI_PROVIDER, EchoAnswers.GEN_AI_PROVIDER_NAME);
            ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
            String model = exchange.getVariable(Variables.UPSTREAM_MODEL, String.class);
            if (!request.stream()) {
                ChatResponse response = EchoAnswers.answer(request, model);
                exchange.setVariable(Variables.RESPONSE, response);
                exchange.setVariable(Variables.USAGE, response.usage());
                callback.done(sync);
                return sync;
            }
            List<ChatChunk> chunks = EchoAnswers.stream(request, model);
            exchange.setVariable(Variables.USAGE, chunks.get(chunks.size() - 1).usage());
            ClientStream client = exchange.getVariable(Variables.CLIENT, ClientStream.class);
            if (chunkDelayMs <= 0) {
                chunks.forEach(client::sendChunk);
                client.completeStream(chunks.get(chunks.size() - 1).usage());
                callback.done(sync);
                return sync;
            }
            new PacedStream(exchange, callback, client, chunks).next(0);
            return false;
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(sync);
            return sync;
        }
    }

    /** Sends one chunk per timer tick; stops when the client goes away. */
    private final class PacedStream {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final ClientStream client;
        private final List<ChatChunk> chunks;
        private volatile boolean cancelled;

        PacedStream(Exchange exchange, AsyncCallback callback, ClientStream client, List<ChatChunk> chunks) {
            this.exchange = exchange;
            this.callback = callback;
            this.client = client;
            this.chunks = chunks;
            client.onClientGone(() -> cancelled = true);
        }

        void next(int index) {
            vertx.setTimer(chunkDelayMs, id -> {
                if (cancelled) {
                    exchange.setException(ClientGoneException.INSTANCE);
                    callback.done(false);
                } else if (index < chunks.size()) {
                    try {
                        client.sendChunk(chunks.get(index));
                    } catch (GatewayException refused) {
                        // a step watching the stream refused the chunk (a guardrail's block): the answer ends here
                        exchange.setException(refused);
                        callback.done(false);
                        return;
                    }
                    next(index + 1);
                } else {
                    client.completeStream(chunks.get(chunks.size() - 1).usage());
                    callback.done(false);
                }
            });
        }
    }
}
