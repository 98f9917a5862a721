package caravan.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import caravan.testing.Admin;
import caravan.testing.AuditPages;
import caravan.testing.GatewayUnderTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Route and Kamelet files in the audit log, as actor {@code file} with the SHA-256 of their bytes: every
 * file loaded at start, a new file, an edited file reloaded, a broken edit rejected (the old route keeps
 * serving), and a Kamelet read for a reloaded route, whole or broken.
 */
class RouteFileAuditTest {

    static final String MASTER = "sk-caravan-master-route-audit";

    @TempDir
    Path workDir;

    GatewayUnderTest gateway;
    Admin admin;

    @BeforeEach
    void start() throws IOException {
        copy(Path.of("routes"), workDir.resolve("routes"));
        copy(Path.of("kamelets"), workDir.resolve("kamelets"));
        gateway = GatewayUnderTest.builder().workDir(workDir).property("gateway.master-key", MASTER).start();
        admin = new Admin(gateway, MASTER);
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    @Test
    void everyRouteFileAndKameletLoadedAtStartIsRecordedWithTheDigestOfItsBytes() throws Exception {
        Set<String> routeFiles = yamlFiles("routes");

        List<JsonNode> loads = await().atMost(Duration.ofSeconds(10)).until(() -> AuditPages.all(admin),
                records -> records.stream().anyMatch(r -> r.get("object").asText().equals("routes/edge.yaml")));

        assertThat(loads).allSatisfy(record -> {
            assertThat(record.get("actor").asText()).isEqualTo("file");
            assertThat(record.get("action").asText()).isEqualTo("route.load");
            assertThat(record.get("digest").asText()).isEqualTo(sha256(workDir.resolve(record.get("object").asText())));
        });
        Set<String> objects = loads.stream().map(r -> r.get("object").asText()).collect(Collectors.toSet());
        assertThat(objects).containsAll(routeFiles)
                .contains("kamelets/echo-action.kamelet.yaml", "kamelets/openai-compatible-action.kamelet.yaml");
        assertThat(objects).hasSize(loads.size());
        assertThat(admin.get("/admin/audit/verify").get("ok").asBoolean()).isTrue();
    }

    @Test
    void aNewFileIsLoadedAnEditReloadedAndABrokenEditRejectedWhileTheOldRouteServes() throws Exception {
        long before = afterStartRecords();
        Path version = workDir.resolve("routes/version.yaml");

        save(version, versionRoute("v1"));
        JsonNode loaded = awaitRecord(before, "route.load", "routes/version.yaml", sha256(versionRoute("v1")));
        assertThat(body("/version")).isEqualTo("v1");

        save(version, versionRoute("v2"));
        JsonNode reloaded = awaitRecord(loaded.get("seq").asLong(), "route.reload", "routes/version.yaml",
                sha256(versionRoute("v2")));
        assertThat(body("/version")).isEqualTo("v2");

        String broken = "- route:\n    id: version\n    from: [ this is: not: a route\n";
        save(version, broken);
        JsonNode rejected = awaitRecord(reloaded.get("seq").asLong(), "route.reject", "routes/version.yaml", sha256(broken));
        assertThat(body("/version")).isEqualTo("v2");

        assertThat(List.of(loaded, reloaded, rejected)).allSatisfy(record ->
                assertThat(record.get("actor").asText()).isEqualTo("file"));
        assertThat(admin.get("/admin/audit/verify").get("ok").asBoolean()).isTrue();
    }

    @Test
    void aKameletReadForAReloadedRouteIsLoadedOrRejectedWithIt() throws Exception {
        long before = afterStartRecords();
        Path kamelet = workDir.resolve("kamelets/hello-action.kamelet.yaml");
        save(kamelet, helloKamelet("hello from a kamelet"));

        save(workDir.resolve("routes/hello.yaml"), kameletRoute("hello", "hello-action"));
        JsonNode kameletLoaded = awaitRecord(before, "route.load", "kamelets/hello-action.kamelet.yaml", sha256(kamelet));
        assertThat(body("/hello")).isEqualTo("hello from a kamelet");
        JsonNode routeLoaded = AuditPages.after(admin, kameletLoaded.get("seq").asLong() - 2).get(0);
        assertThat(routeLoaded.get("action").asText() + " " + routeLoaded.get("object").asText())
                .as("the route file that needed the Kamelet, just before it").isEqualTo("route.load routes/hello.yaml");

        Path broken = workDir.resolve("kamelets/broken-action.kamelet.yaml");
        save(broken, "apiVersion: camel.apache.org/v1\nkind: Kamelet\nspec: [ this is: not: a kamelet\n");
        save(workDir.resolve("routes/broken.yaml"), kameletRoute("broken", "broken-action"));
        JsonNode routeRejected = awaitRecord(kameletLoaded.get("seq").asLong(), "route.reject", "routes/broken.yaml",
                sha256(kameletRoute("broken", "broken-action")));
        JsonNode kameletRejected = awaitRecord(kameletLoaded.get("seq").asLong(), "route.reject",
                "kamelets/broken-action.kamelet.yaml", sha256(broken));
        assertThat(kameletRejected.get("seq").asLong()).isGreaterThan(routeRejected.get("seq").asLong());
        assertThat(body("/hello")).isEqualTo("hello from a kamelet");
    }

    /** The seq of the last of the records made at start (all appended at once). */
    private long afterStartRecords() {
        List<JsonNode> records = await().atMost(Duration.ofSeconds(10)).until(() -> AuditPages.all(admin),
                all -> all.stream().anyMatch(r -> r.get("object").asText().equals("routes/edge.yaml")));
        return records.get(records.size() - 1).get("seq").asLong();
    }

    /** The first record after {@code after} of that action on that file with that digest, once it is there. */
    private JsonNode awaitRecord(long after, String action, String object, String digest) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> AuditPages.after(admin, after).stream()
                        .filter(r -> r.get("action").asText().equals(action) && r.get("object").asText().equals(object)
                                && r.get("digest").asText().equals(digest))
                        .findFirst().orElse(null), record -> record != null);
    }

    private String body(String path) {
        return gateway.get(path, "Authorization", "Bearer " + MASTER).body();
    }

    /**
     * Saves a file whole, as editors do (written beside it, then moved over it): the watcher never hands over
     * a half-written file, so each save is one record.
     */
    private void save(Path file, String content) throws IOException {
        Path written = workDir.resolve(file.getFileName() + ".saving");
        Files.writeString(written, content);
        Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Set<String> yamlFiles(String folder) throws IOException {
        try (Stream<Path> files = Files.walk(workDir.resolve(folder))) {
            return files.filter(file -> file.toString().endsWith(".yaml"))
                    .map(file -> workDir.relativize(file).toString().replace('\\', '/'))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
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

    private static String kameletRoute(String path, String kamelet) {
        return """
                - route:
                    id: %s
                    from:
                      uri: platform-http:/%s
                      steps:
                        - to:
                            uri: kamelet:%s
                """.formatted(path, path, kamelet);
    }

    private static String helloKamelet(String answer) {
        return """
                apiVersion: camel.apache.org/v1
                kind: Kamelet
                metadata:
                  name: hello-action
                  labels:
                    camel.apache.org/kamelet.type: "action"
                spec:
                  definition:
                    title: "Hello"
                    description: "Answers a constant."
                    type: object
                    properties: {}
                  template:
                    from:
                      uri: kamelet:source
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(answer);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
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
