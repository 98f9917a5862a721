package caravan.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * An in-process HTTP upstream for tests: each request is answered by the next scripted {@link Answer}
 * (or the default one), and recorded with its headers and body. Answers can stream with gates the test
 * opens, cut the connection, hang, or fail, so every upstream behaviour the gateway must survive can be
 * staged deterministically.
 */
public final class FakeUpstream implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private volatile Answer fallback;

    private FakeUpstream(Answer fallback) {
        this.fallback = fallback;
        this.server = vertx.createHttpServer().requestHandler(this::handle);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
    }

    public static FakeUpstream start(Answer fallback) {
        return new FakeUpstream(fallback);
    }

    public int port() {
        return server.actualPort();
    }

    /** The OpenAI-style base URL, with {@code /v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** Answers the next request with {@code answer}; later requests get the next scripted one or the fallback. */
    public synchronized FakeUpstream then(Answer answer) {
        script.add(answer);
        return this;
    }

    public void fallback(Answer answer) {
        this.fallback = answer;
    }

    /** Forgets scripted answers and recorded requests, and answers with {@code fallback} from now on. */
    public synchronized void reset(Answer fallback) {
        script.clear();
        received.clear();
        this.fallback = fallback;
    }

    /** The next request the upstream received, waiting up to 10 s for it. */
    public Received takeRequest() throws InterruptedException {
        Received request = received.poll(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("The upstream received no request within 10 s");
        }
        return request;
    }

    /** How many requests arrived that no test has taken yet. */
    public int requestCount() {
        return received.size();
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            Answer answer;
            synchronized (this) {
                answer = script.isEmpty() ? fallback : script.poll();
            }
            received.add(new Received(request.method().name(), request.path(), request.headers(), body.getBytes(),
                    System.nanoTime()));
            answer.answer(new Exchange(vertx, request, request.response(), body));
        });
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** A request as the upstream saw it. */
    public record Received(String method, String path, MultiMap headers, byte[] body, long receivedAtNanos) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw new AssertionError("The upstream received a body that is not JSON: " + new String(body), e);
            }
        }
    }

    /** What an {@link Answer} gets: the request and its response. */
    public record Exchange(Vertx vertx, HttpServerRequest request, HttpServerResponse response, Buffer body) {
    }

    /** How the upstream answers one request. */
    @FunctionalInterface
    public interface Answer {
        void answer(Exchange exchange);

        static Answer json(int status, String body) {
            return json(status, body, Map.of());
        }

        static Answer json(int status, String body, Map<String, String> headers) {
            return exchange -> {
                HttpServerResponse response = exchange.response().setStatusCode(status)
                        .putHeader("Content-Type", "application/json");
                headers.forEach(response::putHeader);
                response.end(body);
            };
        }

        /** Sends the events as an SSE stream, all at once. */
        static Answer sse(List<String> events) {
            return new StreamScript().events(events).end();
        }

        /** Never answers; only a timeout or a closed connection ends the call. */
        static Answer hang() {
            return exchange -> {
            };
        }

        /** Answers after a delay. */
        static Answer delayed(long millis, Answer answer) {
            return exchange -> exchange.vertx().setTimer(millis, id -> answer.answer(exchange));
        }
    }

    /**
     * A streamed answer written step by step: events, waits on gates the test completes, and an ending
     * ({@code [DONE]}-style end, or a cut connection). Each step runs after the previous one was written.
     */
    public static final class StreamScript implements Answer {

        private final List<java.util.function.BiConsumer<Exchange, Runnable>> steps = new java.util.ArrayList<>();
        private final CountDownLatch clientGone = new CountDownLatch(1);

        public StreamScript events(List<String> events) {
            for (String event : events) {
                steps.add((exchange, next) -> {
                    exchange.response().write(event);
                    next.run();
                });
            }
            return this;
        }

        public StreamScript event(String event) {
            return events(List.of(event));
        }

        /** Waits until the test completes {@code gate} before the next step. */
        public StreamScript await(CompletableFuture<?> gate) {
            steps.add((exchange, next) -> gate.whenComplete((v, e) -> exchange.vertx().runOnContext(x -> next.run())));
            return this;
        }

        /** Ends the response normally. */
        public StreamScript end() {
            steps.add((exchange, next) -> exchange.response().end());
            return this;
        }

        /** Drops the connection mid-stream, as a crashing upstream would. */
        public StreamScript cut() {
            steps.add((exchange, next) -> exchange.request().connection().close());
            return this;
        }

        /** Counts down when the gateway closed the connection before the stream ended. */
        public CountDownLatch clientGone() {
            return clientGone;
        }

        @Override
        public void answer(Exchange exchange) {
            HttpServerResponse response = exchange.response();
            response.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8");
            response.closeHandler(v -> {
                if (!response.ended()) {
                    clientGone.countDown();
                }
            });
            run(exchange, 0);
        }

        private void run(Exchange exchange, int index) {
            if (index < steps.size() && !exchange.response().closed()) {
                steps.get(index).accept(exchange, () -> run(exchange, index + 1));
            }
        }
    }
}
