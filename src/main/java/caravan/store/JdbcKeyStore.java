package caravan.store;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;

import caravan.api.Json;
import caravan.api.ProviderAccount;
import caravan.audit.AuditEvent;
import caravan.audit.StateDigests;
import caravan.keys.Budget;
import caravan.keys.BudgetPeriod;
import caravan.keys.KeyStore;
import caravan.keys.Limits;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keys, tenants and spend in the {@link Database} (schema: {@code db/migration}), in plain JDBC. Every call
 * blocks: callers run it on {@link Database#executor()}. Instants are kept as epoch milliseconds, so what
 * is read back is what was written truncated to the millisecond. A tenant's provider accounts are kept
 * only sealed with the {@link GatewaySecret}, its id bound in, and are opened as they are read.
 *
 * <p>Every write of keys and tenants is recorded in the {@link JdbcAuditLog} in the transaction that makes it: the
 * audit log's head is locked first, the change made, and its records appended, so a change commits with
 * its records or not at all, and audited writes from every instance happen one at a time.
 *
 * <p>Failures of the database surface as {@link StoreException}. Neither they nor anything logged carry a
 * digest, a provider key or an opened value: the constraint and data errors whose messages quote the
 * values of a row are passed on without the database's message.
 */
public final class JdbcKeyStore implements KeyStore {

    /** Money is kept to the nano-dollar, as spend is. */
    private static final int USD_SCALE = 9;
    /** A batch with new accounts creates their rows, then adds again; a third time only if rows were deleted meanwhile. */
    private static final int SPEND_ATTEMPTS = 3;
    /** The SQLState of a duplicate key, on PostgreSQL and H2 alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    private static final String KEY_FIELDS = "digest, prefix, name, tenant_id, team, user_id, models, rpm, tpm, max_parallel,"
            + " user_rpm, user_tpm, budget_usd, budget_period, expires_at, metadata, created_at, updated_at, revoked_at,"
            + " cache_control, guardrails";
    private static final String TENANT_FIELDS = "rpm, tpm, max_parallel, user_rpm, user_tpm, budget_usd, budget_period,"
            + " providers, metadata, created_at, updated_at, guardrails";

    private static final String SELECT_KEYS = "SELECT id, " + KEY_FIELDS + " FROM virtual_keys";
    private static final String INSERT_KEY = insert("virtual_keys", KEY_FIELDS);
    private static final String UPDATE_KEY = update("virtual_keys", KEY_FIELDS);
    private static final String SELECT_TENANTS = "SELECT id, " + TENANT_FIELDS + " FROM tenants";
    private static final String INSERT_TENANT = insert("tenants", TENANT_FIELDS);
    private static final String UPDATE_TENANT = update("tenants", TENANT_FIELDS);

    private static final JavaType STRING_LIST = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, String.class);
    private static final JavaType TREE = Json.MAPPER.constructType(JsonNode.class);

    private final DataSource dataSource;
    private final String database;
    private final GatewaySecret secret;
    private final JdbcAuditLog audit;
    private final StateDigests states;
    private final Clock clock = Clock.systemUTC();

    /** @param audit the audit log in the same database, which every write of keys and tenants is recorded in */
    public JdbcKeyStore(Database db, GatewaySecret secret, JdbcAuditLog audit, StateDigests states) {
        this.dataSource = db.dataSource();
        this.database = db.describe();
        this.secret = secret;
        this.audit = audit;
        this.states = states;
    }

    @Override
    public void insertKey(VirtualKey key, String actor) {
        String operation = "insert key " + key.id();
        String taken = "a key with id " + key.id() + " or the same secret exists";
        change(operation, taken, connection -> {
            if (exists(connection, "SELECT id FROM virtual_keys WHERE id = ? OR digest = ?", key.id(), key.digest())) {
                throw alreadyExists(operation, taken);
            }
            execute(connection, INSERT_KEY, statement -> bindKey(statement, key));
            return List.of(event(actor, AuditEvent.KEY_CREATE, key.id(), states.key(key)));
        });
    }

    @Override
    public boolean updateKey(VirtualKey key, String actor) {
        return change("update key " + key.id(), "another key has the same secret",
                connection -> execute(connection, UPDATE_KEY, statement -> bindKey(statement, key)) == 0 ? List.of()
                        : List.of(event(actor, AuditEvent.KEY_UPDATE, key.id(), states.key(key))));
    }

    @Override
    public boolean revokeKey(String id, Instant at, String actor) {
        return change("revoke key " + id, null, connection -> revokeLiveKeys(connection, "id", id, at) == 0 ? List.of()
                : List.of(revoked(connection, id, actor)));
    }

    @Override
    public Optional<VirtualKey> key(String id) {
        return read("read key " + id, connection -> query(connection, SELECT_KEYS + " WHERE id = ?",
                statement -> statement.setString(1, id), this::key).stream().findFirst());
    }

    @Override
    public List<VirtualKey> keys() {
        return read("read the keys", connection -> query(connection, SELECT_KEYS + " ORDER BY created_at, id",
                statement -> { }, this::key));
    }

    @Override
    public void insertTenant(Tenant tenant, String actor) {
        String operation = "insert tenant " + tenant.id();
        String taken = "a tenant with id " + tenant.id() + " exists";
        change(operation, taken, connection -> {
            if (exists(connection, "SELECT id FROM tenants WHERE id = ?", tenant.id())) {
                throw alreadyExists(operation, taken);
            }
            execute(connection, INSERT_TENANT, statement -> bindTenant(statement, tenant));
            return List.of(event(actor, AuditEvent.TENANT_CREATE, tenant.id(), states.tenant(tenant)));
        });
    }

    /** Race-safe between instances: of two creating the same tenant at once, one creates it, the other finds it. */
    @Override
    public boolean ensureTenant(String id, Instant at, String actor) {
        try {
            insertTenant(new Tenant(id, Limits.NONE, Budget.NONE, Map.of(), Json.MAPPER.createObjectNode(), at, at), actor);
            return true;
        } catch (AlreadyExists e) {
            return false;
        }
    }

    @Override
    public boolean updateTenant(Tenant tenant, String actor) {
        return change("update tenant " + tenant.id(), null,
                connection -> execute(connection, UPDATE_TENANT, statement -> bindTenant(statement, tenant)) == 0 ? List.of()
                        : List.of(event(actor, AuditEvent.TENANT_UPDATE, tenant.id(), states.tenant(tenant))));
    }

    /** Recorded as the tenant's deletion (no digest: it is gone), then each of its keys' revocation. */
    @Override
    public boolean deleteTenant(String id, Instant at, String actor) {
        return change("delete tenant " + id, null, connection -> {
            if (execute(connection, "DELETE FROM tenants WHERE id = ?", statement -> statement.setString(1, id)) == 0) {
                return List.of();
            }
            List<String> liveKeys = query(connection, "SELECT id FROM virtual_keys WHERE revoked_at IS NULL AND tenant_id = ?"
                    + " ORDER BY created_at, id", statement -> statement.setString(1, id), row -> row.getString(1));
            revokeLiveKeys(connection, "tenant_id", id, at);
            List<AuditEvent> events = new ArrayList<>();
            events.add(event(actor, AuditEvent.TENANT_DELETE, id, null));
            for (String keyId : liveKeys) {
                events.add(revoked(connection, keyId, actor));
            }
            return events;
        });
    }

    @Override
    public Optional<Tenant> tenant(String id) {
        return read("read tenant " + id, connection -> query(connection, SELECT_TENANTS + " WHERE id = ?",
                statement -> statement.setString(1, id), this::tenant).stream().findFirst());
    }

    @Override
    public List<Tenant> tenants() {
        return read("read the tenants", connection -> query(connection, SELECT_TENANTS + " ORDER BY created_at, id",
                statement -> { }, this::tenant));
    }

    @Override
    public long changeVersion() {
        return read("read the store version", connection -> query(connection, "SELECT version FROM store_version",
                statement -> { }, row -> row.getLong(1)).get(0));
    }

    /**
     * Each delta is added in place ({@code nano_usd = nano_usd + ?}), all in one transaction, so instances
     * adding to one account at once never lose each other's spend. The rows are updated in sorted order and
     * only updated (a new account's row is created first, on its own), so two batches wait for each other
     * instead of deadlocking.
     */
    @Override
    public void addSpend(Map<String, Long> nanoUsdByAccount) {
        SortedMap<String, Long> deltas = new TreeMap<>();
        nanoUsdByAccount.forEach((account, delta) -> {
            if (delta != null && delta != 0) {
                deltas.put(account, delta);
            }
        });
        if (deltas.isEmpty()) {
            return;
        }
        String operation = "add spend to " + deltas.size() + " accounts";
        try {
            for (int attempt = 1; ; attempt++) {
                List<String> missing = Transactions.run(dataSource, connection -> addToExistingAccounts(connection, deltas));
                if (missing.isEmpty()) {
                    return;
                }
                if (attempt == SPEND_ATTEMPTS) {
                    throw new StoreException("The key store could not " + operation + " (" + database
                            + "): their rows were deleted as fast as they were created", null);
                }
                createAccounts(missing);
            }
        } catch (SQLException e) {
            throw failure(operation, e);
        }
    }

    @Override
    public long spend(String account) {
        return read("read spend", connection -> query(connection, "SELECT nano_usd FROM spend WHERE account = ?",
                statement -> statement.setString(1, account), row -> row.getLong(1)))
                .stream().findFirst().orElse(0L);
    }

    @Override
    public String toString() {
        return "JdbcKeyStore[" + database + "]";
    }

    private AuditEvent event(String actor, String action, String object, String digest) {
        return new AuditEvent(clock.instant(), actor, action, object, digest);
    }

    /** The record of a key's revocation, with the digest of the key as it is now stored (revoked). */
    private AuditEvent revoked(Connection connection, String id, String actor) throws SQLException {
        VirtualKey key = query(connection, SELECT_KEYS + " WHERE id = ?", statement -> statement.setString(1, id), this::key).get(0);
        return event(actor, AuditEvent.KEY_REVOKE, id, states.key(key));
    }

    /** Revokes the keys not yet revoked whose {@code column} ({@code id} or {@code tenant_id}) is {@code value}. */
    private static int revokeLiveKeys(Connection connection, String column, String value, Instant at) throws SQLException {
        return execute(connection, "UPDATE virtual_keys SET revoked_at = ?, updated_at = ? WHERE revoked_at IS NULL AND "
                + column + " = ?", statement -> {
            statement.setLong(1, at.toEpochMilli());
            statement.setLong(2, at.toEpochMilli());
            statement.setString(3, value);
        });
    }

    /**
     * Adds every delta when every account has its row; otherwise adds none (rolled back) and returns the
     * accounts that have no row yet.
     */
    private static List<String> addToExistingAccounts(Connection connection, SortedMap<String, Long> deltas) throws SQLException {
        List<String> accounts = new ArrayList<>(deltas.keySet());
        int[] updated;
        try (PreparedStatement update = connection.prepareStatement("UPDATE spend SET nano_usd = nano_usd + ? WHERE account = ?")) {
            for (String account : accounts) {
                update.setLong(1, deltas.get(account));
                update.setString(2, account);
                update.addBatch();
            }
            updated = update.executeBatch();
        }
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < accounts.size(); i++) {
            if (updated[i] == 0) {
                missing.add(accounts.get(i));
            }
        }
        if (!missing.isEmpty()) {
            connection.rollback();
        }
        return missing;
    }

    /** Creates each account's row at 0, one statement each; another instance creating it at the same time is fine. */
    private void createAccounts(List<String> accounts) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO spend (account, nano_usd) SELECT ?, 0 WHERE NOT EXISTS (SELECT 1 FROM spend WHERE account = ?)")) {
            for (String account : accounts) {
                insert.setString(1, account);
                insert.setString(2, account);
                try {
                    insert.executeUpdate();
                } catch (SQLException e) {
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        }
    }

    // ---- rows <-> records

    /** Binds {@link #KEY_FIELDS} in order, then the id (last in both the insert and the update). */
    private static void bindKey(PreparedStatement statement, VirtualKey key) throws SQLException {
        int i = 0;
        statement.setString(++i, key.digest());
        statement.setString(++i, key.prefix());
        statement.setString(++i, key.name());
        statement.setString(++i, key.tenant());
        statement.setString(++i, key.team());
        statement.setString(++i, key.user());
        statement.setString(++i, writeJson(key.models()));
        i = bindLimitsAndBudget(statement, i, key.limits(), key.budget());
        setInstant(statement, ++i, key.expiresAt());
        statement.setString(++i, writeJson(metadataOrEmpty(key.metadata())));
        setInstant(statement, ++i, key.createdAt());
        setInstant(statement, ++i, key.updatedAt());
        setInstant(statement, ++i, key.revokedAt());
        statement.setBoolean(++i, key.cacheControl());
        statement.setString(++i, guardrailsOrNull(key.guardrails()));
        statement.setString(++i, key.id());
    }

    private VirtualKey key(ResultSet row) throws SQLException {
        String id = row.getString("id");
        return new VirtualKey(id, row.getString("digest"), row.getString("prefix"), row.getString("name"),
                row.getString("tenant_id"), row.getString("team"), row.getString("user_id"),
                readJson(row.getString("models"), STRING_LIST, "key " + id), limits(row), budget(row),
                instant(row, "expires_at"), metadata(row, "key " + id), instant(row, "created_at"),
                instant(row, "updated_at"), instant(row, "revoked_at"), row.getBoolean("cache_control"),
                guardrails(row, "key " + id));
    }

    /** Binds {@link #TENANT_FIELDS} in order, then the id. */
    private void bindTenant(PreparedStatement statement, Tenant tenant) throws SQLException {
        int i = bindLimitsAndBudget(statement, 0, tenant.limits(), tenant.budget());
        statement.setString(++i, tenant.providers().isEmpty() ? null : secret.seal(providersJson(tenant.providers()), tenant.id()));
        statement.setString(++i, writeJson(metadataOrEmpty(tenant.metadata())));
        setInstant(statement, ++i, tenant.createdAt());
        setInstant(statement, ++i, tenant.updatedAt());
        statement.setString(++i, guardrailsOrNull(tenant.guardrails()));
        statement.setString(++i, tenant.id());
    }

    private Tenant tenant(ResultSet row) throws SQLException {
        String id = row.getString("id");
        return new Tenant(id, limits(row), budget(row), providers(row.getString("providers"), id),
                metadata(row, "tenant " + id), instant(row, "created_at"), instant(row, "updated_at"),
                guardrails(row, "tenant " + id));
    }

    private static int bindLimitsAndBudget(PreparedStatement statement, int i, Limits limits, Budget budget) throws SQLException {
        statement.setObject(++i, limits.rpm(), Types.BIGINT);
        statement.setObject(++i, limits.tpm(), Types.BIGINT);
        statement.setObject(++i, limits.maxParallel(), Types.INTEGER);
        statement.setObject(++i, limits.userRpm(), Types.BIGINT);
        statement.setObject(++i, limits.userTpm(), Types.BIGINT);
        statement.setBigDecimal(++i, budget.usd() == null ? null : budget.usd().setScale(USD_SCALE, RoundingMode.HALF_UP));
        statement.setString(++i, budget.period().wireName());
        return i;
    }

    private static Limits limits(ResultSet row) throws SQLException {
        return new Limits(row.getObject("rpm", Long.class), row.getObject("tpm", Long.class),
                row.getObject("max_parallel", Integer.class), row.getObject("user_rpm", Long.class),
                row.getObject("user_tpm", Long.class));
    }

    /** The budget as it was written: {@code 10}, not the column's {@code 10.000000000}. */
    private static Budget budget(ResultSet row) throws SQLException {
        BigDecimal usd = row.getBigDecimal("budget_usd");
        if (usd != null) {
            usd = usd.stripTrailingZeros();
            usd = usd.scale() < 0 ? usd.setScale(0) : usd;
        }
        return new Budget(usd, BudgetPeriod.of(row.getString("budget_period")));
    }

    private static String providersJson(Map<String, ProviderAccount> providers) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        new TreeMap<>(providers).forEach((provider, account) -> {
            ObjectNode entry = json.putObject(provider);
            if (account.apiKey() != null) {
                entry.put("api_key", account.apiKey());
            }
            if (account.baseUrl() != null) {
                entry.put("base_url", account.baseUrl());
            }
        });
        return json.toString();
    }

    private Map<String, ProviderAccount> providers(String sealed, String tenantId) {
        if (sealed == null) {
            return Map.of();
        }
        String json;
        try {
            json = secret.open(sealed, tenantId);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("The provider accounts of tenant " + tenantId + " do not open: they were"
                    + " altered, or sealed with another GATEWAY_SECRET_KEY");
        }
        Map<String, ProviderAccount> accounts = new LinkedHashMap<>();
        try {
            Json.MAPPER.readTree(json).fields().forEachRemaining(entry -> accounts.put(entry.getKey(),
                    new ProviderAccount(textOrNull(entry.getValue(), "api_key"), textOrNull(entry.getValue(), "base_url"))));
        } catch (IOException e) {
            // no cause: the parser's message would quote the opened accounts
            throw new IllegalStateException("The provider accounts of tenant " + tenantId + " are not readable JSON");
        }
        return accounts;
    }

    private static String textOrNull(JsonNode account, String field) {
        JsonNode value = account.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static ObjectNode metadataOrEmpty(ObjectNode metadata) {
        return metadata == null ? Json.MAPPER.createObjectNode() : metadata;
    }

    private static ObjectNode metadata(ResultSet row, String owner) throws SQLException {
        JsonNode metadata = readJson(row.getString("metadata"), TREE, owner);
        return metadata instanceof ObjectNode object ? object : Json.MAPPER.createObjectNode();
    }

    /** The guardrails as the admin wrote them, or NULL for none (the column V5 added, NULL in rows from before it). */
    private static String guardrailsOrNull(ArrayNode guardrails) {
        return guardrails == null || guardrails.isEmpty() ? null : writeJson(guardrails);
    }

    private static ArrayNode guardrails(ResultSet row, String owner) throws SQLException {
        String stored = row.getString("guardrails");
        if (stored == null) {
            return Json.MAPPER.createArrayNode();
        }
        JsonNode guardrails = readJson(stored, TREE, owner);
        return guardrails instanceof ArrayNode array ? array : Json.MAPPER.createArrayNode();
    }

    private static String writeJson(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot write as JSON", e); // a list of strings or a tree: never
        }
    }

    private static <T> T readJson(String json, JavaType type, String owner) {
        try {
            return Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("The stored JSON of " + owner + " is not readable");
        }
    }

    private static void setInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        statement.setObject(index, instant == null ? null : instant.toEpochMilli(), Types.BIGINT);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        Long millis = row.getObject(column, Long.class);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    // ---- JDBC plumbing

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** The {@link IllegalStateException} of an insert whose id (or digest) is taken. */
    private static final class AlreadyExists extends IllegalStateException {
        AlreadyExists(String message) {
            super(message);
        }
    }

    private static AlreadyExists alreadyExists(String operation, String taken) {
        return new AlreadyExists("Cannot " + operation + ": " + taken);
    }

    private static boolean exists(Connection connection, String sql, String... parameters) throws SQLException {
        return !query(connection, sql, statement -> {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
        }, row -> Boolean.TRUE).isEmpty();
    }

    private <T> T read(String operation, Transactions.Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failure(operation, e);
        }
    }

    /**
     * Runs a write of keys or tenants in one transaction: locks the audit log's head, makes the change and,
     * when it changed something, appends its records and bumps the store version in the same transaction.
     * An instance that sees the new version also sees the change, and a change is never without its records.
     * The head lock comes first, so audited writes from every instance take their locks in one order and
     * run one at a time (admin writes are rare; requests never wait for them).
     *
     * @param work  the change; returns its audit records, none when it changed nothing
     * @param taken what to say when a row with that id (or digest) exists; null when the write inserts nothing.
     *              Inserts look for the row first: the constraint error is only the last word on a race, as
     *              PostgreSQL writes the duplicate value (a digest) into its server log.
     */
    private boolean change(String operation, String taken, Transactions.Work<List<AuditEvent>> work) {
        try {
            return Transactions.run(dataSource, connection -> {
                JdbcAuditLog.Head head = audit.lockHead(connection);
                List<AuditEvent> events = work.run(connection);
                if (events.isEmpty()) {
                    return false;
                }
                execute(connection, "UPDATE store_version SET version = version + 1", statement -> { });
                try {
                    audit.append(connection, head, events);
                } catch (SQLException e) {
                    // its own failure: a duplicate in the audit log is no duplicate key or tenant
                    throw failure(operation + " with its audit record", e);
                }
                return true;
            });
        } catch (SQLException e) {
            if (taken != null && UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw alreadyExists(operation, taken);
            }
            throw failure(operation, e);
        }
    }

    private static int execute(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            return statement.executeUpdate();
        }
    }

    private static <T> List<T> query(Connection connection, String sql, Binder binder, RowReader<T> reader) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                List<T> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(reader.read(rows));
                }
                return result;
            }
        }
    }

    /**
     * The database's failure, named by what the store was doing. Integrity (23) and data (22) errors are
     * passed on without the driver's exception: H2 quotes the offending row's values in its message, and a
     * value may be a key's digest.
     */
    private StoreException failure(String operation, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean quotesValues = state.startsWith("22") || state.startsWith("23");
        return new StoreException("The key store could not " + operation + " (" + database + ", SQLState " + state + ")",
                quotesValues ? null : e);
    }

    private static String insert(String table, String fields) {
        int columns = fields.split(",").length + 1;
        return "INSERT INTO " + table + " (" + fields + ", id) VALUES ("
                + String.join(", ", Collections.nCopies(columns, "?")) + ")";
    }

    private static String update(String table, String fields) {
        return "UPDATE " + table + " SET " + Arrays.stream(fields.split(","))
                .map(field -> field.trim() + " = ?")
                .collect(Collectors.joining(", ")) + " WHERE id = ?";
    }
}
