package caravan.providers;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import caravan.api.ProviderAccount;
import caravan.routing.RoutingTestSupport;
import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import caravan.testing.TenantFixture;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant's calls use its own provider accounts where it has them, else the gateway's, and never another
 * tenant's: each fake upstream answers only the credential it expects, and the test checks what each one
 * received. Nothing any of it logs carries a key.
 */
class TenantProviderAccountsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY_KEY = "sk-gateway-0f4e1c";
    private static final String KEY_A = "sk-tenant-a-5e3c88";
    private static final String KEY_B = "sk-tenant-b-9d2177";
    private static final String KEY_ONLY_D = "sk-tenant-d-a61b03";
    private static final String REVOKED_KEY_C = "sk-tenant-c-revoked-4b6d";
    private static final String ANTHROPIC_KEY_A = "sk-ant-tenant-a-77f0a1";
    private static final String BEDROCK_KEY_A = "bedrock-api-key-tenant-a-31c9";
    private static final List<String> SECRETS = List.of(GATEWAY_KEY, KEY_A, KEY_B, KEY_ONLY_D, REVOKED_KEY_C,
            ANTHROPIC_KEY_A, BEDROCK_KEY_A);

    @TempDir
    static Path workDir;
    static FakeUpstream gatewayOpenAi;
    static FakeUpstream openAiA;
    static FakeUpstream openAiB;
    static FakeUpstream anthropicA;
    static FakeUpstream bedrockA;
    static GatewayUnderTest gateway;

    /** Everything logged while the class runs, the gateway's start included. */
    static final List<String> logged = new CopyOnWriteArrayList<>();
    static final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            StringBuilder line = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " "
                    + event.getFormattedMessage() + " " + event.getMDCPropertyMap());
            for (IThrowableProxy failure = event.getThrowableProxy(); failure != null; failure = failure.getCause()) {
                line.append(" | ").append(failure.getClassName()).append(": ").append(failure.getMessage());
            }
            logged.add(line.toString());
        }
    };
    static Level caravanLevel;

    @BeforeAll
    static void start() throws Exception {
        gatewayOpenAi = FakeUpstream.start(openAi(GATEWAY_KEY, KEY_ONLY_D));
        openAiA = FakeUpstream.start(openAi(KEY_A));
        openAiB = FakeUpstream.start(openAi(KEY_B));
        anthropicA = FakeUpstream.start(anthropic());
        bedrockA = FakeUpstream.start(bedrock());

        RoutingTestSupport.copyProject(workDir);
        RoutingTestSupport.writePolicy(workDir, "shadowed", """
                - route:
                    id: shadowed
                    group: policies
                    from:
                      uri: direct:shadowed
                      steps:
                        - wireTap:
                            uri: mirror:openai/candidate-model
                        - to: model:openai/primary-model
                """);
        TenantFixture.install(workDir);
        TenantFixture tenants = new TenantFixture()
                .register(TenantFixture.key("key-a", "tenant-a", "search", null, "{}"), TenantFixture.tenant("tenant-a", Map.of(
                        "openai", new ProviderAccount(KEY_A, openAiA.baseUrl()),
                        "anthropic", new ProviderAccount(ANTHROPIC_KEY_A, "http://127.0.0.1:" + anthropicA.port()),
                        "bedrock", new ProviderAccount(BEDROCK_KEY_A, "http://127.0.0.1:" + bedrockA.port())), "{}"))
                .register(null, TenantFixture.tenant("tenant-b", Map.of(
                        "openai", new ProviderAccount(KEY_B, openAiB.baseUrl())), "{}"))
                .register(null, TenantFixture.tenant("tenant-c", Map.of(
                        "openai", new ProviderAccount(REVOKED_KEY_C, openAiA.baseUrl())), "{}"))
                .register(null, TenantFixture.tenant("tenant-d", Map.of(
                        "openai", new ProviderAccount(KEY_ONLY_D, null)), "{}"))
                .register(null, TenantFixture.tenant("tenant-without-accounts", Map.of(), "{}"));

        Logger caravan = (Logger) LoggerFactory.getLogger("caravan");
        caravanLevel = caravan.getLevel();
        caravan.setLevel(Level.DEBUG);
        capture.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(capture);
        gateway = GatewayUnderTest.builder().workDir(workDir)
                .bean(TenantFixture.BEAN, tenants)
                .property("providers.openai.base-url", gatewayOpenAi.baseUrl())
                .property("providers.openai.api-key", GATEWAY_KEY)
                // the gateway has no key for Anthropic nor Bedrock: the echo provider stands in for them
                .property("providers.anthropic.base-url", "https://api.anthropic.com")
                .property("providers.anthropic.api-key", "")
                .property("providers.bedrock.base-url", "")
                .property("providers.bedrock.access-key", "")
                .property("providers.bedrock.secret-key", "")
                .start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(capture);
        ((Logger) LoggerFactory.getLogger("caravan")).setLevel(caravanLevel);
        for (FakeUpstream upstream : new FakeUpstream[] {gatewayOpenAi, openAiA, openAiB, anthropicA, bedrockA}) {
            upstream.close();
        }
    }

    @BeforeEach
    void forgetEarlierRequests() {
        gatewayOpenAi.reset(openAi(GATEWAY_KEY, KEY_ONLY_D));
        openAiA.reset(openAi(KEY_A));
        openAiB.reset(openAi(KEY_B));
        anthropicA.reset(anthropic());
        bedrockA.reset(bedrock());
    }

    @Test
    void eachTenantIsServedThroughItsOwnAccountWithItsOwnKey() throws Exception {
        assertThat(chat("openai/gpt-4o-mini", "tenant-a").statusCode()).isEqualTo(200);
        assertThat(chat("openai/gpt-4o-mini", "tenant-b").statusCode()).isEqualTo(200);

        assertThat(openAiA.takeRequest().headers().get("Authorization")).isEqualTo("Bearer " + KEY_A);
        assertThat(openAiB.takeRequest().headers().get("Authorization")).isEqualTo("Bearer " + KEY_B);
        assertThat(gatewayOpenAi.requestCount()).as("the gateway's account was not used").isZero();
        assertThat(openAiA.requestCount() + openAiB.requestCount()).isZero();
    }

    @Test
    void aCallerWithoutAccountsIsServedWithTheGatewaysKey() throws Exception {
        assertThat(chat("openai/gpt-4o-mini", null).statusCode()).isEqualTo(200);
        assertThat(chat("openai/gpt-4o-mini", "tenant-without-accounts").statusCode()).isEqualTo(200);

        assertThat(gatewayOpenAi.takeRequest().headers().get("Authorization")).isEqualTo("Bearer " + GATEWAY_KEY);
        assertThat(gatewayOpenAi.takeRequest().headers().get("Authorization")).isEqualTo("Bearer " + GATEWAY_KEY);
        assertThat(openAiA.requestCount() + openAiB.requestCount()).isZero();
    }

    @Test
    void anAccountWithoutABaseUrlSendsTheTenantsKeyToTheGatewaysBaseUrl() throws Exception {
        assertThat(chat("openai/gpt-4o-mini", "tenant-d").statusCode()).isEqualTo(200);

        assertThat(gatewayOpenAi.takeRequest().headers().get("Authorization")).isEqualTo("Bearer " + KEY_ONLY_D);
    }

    @Test
    void aProviderTheGatewayHasNoKeyForIsCalledWithTheTenantsKeyInsteadOfTheEchoStandIn() throws Exception {
        HttpResponse<String> echoed = chat("anthropic/claude-haiku-4-5", null);
        HttpResponse<String> anthropic = chat("anthropic/claude-haiku-4-5", "tenant-a");

        assertThat(echoed.headers().firstValue("x-caravan-provider")).as("the gateway's own call").hasValue("echo");
        assertThat(anthropic.statusCode()).as(anthropic.body()).isEqualTo(200);
        assertThat(anthropic.headers().firstValue("x-caravan-provider")).hasValue("anthropic");
        FakeUpstream.Received received = anthropicA.takeRequest();
        assertThat(received.path()).isEqualTo("/v1/messages");
        assertThat(received.headers().get("x-api-key")).isEqualTo(ANTHROPIC_KEY_A);
        assertThat(received.headers().get("Authorization")).isNull();
    }

    @Test
    void aTenantsBedrockKeyIsSentAsABearerTokenAndNothingIsSigned() throws Exception {
        HttpResponse<String> echoed = chat("bedrock/amazon.nova-lite-v1:0", null);
        HttpResponse<String> bedrock = chat("bedrock/amazon.nova-lite-v1:0", "tenant-a");

        assertThat(echoed.headers().firstValue("x-caravan-provider")).as("the gateway's own call").hasValue("echo");
        assertThat(bedrock.statusCode()).as(bedrock.body()).isEqualTo(200);
        assertThat(bedrock.headers().firstValue("x-caravan-provider")).hasValue("bedrock");
        FakeUpstream.Received received = bedrockA.takeRequest();
        assertThat(received.path()).isEqualTo("/model/amazon.nova-lite-v1%3A0/converse");
        assertThat(received.headers().get("Authorization")).isEqualTo("Bearer " + BEDROCK_KEY_A);
        assertThat(received.headers().get("X-Amz-Date")).as("no SigV4 signature").isNull();
    }

    @Test
    void aMirroredCallOfATenantUsesThatTenantsAccount() throws Exception {
        for (String tenant : List.of("tenant-a", "tenant-b")) {
            FakeUpstream own = tenant.equals("tenant-a") ? openAiA : openAiB;
            String key = tenant.equals("tenant-a") ? KEY_A : KEY_B;

            assertThat(chat("shadowed", tenant).statusCode()).isEqualTo(200);

            List<FakeUpstream.Received> received = List.of(own.takeRequest(), own.takeRequest());
            assertThat(received).extracting(request -> request.json().get("model").asText())
                    .containsExactlyInAnyOrder("primary-model", "candidate-model");
            assertThat(received).extracting(request -> request.headers().get("Authorization"))
                    .containsOnly("Bearer " + key);
        }
        assertThat(gatewayOpenAi.requestCount()).isZero();
        assertThat(openAiA.requestCount() + openAiB.requestCount()).isZero();
    }

    @Test
    void concurrentCallsOfDifferentTenantsNeverShareAnAccount() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String tenant = switch (i % 3) {
                case 0 -> "tenant-a";
                case 1 -> "tenant-b";
                default -> null;
            };
            calls.add(GatewayUnderTest.http().sendAsync(chatRequest("openai/gpt-4o-mini", tenant),
                    HttpResponse.BodyHandlers.ofString()));
        }

        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertThat(call.join().statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(openAiA.takeRequest().headers().get("Authorization")).isEqualTo("Bearer " + KEY_A);
            assertThat(openAiB.takeRequest().headers().get("Authorization")).isEqualTo("Bearer " + KEY_B);
            assertThat(gatewayOpenAi.takeRequest().headers().get("Authorization")).isEqualTo("Bearer " + GATEWAY_KEY);
        }
    }

    @Test
    void aTenantKeyTheProviderRefusesIsReportedAsTheTenantsNotTheGateways() throws Exception {
        HttpResponse<String> response = chat("openai/gpt-4o-mini", "tenant-c");

        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("provider_authentication_error");
        assertThat(error.get("message").asText()).contains("your tenant's own account").doesNotContain(REVOKED_KEY_C);
        assertThat(logged).anySatisfy(line -> assertThat(line)
                .startsWith("WARN caravan.providers.ProviderCredentials").contains("'openai'").contains("tenant 'tenant-c'"));
        assertThat(logged).noneMatch(line -> line.contains("to the gateway's credentials"));
    }

    @Test
    void noKeyReachesTheLog() throws Exception {
        // every path that might log: each tenant's calls, a refused key, a mirror, the gateway's own call
        chat("openai/gpt-4o-mini", "tenant-a");
        chat("openai/gpt-4o-mini", "tenant-c");
        chat("openai/gpt-4o-mini", "tenant-d");
        chat("anthropic/claude-haiku-4-5", "tenant-a");
        chat("bedrock/amazon.nova-lite-v1:0", "tenant-a");
        chat("shadowed", "tenant-b");
        chat("openai/gpt-4o-mini", null);
        openAiB.takeRequest();
        openAiB.takeRequest();

        assertThat(logged).isNotEmpty();
        for (String secret : SECRETS) {
            assertThat(logged).noneMatch(line -> line.contains(secret));
        }
    }

    private static HttpResponse<String> chat(String model, String tenant) {
        return GatewayUnderTest.send(chatRequest(model, tenant));
    }

    /** A chat request, made as {@code tenant}'s key would make it (as the master key's caller when null). */
    private static HttpRequest chatRequest(String model, String tenant) {
        HttpRequest.Builder request = gateway.request("/v1/chat/completions").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        if (tenant != null) {
            request.header(TenantFixture.HEADER, tenant);
        }
        return request.build();
    }

    private static Answer anthropic() {
        return requiring("x-api-key", Set.of(ANTHROPIC_KEY_A), Answer.json(200, Recorded.text("anthropic", "message.json")),
                Answer.json(401, Recorded.text("anthropic", "error-401.json")));
    }

    /** Bedrock refuses credentials it does not recognise with a 403. */
    private static Answer bedrock() {
        return requiring("Authorization", Set.of("Bearer " + BEDROCK_KEY_A),
                Answer.json(200, Recorded.text("bedrock", "completion.json")),
                Answer.json(403, Recorded.text("bedrock", "errors/invalid-signature-403.json")));
    }

    private static Answer openAi(String... acceptedKeys) {
        Set<String> accepted = new HashSet<>();
        for (String key : acceptedKeys) {
            accepted.add("Bearer " + key);
        }
        return requiring("Authorization", accepted, Answer.json(200, Recorded.text("openai", "completion.json")),
                Answer.json(401, Recorded.text("openai", "error-401.json")));
    }

    /** {@code ok} to a request whose {@code header} is one of {@code accepted}, else {@code refused}, as the provider would. */
    private static Answer requiring(String header, Set<String> accepted, Answer ok, Answer refused) {
        return exchange -> (accepted.contains(exchange.request().getHeader(header)) ? ok : refused).answer(exchange);
    }
}
