package caravan.edge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import caravan.testing.GatewayUnderTest;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Route files edited while the gateway runs take effect; a broken one is rejected and the old route keeps serving. */
class RouteReloadTest {

    @TempDir
    Path workDir;

    GatewayUnderTest gateway;
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN)) {
                warnings.add(event.getFormattedMessage());
            }
        }
    };

    @BeforeEach
    void start() throws IOException {
        copy(Path.of("routes"), workDir.resolve("routes"));
        copy(Path.of("kamelets"), workDir.resolve("kamelets"));
        capture.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(capture);
        gateway = GatewayUnderTest.builder().workDir(workDir).start();
    }

    @AfterEach
    void stop() {
        gateway.close();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(capture);
    }

    @Test
    void reloadsAnEditedRouteWithoutDroppingARequest() throws Exception {
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        AtomicBoolean reloaded = new AtomicBoolean();
        Thread traffic = new Thread(() -> {
            // requests to routes of the edited file, all through the reload and some after it
            for (int after = 0; after < 20; after += reloaded.get() ? 1 : 0) {
                statuses.add(gateway.post("/v1/chat/completions",
                        "{\"model\":\"echo/echo-1\",\"messages\":[{\"role\":\"user\",\"content\":\"still here\"}]}")
                        .statusCode());
            }
        });
        traffic.start();
        Path edge = workDir.resolve("routes/edge.yaml");
        Files.writeString(edge, Files.readString(edge).replace("'{\"status\":\"ok\"}'", "'{\"status\":\"ok\",\"edited\":true}'"));

        awaitBody("/healthz", "{\"status\":\"ok\",\"edited\":true}");
        reloaded.set(true);
        traffic.join(30_000);

        assertThat(statuses).hasSizeGreaterThanOrEqualTo(20).containsOnly(200);
    }

    @Test
    void loadsANewRouteFileAndRejectsABrokenEditKeepingThePreviousRoute() throws IOException {
        Path version = workDir.resolve("routes/version.yaml");
        Files.writeString(version, versionRoute("v1"));
        awaitBody("/version", "v1");

        Files.writeString(version, versionRoute("v2"));
        awaitBody("/version", "v2");

        Files.writeString(version, "- route:\n    id: version\n    from: [ this is: not: a route\n");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(warnings)
                .anySatisfy(line -> assertThat(line).contains("version.yaml")));
        assertThat(gateway.get("/version").body()).isEqualTo("v2");
    }

    private void awaitBody(String path, String body) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(gateway.get(path).body()).isEqualTo(body));
    }

    private static String versionRoute(String version) {
        return """
                - route:
                    id: version
                    from:
                      uri: platform-http:/version
                      steps:
                        - setBody:
                            constant: %s
                """.formatted(version);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
