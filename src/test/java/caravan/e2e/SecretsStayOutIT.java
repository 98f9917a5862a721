package caravan.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import caravan.testing.RedisServerProcess;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged jar started with a canary value for every secret it can be given (master key, every
 * provider's key, the OTLP collector's token, the store URLs' passwords, {@code GATEWAY_SECRET_KEY},
 * {@code GATEWAY_AUDIT_KEY}), then
 * given more through the admin API (virtual keys, a tenant's own provider key, rotated). Traffic touches
 * every path that logs or answers about keys: success, wrong, forged, revoked and out-of-scope keys, rate
 * limits and budgets, a provider refusing the gateway's key and a tenant's, admin bad input carrying
 * secrets, every status page, both stores going away, starts that fail on a store or key, a stop.
 * Afterwards no secret appears in what the process wrote, in any answer (but the one create answer that
 * shows a new key once), in the traces it exported, in the files of its data folder or in the database
 * (H2 file, or every PostgreSQL row); and no caller's key in what the providers received.
 */
class SecretsStayOutIT {

    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path workDir;

    /** What each secret is called in a failure message, and its value. */
    final Map<String, String> secrets = new LinkedHashMap<>();
    final List<byte[]> traces = new CopyOnWriteArrayList<>();
    final List<String> exportAuthorizations = new CopyOnWriteArrayList<>();
    /** What the providers received, headers and body: the gateway's providers, and tenant acme's own OpenAI account. */
    final List<String> gatewayProvidersSaw = new CopyOnWriteArrayList<>();
    final List<String> tenantProviderSaw = new CopyOnWriteArrayList<>();
    /** The virtual key of tenant acme's application, which every limit and the tenant's own account apply to. */
    String appKey;
    HttpServer collector;
    FakeUpstream upstream;
    FakeUpstream tenantUpstream;

    @BeforeEach
    void startFakes() throws IOException {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                traces.add(body.readAllBytes());
            }
            // the collector's own token belongs in these headers, and only there
            exportAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, 0);
            exchange.close();
        });
        collector.start();
        upstream = FakeUpstream.start(recorded(gatewayProvidersSaw, Answer.json(200, Recorded.text("openai", "completion.json"))));
        tenantUpstream = FakeUpstream.start(recorded(tenantProviderSaw, Answer.json(200, Recorded.text("openai", "completion.json"))));
    }

    @AfterEach
    void stopFakes() {
        tenantUpstream.close();
        upstream.close();
        collector.stop(0);
    }

    @Test
    void noSecretLeavesTheEmbeddedGateway() throws Exception {
        Path data = workDir.resolve("data");
        Run run = run(Map.of("GATEWAY_DATA_DIR", data.toString()), (gateway, calls) -> { });

        // unset GATEWAY_SECRET_KEY: the gateway made one, and it is a secret like any other
        Path secretKey = data.resolve("secret.key");
        assertThat(secretKey).as("the generated gateway secret key").isRegularFile();
        secrets.put("the generated secret.key", Files.readString(secretKey, StandardCharsets.US_ASCII).trim());
        Path database = data.resolve("caravan.mv.db");
        assertThat(database).as("the embedded database").isRegularFile();

        assertNoSecretIn(run, data, List.of(database, secretKey));
        String stored = Files.readString(database, StandardCharsets.ISO_8859_1);
        assertThat(stored).as("the H2 file holds the keys (by id)").contains(run.keyIds());
        assertNoSecretInTheDatabase(stored, "the H2 database file");
    }

    @Test
    void noSecretLeavesAGatewayOnPostgresAndRedisWithPasswords() throws Exception {
        String databasePassword = "canaryPgPw" + hex(6);
        String redisPassword = "canary-redis-pw-" + hex(6);
        String secretKey = hex(32);
        String auditKey = hex(32);
        secrets.put("the PostgreSQL password", databasePassword);
        secrets.put("the Redis password", redisPassword);
        secrets.put("GATEWAY_SECRET_KEY", secretKey);
        secrets.put("GATEWAY_AUDIT_KEY", auditKey);
        Path data = workDir.resolve("data");

        try (PasswordProtectedStores.Postgres postgres = PasswordProtectedStores.Postgres.create(databasePassword);
             RedisServerProcess redis = RedisServerProcess.startRequired(redisPassword)) {
            Run run = run(Map.of(
                    "GATEWAY_DATA_DIR", data.toString(),
                    "DATABASE_URL", postgres.url(),
                    "REDIS_URL", redis.url(),
                    "GATEWAY_SECRET_KEY", secretKey,
                    "GATEWAY_AUDIT_KEY", auditKey), (gateway, calls) -> {
                // both stores go away: the paths that log about them run too
                redis.close();
                assertThat(calls.chat(appKey, "openai/gpt-4o-mini").statusCode()).as("limits fail open").isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).until(() -> gateway.output().contains("The limit store (redis) cannot be reached"));
                postgres.refuseTheGateway();
                await().atMost(Duration.ofSeconds(20)).until(() -> gateway.output().contains("The key store cannot be read"));
            });

            assertThat(run.output()).contains("Keys and tenants are kept in PostgreSQL 127.0.0.1:5432/")
                    .contains("Limit store: Redis at redis://127.0.0.1:");
            assertThat(run.readiness().at("/limits/store").asText()).isEqualTo("redis");
            assertThat(run.readiness().at("/limits/reachable").asBoolean()).as("Redis took the password").isTrue();
            assertThat(data.resolve("secret.key")).as("no key is generated when one is given").doesNotExist();
            assertNoSecretIn(run, data, List.of());
            String dump = postgres.dump();
            assertThat(dump).as("the database holds the keys (by id)").contains(run.keyIds());
            assertNoSecretInTheDatabase(dump, "the PostgreSQL database");
        }
    }

    @Test
    void aGatewayWhoseStoresRefuseItSaysSoWithoutTheirPasswords() throws Exception {
        String master = "canary-master-2b7e41";
        String databasePassword = "canaryPgPw" + hex(6);
        String redisPassword = "canary-redis-pw-" + hex(6);
        String wrongRedisPassword = "canary-wrong-redis-pw-" + hex(6);
        secrets.put("GATEWAY_MASTER_KEY", master);
        secrets.put("the PostgreSQL password", databasePassword);
        secrets.put("the Redis password", redisPassword);
        secrets.put("a wrong Redis password", wrongRedisPassword);
        List<String> outputs = new ArrayList<>();

        // stores and keys that cannot be used stop the start, each with a message that does not repeat its value
        String missing = "caravan_missing_" + hex(4);
        String redisTypo = "canary-redis-typo-" + hex(6);
        String redisSpace = "canary-redis-space-" + hex(6);
        String shortSecret = "canary-short-secret-" + hex(4);
        secrets.put("a Redis password with a stray %", redisTypo);
        secrets.put("a Redis password with a space", redisSpace);
        secrets.put("a GATEWAY_SECRET_KEY too short", shortSecret);
        for (Map<String, String> refused : List.of(
                Map.of("DATABASE_URL", "postgresql://caravan_e2e_nobody:" + databasePassword + "@127.0.0.1:5432/" + missing),
                Map.of("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/" + missing + "?user=caravan_e2e_nobody&password="
                        + databasePassword),
                Map.of("DATABASE_URL", "postgresql://caravan_e2e_nobody:" + databasePassword + "%zz@127.0.0.1:5432/" + missing),
                Map.of("REDIS_URL", "redis://:" + redisTypo + "%zz@127.0.0.1:6379"),
                Map.of("REDIS_URL", "redis://:" + redisSpace + " x@127.0.0.1:6379"),
                Map.of("GATEWAY_SECRET_KEY", shortSecret))) {
            Map<String, String> environment = new LinkedHashMap<>(refused);
            environment.put("GATEWAY_MASTER_KEY", master);
            environment.put("GATEWAY_DATA_DIR", workDir.resolve("data").toString());
            try (GatewayProcess gateway = GatewayProcess.start(workDir, GatewayUnderTest.freePort(), environment)) {
                assertThat(gateway.awaitExit()).as("%s", refused.keySet()).isNotZero();
                assertThat(gateway.output()).contains("Caravan failed to start");
                outputs.add(gateway.output());
            }
        }

        // a Redis that refuses the password: limits fail open, and the gateway says why
        GatewayCalls calls;
        try (RedisServerProcess redis = RedisServerProcess.startRequired(redisPassword)) {
            GatewayProcess gateway = GatewayProcess.start(workDir, GatewayUnderTest.freePort(), Map.of(
                    "GATEWAY_MASTER_KEY", master, "GATEWAY_DATA_DIR", workDir.resolve("data").toString(),
                    "OPENAI_BASE_URL", upstream.baseUrl(), "OPENAI_API_KEY", "canary-openai-0c3d9a",
                    "REDIS_URL", redis.url().replace(redisPassword, wrongRedisPassword))).awaitReady();
            secrets.put("OPENAI_API_KEY", "canary-openai-0c3d9a");
            calls = new GatewayCalls(gateway, master);
            try {
                String key = key(calls, "limited", "{\"tenant\":\"acme\",\"rpm\":1}", new ArrayList<>(), new ArrayList<>());
                assertThat(calls.chat(key, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
                assertThat(calls.chat(key, "openai/gpt-4o-mini").statusCode()).as("no limit store, no limit").isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).until(() -> gateway.output().contains("The limit store (redis) cannot be reached"));
                HttpResponse<String> ready = calls.call("GET", "/readyz", null);
                assertThat(GatewayCalls.json(ready.body()).at("/limits/reachable").asBoolean()).isFalse();
            } finally {
                outputs.add(gateway.stop());
                gateway.close();
            }
        }

        for (String output : outputs) {
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                assertThat(output).as("the output, for %s", secret.getKey()).doesNotContain(secret.getValue());
            }
        }
        for (GatewayCalls.Answer answer : calls.answers()) {
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                assertThat(withoutTheKeyShownOnce(answer)).as("%s, for %s", answer, secret.getKey())
                        .doesNotContain(secret.getValue());
            }
        }
    }

    /** What one run left behind to look at. */
    record Run(String output, List<GatewayCalls.Answer> answers, JsonNode readiness, List<String> keyIds) {
    }

    /** What happens to the gateway after the traffic, before it stops. */
    @FunctionalInterface
    interface Aftermath {
        void happen(GatewayProcess gateway, GatewayCalls calls) throws Exception;
    }

    private Run run(Map<String, String> store, Aftermath aftermath) throws Exception {
        String master = "canary-master-7f3a9c";
        secrets.put("GATEWAY_MASTER_KEY", master);
        secrets.put("OPENAI_API_KEY", "canary-openai-51bd02");
        secrets.put("ANTHROPIC_API_KEY", "canary-anthropic-c9e1f4");
        secrets.put("GEMINI_API_KEY", "canary-gemini-2a7d66");
        secrets.put("AZURE_OPENAI_API_KEY", "canary-azure-880e13");
        secrets.put("COHERE_API_KEY", "canary-cohere-4b21aa");
        secrets.put("MISTRAL_API_KEY", "canary-mistral-93c0de");
        secrets.put("GROQ_API_KEY", "canary-groq-0d5e77");
        secrets.put("TOGETHER_API_KEY", "canary-together-6f1b28");
        secrets.put("VLLM_API_KEY", "canary-vllm-e47c90");
        secrets.put("AWS_SECRET_ACCESS_KEY", "canary-aws-secret-1c8f52");
        secrets.put("AWS_SESSION_TOKEN", "canary-aws-session-73ad04");
        Map<String, String> environment = new LinkedHashMap<>();
        secrets.forEach((name, value) -> {
            if (name.matches("[A-Z_]+")) {
                environment.put(name, value);
            }
        });
        environment.putAll(store);
        environment.put("AWS_ACCESS_KEY_ID", "AKIDCANARY0000000000");
        for (String provider : List.of("OPENAI", "MISTRAL", "GROQ", "TOGETHER", "VLLM", "COHERE", "GEMINI", "BEDROCK")) {
            environment.put(provider + "_BASE_URL", provider.equals("OPENAI") || provider.equals("VLLM")
                    || provider.equals("MISTRAL") || provider.equals("GROQ") || provider.equals("TOGETHER")
                    ? upstream.baseUrl() : "http://127.0.0.1:" + upstream.port());
        }
        environment.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + upstream.port());
        environment.put("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:" + upstream.port());
        // traces, with prompts and answers in them, go to the test's collector
        environment.put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort());
        environment.put("OTEL_BSP_SCHEDULE_DELAY", "50");
        environment.put("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true");
        String collectorToken = "canary-otlp-token-" + hex(6);
        secrets.put("the OTLP collector's token (OTEL_EXPORTER_OTLP_HEADERS)", collectorToken);
        environment.put("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20" + collectorToken);

        GatewayProcess gateway = GatewayProcess.start(workDir, GatewayUnderTest.freePort(), environment).awaitReady();
        GatewayCalls calls = new GatewayCalls(gateway, master);
        List<String> keyIds = new ArrayList<>();
        List<String> keySecrets = new ArrayList<>();
        JsonNode readiness;
        String output;
        try {
            gatewayKeyTraffic(calls, master);
            virtualKeyTraffic(calls, keyIds, keySecrets);
            adminBadInput(calls);
            for (String path : List.of("/admin/keys", "/admin/keys?tenant=acme", "/admin/tenants", "/admin/tenants/acme",
                    "/admin/tenants/other-team", "/metrics", "/v1/caravan/stats", "/v1/caravan/routing", "/v1/models", "/ui")) {
                assertThat(calls.admin("GET", path, null).statusCode()).as(path).isEqualTo(200);
            }
            for (String id : keyIds) {
                calls.adminGet("/admin/keys/" + id);
            }
            String metrics = calls.admin("GET", "/metrics", null).body();
            assertThat(metrics).as("the metrics hold the virtual keys' calls").contains("tenant=\"acme\"");
            assertThat(calls.call("GET", "/healthz", null).statusCode()).isEqualTo(200);
            HttpResponse<String> ready = calls.call("GET", "/readyz", null);
            assertThat(ready.statusCode()).isEqualTo(200);
            readiness = GatewayCalls.json(ready.body());
            // the traces of virtual-key calls were exported (each span names its key by id)
            await().atMost(Duration.ofSeconds(20)).until(() -> traces().contains(keyIds.get(0)));
            assertThat(exportAuthorizations).as("the exporter sent the collector's token").contains("Bearer " + collectorToken);
            aftermath.happen(gateway, calls);
        } finally {
            output = gateway.stop();
            gateway.close();
        }
        assertThat(output).as("the gateway's output").contains("Caravan listening");
        assertProvidersGotOnlyTheirOwnKeys(master, keySecrets);
        return new Run(output, calls.answers(), readiness, keyIds);
    }

    /** The master key and the gateway's provider keys: right, wrong, and refused by every provider. */
    private void gatewayKeyTraffic(GatewayCalls calls, String master) {
        assertThat(calls.chat(master, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
        assertThat(calls.chat("not-the-key", "openai/gpt-4o-mini").statusCode()).isEqualTo(401);
        assertThat(calls.chat(master + "x", "openai/gpt-4o-mini").statusCode()).isEqualTo(401);
        for (String model : List.of("openai/gpt-4o-mini", "anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash",
                "bedrock/amazon.nova-lite-v1:0", "cohere/command-a-03-2025", "azure/my-deployment",
                "mistral/mistral-small-latest", "groq/llama-3.1-8b-instant", "vllm/any")) {
            // every provider refuses the gateway's key: the paths that log about provider credentials run
            upstream.then(recorded(gatewayProvidersSaw, Answer.json(401, Recorded.text("openai", "error-401.json"))));
            assertThat(calls.chat(master, model).statusCode()).as(model).isEqualTo(502);
        }
    }

    /**
     * Keys of a tenant with its own OpenAI account: used whole, streamed and in Anthropic's dialect, out
     * of scope, over their limits, revoked, and with the tenant's provider refusing the tenant's key.
     */
    private void virtualKeyTraffic(GatewayCalls calls, List<String> keyIds, List<String> keySecrets) throws Exception {
        String tenantKey = "canary-tenant-openai-" + hex(6);
        secrets.put("tenant acme's OpenAI api_key", tenantKey);
        calls.createTenant("{\"id\":\"acme\",\"rpm\":1000,\"budget_usd\":10,\"providers\":{\"openai\":{\"api_key\":\""
                + tenantKey + "\",\"base_url\":\"" + tenantUpstream.baseUrl() + "\"}}}");
        appKey = key(calls, "app", "{\"name\":\"app\",\"tenant\":\"acme\",\"team\":\"search\","
                + "\"models\":[\"openai/gpt-4o-mini\",\"echo/*\"],\"rpm\":100,\"budget_usd\":5}", keyIds, keySecrets);
        String limited = key(calls, "limited", "{\"tenant\":\"acme\",\"rpm\":1}", keyIds, keySecrets);
        String broke = key(calls, "broke", "{\"tenant\":\"acme\",\"budget_usd\":0}", keyIds, keySecrets);
        String revoked = key(calls, "revoked", "{\"tenant\":\"acme\"}", keyIds, keySecrets);
        String other = key(calls, "other", "{\"tenant\":\"other-team\"}", keyIds, keySecrets);
        // a key that looks like a virtual key but is none: what a caller presents is not logged either
        String forged = "ck-" + hex(32);
        secrets.put("a key that was never made", forged);

        assertThat(calls.chat(appKey, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
        assertThat(tenantUpstream.takeRequest().headers().get("Authorization")).as("the tenant's own account is used")
                .isEqualTo("Bearer " + tenantKey);
        tenantUpstream.reset(recorded(tenantProviderSaw, Answer.sse(Recorded.sseEvents("openai", "stream.sse"))));
        HttpResponse<String> streamed = calls.call("POST", "/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\","
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}", "Authorization", "Bearer " + appKey);
        assertThat(streamed.body()).contains("[DONE]");
        tenantUpstream.reset(recorded(tenantProviderSaw, Answer.json(200, Recorded.text("openai", "completion.json"))));
        assertThat(calls.call("POST", "/v1/messages", "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "x-api-key", appKey, "anthropic-version", "2023-06-01")
                .statusCode()).isEqualTo(200);
        assertThat(calls.call("GET", "/v1/models", null, "Authorization", "Bearer " + appKey).statusCode()).isEqualTo(200);
        assertThat(calls.chat(appKey, "openai/gpt-4o").statusCode()).as("out of scope").isEqualTo(403);
        // the tenant's provider refuses the tenant's key: the gateway warns, naming the tenant
        tenantUpstream.then(recorded(tenantProviderSaw, Answer.json(401, Recorded.text("openai", "error-401.json"))));
        assertThat(calls.chat(appKey, "openai/gpt-4o-mini").statusCode()).isEqualTo(502);

        assertThat(calls.chat(limited, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
        HttpResponse<String> overLimit = calls.chat(limited, "openai/gpt-4o-mini");
        assertThat(overLimit.statusCode()).as("over rpm (the limit store works)").isEqualTo(429);
        assertThat(calls.call("POST", "/v1/messages", "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "x-api-key", limited, "anthropic-version", "2023-06-01")
                .statusCode()).isEqualTo(429);
        assertThat(calls.chat(broke, "openai/gpt-4o-mini").statusCode()).as("budget spent").isEqualTo(429);

        assertThat(calls.chat(revoked, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
        calls.revokeKey(keyIds.get(keySecrets.indexOf(revoked)));
        assertThat(calls.chat(revoked, "openai/gpt-4o-mini").statusCode()).isEqualTo(401);
        assertThat(calls.call("POST", "/v1/messages", "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "x-api-key", revoked, "anthropic-version", "2023-06-01")
                .statusCode()).isEqualTo(401);
        assertThat(calls.chat(forged, "openai/gpt-4o-mini").statusCode()).isEqualTo(401);

        // a key of a tenant without an account of its own calls with the gateway's key
        assertThat(calls.chat(other, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
        // a virtual key is no admin key
        assertThat(calls.call("GET", "/admin/keys", null, "Authorization", "Bearer " + appKey).statusCode()).isEqualTo(403);
        assertThat(calls.call("GET", "/metrics", null, "Authorization", "Bearer " + appKey).statusCode()).isEqualTo(403);
        assertThat(calls.call("GET", "/v1/caravan/stats", null, "x-api-key", appKey).statusCode()).isEqualTo(403);

        // the tenant's account changes: the new key is sealed, used, and as secret as the first
        String newTenantKey = "canary-tenant-openai-rotated-" + hex(6);
        secrets.put("tenant acme's rotated OpenAI api_key", newTenantKey);
        GatewayCalls.ok(calls.admin("PATCH", "/admin/tenants/acme", "{\"providers\":{\"openai\":{\"api_key\":\""
                + newTenantKey + "\",\"base_url\":\"" + tenantUpstream.baseUrl() + "\"}}}"), 200);
        GatewayCalls.ok(calls.admin("PATCH", "/admin/keys/" + keyIds.get(0), "{\"rpm\":200,\"metadata\":{\"plan\":\"paid\"}}"), 200);
        tenantUpstream.reset(recorded(tenantProviderSaw, Answer.json(200, Recorded.text("openai", "completion.json"))));
        assertThat(calls.chat(appKey, "openai/gpt-4o-mini").statusCode()).isEqualTo(200);
        assertThat(tenantUpstream.takeRequest().headers().get("Authorization")).isEqualTo("Bearer " + newTenantKey);
    }

    /** Admin mistakes, some of them carrying a secret in the very field they get wrong. */
    private void adminBadInput(GatewayCalls calls) {
        String tenantKey = secrets.get("tenant acme's rotated OpenAI api_key");
        List<String[]> mistakes = List.of(
                new String[] {"POST", "/admin/keys", "{\"tenant\":\"acme\",\"rpm\":\"sixty\"}"},
                new String[] {"POST", "/admin/keys", "{\"tenant\":\"acme\",\"api_key\":\"" + tenantKey + "\"}"},
                new String[] {"POST", "/admin/keys", "{\"tenant\":\"not a tenant id " + tenantKey + "\"}"},
                new String[] {"POST", "/admin/keys", "{\"tenant\":\"acme\",\"name\":\"" + tenantKey},
                new String[] {"POST", "/admin/tenants", "{\"id\":\"acme\"}"},
                new String[] {"POST", "/admin/tenants", "{\"id\":\"t2\",\"providers\":{\"nosuch\":{\"api_key\":\"" + tenantKey + "\"}}}"},
                new String[] {"POST", "/admin/tenants", "{\"id\":\"t3\",\"providers\":{\"openai\":{\"api_key\":\"" + tenantKey
                        + "\",\"base_url\":\"ftp://" + tenantKey + "\"}}}"},
                new String[] {"PATCH", "/admin/tenants/acme", "{\"providers\":{\"openai\":{\"api_key\":[\"" + tenantKey + "\"]}}}"},
                new String[] {"PATCH", "/admin/tenants/acme", "{\"providers\":{\"openai\":{\"secret\":\"" + tenantKey + "\"}}}"},
                new String[] {"GET", "/admin/keys/key_nope", null},
                new String[] {"DELETE", "/admin/tenants/nope", null});
        for (String[] mistake : mistakes) {
            int status = calls.admin(mistake[0], mistake[1], mistake[2]).statusCode();
            assertThat(status).as("%s %s %s", mistake[0], mistake[1], mistake[2]).isBetween(400, 499);
        }
        assertThat(calls.call("GET", "/admin/keys", null).statusCode()).isEqualTo(401);
    }

    private String key(GatewayCalls calls, String name, String json, List<String> ids, List<String> secretsOfKeys) {
        JsonNode created = calls.createKey(json);
        String secret = created.get("key").asText();
        ids.add(created.get("id").asText());
        secretsOfKeys.add(secret);
        secrets.put("virtual key '" + name + "'", secret);
        return secret;
    }

    private void assertNoSecretIn(Run run, Path data, List<Path> stores) throws IOException {
        Map<String, String> places = new LinkedHashMap<>();
        places.put("the gateway's output", run.output());
        for (GatewayCalls.Answer answer : run.answers()) {
            places.put("the answer to " + answer.method() + " " + answer.path() + " (" + places.size() + ")",
                    withoutTheKeyShownOnce(answer));
        }
        places.put("the exported traces", traces());
        try (Stream<Path> files = Files.exists(data) ? Files.walk(data) : Stream.empty()) {
            for (Path file : files.filter(Files::isRegularFile).filter(file -> !stores.contains(file)).toList()) {
                places.put("the data folder's " + data.relativize(file), Files.readString(file, StandardCharsets.ISO_8859_1));
            }
        }
        for (Map.Entry<String, String> place : places.entrySet()) {
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                assertThat(place.getValue()).as("%s, for %s", place.getKey(), secret.getKey()).doesNotContain(secret.getValue());
            }
        }
    }

    /** Keys are stored as digests and tenants' provider keys sealed: a copy of the database shows no secret at all. */
    private void assertNoSecretInTheDatabase(String stored, String where) {
        secrets.forEach((name, value) -> assertThat(stored).as("%s, for %s", where, name).doesNotContain(value));
    }

    /** What the providers received: each its own key (the gateway's or the tenant's), never a caller's. */
    private void assertProvidersGotOnlyTheirOwnKeys(String master, List<String> keySecrets) {
        String gatewayProviders = String.join("\n", gatewayProvidersSaw);
        String tenantProvider = String.join("\n", tenantProviderSaw);
        assertThat(tenantProvider).as("the tenant's provider").contains(secrets.get("tenant acme's OpenAI api_key"))
                .doesNotContain(secrets.get("OPENAI_API_KEY"));
        for (String seen : List.of(gatewayProviders, tenantProvider)) {
            assertThat(seen).as("a provider's requests").doesNotContain(master);
            keySecrets.forEach(secret -> assertThat(seen).as("a provider's requests").doesNotContain(secret));
        }
        secrets.forEach((name, value) -> {
            if (name.startsWith("tenant ")) {
                assertThat(gatewayProviders).as("the gateway's providers, for %s", name).doesNotContain(value);
            }
        });
    }

    /** {@code answer}, and what the provider received written down first. */
    private static Answer recorded(List<String> into, Answer answer) {
        return exchange -> {
            into.add(exchange.request().method() + " " + exchange.request().uri() + "\n" + exchange.request().headers()
                    + "\n" + exchange.body());
            answer.answer(exchange);
        };
    }

    /** An answer as the client saw it; the create answer of a key without the secret it is there to show once. */
    private static String withoutTheKeyShownOnce(GatewayCalls.Answer answer) {
        if (answer.method().equals("POST") && answer.path().equals("/admin/keys") && answer.status() == 201) {
            ObjectNode created = (ObjectNode) GatewayCalls.json(answer.body());
            assertThat(created.remove("key")).isNotNull();
            return answer.headers() + "\n" + created;
        }
        return answer.toString();
    }

    private String traces() {
        StringBuilder all = new StringBuilder();
        // protobuf keeps strings as UTF-8 bytes: a secret in an attribute is there byte for byte
        traces.forEach(export -> all.append(new String(export, StandardCharsets.ISO_8859_1)));
        return all.toString();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
