package caravan.e2e;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import caravan.testing.FakeUpstream;
import caravan.testing.FakeUpstream.Answer;
import caravan.testing.GatewayUnderTest;
import caravan.testing.Recorded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar started with a canary value for every secret it can be given: after a start, traffic
 * that touches every path that logs (a refused key, a provider refusing the gateway's key, status pages)
 * and a stop, no canary appears anywhere in what it wrote or answered.
 */
class SecretsStayOutIT {

    @TempDir
    Path workDir;

    @Test
    void noSecretReachesTheLogOrAnAnswer() throws Exception {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("GATEWAY_MASTER_KEY", "canary-master-7f3a9c");
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
        String master = secrets.get("GATEWAY_MASTER_KEY");

        try (FakeUpstream upstream = FakeUpstream.start(Answer.json(200, Recorded.text("openai", "completion.json")))) {
            Map<String, String> environment = new LinkedHashMap<>(secrets);
            environment.put("AWS_ACCESS_KEY_ID", "AKIDCANARY0000000000");
            for (String provider : List.of("OPENAI", "MISTRAL", "GROQ", "TOGETHER", "VLLM", "COHERE", "GEMINI", "BEDROCK")) {
                environment.put(provider + "_BASE_URL", provider.equals("OPENAI") || provider.equals("VLLM")
                        || provider.equals("MISTRAL") || provider.equals("GROQ") || provider.equals("TOGETHER")
                        ? upstream.baseUrl() : "http://127.0.0.1:" + upstream.port());
            }
            environment.put("ANTHROPIC_BASE_URL", "http://127.0.0.1:" + upstream.port());
            environment.put("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:" + upstream.port());
            GatewayProcess gateway = GatewayProcess.start(workDir, GatewayUnderTest.freePort(), environment).awaitReady();
            List<String> answers = new ArrayList<>();
            String everything;
            try {
                HttpClient http = HttpClient.newHttpClient();
                answers.add(call(http, gateway, "/v1/chat/completions", chat("openai/gpt-4o-mini"), master));
                answers.add(call(http, gateway, "/v1/chat/completions", chat("openai/gpt-4o-mini"), "not-the-key"));
                answers.add(call(http, gateway, "/v1/chat/completions", chat("openai/gpt-4o-mini"), master + "x"));
                for (String model : List.of("openai/gpt-4o-mini", "anthropic/claude-haiku-4-5", "gemini/gemini-2.5-flash",
                        "bedrock/amazon.nova-lite-v1:0", "cohere/command-a-03-2025", "azure/my-deployment",
                        "mistral/mistral-small-latest", "groq/llama-3.1-8b-instant", "vllm/any")) {
                    // every provider refuses the gateway's key: the paths that log about provider credentials run
                    upstream.then(Answer.json(401, Recorded.text("openai", "error-401.json")));
                    answers.add(call(http, gateway, "/v1/chat/completions", chat(model), master));
                }
                answers.add(get(http, gateway, "/metrics", master));
                answers.add(get(http, gateway, "/v1/caravan/stats", master));
                answers.add(get(http, gateway, "/v1/caravan/routing", master));
                answers.add(get(http, gateway, "/v1/models", master));
            } finally {
                everything = gateway.stop();
                gateway.close();
            }

            assertThat(everything).as("the gateway's output").contains("Caravan listening");
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                assertThat(everything).as("the output, for " + secret.getKey()).doesNotContain(secret.getValue());
                for (String answer : answers) {
                    assertThat(answer).as("an answer, for " + secret.getKey()).doesNotContain(secret.getValue());
                }
            }
        }
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static String call(HttpClient http, GatewayProcess gateway, String path, String body, String key)
            throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return response.headers().map() + "\n" + response.body();
    }

    private static String get(HttpClient http, GatewayProcess gateway, String path, String key) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.headers().map() + "\n" + response.body();
    }
}
