package caravan.edge;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import caravan.testing.FakeOpenAiGateway;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.RawHttp;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge takes a request in the order that keeps a hostile client cheap: the key from the headers
 * first, then the declared size, then the body, holding only the bytes that arrive and never more request
 * bytes at once than its budget.
 */
class RequestIntakeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-intake-master";
    private static final String HELLO = """
            {"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}""";
    private static final int BUDGET = 32 * 1024;

    @RegisterExtension
    static final FakeOpenAiGateway served = new FakeOpenAiGateway(gateway -> gateway
            .property("gateway.master-key", KEY)
            .property("gateway.max-body-bytes", String.valueOf(128 * 1024))
            .property("gateway.max-buffered-bytes", String.valueOf(BUDGET))
            .property("gateway.event-loops", "1"));

    @Test
    void answers401FromTheHeadersBeforeReadingAByteOfTheBody() throws Exception {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            // declares far more than the limit: the missing key is what it hears about, and at once
            client.send(RawHttp.postHead("/v1/chat/completions", 16_000_000)).send("{\"model\":");

            RawHttp.Response response = client.readResponse();

            assertThat(response.status).isEqualTo(401);
            assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(error(response.body()).path("code").asText()).isEqualTo("invalid_api_key");
            assertThat(client.closedByPeer()).as("the rest of the body is not waited for").isTrue();
        }
        assertThat(served.upstream().requestCount()).isZero();
    }

    @Test
    void answers401ToAWrongKeyOnAnthropicsPathInAnthropicsShape() throws Exception {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send(RawHttp.postHead("/v1/messages", 5_000_000, "x-api-key", "sk-wrong")).send("{");

            RawHttp.Response response = client.readResponse();

            assertThat(response.status).isEqualTo(401);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.path("type").asText()).isEqualTo("error");
            assertThat(body.path("error").path("type").asText()).isEqualTo("authentication_error");
            assertThat(response.body()).doesNotContain("sk-wrong");
        }
    }

    @Test
    void invitesTheBodyWith100ContinueOnlyOnceTheKeyIsGood() {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send(RawHttp.postHead("/v1/chat/completions", HELLO.length(), "Expect", "100-continue"));
            RawHttp.Response response = client.readResponse();
            assertThat(response.status).as("no 100 Continue for a caller without a key").isEqualTo(401);
        }
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send(RawHttp.postHead("/v1/chat/completions", HELLO.length(), "Expect", "100-continue",
                    "Authorization", "Bearer " + KEY));
            assertThat(client.readResponse().status).isEqualTo(100);

            client.send(HELLO);

            assertThat(client.readResponse().status).isEqualTo(200);
        }
    }

    @Test
    void refusesADeclaredBodyOverTheLimitWith413() {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send(RawHttp.postHead("/v1/chat/completions", 200 * 1024, "Authorization", "Bearer " + KEY));

            RawHttp.Response response = client.readResponse();

            assertThat(response.status).isEqualTo(413);
            assertThat(error(response.body()).path("code").asText()).isEqualTo("request_too_large");
        }
    }

    @Test
    void holdsOnlyTheBytesThatArriveNotTheDeclaredLength() throws Exception {
        List<RawHttp> stalled = new ArrayList<>();
        try {
            // each declares three quarters of the budget and sends a few bytes: reserving what they declare
            // would refuse the second one and every request after it
            for (int i = 0; i < 3; i++) {
                RawHttp client = RawHttp.connect(served.gateway().port());
                stalled.add(client);
                client.send(RawHttp.postHead("/v1/chat/completions", BUDGET * 3 / 4, "Authorization", "Bearer " + KEY))
                        .send("{\"model\":\"openai/gpt-4o-mini\",");
            }

            HttpResponse<String> response = served.gateway().post("/v1/chat/completions", HELLO, "Authorization", "Bearer " + KEY);

            assertThat(response.statusCode()).isEqualTo(200);
            for (RawHttp client : stalled) {
                assertThat(client.timeout(100).closedByPeer()).as("a stalled upload is still being read").isFalse();
            }
        } finally {
            stalled.forEach(RawHttp::close);
        }
    }

    @Test
    void refusesABodyThatDoesNotFitTheBudgetWith503AndRetryAfter() throws Exception {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send(RawHttp.postHead("/v1/chat/completions", BUDGET + 1, "Authorization", "Bearer " + KEY));

            RawHttp.Response response = client.readResponse();

            assertThat(response.status).isEqualTo(503);
            assertThat(response.header("Retry-After")).isEqualTo("1");
            assertThat(error(response.body()).path("code").asText()).isEqualTo("overloaded");
        }
        // a chunked body declares nothing: it is refused when its bytes outgrow the budget
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + KEY
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "x".repeat(8192);
            for (int i = 0; i < 5; i++) {
                client.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            }

            assertThat(client.readResponse().status).isEqualTo(503);
        }
        assertThat(served.upstream().requestCount()).isZero();
        assertThat(served.gateway().post("/v1/chat/completions", HELLO, "Authorization", "Bearer " + KEY).statusCode())
                .as("the refused bytes were given back").isEqualTo(200);
    }

    @Test
    void givesTheBudgetBackWhenEachCallEnds() {
        // together far more than the budget, one after another
        String padded = HELLO.replace("Hello", "Hello " + "x".repeat(8 * 1024));
        for (int i = 0; i < 40; i++) {
            assertThat(served.gateway().post("/v1/chat/completions", padded, "Authorization", "Bearer " + KEY).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void keepsBodiesSmallOnPathsThatNeedNoKey() {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send("GET /healthz HTTP/1.1\r\nHost: gateway\r\nContent-Length: 100000\r\n\r\n");

            assertThat(client.readResponse().status).isEqualTo(413);
        }
        assertThat(served.gateway().get("/healthz").statusCode()).isEqualTo(200);
        assertThat(GatewayUnderTest.send(served.gateway().request("/healthz").method("HEAD",
                java.net.http.HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(200);
    }

    @Test
    void everySlowChunkedUploadReachesTheProvider() throws Exception {
        served.upstream().reset(Answer.delayed(20, Answer.json(200, Recorded.text("openai", "completion.json"))));
        int uploads = 40;
        List<CompletableFuture<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            statuses.add(CompletableFuture.supplyAsync(this::slowChunkedUpload));
        }

        for (CompletableFuture<Integer> status : statuses) {
            assertThat(status.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        }
        for (int i = 0; i < uploads; i++) {
            assertThat(served.upstream().takeRequest().json().path("messages").path(0).path("content").asText())
                    .isEqualTo("Hello");
        }
    }

    private int slowChunkedUpload() {
        try (RawHttp client = RawHttp.connect(served.gateway().port())) {
            client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int at = 0; at < HELLO.length(); at += 9) {
                String piece = HELLO.substring(at, Math.min(HELLO.length(), at + 9));
                client.send(Integer.toHexString(piece.length()) + "\r\n" + piece + "\r\n");
                Thread.sleep(ThreadLocalRandom.current().nextInt(5));
            }
            client.send("0\r\n\r\n");
            return client.readResponse().status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static JsonNode error(String body) {
        try {
            return JSON.readTree(body).path("error");
        } catch (Exception e) {
            throw new AssertionError("Not a JSON error: " + body, e);
        }
    }
}
