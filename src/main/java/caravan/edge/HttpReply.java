package caravan.edge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.Dialect;
import caravan.api.GatewayException;
import caravan.api.Reply;
import caravan.api.Usage;
import caravan.api.Variables;
import caravan.dialect.openai.OpenAiDialect;
import caravan.net.BodyCollector;
import caravan.telemetry.CallRecord;
import caravan.telemetry.CostOfUsage;
import caravan.telemetry.Telemetry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The answer to one HTTP call, written exactly once: a stream chunk by chunk while a provider produces it,
 * or, when the route completes, the message body or the error the exchange failed with, in the dialect
 * the client spoke. Every answer carries the {@code x-caravan-*} headers.
 */
final class HttpReply implements Reply {

    static final String PROVIDER_HEADER = "x-caravan-provider";
    static final String MODEL_HEADER = "x-caravan-model";
    static final String OVERHEAD_HEADER = "x-caravan-overhead-ms";
    static final String ROUTE_HEADER = "x-caravan-route";
    static final String ATTEMPTS_HEADER = "x-caravan-attempts";
    static final String REQUEST_ID_HEADER = "x-caravan-request-id";

    private static final Buffer SSE_PROBE = Buffer.buffer(":\n\n");

    private final HttpServerResponse response;
    private final Exchange exchange;
    private final long receivedAt = System.nanoTime();
    private final long receivedAtMillis = System.currentTimeMillis();
    private final long deadline;
    /** The API path when it is a model call that telemetry records, else null. */
    private final String modelEndpoint;
    private final Telemetry telemetry;
    private final CostOfUsage costs;
    private int attempts;
    private String[] attempted;
    private int status;
    private long firstChunkAt;
    private String servingProvider;
    private String servingModel;
    private long upstreamStartedAt;
    private long upstreamNanos;
    private Dialect.StreamEncoder streamEncoder;
    private boolean ended;
    private List<Consumer<String>> answerListeners;
    private volatile StringBuilder streamedText;
    private boolean answered;
    private String answerText;
    private ChatResponse finalAnswer;

    HttpReply(HttpServerResponse response, Exchange exchange, long timeoutMillis, String modelEndpoint,
              Telemetry telemetry, CostOfUsage costs) {
        this.response = response;
        this.exchange = exchange;
        this.deadline = receivedAt + timeoutMillis * 1_000_000;
        this.modelEndpoint = modelEndpoint;
        this.telemetry = telemetry;
        this.costs = costs;
    }

    @Override
    public String requestId() {
        return exchange.getExchangeId();
    }

    @Override
    public void attemptStarted() {
        attempts++;
    }

    /** The latest serving() of an attempt names it: a provider's stand-in renames the attempt it runs. */
    @Override
    public void serving(String provider, String model) {
        this.servingProvider = provider;
        this.servingModel = model;
        if (attempts > 0) {
            if (attempted == null || attempted.length < attempts) {
                attempted = Arrays.copyOf(attempted == null ? new String[0] : attempted, Math.max(4, attempts * 2));
            }
            attempted[attempts - 1] = provider + "/" + model;
        }
    }

    @Override
    public long firstChunkAt() {
        return firstChunkAt;
    }

    @Override
    public int attempts() {
        return attempts;
    }

    @Override
    public long remainingNanos() {
        return deadline - System.nanoTime();
    }

    @Override
    public void upstreamStarted() {
        upstreamStartedAt = System.nanoTime();
    }

    @Override
    public void upstreamFinished() {
        if (upstreamStartedAt != 0) {
            upstreamNanos += System.nanoTime() - upstreamStartedAt;
            upstreamStartedAt = 0;
        }
    }

    @Override
    public boolean committed() {
        return response.headWritten();
    }

    /** Thread-safe: a mirror registers from another thread, possibly after the answer ended. */
    @Override
    public synchronized void onAnswered(Consumer<String> listener) {
        if (answered) {
            if (answerText == null && finalAnswer != null) {
                answerText = textOf(finalAnswer);
            }
            listener.accept(answerText);
            return;
        }
        if (answerListeners == null) {
            answerListeners = new ArrayList<>(1);
            streamedText = new StringBuilder();
        }
        answerListeners.add(listener);
    }

