package caravan.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import caravan.routing.RoutingTestSupport;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import caravan.testing.Sse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's routes, Kamelets and settings run in a plain Camel Main ({@code org.apache.camel.main.Main},
 * the runtime Camel JBang uses) with only the packaged jar on the classpath: the working directory holds
 * routes/, kamelets/ and application.properties, and nothing names a Caravan class but that file. Camel
 * finds the edge engine, the provider:, model: and mirror: components and the match language by itself.
 */
class PlainCamelMainIT {

    @TempDir
    Path workDir;

    @Test
    void servesChatStreamsFallbacksAndMetricsFromItsFilesAlone() throws Exception {
        try (FakeUpstream first = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")));
             FakeUpstream second = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")))) {
            RoutingTestSupport.copyProject(workDir);
            RoutingTestSupport.writePolicy(workDir, "chain", """
                    - route:
                        id: chain
                        group: policies
                        from:
                          uri: direct:chain
                          steps:
                            - loadBalance:
                                customLoadBalancer: { ref: fallback }
                                steps:
                                  - to: model:openai/first-model
                                  - to: model:vllm/second-model
                    """);
            int port = GatewayUnderTest.freePort();
            // the gateway's own settings file, as a user copies it beside the routes, plus where things are
            String settings = Files.readString(Path.of("src/main/resources/application.properties")) + """

                    camel.main.routes-include-pattern = file:routes/**/*.yaml
                    camel.component.kamelet.location = file:kamelets
                    gateway.port = %d
                    providers.openai.base-url = %s
                    providers.openai.api-key = sk-plain-main
                    providers.vllm.base-url = %s
                    """.formatted(port, first.baseUrl(), second.baseUrl());
            Files.writeString(workDir.resolve("application.properties"), settings);

            try (GatewayProcess gateway = GatewayProcess.startPlainCamelMain(workDir, port,
                    "-pl", "file:application.properties").awaitReady()) {
                HttpClient http = HttpClient.newHttpClient();

                HttpResponse<String> chat = post(http, gateway, "{\"model\":\"openai/gpt-4o-mini\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(chat.statusCode()).as(gateway.output()).isEqualTo(200);
                assertThat(chat.body()).contains("chat.completion");
                assertThat(chat.headers().firstValue("x-caravan-request-id")).as("served by the gateway's edge").isPresent();

                first.then(Answer.sse(Recorded.sseEvents("openai", "stream.sse")));
                HttpResponse<String> stream = post(http, gateway, "{\"model\":\"openai/gpt-4o-mini\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
                assertThat(Sse.events(stream.body())).last().isEqualTo("[DONE]");

                first.then(Answer.json(503, "{\"error\":{\"message\":\"busy\"}}"));
                HttpResponse<String> fallback = post(http, gateway, "{\"model\":\"chain\","
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                assertThat(fallback.statusCode()).isEqualTo(200);
                assertThat(fallback.headers().firstValue("x-caravan-provider")).hasValue("vllm");
                assertThat(fallback.headers().firstValue("x-caravan-attempts")).hasValue("2");

                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(gateway.url("/metrics"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("caravan_requests_total").contains("caravan_fallbacks_total");
            }
        }
    }

    @Test
    void theJarNamesItsExtensionsWhereCamelLooksForThem() throws Exception {
        Path jar = Path.of(System.getProperty("caravan.jar", "target/caravan.jar"));
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            assertThat(entry(zip, "META-INF/services/org/apache/camel/platform-http-engine"))
                    .as("the only engine named: another would win the merged file").contains("caravan.edge.EdgeEngine")
                    .doesNotContain("Vertx");
            assertThat(entry(zip, "META-INF/services/org/apache/camel/component/provider")).contains("caravan.providers.ProviderComponent");
            assertThat(entry(zip, "META-INF/services/org/apache/camel/component/model")).contains("caravan.routing.ModelComponent");
            assertThat(entry(zip, "META-INF/services/org/apache/camel/component/mirror")).contains("caravan.routing.MirrorComponent");
            assertThat(entry(zip, "META-INF/services/org/apache/camel/language/match")).contains("caravan.routing.MatchLanguage");
            // what tooling reads about the options
            assertThat(entry(zip, "META-INF/caravan/routing/model.json")).contains("\"retries\"").contains("\"moveOn\"");
            assertThat(entry(zip, "META-INF/caravan/providers/provider.json")).contains("\"apiKey\"").contains("\"secret\": true");
        }
    }

    private static String entry(java.util.zip.ZipFile zip, String name) throws Exception {
        java.util.zip.ZipEntry entry = zip.getEntry(name);
        assertThat(entry).as(name).isNotNull();
        try (java.io.InputStream in = zip.getInputStream(entry)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static HttpResponse<String> post(HttpClient http, GatewayProcess gateway, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
