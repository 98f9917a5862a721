package caravan.providers;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import caravan.api.CallContext;
import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ClientStream;
import caravan.api.GatewayException;
import caravan.api.HeldTokenTables;
import caravan.api.Json;
import caravan.api.TokenCount;
import caravan.api.TokenTables;
import caravan.api.Usage;
import caravan.api.Variables;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A provider that reports no usage has its answer counted by the gateway, and the first such count of a
 * process would load the o200k tables on the event loop the call runs on: a worker loads them while the
 * loop goes on serving, and the call completes, with its estimated usage, once they are in memory. An
 * answer whose usage was reported never waits for them.
 */
class UpstreamTokenTablesTest {

    private static final String WHOLE = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there, how can I help?"},\
            "finish_reason":"stop"}]}""";
    private static final String WHOLE_WITH_USAGE = WHOLE.substring(0, WHOLE.length() - 1)
            + ",\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":8,\"total_tokens\":17}}";
    private static final String CHUNK = """
            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini",\
            "choices":[{"index":0,"delta":{%s},"finish_reason":%s}]}

            """;

    private static ProviderEndpoints endpoints;
    private static Vertx vertx;
    private static HttpServer upstream;
    private static volatile boolean reportUsage;
    private HttpProviderProducer producer;

    @BeforeAll
    static void start() throws Exception {
        endpoints = new ProviderEndpoints();
        vertx = endpoints.vertx();
        upstream = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            if (!body.toString().contains("\"stream\":true")) {
                request.response().putHeader("content-type", "application/json").end(reportUsage ? WHOLE_WITH_USAGE : WHOLE);
                return;
            }
            request.response().putHeader("content-type", "text/event-stream").setChunked(true)
                    .write(CHUNK.formatted("\"role\":\"assistant\",\"content\":\"Hello\"", "null"))
                    .compose(v -> request.response().write(CHUNK.formatted("\"content\":\" there\"", "null")))
                    .compose(v -> request.response().write(CHUNK.formatted("", "\"stop\"")))
                    .compose(v -> request.response().end("data: [DONE]\n\n"));
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // the count itself uses the process's tables: in memory before any test holds a load
        TokenCount.load();
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
        endpoints.close();
    }

    @AfterEach
    void stopProducer() throws Exception {
        if (producer != null) {
            producer.stop();
        }
        reportUsage = false;
    }

    @Test
    void aWholeAnswerWithoutUsageWaitsForTheTablesOffTheLoop() throws Exception {
        Exchange exchange = answeredOnceTheHeldLoadEnds(false, null);

        Usage usage = exchange.getVariable(Variables.USAGE, Usage.class);
        assertThat(usage.estimated()).isTrue();
        assertThat(usage.outputTokens()).isEqualTo(TokenCount.of("Hello there, how can I help?"));
    }

    @Test
    void aStreamWithoutUsageEndsOnceTheTablesAreLoaded() throws Exception {
        RecordingClient client = new RecordingClient();
        Exchange exchange = answeredOnceTheHeldLoadEnds(true, client);

        assertThat(client.chunks).hasSize(3);
        assertThat(client.completed.get(10, TimeUnit.SECONDS)).isTrue();
        Usage usage = exchange.getVariable(Variables.USAGE, Usage.class);
        assertThat(usage.estimated()).isTrue();
        assertThat(usage.outputTokens()).isEqualTo(TokenCount.of("Hello there"));
    }