    @Override
    public void sendChunk(ChatChunk chunk) {
        if (ended) {
            return;
        }
        StringBuilder text = streamedText;
        if (text != null && !chunk.usageOnly()) {
            synchronized (this) {
                text.append(chunk.deltaText());
            }
        }
        byte[] event = streamEncoder().encode(chunk);
        if (event != null) {
            if (firstChunkAt == 0) {
                firstChunkAt = System.nanoTime();
            }
            writeStreamHead();
            response.write(BodyCollector.wrap(event));
        }
    }

    @Override
    public void completeStream(Usage usage) {
        if (ended) {
            return;
        }
        writeStreamHead();
        ended = true;
        response.end(BodyCollector.wrap(streamEncoder().end(usage)));
    }

    @Override
    public void failStream(GatewayException error) {
        if (ended) {
            return;
        }
        if (!response.headWritten()) {
            sendError(error);
            return;
        }
        ended = true;
        response.end(BodyCollector.wrap(streamEncoder().error(error)));
    }

    /**
     * The client shut down its sending side while its answer was being produced. Once a stream has begun,
     * an SSE comment (which every SSE reader skips) tells a client that is still reading from one that has
     * gone: the second resets the connection, which closes it and cancels the upstream call.
     */
    void probeClient() {
        if (!ended && response.headWritten() && !response.closed()) {
            response.write(SSE_PROBE);
        }
    }

    @Override
    public boolean writeQueueFull() {
        return response.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable resume) {
        response.drainHandler(v -> resume.run());
    }

    @Override
    public void onClientClosed(Runnable cancel) {
        response.closeHandler(v -> {
            if (!ended) {
                ended = true;
                cancel.run();
            }
        });
    }

    /** Writes whatever the completed route left to say; a stream that already ended needs nothing. */
    void finish(Exchange completed) {
        tellAnswer(completed);
        GatewayException error = null;
        Exception failure = completed.getException();
        if (failure instanceof GatewayException gateway) {
            error = gateway;
        }
        if (!(ended || response.ended() || response.closed())) {
            if (failure != null) {
                error = Errors.toGatewayException(failure, completed);
                failStream(error);
            } else if (response.headWritten()) {
                error = GatewayException.internal("The answer stream stopped before it was complete.", null);
                failStream(error);
            } else {
                sendMessage(completed.getMessage());
            }
        } else if (failure != null && error == null) {
            error = Errors.toGatewayException(failure, completed);
        }
        record(completed, error);
    }

    /** The call as the client met it, told to telemetry exactly once: here, when its answer has ended. */
    private void record(Exchange completed, GatewayException error) {
        if (modelEndpoint == null) {
            return;
        }
        ChatRequest request = completed.getVariable(Variables.REQUEST, ChatRequest.class);
        Usage usage = error == null ? completed.getVariable(Variables.USAGE, Usage.class) : null;
        String provider = attempts > 0 ? servingProvider : null;
        String model = attempts > 0 ? servingModel : null;
        CallRecord call = new CallRecord(exchange.getExchangeId(), receivedAtMillis, modelEndpoint,
                completed.getVariable(Variables.ROUTE, String.class),
                completed.getVariable(Variables.TENANT, String.class),
                request == null ? null : request.model(), provider, model,
                attempted == null ? List.of() : List.of(Arrays.copyOf(attempted, attempts)),
                // 499: the client closed the connection before any answer (nginx's convention)
                request != null && request.stream(), status == 0 ? 499 : status,
                error == null ? null : (error.code() != null ? error.code() : error.type()),
                error == null ? null : error.getMessage(),
                System.nanoTime() - receivedAt, firstChunkAt == 0 ? -1 : firstChunkAt - receivedAt,
                overheadNanos(), usage, usage == null ? 0 : costs.of(provider, model, usage));
        completed.setVariable(Variables.CALL, call);
        telemetry.onCall(call);
    }

    /**
     * Keeps the answer for late listeners: a whole answer's text is read only when someone asks; a
     * stream's text exists only if a listener came before it ended.
     */
    private void tellAnswer(Exchange completed) {
        ChatResponse whole = completed.getException() == null
                ? completed.getVariable(Variables.RESPONSE, ChatResponse.class) : null;
        List<Consumer<String>> listeners;
        synchronized (this) {
            answered = true;
            if (completed.getException() != null) {
                answerText = null;
            } else if (whole != null) {
                answerText = answerListeners == null ? null : textOf(whole);
                finalAnswer = whole;
            } else {
                answerText = streamedText == null ? null : streamedText.toString();
            }
            listeners = answerListeners;
        }
        if (listeners != null) {
            listeners.forEach(listener -> listener.accept(answerText));
        }
    }

