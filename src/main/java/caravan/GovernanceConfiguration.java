package caravan;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

import caravan.audit.AuditLog;
import caravan.audit.AuditQueue;
import caravan.audit.RouteFileAudit;
import caravan.catalog.Prices;
import caravan.guardrails.GuardrailFactory;
import caravan.guardrails.GuardrailsBeans;
import caravan.keys.KeyRegistry;
import caravan.keys.KeyStore;
import caravan.limits.Admissions;
import caravan.limits.Budgets;
import caravan.limits.LimitStore;
import caravan.limits.LimitStores;
import caravan.limits.SpendLog;
import caravan.ledger.LedgerStore;
import caravan.ledger.UsageLedger;
import caravan.telemetry.TelemetryNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import caravan.ledger.UsageReport;
import caravan.limits.UnbudgetedSpend;
import caravan.processors.Admit;
import caravan.processors.RecordUsage;
import caravan.processors.ServeDashboardStats;
import caravan.processors.Settle;
import caravan.processors.admin.BudgetsOverview;
import caravan.processors.admin.AdminOperation;
import caravan.processors.admin.AuditAdmin;
import caravan.processors.admin.KeysAdmin;
import caravan.processors.admin.SpendOverview;
import caravan.processors.admin.TenantsAdmin;
import caravan.processors.admin.UsageReports;
import caravan.store.Database;
import caravan.store.GatewaySecret;
import caravan.telemetry.CallRecorder;
import caravan.telemetry.LiveStats;
import caravan.telemetry.MetricLabels;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds what the governance steps need: the limit store (in memory, or Redis at {@code gateway.redis-url}),
 * budgets priced by the gateway's prices, the {@code admit}, {@code settle} and {@code recordUsage} steps,
 * the usage ledger, the admin API's operations, and the audit of route and Kamelet files. Runs after
 * {@link GatewayConfiguration} (the key store, the audit log and Vert.x), {@link TelemetryConfiguration}
 * (the call recorder) and {@link GuardrailsConfiguration} (the guardrail factory that checks a key's or
 * tenant's guardrails). A context service keeps the in-memory view of keys fresh, writes settled spend in
 * batches, and flushes it, the usage ledger and the waiting audit records and closes the stores when the
 * gateway stops.
 */
public final class GovernanceConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(GovernanceConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        Database database = registry.lookupByNameAndType("database", Database.class);
        KeyStore keyStore = registry.lookupByNameAndType("keyStore", KeyStore.class);
        KeyRegistry keys = registry.lookupByNameAndType("keyRegistry", KeyRegistry.class);
        GatewaySecret secret = registry.lookupByNameAndType("gatewaySecret", GatewaySecret.class);
        Vertx vertx = registry.lookupByNameAndType("vertx", Vertx.class);
        CallRecorder recorder = registry.lookupByNameAndType("callRecorder", CallRecorder.class);

        long redisTimeout = Long.parseLong(properties.resolveProperty("gateway.redis-timeout-ms").orElse("250").trim());
        if (redisTimeout < 1) {
            throw new IllegalArgumentException("GATEWAY_REDIS_TIMEOUT_MS must be at least 1, not " + redisTimeout);
        }
        LimitStore limits = LimitStores.open(properties.resolveProperty("gateway.redis-url").orElse(""),
                java.time.Duration.ofMillis(redisTimeout), vertx);
        String onStoreDown = properties.resolveProperty("gateway.limits-on-store-down").orElse("open").trim();
        if (!onStoreDown.equals("open") && !onStoreDown.equals("closed")) {
            throw new IllegalArgumentException("GATEWAY_LIMITS_ON_STORE_DOWN must be open or closed, not '" + onStoreDown + "'");
        }
        LOG.info("Rate limits and budgets: {} store, failing {} when it cannot be reached", limits.kind(), onStoreDown);
        SpendLog spendLog = new SpendLog(keyStore);
        Budgets budgets = new Budgets(limits, keyStore, spendLog, database::submit,
                registry.lookupByNameAndType("prices", Prices.class));
        Admissions admissions = new Admissions(limits, budgets, onStoreDown.equals("open"),
                Long.parseLong(properties.resolveProperty("gateway.default-max-output-tokens").orElse("4096").trim()),
                recorder::onRejection);
        recorder.subscribe(new UnbudgetedSpend(keys, budgets));
        registry.bind("admissions", admissions);
        registry.bind("admit", new Admit(admissions, vertx));
        registry.bind("settle", new Settle());

        Clock clock = Clock.systemUTC();
        // a key's or tenant's guardrails are made by the same factory as a route's: what it refuses is a 400
        GuardrailFactory guardrails = registry.lookupByNameAndType(GuardrailsBeans.FACTORY, GuardrailFactory.class);
        Consumer<JsonNode> guardrailCheck = guardrails == null ? json -> {
            throw new IllegalArgumentException("this gateway runs no guardrails");
        } : guardrails::fromJson;
        KeysAdmin keysAdmin = new KeysAdmin(keyStore, keys, secret::digest, budgets, clock, guardrailCheck);
        TenantsAdmin tenantsAdmin = new TenantsAdmin(keyStore, keys, budgets, clock, guardrailCheck);
        registry.bind("createKey", new AdminOperation(database::submit, keysAdmin::create));
        registry.bind("listKeys", new AdminOperation(database::submit, keysAdmin::list));
        registry.bind("getKey", new AdminOperation(database::submit, keysAdmin::get));
        registry.bind("updateKey", new AdminOperation(database::submit, keysAdmin::update));
        registry.bind("revokeKey", new AdminOperation(database::submit, keysAdmin::revoke));
        registry.bind("createTenant", new AdminOperation(database::submit, tenantsAdmin::create));
        registry.bind("listTenants", new AdminOperation(database::submit, tenantsAdmin::list));
        registry.bind("getTenant", new AdminOperation(database::submit, tenantsAdmin::get));
        registry.bind("updateTenant", new AdminOperation(database::submit, tenantsAdmin::update));
        registry.bind("deleteTenant", new AdminOperation(database::submit, tenantsAdmin::delete));

        AuditLog auditLog = registry.lookupByNameAndType("auditLog", AuditLog.class);
        AuditAdmin auditAdmin = new AuditAdmin(auditLog);
        registry.bind("listAudit", new AdminOperation(database::submit, auditAdmin::list));
        registry.bind("verifyAudit", new AdminOperation(database::submit, auditAdmin::verify));
        AuditQueue fileEvents = new AuditQueue(auditLog, database::submit);
        RouteFileAudit routeFiles = new RouteFileAudit(context, fileEvents,
                Path.of(properties.resolveProperty("gateway.home").orElse("")), clock);
        context.addStartupListener(routeFiles);
        // the kamelet component takes the one RouteTemplateLoaderListener in the registry (an autowired option)
        registry.bind("routeFileAudit", routeFiles);

        UsageReport usage = new UsageReport(database);
        UsageLedger ledger = openLedger(properties, registry.lookupByNameAndType("dataDir", Path.class), database);
        MeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (ledger != null && meters != null) {
            Gauge.builder(TelemetryNames.METRIC_LEDGER_LAG, ledger, UsageLedger::lagSeconds).baseUnit("seconds")
                    .description("Age of the oldest usage row journaled and not yet in the store (0: the store has them all)")
                    .register(meters);
        }
        bindLedger(registry, ledger, usage, database);

        registry.bind("serveDashboardStats", new ServeDashboardStats(registry.lookupByNameAndType("liveStats", LiveStats.class),
                new SpendOverview(usage, registry.lookupByNameAndType("metricLabels", MetricLabels.class), clock),
                new BudgetsOverview(keys, budgets, clock), database::submit));

        long refreshMillis = Long.parseLong(properties.resolveProperty("gateway.keys-refresh-ms").orElse("500").trim());
        context.addService(new Upkeep(vertx, database, keys, spendLog, budgets, fileEvents, ledger, limits, refreshMillis),
                true, true);
    }

    /**
     * The usage ledger's write path (README "Accounting and the ledger"): its journal under the data
     * folder, writing to the keys' database; null when {@code GATEWAY_LEDGER=off}.
     */
    private static UsageLedger openLedger(PropertiesComponent properties, Path dataDir, Database database) {
        String mode = properties.resolveProperty("gateway.ledger").orElse("on").trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("on") && !mode.equals("off")) {
            throw new IllegalArgumentException("GATEWAY_LEDGER must be on or off, not '" + mode + "'");
        }
        if (mode.equals("off")) {
            LOG.info("Usage ledger off (GATEWAY_LEDGER=off): no call is written to it");
            return null;
        }
        long writeDelay = Long.parseLong(properties.resolveProperty("gateway.ledger.write-delay-ms").orElse("0").trim());
        if (writeDelay > 0) {
            LOG.warn("Each usage ledger write waits {} ms more (GATEWAY_LEDGER_WRITE_DELAY_MS): a setting for benchmarks",
                    writeDelay);
        }
        return UsageLedger.open(dataDir.resolve("ledger"),
                Integer.parseInt(properties.resolveProperty("gateway.ledger.queue").orElse("16384").trim()),
                LedgerStore.of(database, Duration.ofMillis(writeDelay)), database::submit);
    }


    /** The {@code recordUsage} step, and the usage questions: everyone's (the admin's) and a caller's own. */
    private static void bindLedger(Registry registry, UsageLedger ledger, UsageReport usage, Database database) {
        registry.bind("recordUsage", new RecordUsage(ledger));
        UsageReports reports = new UsageReports(usage);
        registry.bind("usageReport", new AdminOperation(database::submit, reports::everyone));
        registry.bind("ownUsage", new AdminOperation(database::submit, reports::own));
    }

    /**
     * The periodic work of keys and spend, and the orderly end: spend, the usage ledger and the audit records
     * still waiting written before the stores close.
     */
    private static final class Upkeep extends ServiceSupport {
        private final Vertx vertx;
        private final Database database;
        private final KeyRegistry keys;
        private final SpendLog spendLog;
        private final Budgets budgets;
        private final AuditQueue auditEvents;
        private final UsageLedger ledger;
        private final LimitStore limits;
        private final long refreshMillis;
        private long refreshTimer = -1;
        private long flushTimer = -1;
        private long forgetTimer = -1;

        /** @param ledger null when the ledger is off */
        Upkeep(Vertx vertx, Database database, KeyRegistry keys, SpendLog spendLog, Budgets budgets,
               AuditQueue auditEvents, UsageLedger ledger, LimitStore limits, long refreshMillis) {
            this.vertx = vertx;
            this.database = database;
            this.keys = keys;
            this.spendLog = spendLog;
            this.budgets = budgets;
            this.auditEvents = auditEvents;
            this.ledger = ledger;
            this.limits = limits;
            this.refreshMillis = refreshMillis;
        }

        @Override
        protected void doStart() {
            refreshTimer = vertx.setPeriodic(Math.max(50, refreshMillis), id -> keys.refreshIfChanged(database::submit));
            flushTimer = vertx.setPeriodic(1000, id -> spendLog.flush(database::submit));
            forgetTimer = vertx.setPeriodic(Budgets.FORGET_EVERY.toMillis(), id -> budgets.forgetOld());
            if (ledger != null) {
                ledger.start();
            }
        }

        @Override
        protected void doStop() {
            vertx.cancelTimer(refreshTimer);
            vertx.cancelTimer(flushTimer);
            vertx.cancelTimer(forgetTimer);
            spendLog.flushNow();
            if (ledger != null) {
                ledger.close();
            }
            auditEvents.close(Duration.ofSeconds(5));
            limits.close();
            database.close();
        }
    }
}
