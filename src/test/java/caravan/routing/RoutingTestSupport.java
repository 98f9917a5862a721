package caravan.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A working directory for a gateway under test: the project's routes and Kamelets plus a test's own policies. */
public final class RoutingTestSupport {

    private RoutingTestSupport() {
    }

    public static void copyProject(Path workDir) throws IOException {
        copy(Path.of("routes"), workDir.resolve("routes"));
        copy(Path.of("kamelets"), workDir.resolve("kamelets"));
        // the project's sample policies are not part of these tests
        try (Stream<Path> policies = Files.list(workDir.resolve("routes/policies"))) {
            for (Path policy : (Iterable<Path>) policies::iterator) {
                Files.delete(policy);
            }
        }
    }

    public static void writePolicy(Path workDir, String name, String yaml) throws IOException {
        Files.writeString(workDir.resolve("routes/policies/" + name + ".yaml"), yaml);
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
