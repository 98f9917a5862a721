package caravan.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import caravan.providers.anthropic.AnthropicSettings;
import caravan.providers.azure.AzureSettings;
import caravan.providers.bedrock.BedrockCodec;
import caravan.providers.bedrock.BedrockSettings;
import caravan.providers.cohere.CohereCodec;
import caravan.providers.gemini.GeminiSettings;
import caravan.providers.openai.OpenAiSettings;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.util.URISupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code provider:} endpoint takes the options every provider has and binds the rest onto its codec's own
 * settings, as Camel binds options: by setter, the name in any case. Each endpoint has a codec of its own. A
 * parameter that neither takes (misspelt, or another codec's) fails the endpoint with Camel's usual error,
 * naming it; secrets stay out of the URIs Camel logs.
 */
class CodecSettingsBindingTest {

    private static ProviderEndpoints endpoints;

    @BeforeAll
    static void start() {
        endpoints = new ProviderEndpoints();
    }

    @AfterAll
    static void stop() throws Exception {
        endpoints.close();
    }

    // ---- binding, per codec

    @Test
    void bedrockTakesItsRegionAndCredentials() {
        ProviderEndpoint endpoint = endpoint("provider:bedrock-eu?codec=bedrock&region=eu-central-1"
                + "&accessKey=RAW(AKIDEXAMPLE)&secretKey=RAW(wJalr+XUtn/FEMI)&sessionToken=RAW(FwoG+ZXIv)&keyRequired=true");

        assertThat(endpoint.codec()).isInstanceOf(BedrockCodec.class);
        BedrockSettings settings = (BedrockSettings) endpoint.codec().settings();
        assertThat(settings.getRegion()).isEqualTo("eu-central-1");
        assertThat(settings.getAccessKey()).isEqualTo("AKIDEXAMPLE");
        assertThat(settings.getSecretKey()).as("RAW keeps the '+' of a secret key").isEqualTo("wJalr+XUtn/FEMI");
        assertThat(settings.getSessionToken()).isEqualTo("FwoG+ZXIv");
        assertThat(endpoint.isKeyRequired()).isTrue();
        UpstreamSettings upstream = endpoint.settings(endpoint.codec());
        assertThat(upstream.baseUrl()).as("the default base URL comes from the region")
                .isEqualTo("https://bedrock-runtime.eu-central-1.amazonaws.com");
        assertThat(endpoint.codec().hasCredentials(upstream)).isTrue();
    }

    @Test
    void bedrockWithoutItsKeysHasNoCredentialsWhateverTheApiKey() {
        ProviderEndpoint endpoint = endpoint("provider:bedrock-keyless?codec=bedrock&region=us-west-2&apiKey=RAW(sk-1)"
                + "&accessKey=RAW(AKIDEXAMPLE)");

        assertThat(endpoint.codec().hasCredentials(endpoint.settings(endpoint.codec()))).isFalse();
    }

    @Test
    void optionNamesAreMatchedInAnyCase() {
        ProviderEndpoint endpoint = endpoint("provider:bedrock-case?codec=bedrock&REGION=ap-south-1&AccessKey=RAW(AK)"
                + "&secretkey=RAW(SK)");

        BedrockSettings settings = (BedrockSettings) endpoint.codec().settings();
        assertThat(settings.getRegion()).isEqualTo("ap-south-1");
        assertThat(settings.hasCredentials()).isTrue();
    }

    @Test
    void anthropicAzureAndGeminiTakeTheirApiVersions() {
        assertThat(((AnthropicSettings) endpoint("provider:anthropic?codec=anthropic&apiVersion=2024-01-01")
                .codec().settings()).getApiVersion()).isEqualTo("2024-01-01");
        assertThat(((AzureSettings) endpoint("provider:azure?codec=azure&apiVersion=2025-01-01-preview")
                .codec().settings()).getApiVersion()).isEqualTo("2025-01-01-preview");
        assertThat(((GeminiSettings) endpoint("provider:gemini?codec=gemini&apiVersion=v1")
                .codec().settings()).getApiVersion()).isEqualTo("v1");
        assertThat(((AnthropicSettings) endpoint("provider:anthropic-default?codec=anthropic&apiVersion=")
                .codec().settings()).getApiVersion()).as("an empty setting keeps the codec's default").isEqualTo("2023-06-01");
    }

    @Test
    void theOpenAiCodecAsksForAStreamsUsageUnlessTold() {
        ProviderEndpoint mistral = endpoint("provider:mistral?codec=openai&askForStreamUsage=false"
                + "&genAiProviderName=mistral_ai");
        ProviderEndpoint openAi = endpoint("provider:openai?codec=openai");

        assertThat(((OpenAiSettings) mistral.codec().settings()).isAskForStreamUsage()).isFalse();
        assertThat(mistral.genAiProviderName(mistral.codec())).isEqualTo("mistral_ai");
        assertThat(((OpenAiSettings) openAi.codec().settings()).isAskForStreamUsage()).isTrue();
        assertThat(openAi.genAiProviderName(openAi.codec())).isEqualTo("openai");
    }

    @Test
    void theCommonOptionsStayTheEndpoints() {
        ProviderEndpoint endpoint = endpoint("provider:cohere?codec=cohere&baseUrl=http://127.0.0.1:9/&apiKey=RAW(co-key)"
                + "&connectTimeoutMs=700&upstreamTimeoutMs=9000&maxConnections=3");

        assertThat(endpoint.codec()).isInstanceOf(CohereCodec.class);
        assertThat(endpoint.codec().settings()).as("Cohere reads nothing more").isNull();
        assertThat(endpoint.settings(endpoint.codec())).isEqualTo(new UpstreamSettings("cohere", "http://127.0.0.1:9", "co-key"));
        assertThat(endpoint.getConnectTimeoutMs()).isEqualTo(700);
        assertThat(endpoint.getUpstreamTimeoutMs()).isEqualTo(9000);
        assertThat(endpoint.getMaxConnections()).isEqualTo(3);
    }

    @Test
    void eachEndpointHasACodecAndSettingsOfItsOwn() {
        ProviderEndpoint eu = endpoint("provider:bedrock-one?codec=bedrock&region=eu-west-1");
        ProviderEndpoint us = endpoint("provider:bedrock-two?codec=bedrock&region=us-east-2");

        assertThat(eu.codec()).isNotSameAs(us.codec());
        assertThat(((BedrockSettings) eu.codec().settings()).getRegion()).isEqualTo("eu-west-1");
        assertThat(((BedrockSettings) us.codec().settings()).getRegion()).isEqualTo("us-east-2");
        assertThat(eu.createProducer()).as("the producer calls the endpoint's codec").isNotNull();
    }

    @Test
    void echoHasNoCodec() {
        ProviderEndpoint echo = endpoint("provider:echo?codec=echo&chunkDelayMs=5");

        assertThat(echo.codec()).isNull();
        assertThat(echo.getChunkDelayMs()).isEqualTo(5);
        assertThat(echo.createProducer()).isInstanceOf(EchoProducer.class);
    }

    // ---- what no part knows fails the endpoint

    @Test
    void aMisspeltOptionFailsTheEndpointNamingIt() {
        Throwable failure = failure("provider:bedrock-typo?codec=bedrock&regionn=eu-west-1&accessKey=RAW(AK)");

        assertThat(failure).isInstanceOf(ResolveEndpointFailedException.class)
                .hasMessageContaining("There are 1 parameters that couldn't be set on the endpoint")
                .hasMessageContaining("regionn");
    }

    @Test
    void anotherCodecsOptionIsUnknownHere() {
        assertThat(failure("provider:anthropic-region?codec=anthropic&region=eu-west-1"))
                .isInstanceOf(ResolveEndpointFailedException.class).hasMessageContaining("region");
        assertThat(failure("provider:cohere-version?codec=cohere&apiVersion=2024-01-01"))
                .isInstanceOf(ResolveEndpointFailedException.class).hasMessageContaining("apiVersion");
        assertThat(failure("provider:openai-version?codec=openai&apiVersion=2024-01-01&region=x"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .hasMessageContaining("There are 2 parameters").hasMessageContaining("apiVersion").hasMessageContaining("region");
        assertThat(failure("provider:echo-region?codec=echo&region=eu-west-1"))
                .isInstanceOf(ResolveEndpointFailedException.class).hasMessageContaining("region");
    }

    @Test
    void onlyASettingsSetterBindsNotItsOtherMethods() {
        assertThat(failure("provider:bedrock-method?codec=bedrock&hasCredentials=true"))
                .isInstanceOf(ResolveEndpointFailedException.class).hasMessageContaining("hasCredentials");
        assertThat(failure("provider:openai-factory?codec=openai&askingForStreamUsage=false"))
                .isInstanceOf(ResolveEndpointFailedException.class).hasMessageContaining("askingForStreamUsage");
    }

    @Test
    void anUnknownCodecFailsTheEndpoint() {
        assertThat(failure("provider:nowhere?codec=carrier-pigeon")).hasStackTraceContaining("names an unknown codec 'carrier-pigeon'");
    }

    // ---- secrets

    @Test
    void theUrisCamelLogsMaskEverySecretOption() {
        ProviderEndpoint endpoint = endpoint("provider:bedrock-secrets?codec=bedrock&region=eu-west-1"
                + "&accessKey=AKIDCANARY1&secretKey=canary-secret-2&sessionToken=canary-token-3&apiKey=canary-key-4");

        for (String logged : new String[] {URISupport.sanitizeUri(endpoint.getEndpointUri()), endpoint.toString(),
                endpoint.codec().settings().toString(), endpoint.settings(endpoint.codec()).toString()}) {
            assertThat(logged).doesNotContain("AKIDCANARY1", "canary-secret-2", "canary-token-3", "canary-key-4");
        }
        assertThat(URISupport.sanitizeUri(endpoint.getEndpointUri())).contains("region=eu-west-1");
    }

    private static ProviderEndpoint endpoint(String uri) {
        return endpoints.endpoint(uri);
    }

    private static Throwable failure(String uri) {
        Throwable failure = catchThrowable(() -> endpoints.context().getEndpoint(uri));
        assertThat(failure).as(uri).isNotNull();
        return failure;
    }
}
