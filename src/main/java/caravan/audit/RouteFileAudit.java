package caravan.audit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.spi.RouteTemplateLoaderListener;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records, as actor {@code file}, every route and Kamelet file the gateway loads, reloads or rejects, with
 * the SHA-256 of its bytes:
 * <ul>
 *   <li>at start, once the routes run: each file a route or a Kamelet came from ({@code route.load});</li>
 *   <li>each file Camel's route watcher hands over while the gateway runs ({@code camel.main.routes-reload-enabled},
 *       which Caravan turns on for a {@code routes/} folder in the working directory): {@code route.reload} for a
 *       file loaded before, {@code route.load} for a new one, {@code route.reject} when Camel refused it (the
 *       routes it held before keep serving);</li>
 *   <li>each Kamelet Camel reads for a route reloaded while the gateway runs: {@code route.load}, or
 *       {@code route.reject} when no template came out of it.</li>
 * </ul>
 * The watcher's own handler does the reload; this wraps it, once the gateway has started (the watcher
 * with it), to see the file and the outcome, and hands it the bytes it read: what Camel parses is exactly
 * what the digest is of, even when an editor is still writing the file (a half-written file is rejected,
 * and the write's next event loads the whole). Files loaded at start and Kamelets are read by Camel
 * itself, and hashed here just after (at start) or just before (a Kamelet); a file changed in between is
 * handed over by the watcher, and recorded, again. The records go through an {@link AuditQueue}, so no
 * file event waits for the database.
 *
 * <p>A file that fails at start stops the start, so nothing runs from it and nothing is recorded.
 */
public final class RouteFileAudit implements StartupListener, RouteTemplateLoaderListener {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileAudit.class);

    private final CamelContext context;
    private final AuditQueue queue;
    private final Path home;
    private final Clock clock;
    /** Locations of the files loaded so far: a file handed over again is a reload. */
    private final Set<String> loaded = ConcurrentHashMap.newKeySet();
    /** Kamelets Camel is reading or has read, not yet known to have given their template: location to digest. */
    private final Map<String, String> kameletsReading = new ConcurrentHashMap<>();

    /** @param home the gateway's working directory: files under it are named by their path from it ({@code routes/edge.yaml}) */
    public RouteFileAudit(CamelContext context, AuditQueue queue, Path home, Clock clock) {
        this.context = context;
        this.queue = queue;
        this.home = home.toAbsolutePath().normalize();
        this.clock = clock;
    }

    /** Too early: the route watcher has not started (and has no handler to wrap) until the routes run. */
    @Override
    public void onCamelContextStarted(CamelContext camelContext, boolean alreadyStarted) {
    }

    /**
     * Once everything runs, the route watcher included (it starts after the routes): wraps its reload
     * handler, and records every file the running routes and Kamelets came from.
     */
    @Override
    public void onCamelContextFullyStarted(CamelContext camelContext, boolean alreadyStarted) {
        for (RouteWatcherReloadStrategy watcher : camelContext.hasServices(RouteWatcherReloadStrategy.class)) {
            ResourceReload reload = watcher.getResourceReload();
            if (reload instanceof Audited) {
                continue;
            }
            if (reload == null) {
                LOG.warn("Camel's route watcher has no reload handler: route reloads from {} are not in the audit log",
                        watcher.getFolder());
                continue;
            }
            watcher.setResourceReload(new Audited(reload));
        }
        recordNewlyLoaded();
    }

    /** Camel is about to read a Kamelet: its bytes now are the ones it reads. */
    @Override
    public void loadRouteTemplate(Resource resource) {
        try {
            kameletsReading.put(resource.getLocation(), digest(resource));
        } catch (IOException e) {
            LOG.warn("Cannot read the Kamelet {} to record it in the audit log: {}", resource.getLocation(), e.getMessage());
        }
    }

    /**
     * Records every file a route or a template now comes from that was not recorded yet, sorted by name;
     * and every Kamelet read that gave no template as rejected.
     */
    private void recordNewlyLoaded() {
        Map<String, Resource> sources = new TreeMap<>();
        for (Route route : context.getRoutes()) {
            addSource(sources, route.getSourceResource());
        }
        if (context instanceof ModelCamelContext model) {
            for (RouteTemplateDefinition template : model.getRouteTemplateDefinitions()) {
                addSource(sources, template.getResource());
            }
        }
        sources.forEach((location, resource) -> {
            String digest = kameletsReading.remove(location);
            if (loaded.add(location)) {
                try {
                    record(AuditEvent.ROUTE_LOAD, location, digest != null ? digest : digest(resource));
                } catch (IOException e) {
                    LOG.warn("Cannot read {} to record it in the audit log: {}", location, e.getMessage());
                }
            }
        });
        for (String location : kameletsReading.keySet()) {
            String digest = kameletsReading.remove(location);
            if (digest != null) {
                record(AuditEvent.ROUTE_REJECT, location, digest);
            }
        }
    }

    private static void addSource(Map<String, Resource> sources, Resource resource) {
        if (resource != null && resource.getLocation() != null) {
            sources.putIfAbsent(resource.getLocation(), resource);
        }
    }

    private void record(String action, String location, String digest) {
        queue.add(new AuditEvent(clock.instant(), AuditEvent.FILE, action, objectName(location), digest));
    }

    /** {@code routes/edge.yaml} for a file under the working directory; the location as Camel names it otherwise. */
    String objectName(String location) {
        if (location.startsWith("file:")) {
            Path path = Path.of(location.substring("file:".length())).toAbsolutePath().normalize();
            if (path.startsWith(home)) {
                return home.relativize(path).toString().replace('\\', '/');
            }
            return path.toString();
        }
        return location;
    }

    private static String digest(Resource resource) throws IOException {
        try (InputStream content = resource.getInputStream()) {
            return StateDigests.file(content);
        }
    }

    /** Camel's reload of one file, with its outcome recorded. */
    private final class Audited implements ResourceReload {

        private final ResourceReload camels;

        Audited(ResourceReload camels) {
            this.camels = camels;
        }

        @Override
        public void onReload(String name, Resource resource) throws Exception {
            // a deleted file reloads nothing (Camel keeps its routes), and properties are not route files
            if (name.endsWith(".properties") || resource == null || !resource.exists()) {
                camels.onReload(name, resource);
                return;
            }
            String location = resource.getLocation();
            byte[] bytes;
            try (InputStream content = resource.getInputStream()) {
                bytes = content.readAllBytes();
            }
            String digest = StateDigests.file(new ByteArrayInputStream(bytes));
            String action = loaded.contains(location) ? AuditEvent.ROUTE_RELOAD : AuditEvent.ROUTE_LOAD;
            try {
                camels.onReload(name, new Snapshot(resource, bytes));
            } catch (Exception e) {
                record(AuditEvent.ROUTE_REJECT, location, digest);
                recordNewlyLoaded();
                throw e;
            }
            loaded.add(location);
            record(action, location, digest);
            recordNewlyLoaded();
        }
    }

    /** A file as it was read once: its location, and those bytes whenever it is read. */
    private static final class Snapshot implements Resource {

        private final Resource file;
        private final byte[] bytes;

        Snapshot(Resource file, byte[] bytes) {
            this.file = file;
            this.bytes = bytes;
        }

        @Override
        public String getScheme() {
            return file.getScheme();
        }

        @Override
        public String getLocation() {
            return file.getLocation();
        }

        @Override
        public boolean exists() {
            return true;
        }

        @Override
        public URI getURI() {
            return file.getURI();
        }

        @Override
        public URL getURL() throws MalformedURLException {
            return file.getURL();
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public String toString() {
            return file.toString();
        }
    }
}
