package caravan;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import caravan.catalog.LiteLlmPrices;
import caravan.catalog.ModelCatalog;
import caravan.catalog.PriceList;
import caravan.catalog.Prices;
import caravan.edge.EdgeEngine;
import caravan.edge.EdgeLimits;
import caravan.edge.EdgeServer;
import caravan.api.RequestIds;
import caravan.api.TokenCount;
import caravan.audit.AuditChain;
import caravan.audit.StateDigests;
import caravan.processors.Authenticate;
import caravan.processors.ListModels;
import caravan.processors.ParseChatCompletion;
import caravan.processors.Readiness;
import caravan.processors.ResolveTarget;
import caravan.processors.Respond;
import caravan.processors.RequireAdmin;
import caravan.processors.RequireMasterKey;
import caravan.keys.KeyRegistry;
import caravan.store.Database;
import caravan.store.GatewaySecret;
import caravan.store.JdbcAuditLog;
import caravan.store.JdbcKeyStore;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.model.errorhandler.NoErrorHandlerDefinition;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds what the YAML routes refer to: the HTTP edge behind {@code platform-http:} (its engine and
 * server), the Vert.x the {@code provider:} component runs on, the model catalog, and the processors the
 * routes name ({@code ref: authenticate}, ...). Named in {@code application.properties}
 * ({@code camel.main.configuration-classes}), so any Camel Main with the gateway's jar configures the same
 * gateway. Settings come from {@code application.properties}, each overridable by its environment
 * variable; {@code gateway.home} is the folder a local {@code models.yaml} (and a relative
 * {@code GATEWAY_PRICES_FILE}) is read from (the working directory by default).
 */
