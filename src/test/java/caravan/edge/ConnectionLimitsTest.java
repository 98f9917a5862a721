package caravan.edge;

import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import caravan.testing.FakeOpenAiGateway;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.FakeUpstream.StreamScript;
import caravan.testing.GatewayUnderTest;
import caravan.testing.RawHttp;
import caravan.testing.Recorded;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import static caravan.edge.RequestIntakeTest.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a client can do to a connection, and what the edge does about it: a client that sends nothing, or
 * too slowly, or stops half-way, or pipelines without end is cut off; a client that half-closes after its
 * request still gets its answer; what is not HTTP/1.1 gets a JSON error; a reset is one line in the log.
 */
class ConnectionLimitsTest {

    private static final String HELLO = """
            {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}""";
    private static final String STREAM = """
            {"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello"}]}""";

    @RegisterExtension
    static final FakeOpenAiGateway served = new FakeOpenAiGateway(gateway -> gateway
            .property("gateway.header-timeout-ms", "300")
            .property("gateway.idle-timeout-s", "1")
            .property("gateway.event-loops", "1"));

    @Test
    void closesAConnectionThatSendsNothing() {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            long started = System.nanoTime();

            assertThat(client.timeout(5_000).closedByPeer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void closesAConnectionWhoseRequestHeadDribbles() {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n");

            assertThat(client.timeout(5_000).closedByPeer()).isTrue();
        }
    }

    @Test
    void closesAKeepAliveConnectionLeftIdle() {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send("GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertThat(client.readResponse().status).isEqualTo(200);
            client.send("GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n");
            assertThat(client.readResponse().status).as("kept alive between requests").isEqualTo(200);

            assertThat(client.timeout(5_000).closedByPeer()).isTrue();
        }
    }

    @Test
    void answers408WhenABodyStopsArriving() {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send(RawHttp.postHead("/v1/chat/completions", HELLO.length())).send(HELLO.substring(0, 10));

            RawHttp.Response response = client.timeout(5_000).readResponse();

            assertThat(response.status).isEqualTo(408);
            assertThat(error(response.body()).path("code").asText()).isEqualTo("request_timeout");
            assertThat(client.closedByPeer()).isTrue();
        }
        assertThat(served.upstream().requestCount()).isZero();
    }

    @Test
    void neverCutsOffARequestWaitingForItsAnswer() {
        served.upstream().reset(Answer.delayed(1_600, Answer.json(200, Recorded.text("openai", "completion.json"))));

        assertThat(served.gateway().post("/v1/chat/completions", HELLO).statusCode())
                .as("longer than the idle timeout, but the gateway is the one busy").isEqualTo(200);
    }