    /** A call whose token tables load off its event loop, held until the loop was seen serving, then let go. */
    private Exchange answeredOnceTheHeldLoadEnds(boolean stream, ClientStream client) throws Exception {
        HeldTokenTables held = new HeldTokenTables();
        Exchange exchange = call(stream, held.tables(), client);
        CompletableFuture<Boolean> answered = new CompletableFuture<>();
        Context loop = vertx.getOrCreateContext();

        loop.runOnContext(v -> producer.process(exchange, answered::complete));
        held.assertLoadingOffTheLoopWhileItServes(loop);
        assertThat(answered).isNotDone();

        held.release();
        assertThat(answered.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(exchange.getException()).isNull();
        return exchange;
    }

    @Test
    void aWholeAnswerWhoseClientGoesWhileItIsCountedIsStillPaidFor() throws Exception {
        // the answer arrived and was paid for: a client that goes while its tokens are counted does not cut the
        // call short of its usage (before, the usage was set after the call had ended, and billed to no one)
        HeldTokenTables held = new HeldTokenTables();
        RecordingClient client = new RecordingClient();
        Exchange exchange = call(false, held.tables(), client);
        CompletableFuture<Boolean> answered = new CompletableFuture<>();
        Context loop = vertx.getOrCreateContext();

        loop.runOnContext(v -> producer.process(exchange, answered::complete));
        held.assertLoadingOffTheLoopWhileItServes(loop);
        CompletableFuture<Void> gone = new CompletableFuture<>();
        loop.runOnContext(v -> {
            client.goAway();
            gone.complete(null);
        });
        gone.get(10, TimeUnit.SECONDS);
        assertThat(answered).isNotDone();

        held.release();
        assertThat(answered.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(exchange.getException()).isNull();
        assertThat(exchange.getVariable(Variables.USAGE, Usage.class).outputTokens())
                .isEqualTo(TokenCount.of("Hello there, how can I help?"));
    }

    @Test
    void anAnswerWithItsUsageNeverAsksForTheTables() throws Exception {
        reportUsage = true;
        Exchange exchange = call(false, new TokenTables(() -> false, () -> {
            throw new AssertionError("no count was needed");
        }), null);
        CompletableFuture<Boolean> answered = new CompletableFuture<>();

        vertx.getOrCreateContext().runOnContext(v -> producer.process(exchange, answered::complete));

        assertThat(answered.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(exchange.getException()).isNull();
        Usage usage = exchange.getVariable(Variables.USAGE, Usage.class);
        assertThat(usage.estimated()).isFalse();
        assertThat(usage.outputTokens()).isEqualTo(8);
    }

    private Exchange call(boolean stream, TokenTables tables, ClientStream client) throws Exception {
        ProviderEndpoint endpoint = endpoints.endpoint("provider:openai?codec=openai&baseUrl=http://127.0.0.1:"
                + upstream.actualPort() + "/v1&apiKey=RAW(sk-test)");
        ProviderCodec codec = endpoint.codec();
        producer = new HttpProviderProducer(endpoint, codec, endpoint.settings(codec), tables);
        producer.start();
        Exchange exchange = new DefaultExchange(endpoints.context());
        exchange.setVariable(Variables.REQUEST, new ChatRequest((ObjectNode) Json.MAPPER.readTree("""
                {"model":"gpt-4o-mini","stream":%s,"messages":[{"role":"user","content":"Say hello"}]}"""
                .formatted(stream)), null));
        exchange.setVariable(Variables.UPSTREAM_MODEL, "gpt-4o-mini");
        exchange.setVariable(Variables.CALL, new CallContext("req-1", "/v1/chat/completions", 30_000));
        if (client != null) {
            exchange.setVariable(Variables.CLIENT, client);
        }
        return exchange;
    }

    private static final class RecordingClient implements ClientStream {
        final List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
        final CompletableFuture<Boolean> completed = new CompletableFuture<>();

        @Override
        public boolean committed() {
            return !chunks.isEmpty();
        }

        @Override
        public void sendChunk(ChatChunk chunk) {
            chunks.add(chunk);
        }

        @Override
        public void completeStream(Usage usage) {
            completed.complete(true);
        }

        @Override
        public void failStream(GatewayException error) {
            completed.complete(false);
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public void onDrain(Runnable resume) {
        }

        private final List<Runnable> goneListeners = new CopyOnWriteArrayList<>();

        @Override
        public void onClientGone(Runnable listener) {
            goneListeners.add(listener);
        }

        void goAway() {
            goneListeners.forEach(Runnable::run);
        }
    }
}
