package caravan;

import java.nio.file.Files;
import java.nio.file.Path;

import caravan.edge.EdgeServer;
import org.apache.camel.main.Main;

/**
 * Starts the gateway: Camel Main with the YAML routes of {@code routes/} and the Kamelets of
 * {@code kamelets/}, read from the working directory when present (and hot-reloaded from there), else
 * the copies packaged in the jar.
 */
public final class Caravan {

    private Caravan() {
    }

    public static void main(String[] args) {
        Main main = create(Path.of("").toAbsolutePath());
        int exitCode;
        try {
            exitCode = main.run(args);
        } catch (Exception e) {
            System.err.println("Caravan failed to start: " + reason(e));
            exitCode = 1;
        }
        System.exit(exitCode);
    }

    /** The configured gateway, not yet started; tests start and stop it themselves. */
    public static Main create(Path workDir) {
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("classpath:application.properties;optional=true,file:"
                + workDir.resolve("application.properties") + ";optional=true");
        // the configuration classes are named in application.properties (camel.main.configuration-classes),
        // as any Camel Main reads them; this is where they find a local models.yaml
        main.addInitialProperty("gateway.home", workDir.toString());

        Path routes = workDir.resolve("routes");
        if (Files.isDirectory(routes)) {
            main.configure().setRoutesIncludePattern("file:" + routes + "/**/*.yaml");
            main.configure().setRoutesReloadEnabled(true);
            main.configure().setRoutesReloadDirectory(routes.toString());
            main.configure().setRoutesReloadDirectoryRecursive(true);
            main.configure().setRoutesReloadPattern("*.yaml");
        } else {
            main.configure().setRoutesIncludePattern(PackagedRoutes.includePattern());
        }
        Path kamelets = workDir.resolve("kamelets");
        main.addInitialProperty("camel.component.kamelet.location",
                Files.isDirectory(kamelets) ? "file:" + kamelets + ",classpath:kamelets" : "classpath:kamelets");
        return main;
    }

    /** The first message that explains the failure: a port in use is said plainly, not as a stack trace. */
    static String reason(Throwable failure) {
        IllegalArgumentException setting = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // the gateway's own start failures say what to do; a root cause alone would not
            if (t instanceof EdgeServer.PortInUseException || t instanceof caravan.store.StoreException) {
                return t.getMessage();
            }
            if (setting == null && t instanceof IllegalArgumentException wrong) {
                setting = wrong;
            }
        }
        // a setting refused: the outermost refusal names the setting ("GATEWAY_GUARDRAILS: unknown guardrail
        // 'x'"), where its cause only says what was wrong with the value
        if (setting != null && setting.getMessage() != null) {
            return setting.getMessage();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