public final class GatewayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        // before any route is initialised: each Kamelet producer asks the agent once, when it starts
        KameletsOnCallersExchange.install(context);
        PropertiesComponent properties = context.getPropertiesComponent();
        Path workDir = Path.of(properties.resolveProperty("gateway.home").orElse("")).toAbsolutePath();
        String masterKey = properties.resolveProperty("gateway.master-key").orElse("");
        boolean authenticated = !masterKey.isBlank();
        String configuredHost = properties.resolveProperty("gateway.host").orElse("");
        int eventLoops = Integer.parseInt(properties.resolveProperty("gateway.event-loops").orElse("0"));
        if (eventLoops <= 0) {
            eventLoops = Runtime.getRuntime().availableProcessors();
        }

        KeyRegistry keys = openKeyStore(context, workDir);
        Authenticate authenticate = new Authenticate(masterKey, keys);
        EdgeServer server = new EdgeServer(
                listenHost(authenticated, configuredHost),
                Integer.parseInt(properties.resolveProperty("gateway.port").orElse("8080")),
                eventLoops,
                edgeLimits(properties),
                authenticate);
        // no redelivery and no error logging per route: failover policies own retries, and the edge answers
        // every failure in the client's dialect (logging only the unexpected ones)
        context.getCamelContextExtension().setErrorHandlerFactory(new NoErrorHandlerDefinition());
        // a context service starts before the routes; a port in use fails the whole start
        context.addService(server, true, true);

        ModelCatalog packagedCatalog = packagedCatalog();
        ModelCatalog localCatalog = localCatalog(workDir);
        ModelCatalog catalog = localCatalog != null ? localCatalog : packagedCatalog;
        Registry registry = context.getRegistry();
        registry.bind("prices", prices(localCatalog, packagedCatalog, workDir,
                properties.resolveProperty("gateway.prices-file").orElse("").trim()));
        RequestIds requestIds = new RequestIds();
        context.setUuidGenerator(requestIds);
        registry.bind("requestIds", requestIds);
        registry.bind("edgeServer", server);
        // in the registry, the engine wins over any other platform-http engine on the classpath
        registry.bind(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME, PlatformHttpEngine.class, new EdgeEngine(server));
        registry.bind("vertx", server.vertx());
        registry.bind("modelCatalog", catalog);
        registry.bind("authenticate", authenticate);
        registry.bind("requireAdmin", new RequireAdmin());
        registry.bind("requireMasterKey", new RequireMasterKey(authenticated));
        registry.bind("parseChatCompletion", new ParseChatCompletion());
        registry.bind("parseAnthropicMessages", new caravan.processors.ParseAnthropicMessages());
        registry.bind("resolveTarget", new ResolveTarget(catalog));
        registry.bind("respond", new Respond());
        registry.bind("listModels", new ListModels(catalog));
        registry.bind("readiness", new Readiness());
    }

    /**
     * The keys and tenants: the H2 file database under {@code gateway.data-dir}, or PostgreSQL at
     * {@code gateway.database-url}, opened and migrated while the routes load, and read whole into memory
     * before the first request ({@link KeysLoaded}). The audit log lives in the same database, so each admin
     * change is recorded in the transaction that makes it.
     */
    private static KeyRegistry openKeyStore(CamelContext context, Path workDir) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        Path dataDir = workDir.resolve(properties.resolveProperty("gateway.data-dir").orElse("data")).normalize();
        GatewaySecret secret = GatewaySecret.load(properties.resolveProperty("gateway.secret-key").orElse(""), dataDir);
        AuditChain chain = new AuditChain(auditKey(properties.resolveProperty("gateway.audit-key").orElse(""), secret));
        Database database = Database.opening(properties.resolveProperty("gateway.database-url").orElse(""), dataDir);
        JdbcAuditLog auditLog = new JdbcAuditLog(database, chain);
        JdbcKeyStore store = new JdbcKeyStore(database, secret, auditLog, new StateDigests(chain::fingerprint));
        KeyRegistry keys = new KeyRegistry(store, secret::digest, TokenCount::loadInBackground);
        // added before the edge server, so it starts first: no call is taken before the keys are in memory
        context.addService(new KeysLoaded(database, keys), true, true);
        Registry registry = context.getRegistry();
        registry.bind("dataDir", dataDir);
        registry.bind("database", database);
        registry.bind("gatewaySecret", secret);
        registry.bind("keyStore", store);
        registry.bind("keyRegistry", keys);
        registry.bind("auditLog", auditLog);
        return keys;
    }

    /**
     * Waits at start for the database opened during configuration, then reads the keys and tenants into
     * memory: a database that cannot be reached or migrated fails the start, saying which one.
     */
    private static final class KeysLoaded extends ServiceSupport {
        private final Database database;
        private final KeyRegistry keys;

        KeysLoaded(Database database, KeyRegistry keys) {
            this.database = database;
            this.keys = keys;
        }

        @Override
        protected void doStart() {
            database.awaitOpen();
            keys.reload();
            LOG.info("{} virtual keys and {} tenants loaded", keys.keys().size(), keys.tenants().size());
        }
    }

    /** {@code GATEWAY_AUDIT_KEY} when set; else a key derived from the gateway secret for the audit log alone. */
    private static byte[] auditKey(String configured, GatewaySecret secret) {
        return configured.isBlank() ? secret.auditKey() : GatewaySecret.decodeKey(configured, "GATEWAY_AUDIT_KEY");
    }

    /** README: "Limits and protections". */
    static EdgeLimits edgeLimits(PropertiesComponent properties) {
        long maxBody = number(properties, "gateway.max-body-bytes", EdgeLimits.DEFAULT_MAX_BODY_BYTES);
        String buffered = properties.resolveProperty("gateway.max-buffered-bytes").orElse("auto");
        String connections = properties.resolveProperty("gateway.max-connections").orElse("auto");
        return new EdgeLimits(maxBody,
                "auto".equalsIgnoreCase(buffered) ? EdgeLimits.defaultBufferedBytes(Runtime.getRuntime().maxMemory(), maxBody)
                        : Long.parseLong(buffered.trim()),
                number(properties, "gateway.header-timeout-ms", 10_000),
                number(properties, "gateway.idle-timeout-s", 60) * 1000,
                "auto".equalsIgnoreCase(connections) ? EdgeLimits.defaultMaxConnections(EdgeLimits.openFileLimit())
                        : Integer.parseInt(connections.trim()),
                number(properties, "gateway.request-timeout-ms", 600_000),
                Arrays.stream(properties.resolveProperty("gateway.public-paths").orElse("/healthz,/readyz,/ui").split(","))
                        .map(String::trim).filter(path -> !path.isEmpty()).collect(Collectors.toSet()));
    }

    private static long number(PropertiesComponent properties, String name, long fallback) {
        return properties.resolveProperty(name).map(String::trim).map(Long::parseLong).orElse(fallback);
    }

    /** Without a master key nobody may reach the gateway from another machine. */
    private static String listenHost(boolean authenticated, String configuredHost) throws IOException {
        if (authenticated) {
            return configuredHost.isBlank() ? "0.0.0.0" : configuredHost;
        }
        LOG.warn("GATEWAY_MASTER_KEY is not set: the gateway is unauthenticated and listens on 127.0.0.1 only.");
        if (!configuredHost.isBlank() && !InetAddress.getByName(configuredHost).isLoopbackAddress()) {
            LOG.warn("GATEWAY_HOST={} is ignored until GATEWAY_MASTER_KEY is set.", configuredHost);
        }
        return "127.0.0.1";
    }

    /** A {@code models.yaml} in the working directory, or null: it replaces the packaged catalog's names. */
    private static ModelCatalog localCatalog(Path workDir) throws IOException {
        Path file = workDir.resolve("models.yaml");
        return Files.isRegularFile(file) ? ModelCatalog.read(Files.newInputStream(file)) : null;
    }

    private static ModelCatalog packagedCatalog() {
        InputStream packaged = GatewayConfiguration.class.getResourceAsStream("/models.yaml");
        if (packaged == null) {
            throw new IllegalStateException("models.yaml is missing from the classpath");
        }
        return ModelCatalog.read(packaged);
    }

    /**
     * Prices in layers (README: "Prices and counting"): the local {@code models.yaml}, the LiteLLM price
     * file, the packaged catalog. A prices file that is set but cannot be read stops the start: costs
     * silently falling back to other prices would be worse than no gateway.
     */
    static Prices prices(ModelCatalog local, ModelCatalog packaged, Path workDir, String pricesFile) throws IOException {
        List<PriceList> layers = new ArrayList<>(3);
        if (local != null) {
            layers.add(local);
        }
        if (!pricesFile.isEmpty()) {
            Path file = workDir.resolve(pricesFile).normalize();
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("GATEWAY_PRICES_FILE names " + file + ", which is not a readable file");
            }
            LiteLlmPrices litellm;
            try {
                litellm = LiteLlmPrices.read(Files.newInputStream(file));
            } catch (RuntimeException e) {
                throw new IllegalStateException("GATEWAY_PRICES_FILE " + file + " is not a LiteLLM price file: "
                        + e.getMessage(), e);
            }
            LOG.info("Prices: {} models from {}{}", litellm.size(), file,
                    local != null ? " (a local models.yaml wins over it)" : "");
            layers.add(litellm);
        }
        layers.add(packaged);
        return new Prices(layers);
    }
}
