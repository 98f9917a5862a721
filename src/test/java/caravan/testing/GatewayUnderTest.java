package caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import caravan.Caravan;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The gateway, started in-process on a free port with the project's routes and Kamelets, for tests.
 * Properties override {@code application.properties} as environment variables would.
 */
public final class GatewayUnderTest implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Main main;
    private final int port;

    private GatewayUnderTest(Main main, int port) {
        this.main = main;
        this.port = port;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public static HttpClient http() {
        return HTTP;
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    }

    /** POSTs a JSON body and returns the whole answer. */
    public HttpResponse<String> post(String path, String json, String... headers) {
        HttpRequest.Builder request = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    public HttpResponse<String> get(String path, String... headers) {
        HttpRequest.Builder request = request(path).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /** Any method with a JSON body (or none when {@code json} is null): PATCH and DELETE of the admin API. */
    public HttpResponse<String> call(String method, String path, String json, String... headers) {
        HttpRequest.Builder request = request(path).method(method,
                json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        main.stop();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh, empty data folder (the embedded database and the generated secret key live there). */
    public static Path newDataDir() {
        return TempFolders.create("caravan-data");
    }

    public static final class Builder {
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Path workDir = Path.of("").toAbsolutePath();
        private boolean reload;
        private final Map<String, Object> beans = new LinkedHashMap<>();

        /** Binds a bean before the gateway configures itself, e.g. an OpenTelemetry SDK with an in-memory exporter. */
        public Builder bean(String name, Object bean) {
            beans.put(name, bean);
            return this;
        }

        public Builder property(String name, String value) {
            properties.put(name, value);
            return this;
        }

        /** Points the {@code openai} provider at a fake upstream, with a provider key the test can look for. */
        public Builder openAi(FakeUpstream upstream) {
            return property("providers.openai.base-url", upstream.baseUrl())
                    .property("providers.openai.api-key", "sk-test-provider");
        }

        /** Reads routes, Kamelets and application.properties from {@code workDir}, and hot-reloads its routes. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            this.reload = true;
            return this;
        }

        public GatewayUnderTest start() {
            int port = freePort();
            Main main = Caravan.create(workDir);
            main.addOverrideProperty("gateway.port", String.valueOf(port));
            if (!properties.containsKey("gateway.data-dir")) {
                // each gateway its own embedded database: tests never share keys, tenants or spend
                main.addOverrideProperty("gateway.data-dir", newDataDir().toString());
            }
            if (!reload) {
                main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
            }
            properties.forEach(main::addOverrideProperty);
            beans.forEach(main::bind);
            try {
                main.start();
            } catch (Exception e) {
                throw new IllegalStateException("The gateway did not start", e);
            }
            return new GatewayUnderTest(main, port);
        }
    }
}