    private static String textOf(ChatResponse whole) {
        return whole.answerText();
    }

    /** Drops the connection when not even an error can be written. */
    void abort() {
        ended = true;
        if (!response.closed()) {
            response.reset();
        }
    }

    private void sendMessage(Message message) {
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        status = statusOf(message);
        if (status < 200 || status > 599) {
            // only a route sets this header (the edge never maps a client's Camel* headers); a bad one is a route bug
            sendError(Errors.toGatewayException(new IllegalStateException("A route answered with the status '"
                    + message.getHeader(Exchange.HTTP_RESPONSE_CODE) + "'; use a number from 200 to 599."), exchange));
            return;
        }
        response.setStatusCode(status);
        response.putHeader("Content-Type", contentType == null ? "application/json" : contentType);
        writeGatewayHeaders();
        ended = true;
        Object body = message.getBody();
        if (body == null) {
            response.end();
        } else if (body instanceof byte[] bytes) {
            response.end(BodyCollector.wrap(bytes));
        } else if (body instanceof Buffer buffer) {
            response.end(buffer);
        } else if (body instanceof String text) {
            response.end(text);
        } else {
            response.end(BodyCollector.wrap(message.getBody(byte[].class)));
        }
    }

    /** The status a route set (YAML sets it as text: "201"), 200 when none, -1 when it is not a number. */
    private static int statusOf(Message message) {
        try {
            Integer code = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            return code == null ? 200 : code;
        } catch (RuntimeException notANumber) {
            return -1;
        }
    }

    private void sendError(GatewayException error) {
        ended = true;
        status = error.status();
        response.setStatusCode(status);
        response.putHeader("Content-Type", "application/json");
        if (error.retryAfter() != null) {
            response.putHeader("Retry-After", error.retryAfter());
        }
        writeGatewayHeaders();
        response.end(BodyCollector.wrap(dialect().encodeError(error)));
    }

    private void writeStreamHead() {
        if (response.headWritten()) {
            return;
        }
        status = 200;
        response.setStatusCode(200);
        response.putHeader("Content-Type", "text/event-stream; charset=utf-8");
        response.putHeader("Cache-Control", "no-cache");
        writeGatewayHeaders();
        response.setChunked(true);
    }

    private void writeGatewayHeaders() {
        response.putHeader(REQUEST_ID_HEADER, exchange.getExchangeId());
        String route = exchange.getVariable(Variables.ROUTE, String.class);
        if (route != null) {
            response.putHeader(ROUTE_HEADER, route);
        }
        if (attempts > 0) {
            response.putHeader(ATTEMPTS_HEADER, Integer.toString(attempts));
        }
        String provider = servingProvider != null ? servingProvider : exchange.getVariable(Variables.PROVIDER, String.class);
        if (provider != null) {
            response.putHeader(PROVIDER_HEADER, provider);
        }
        String model = servingModel != null ? servingModel : exchange.getVariable(Variables.UPSTREAM_MODEL, String.class);
        if (model != null) {
            // a client named it: printable ASCII goes as it is, anything else percent-encoded (RFC 8187's charset)
            response.putHeader(MODEL_HEADER, HeaderValues.printable(model));
        }
        response.putHeader(OVERHEAD_HEADER, millis(overheadNanos()));
    }

    /** Time spent in the gateway so far: everything since the request arrived but the upstream waits. */
    private long overheadNanos() {
        long now = System.nanoTime();
        long upstream = upstreamNanos + (upstreamStartedAt == 0 ? 0 : now - upstreamStartedAt);
        return Math.max(0, now - receivedAt - upstream);
    }

    private Dialect dialect() {
        Dialect dialect = exchange.getVariable(Variables.DIALECT, Dialect.class);
        return dialect == null ? OpenAiDialect.INSTANCE : dialect;
    }

    private Dialect.StreamEncoder streamEncoder() {
        if (streamEncoder == null) {
            streamEncoder = dialect().newStreamEncoder(exchange.getVariable(Variables.REQUEST, ChatRequest.class));
        }
        return streamEncoder;
    }

    /** Milliseconds with two decimals, without the cost of String.format on every answer. */
    static String millis(long nanos) {
        long hundredths = nanos / 10_000;
        long fraction = hundredths % 100;
        return (hundredths / 100) + (fraction < 10 ? ".0" : ".") + fraction;
    }
}