    @Test
    void answersAClientThatHalfClosesAfterItsRequest() {
        served.upstream().reset(Answer.delayed(200, Answer.json(200, Recorded.text("openai", "completion.json"))));
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send(RawHttp.post("/v1/chat/completions", HELLO)).halfClose();

            String answer = client.timeout(5_000).readToClose();

            assertThat(answer).startsWith("HTTP/1.1 200").contains("chat.completion");
        }
    }

    @Test
    void keepsStreamingToAClientThatHalfCloses() {
        List<String> events = Recorded.sseEvents("openai", "stream.sse");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        // the stream begins only once the half-close is long in: it was made before any answer
        served.upstream().reset(new StreamScript().await(gate).events(events).end());
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send(RawHttp.post("/v1/chat/completions", STREAM)).halfClose();
            client.timeout(5_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> served.upstream().requestCount() == 1);
            gate.complete(null);

            String answer = client.readToClose();

            assertThat(answer).startsWith("HTTP/1.1 200").contains("data: [DONE]");
        }
    }

    @Test
    void closesAConnectionThatPipelinesTooFarAhead() {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send("GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n".repeat(3));
            for (int i = 0; i < 3; i++) {
                assertThat(client.readResponse().status).as("a few pipelined requests are fine").isEqualTo(200);
            }
        }
        // answers that take their time: what is sent ahead of them queues in the gateway
        served.upstream().reset(Answer.delayed(50, Answer.json(200, Recorded.text("openai", "completion.json"))));
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send(RawHttp.post("/v1/chat/completions", HELLO).repeat(ConnectionWatch.MAX_PIPELINED * 4));

            String answers = client.timeout(5_000).readToClose();

            assertThat(answers.split("HTTP/1.1 200", -1).length - 1).isLessThanOrEqualTo(ConnectionWatch.MAX_PIPELINED);
        }
    }

    @Test
    void answersWhatIsNotHttpWithAJsonError() {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send("THIS IS NOT HTTP\r\n\r\n");

            RawHttp.Response response = client.readResponse();

            assertThat(response.status).isEqualTo(400);
            assertThat(response.header("Content-Type")).isEqualTo("application/json");
            assertThat(client.closedByPeer()).isTrue();
        }
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send("GET /healthz HTTP/1.1\r\nHost: gw\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n");

            RawHttp.Response response = client.readResponse();

            assertThat(response.status).isEqualTo(431);
            assertThat(error(response.body()).path("code").asText()).isEqualTo("headers_too_large");
        }
    }

    @Test
    void speaksOnlyHttp11InTheClear() {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send("GET /healthz HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");

            RawHttp.Response response = client.readResponse();

            assertThat(response.status).as("no 101 Switching Protocols").isEqualTo(200);
            assertThat(response.head).startsWith("HTTP/1.1 ");
        }
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

            RawHttp.Response response = client.readResponse();

            assertThat(response.status).isEqualTo(505);
            assertThat(error(response.body()).path("code").asText()).isEqualTo("http_version_not_supported");
            assertThat(client.closedByPeer()).isTrue();
        }
    }

    @Test
    void logsAClientResetWithoutAStackTrace() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        try {
            for (int i = 0; i < 5; i++) {
                Socket socket = new Socket("127.0.0.1", served.gateway().port());
                socket.getOutputStream().write(RawHttp.post("/v1/chat/completions", HELLO).substring(0, 40 + i * 20)
                        .getBytes());
                socket.setSoLinger(true, 0);
                socket.close();
            }
            // the gateway is still well, and has said no more than a line about each reset
            assertThat(served.gateway().post("/v1/chat/completions", HELLO).statusCode()).isEqualTo(200);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> log.list.stream()
                    .noneMatch(event -> event.getThrowableProxy() != null || event.getLevel().isGreaterOrEqual(Level.WARN)));
        } finally {
            root.detachAppender(log);
        }
    }

    @Test
    void mapsNoClientHeaderIntoTheRoutesControls() {
        HttpResponse<String> asked503 = served.gateway().post("/v1/chat/completions", HELLO, "CamelHttpResponseCode", "503");
        HttpResponse<String> askedGarbage = served.gateway().post("/v1/chat/completions", HELLO, "CamelHttpResponseCode", "abc",
                "CamelHttpPath", "/v1/models");

        assertThat(asked503.statusCode()).isEqualTo(200);
        assertThat(askedGarbage.statusCode()).isEqualTo(200);
        assertThat(askedGarbage.body()).contains("chat.completion");
    }

    @Test
    void capsOpenConnectionsClosingTheIdlestForANewClient() throws Exception {
        try (GatewayUnderTest capped = GatewayUnderTest.builder().openAi(served.upstream())
                .property("gateway.max-connections", "4")
                .property("gateway.event-loops", "1")
                .start()) {
            List<RawHttp> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    idle.add(RawHttp.connect(capped.port()));
                }
                long started = System.nanoTime();

                HttpResponse<String> response = capped.post("/v1/chat/completions", HELLO);

                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
                assertThat(idle.get(0).timeout(2_000).closedByPeer()).as("the idlest made room").isTrue();
            } finally {
                idle.forEach(RawHttp::close);
            }
            assertThat(capped.post("/v1/chat/completions", HELLO).statusCode()).as("recovers by itself").isEqualTo(200);
        }
    }

    @Test
    void refusesANewConnectionWhenEveryOneHasARequestInFlight() throws Exception {
        try (GatewayUnderTest capped = GatewayUnderTest.builder().openAi(served.upstream())
                .property("gateway.max-connections", "2")
                .property("gateway.event-loops", "1")
                .start()) {
            List<RawHttp> busy = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    RawHttp client = RawHttp.connect(capped.port());
                    busy.add(client);
                    client.send(RawHttp.postHead("/v1/chat/completions", HELLO.length())).send("{");
                }
                // the head of the last one must have arrived before the refused one connects
                await().atMost(Duration.ofSeconds(2)).until(() -> {
                    try (RawHttp probe = RawHttp.connect(capped.port())) {
                        return probe.timeout(500).closedByPeer();
                    }
                });
            } finally {
                busy.forEach(RawHttp::close);
            }
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(capped.post("/v1/chat/completions", HELLO).statusCode()).isEqualTo(200));
        }
    }
}
