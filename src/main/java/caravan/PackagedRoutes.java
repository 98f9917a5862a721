package caravan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The route files packaged with the gateway, as an explicit list of {@code classpath:} locations.
 * Camel's classpath scanning does not walk sub-folders of a jar reliably ({@code **} builds wrong paths
 * there), so the gateway lists them itself.
 */
final class PackagedRoutes {

    private PackagedRoutes() {
    }

    static String includePattern() {
        URL root = PackagedRoutes.class.getResource("/routes");
        if (root == null) {
            throw new IllegalStateException("No routes are packaged with the gateway and none are in the working directory");
        }
        List<String> files = new ArrayList<>();
        try {
            if ("jar".equals(root.getProtocol())) {
                JarURLConnection connection = (JarURLConnection) root.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    for (JarEntry entry : Collections.list(jar.entries())) {
                        if (entry.getName().startsWith("routes/") && entry.getName().endsWith(".yaml")) {
                            files.add(entry.getName());
                        }
                    }
                }
            } else {
                Path base = Path.of(root.toURI());
                try (Stream<Path> walk = Files.walk(base)) {
                    walk.filter(path -> path.toString().endsWith(".yaml"))
                            .forEach(path -> files.add("routes/" + base.relativize(path).toString().replace('\\', '/')));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the packaged routes", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Collections.sort(files);
        return String.join(",", files.stream().map(file -> "classpath:" + file).toList());
    }
}
